"""Today's web client (mefmax/fypfixer Frontend): its calls, as it makes them.

Credentialed CORS from its origin, TikTok sign-in (TikTok faked with `responses`: no test
reaches the internet), start-up calls, any category code, category subscriptions, the
premium waitlist.
"""

import json
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import CategorySubscription, WaitlistEntry
from conftest import client_for, make_category, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

ORIGIN = "http://127.0.0.1:5173"
REDIRECT_URI = "http://127.0.0.1:5173/auth/tiktok/callback"
TOKEN_URL = "https://open.tiktokapis.com/v2/oauth/token/"
USER_INFO_URL = "https://open.tiktokapis.com/v2/user/info/"
VERIFIER = "v" * 64


@pytest.fixture(autouse=True)
def tiktok_app(settings):
    """The keys of our app in TikTok's developer portal (fake ones)."""
    settings.TIKTOK_CLIENT_KEY = "test-client-key"
    settings.TIKTOK_CLIENT_SECRET = "test-client-secret"


@pytest.fixture
def catalogue(db):
    growth = make_category("personal_growth", "Personal Growth", icon="🌱", description_en="Grow a little every day")
    wellness = make_category("wellness", "Wellness", icon="🧘")
    make_category("creative", "Creative")
    make_category("learning", "Learning")
    food = make_category("food", "Food", icon="🍳", is_premium=True, coming_soon=True, price="4.99")
    make_plan(category=growth, title="Growth template", steps=3)
    make_plan(category=wellness, title="Wellness template", steps=2)
    return {"growth": growth, "wellness": wellness, "food": food}


class TikTok:
    """A fake TikTok Login Kit v2: one authorization code, one user."""

    def __init__(self, mocked, open_id="tiktok-open-id-1", code="good-code"):
        self.open_id, self.code = open_id, code
        self.token_requests = []
        mocked.add_callback(responses.POST, TOKEN_URL, callback=self.token)
        mocked.add_callback(responses.GET, USER_INFO_URL, callback=self.user_info)

    def token(self, request):
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        self.token_requests.append(form)
        if form.get("code") != self.code or form.get("code_verifier") != VERIFIER:
            # TikTok answers errors in the body (its status is not to be trusted).
            return (
                200,
                {},
                json.dumps({"error": "invalid_grant", "error_description": "Authorization code is expired."}),
            )
        body = {"access_token": "act.secret", "open_id": self.open_id, "expires_in": 86400, "token_type": "Bearer"}
        return 200, {}, json.dumps(body)

    def user_info(self, request):
        assert request.headers["Authorization"] == "Bearer act.secret"
        user = {
            "open_id": self.open_id,
            "union_id": "u1",
            "display_name": "Tik Toker",
            "avatar_url": "https://p.tiktokcdn.com/a.jpeg",
        }
        return 200, {}, json.dumps({"data": {"user": user}, "error": {"code": "ok", "message": ""}})


def tiktok_sign_in(client, code="good-code", redirect_uri=REDIRECT_URI):
    body = {"code": code, "code_verifier": VERIFIER, "redirect_uri": redirect_uri}
    return client.post("/api/auth/oauth/tiktok/callback", body, format="json")


