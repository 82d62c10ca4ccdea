from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from conftest import PASSWORD, client_for, make_plan
from progress.models import UserProgress

pytestmark = pytest.mark.django_db


def error_of(response):
    body = response.json()
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def sign_in(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {user_tokens_for(user)}")
    return api_client


def user_tokens_for(user):
    return str(RefreshToken.for_user(user).access_token)


# Register


def test_register_creates_an_account_and_returns_tokens(api_client):
    response = api_client.post(
        "/api/auth/register", {"email": " New@Example.com ", "password": PASSWORD, "language": "es"}
    )

    assert response.status_code == 201
    data = response.json()["data"]
    assert set(data) == {"user", "token", "refresh_token"}
    assert set(data["user"]) == {"id", "client_id", "email", "language", "is_premium", "created_at"}
    assert data["user"]["email"] == "new@example.com"
    assert data["user"]["language"] == "es"
    user = User.objects.get(email="new@example.com")
    assert user.check_password(PASSWORD)
    assert user.preferences.dark_mode is True


def test_register_refuses_a_taken_email_whatever_its_case(api_client, alice):
    response = api_client.post("/api/auth/register", {"email": "ALICE@example.com", "password": PASSWORD})

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "12345678901"}, "password"),
        ({"email": "a@example.com", "password": "password123"}, "password"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": 12, "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": ["x"] * 10}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "language": "de"}, "language"),
        ({"email": "a@example.com", "password": PASSWORD, "language": 5}, "language"),
        ({"email": ("a" * 300) + "@example.com", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "p" * 1000}, "password"),
        ({"email": "a\x00b@example.com", "password": PASSWORD}, "email"),
    ],
)
def test_register_rejects_bad_input_field_by_field(api_client, body, field):
    response = api_client.post("/api/auth/register", body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert field in error["details"]
    assert User.objects.count() == 0


def test_register_with_a_guest_token_upgrades_the_guest_and_keeps_progress(api_client, category):
    guest = User.objects.create_user()
    step = make_plan(category=category).steps.first()
    UserProgress.objects.create(user=guest, step=step)

    response = sign_in(api_client, guest).post("/api/auth/register", {"email": "g@example.com", "password": PASSWORD})

    assert response.status_code == 201
    assert response.json()["data"]["user"]["id"] == guest.pk
    guest.refresh_from_db()
    assert guest.email == "g@example.com" and not guest.is_guest
    assert UserProgress.objects.filter(user=guest).count() == 1
    assert User.objects.count() == 1


def test_register_with_a_registered_users_token_is_a_conflict(alice, api_client):
    response = sign_in(api_client, alice).post("/api/auth/register", {"email": "x@example.com", "password": PASSWORD})

    assert response.status_code == 409


def test_register_with_a_garbage_token_is_unauthorized(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.post("/api/auth/register", {"email": "x@example.com", "password": PASSWORD})

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


# Login


def test_login_returns_the_user_and_tokens_that_work(api_client, alice):
    response = api_client.post("/api/auth/login", {"email": "Alice@Example.com", "password": PASSWORD})

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["user"]["id"] == alice.pk
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert api_client.get("/api/user").json()["data"]["email"] == "alice@example.com"
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_login_answers_unknown_email_and_wrong_password_identically(api_client, alice):
    unknown = api_client.post("/api/auth/login", {"email": "nobody@example.com", "password": PASSWORD})
    wrong = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": "wrong-password"})

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert error_of(wrong)["message"] == "Invalid email or password."


def test_login_refuses_a_deactivated_account_with_the_same_answer(api_client, alice):
    alice.is_active = False
    alice.save()

    response = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid email or password."


def test_login_ignores_a_stale_token_in_the_header(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "alice@example.com"}, {"email": None, "password": None}, {"email": [], "password": {}}, []],
)
def test_login_rejects_bad_input(api_client, body):
    response = api_client.post("/api/auth/login", body, format="json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"


def test_login_rejects_malformed_json(api_client):
    response = api_client.post("/api/auth/login", "{bad json", content_type="application/json")

    assert response.status_code == 400
    assert "body" in error_of(response)["details"]


def test_login_rejects_a_body_that_is_not_json(api_client):
    response = api_client.post(
        "/api/auth/login", "email=a&password=b", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


# Refresh and logout


def login(api_client, email="alice@example.com"):
    return api_client.post("/api/auth/login", {"email": email, "password": PASSWORD}).json()["data"]


def test_refresh_rotates_the_pair_and_refuses_the_used_token(api_client, alice):
    session = login(api_client)

    first = api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]})
    again = api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]})

    assert first.status_code == 200
    assert set(first.json()["data"]) == {"token", "refresh_token"}
    assert first.json()["data"]["refresh_token"] != session["refresh_token"]
    assert again.status_code == 401
    rotated = api_client.post("/api/auth/refresh", {"refresh_token": first.json()["data"]["refresh_token"]})
    assert rotated.status_code == 200


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "", "x" * 5000])
def test_refresh_refuses_garbage(api_client, token):
    response = api_client.post("/api/auth/refresh", {"refresh_token": token})

    assert response.status_code in (400, 401)
    assert error_of(response)["code"] in ("validation_error", "unauthorized")