# Credentialed CORS


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/categories"), ("POST", "/api/auth/oauth/tiktok/callback"), ("DELETE", "/api/user/categories/1")],
)
def test_preflights_allow_the_clients_origin_with_credentials(method, path):
    answer = APIClient().options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == ORIGIN
    assert answer["Access-Control-Allow-Credentials"] == "true"
    assert {"authorization", "content-type"} <= {h.strip() for h in answer["Access-Control-Allow-Headers"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= {
        m.strip() for m in answer["Access-Control-Allow-Methods"].split(",")
    }


def test_every_answer_carries_the_credentialed_cors_headers(alice, catalogue):
    client = client_for(alice)
    answers = [
        client.get("/api/categories", HTTP_ORIGIN=ORIGIN),  # 200
        client.get("/api/plans/999999", HTTP_ORIGIN=ORIGIN),  # 404
        APIClient().get("/api/user", HTTP_ORIGIN=ORIGIN),  # 401
        client.post("/api/auth/logout", HTTP_ORIGIN=ORIGIN),  # 204
    ]

    assert [a.status_code for a in answers] == [200, 404, 401, 204]
    for answer in answers:
        assert answer["Access-Control-Allow-Origin"] == ORIGIN
        assert answer["Access-Control-Allow-Credentials"] == "true"


# Sign in with TikTok


def test_signing_in_with_tiktok_creates_the_user_then_finds_the_same_one(catalogue):
    with responses.RequestsMock() as mocked:
        tiktok = TikTok(mocked)
        first = tiktok_sign_in(APIClient())
        again = tiktok_sign_in(APIClient())

    assert first.status_code == again.status_code == 200
    data = first.json()["data"]
    assert data["access_token"] == data["token"] and data["refresh_token"]
    assert data["user"]["display_name"] == "Tik Toker"
    assert data["user"]["avatar_url"] == "https://p.tiktokcdn.com/a.jpeg"
    assert data["user"]["oauth_provider"] == "tiktok" and data["user"]["is_premium"] is False
    assert again.json()["data"]["user"]["id"] == data["user"]["id"]
    assert User.objects.filter(tiktok_open_id="tiktok-open-id-1").count() == 1
    form = tiktok.token_requests[0]
    assert form["grant_type"] == "authorization_code" and form["client_key"] == "test-client-key"
    assert form["client_secret"] == "test-client-secret"
    assert form["redirect_uri"] == REDIRECT_URI and form["code_verifier"] == VERIFIER
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Bearer {data['access_token']}")
    assert signed_in.get("/api/user").status_code == 200


def test_a_signed_in_guest_who_signs_in_with_tiktok_gets_it_linked(catalogue):
    guest = User.objects.create_user(client_id="guest-device-0123456789")
    with responses.RequestsMock() as mocked:
        TikTok(mocked)
        answer = tiktok_sign_in(client_for(guest))

    assert answer.json()["data"]["user"]["id"] == guest.pk
    guest.refresh_from_db()
    assert guest.tiktok_open_id == "tiktok-open-id-1" and not guest.is_guest


def test_a_tiktok_account_linked_elsewhere_is_a_conflict(catalogue, alice):
    User.objects.create_user(email="owner@example.com", tiktok_open_id="tiktok-open-id-1")
    with responses.RequestsMock() as mocked:
        TikTok(mocked)
        answer = tiktok_sign_in(client_for(alice))

    assert answer.status_code == 409


def test_a_redirect_uri_not_registered_is_refused_before_calling_tiktok(catalogue):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        tiktok = TikTok(mocked)
        answer = tiktok_sign_in(APIClient(), redirect_uri="https://evil.example/callback")

    assert answer.status_code == 400
    assert "redirect_uri" in answer.json()["error"]["details"]
    assert tiktok.token_requests == []


def test_a_bad_code_is_a_400_with_a_message_a_person_can_read(catalogue, caplog):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        TikTok(mocked)
        answer = tiktok_sign_in(APIClient(), code="expired-code")

    assert answer.status_code == 400
    assert "TikTok" in answer.json()["error"]["message"]
    assert "act.secret" not in caplog.text


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectTimeout("slow"), requests.ConnectionError("down")],
    ids=["timeout", "unreachable"],
)
def test_tiktok_down_or_slow_is_a_502(catalogue, failure):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKEN_URL, body=failure)
        answer = tiktok_sign_in(APIClient())

    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "tiktok_unavailable"


def test_tiktok_user_info_errors_are_a_502(catalogue):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKEN_URL, json={"access_token": "act.secret", "open_id": "x"})
        mocked.add(responses.GET, USER_INFO_URL, status=500, json={"error": {"code": "internal_error"}})
        answer = tiktok_sign_in(APIClient())

    assert answer.status_code == 502


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": "x", "code_verifier": "short", "redirect_uri": REDIRECT_URI},
        {"code": ["x"], "code_verifier": VERIFIER, "redirect_uri": REDIRECT_URI},
    ],
)
def test_the_tiktok_callback_rejects_bad_input(body):
    answer = APIClient().post("/api/auth/oauth/tiktok/callback", body, format="json")

    assert answer.status_code == 400