def test_refresh_refuses_an_access_token(api_client, alice):
    session = login(api_client)

    response = api_client.post("/api/auth/refresh", {"refresh_token": session["token"]})

    assert response.status_code == 401


def test_refresh_refuses_an_expired_token(api_client, alice):
    refresh = RefreshToken.for_user(alice)
    refresh.set_exp(lifetime=-timedelta(seconds=1))

    response = api_client.post("/api/auth/refresh", {"refresh_token": str(refresh)})

    assert response.status_code == 401


def test_refresh_refuses_a_deactivated_user(api_client, alice):
    session = login(api_client)
    User.objects.filter(pk=alice.pk).update(is_active=False)

    response = api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]})

    assert response.status_code == 401


def test_logout_revokes_every_session_of_the_user(api_client, alice):
    phone = login(api_client)
    laptop = login(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone['token']}")

    response = api_client.post("/api/auth/logout")

    assert response.status_code == 204
    assert response.content == b""
    api_client.credentials()
    for session in (phone, laptop):
        assert api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]}).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {laptop['token']}")
    assert api_client.get("/api/user").status_code == 401


def test_a_new_login_right_after_logout_works(api_client, alice):
    session = login(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {session['token']}")
    api_client.post("/api/auth/logout")
    api_client.credentials()

    fresh = login(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh['token']}")

    assert api_client.get("/api/user").status_code == 200


def test_logout_needs_a_token(api_client):
    response = api_client.post("/api/auth/logout")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


# Guest


def test_guest_sign_in_creates_a_guest_bound_to_the_device(api_client):
    device = "3f2c8a5e-1b7d-4c1e-9a55-0a7d2c7d9e11"

    first = api_client.post("/api/auth/guest", {"client_id": device})
    second = api_client.post("/api/auth/guest", {"client_id": device})

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["data"]["user"]["id"] == second.json()["data"]["user"]["id"]
    assert first.json()["data"]["user"]["client_id"] == device
    assert first.json()["data"]["user"]["email"] is None


def test_guest_sign_in_without_a_device_id_makes_a_new_one(api_client):
    response = api_client.post("/api/auth/guest", {})

    assert response.status_code == 201
    assert len(response.json()["data"]["user"]["client_id"]) == 36


def test_guest_sign_in_is_refused_once_the_account_has_a_password(api_client, alice):
    response = api_client.post("/api/auth/guest", {"client_id": alice.client_id})

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize("client_id", ["short", "a" * 65, "has spaces in it here", ["x"], {"a": 1}, "é" * 20])
def test_guest_sign_in_rejects_bad_device_ids(api_client, client_id):
    response = api_client.post("/api/auth/guest", {"client_id": client_id})

    assert response.status_code == 400
    assert "client_id" in error_of(response)["details"]


# User


def test_user_returns_the_signed_in_user(alice_client, alice):
    response = alice_client.get("/api/user")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": {
            "id": alice.pk,
            "client_id": alice.client_id,
            "email": "alice@example.com",
            "language": "en",
            "is_premium": False,
            "created_at": response.json()["data"]["created_at"],
        },
    }


def test_user_patch_changes_the_language(alice_client, alice):
    response = alice_client.patch("/api/user", {"language": "ru"})

    assert response.status_code == 200
    assert response.json()["data"]["language"] == "ru"
    alice.refresh_from_db()
    assert alice.language == "ru"