# Start-up calls


def test_config_defaults_are_public(catalogue):
    answer = APIClient().get("/api/config/defaults")

    assert answer.status_code == 200
    assert answer.json()["data"] == {
        "defaultCategoryCode": "personal_growth",
        "maxFreeCategories": 3,
        "premiumAccessDays": 14,
        "actionsPerPlan": 5,
    }


@override_settings(DEFAULT_CATEGORY_CODE="food")
def test_the_default_category_is_always_an_active_free_one(catalogue):
    assert APIClient().get("/api/config/defaults").json()["data"]["defaultCategoryCode"] == "personal_growth"


def test_categories_are_public_with_what_the_picker_shows(catalogue):
    answer = APIClient().get("/api/categories?language=en")

    assert answer.status_code == 200
    categories = {c["code"]: c for c in answer.json()["data"]["categories"]}
    assert (
        categories["food"]["is_premium"] and categories["food"]["coming_soon"] and categories["food"]["price"] == 4.99
    )
    assert categories["personal_growth"]["emoji"] == "🌱"
    assert categories["personal_growth"]["description"] == "Grow a little every day"
    assert "on_waitlist" not in categories["food"]


def test_signed_in_categories_say_which_waitlists_the_user_is_on(alice, catalogue):
    client = client_for(alice)
    client.post("/api/waitlist/join", {"category_id": catalogue["food"].pk}, format="json")

    categories = {c["code"]: c for c in client.get("/api/categories").json()["data"]["categories"]}

    assert categories["food"]["on_waitlist"] is True
    assert categories["wellness"]["on_waitlist"] is False


# Any category code works


@pytest.mark.parametrize("code", ["books", "art", "fitness", "wellness-x"])
def test_an_unknown_category_serves_the_default_plan(alice, catalogue, code):
    client = client_for(alice)
    default = client.get("/api/v1/plans/today?category=personal_growth").json()["data"]
    client.post(f"/api/actions/{default['actions'][0]['id']}/complete")

    answer = client.get(f"/api/v1/plans/today?category={code}")

    assert answer.status_code == 200
    served = answer.json()["data"]
    assert served["id"] == default["id"]
    assert [a["id"] for a in served["actions"]] == [a["id"] for a in default["actions"]]
    assert served["actions"][0]["completed"] is True


def test_onboarding_accepts_any_category_and_is_remembered(alice, catalogue):
    client = client_for(alice)
    assert client.get("/api/preferences").json()["data"]["hasCompletedOnboarding"] is False

    done = client.post(
        "/api/preferences/complete-onboarding", {"goals": ["books", "art"], "category": "fitness"}, format="json"
    )

    assert done.status_code == 200
    preferences = client.get("/api/preferences").json()["data"]
    assert preferences["hasCompletedOnboarding"] is True
    assert preferences["preferredCategory"] == "fitness" and preferences["selectedGoals"] == ["books", "art"]
    alice.preferences.refresh_from_db()
    assert alice.preferences.preferred_category == catalogue["growth"]


def test_put_preferences_accepts_any_category(alice, catalogue):
    answer = client_for(alice).put("/api/preferences", {"preferredCategory": "wellness"}, format="json")

    assert answer.status_code == 200
    alice.preferences.refresh_from_db()
    assert alice.preferences.preferred_category == catalogue["wellness"]


# Category subscriptions


def test_following_free_categories_up_to_the_limit(alice, catalogue):
    client = client_for(alice)
    ids = [c["id"] for c in client.get("/api/categories").json()["data"]["categories"] if not c["is_premium"]]

    answers = [client.post("/api/user/categories", {"categoryId": i, "isPurchased": False}, format="json") for i in ids]

    assert [a.status_code for a in answers] == [201, 201, 201, 409]
    assert "3 free categories" in answers[3].json()["error"]["message"]
    mine = client.get("/api/user/categories?include_inactive=true").json()["data"]
    assert mine["stats"] == {
        "freeActive": 3,
        "freeLimit": 3,
        "freeRemaining": 0,
        "premiumActive": 0,
        "premiumExpired": 0,
        "totalActive": 3,
    }
    assert {c["categoryId"] for c in mine["categories"]} == set(ids[:3])
    first = mine["categories"][0]
    assert {"categoryId", "code", "isActive", "isPurchased", "isExpired", "daysRemaining", "activatedAt"} <= set(first)