def test_user_patch_with_nothing_changes_nothing(alice_client, alice):
    response = alice_client.patch("/api/user", {}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["language"] == "en"


@pytest.mark.parametrize("body", [{"language": "xx"}, {"language": None}, {"language": ["ru"]}])
def test_user_patch_rejects_bad_input(alice_client, body):
    response = alice_client.patch("/api/user", body, format="json")

    assert response.status_code == 400
    assert "language" in error_of(response)["details"]


def test_user_needs_a_valid_token(api_client, alice):
    expired = AccessToken.for_user(alice)
    expired.set_exp(lifetime=-timedelta(seconds=1))

    assert api_client.get("/api/user").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert api_client.get("/api/user").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    assert api_client.get("/api/user").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(alice)}")
    assert api_client.get("/api/user").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer a b")
    assert error_of(api_client.get("/api/user"))["code"] == "unauthorized"


def test_a_deactivated_users_token_stops_working_at_once(alice_client, alice):
    alice.is_active = False
    alice.save()

    assert alice_client.get("/api/user").status_code == 401


def test_a_deleted_users_token_is_unauthorized(alice_client, alice):
    alice.delete()

    assert alice_client.get("/api/user").status_code == 401


# Preferences


def test_preferences_have_defaults(alice_client):
    response = alice_client.get("/api/preferences")

    assert response.status_code == 200
    assert response.json()["data"] == {
        "dark_mode": True,
        "notifications_enabled": False,
        "language": "en",
        "hasCompletedOnboarding": False,
        "selectedGoals": [],
        "preferredCategory": None,
    }


@pytest.mark.parametrize("method", ["put", "patch"])
def test_preferences_change_only_the_given_fields(alice_client, alice, category, method):
    response = getattr(alice_client, method)(
        "/api/preferences", {"notifications_enabled": True, "language": "es", "preferredCategory": "personal_growth"}
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["notifications_enabled"] is True
    assert data["dark_mode"] is True
    assert data["language"] == "es"
    assert data["preferredCategory"] == "personal_growth"
    alice.refresh_from_db()
    assert alice.language == "es"
    assert alice.preferences.preferred_category == category


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dark_mode": "maybe"}, "dark_mode"),
        ({"dark_mode": None}, "dark_mode"),
        ({"language": "klingon"}, "language"),
        ({"selectedGoals": "not a list"}, "selectedGoals"),
        ({"selectedGoals": ["x" * 100]}, "selectedGoals"),
        ({"selectedGoals": ["goal"] * 50}, "selectedGoals"),
        ({"preferredCategory": "bad code!"}, "preferredCategory"),
        ({"preferredCategory": 7}, "preferredCategory"),
    ],
)
def test_preferences_reject_bad_input(alice_client, category, body, field):
    response = alice_client.put("/api/preferences", body, format="json")

    assert response.status_code == 400
    assert field in error_of(response)["details"]


def test_preferences_need_a_token(api_client):
    assert api_client.get("/api/preferences").status_code == 401
    assert api_client.put("/api/preferences", {"dark_mode": False}).status_code == 401


def test_complete_onboarding_stores_the_answers(alice_client, alice, category):
    response = alice_client.post(
        "/api/preferences/complete-onboarding",
        {"goals": ["less doomscrolling", "learn"], "category": "personal_growth"},
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"redirectTo": "/dashboard"}
    preferences = alice_client.get("/api/preferences").json()["data"]
    assert preferences["hasCompletedOnboarding"] is True
    assert preferences["selectedGoals"] == ["less doomscrolling", "learn"]
    assert preferences["preferredCategory"] == "personal_growth"


@pytest.mark.parametrize(
    "body", [{}, {"goals": ["a"]}, {"goals": "a", "category": "personal_growth"}, {"goals": [], "category": "no code!"}]
)
def test_complete_onboarding_rejects_bad_input(alice_client, category, body):
    response = alice_client.post("/api/preferences/complete-onboarding", body, format="json")

    assert response.status_code == 400


def test_bob_sees_his_own_preferences_not_alices(alice_client, bob):
    alice_client.put("/api/preferences", {"dark_mode": False})

    assert client_for(bob).get("/api/preferences").json()["data"]["dark_mode"] is True