def test_unfollowing_frees_a_place_and_shows_as_inactive(alice, catalogue):
    client = client_for(alice)
    client.post("/api/user/categories", {"categoryId": catalogue["wellness"].pk}, format="json")

    removed = client.delete(f"/api/user/categories/{catalogue['wellness'].pk}")

    assert removed.status_code == 200 and removed.json()["data"] == {"removed": True}
    assert client.get("/api/user/categories").json()["data"]["categories"] == []
    inactive = client.get("/api/user/categories?include_inactive=true").json()["data"]["categories"]
    assert inactive[0]["isActive"] is False
    assert client.delete(f"/api/user/categories/{catalogue['wellness'].pk}").json()["data"] == {"removed": False}


def test_premium_categories_are_for_premium_users_for_14_days(alice, catalogue, frozen_clock):
    food = catalogue["food"].pk
    assert client_for(alice).post("/api/user/categories", {"categoryId": food}, format="json").status_code == 403
    paying = User.objects.create_user(email="paying@example.com", is_premium=True)
    client = client_for(paying)

    answer = client.post("/api/user/categories", {"categoryId": food, "isPurchased": True}, format="json")

    assert answer.status_code == 201
    assert answer.json()["data"]["daysRemaining"] == 14 and answer.json()["data"]["isPurchased"] is True
    frozen_clock.shift(15 * 86400)
    client = client_for(User.objects.get(pk=paying.pk))
    later = client.get("/api/user/categories?include_inactive=true").json()["data"]
    assert later["categories"][0]["isExpired"] is True and later["stats"]["premiumExpired"] == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"categoryId": "x"}, 400),
        ({"categoryId": 999999}, 404),
        ({"categoryId": -1}, 400),
        ({"categoryId": 10**30}, 400),
    ],
)
def test_following_rejects_bad_input(alice, catalogue, body, status):
    assert client_for(alice).post("/api/user/categories", body, format="json").status_code == status


def test_subscriptions_need_a_token():
    assert APIClient().get("/api/user/categories").status_code == 401
    assert APIClient().post("/api/user/categories", {"categoryId": 1}, format="json").status_code == 401


# Premium waitlist


def test_joining_and_leaving_a_waitlist_is_idempotent(alice, catalogue):
    client = client_for(alice)
    body = {"category_id": catalogue["food"].pk}

    assert [client.post("/api/waitlist/join", body, format="json").status_code for _ in range(2)] == [200, 200]
    assert WaitlistEntry.objects.filter(user=alice).count() == 1
    assert [client.post("/api/waitlist/leave", body, format="json").status_code for _ in range(2)] == [200, 200]
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(("which", "status"), [("free", 400), ("unknown", 404), ("junk", 400)])
def test_a_waitlist_needs_a_premium_category(alice, catalogue, which, status):
    category_id = {"free": catalogue["growth"].pk, "unknown": 999999, "junk": "x"}[which]

    answer = client_for(alice).post("/api/waitlist/join", {"category_id": category_id}, format="json")

    assert answer.status_code == status
    assert answer.json()["success"] is False


def test_the_waitlist_needs_a_token(catalogue):
    assert (
        APIClient().post("/api/waitlist/join", {"category_id": catalogue["food"].pk}, format="json").status_code == 401
    )


def test_refresh_keeps_returning_data_token(alice):
    from accounts.services import user_tokens

    answer = APIClient().post(
        "/api/auth/refresh", {"refresh_token": user_tokens(user=alice)["refresh_token"]}, format="json"
    )

    assert answer.status_code == 200 and answer.json()["data"]["token"]


def test_subscriptions_are_the_users_own(alice, bob, catalogue):
    client_for(alice).post("/api/user/categories", {"categoryId": catalogue["wellness"].pk}, format="json")

    assert client_for(bob).get("/api/user/categories").json()["data"]["categories"] == []
    assert CategorySubscription.objects.filter(user=bob).count() == 0
