"""Credentials changes end sessions: a guest's upgrade, a password change (API, admin, command)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from conftest import PASSWORD
from fypfixer.tests.servers import environment, manage, shared_database_url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-password-7"


def session(client_id=None, **credentials):
    """Sign in (as the guest of a device, or with email and password); return (client, refresh token)."""
    client = APIClient()
    if credentials:
        answer = client.post("/api/auth/login", credentials, format="json")
    else:
        answer = client.post("/api/auth/guest", {"client_id": client_id}, format="json")
    data = answer.json()["data"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    return client, data["refresh_token"]


def refreshes(refresh_token) -> int:
    return APIClient().post("/api/auth/refresh", {"refresh_token": refresh_token}, format="json").status_code


def test_upgrading_a_guest_ends_the_other_sessions_of_its_device_id():
    device = "device-0123456789abcdef"
    upgrading, _ = session(device)
    other, other_refresh = session(device)
    assert other.get("/api/user").status_code == 200

    answer = upgrading.post("/api/auth/register", {"email": "new@example.com", "password": PASSWORD}, format="json")

    assert answer.status_code == 201
    assert other.get("/api/user").status_code == 401
    assert refreshes(other_refresh) == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {answer.json()['data']['token']}")
    assert fresh.get("/api/user").json()["data"]["email"] == "new@example.com"
    assert refreshes(answer.json()["data"]["refresh_token"]) == 200


def test_changing_the_password_ends_every_other_session_and_renews_this_one(alice):
    this, _ = session(email="alice@example.com", password=PASSWORD)
    other, other_refresh = session(email="alice@example.com", password=PASSWORD)

    answer = this.post("/api/auth/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json")

    assert answer.status_code == 200
    data = answer.json()["data"]
    assert {"token", "refresh_token", "user"} <= set(data)
    assert other.get("/api/user").status_code == 401
    assert refreshes(other_refresh) == 401
    this.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert this.get("/api/user").status_code == 200
    assert (
        APIClient().post("/api/auth/login", {"email": "alice@example.com", "password": NEW_PASSWORD}).status_code == 200
    )


def test_a_wrong_current_password_changes_nothing(alice):
    this, _ = session(email="alice@example.com", password=PASSWORD)

    answer = this.post(
        "/api/auth/password", {"old_password": "wrong-one-1", "new_password": NEW_PASSWORD}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["old_password"]
    assert this.get("/api/user").status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": PASSWORD}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": " " * 12}, "new_password"),
        ({"old_password": PASSWORD, "new_password": 12345678}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "old_password"),
    ],
)
def test_a_password_change_rejects_bad_input(alice, body, field):
    this, _ = session(email="alice@example.com", password=PASSWORD)

    answer = this.post("/api/auth/password", body, format="json")

    assert answer.status_code == 400
    assert field in answer.json()["error"]["details"]


def test_a_password_change_needs_a_token_and_a_password_account():
    assert APIClient().post("/api/auth/password", {}, format="json").status_code == 401
    guest, _ = session("device-guest-0123456789")
    answer = guest.post("/api/auth/password", {"old_password": "x" * 8, "new_password": NEW_PASSWORD}, format="json")
    assert answer.status_code == 400


def test_wrong_current_passwords_are_limited_like_logins(alice, clock, rates):
    rates(login_failure="3/min")
    this, _ = session(email="alice@example.com", password=PASSWORD)
    body = {"old_password": "not-it-at-all", "new_password": NEW_PASSWORD}

    answers = [this.post("/api/auth/password", body, format="json").status_code for _ in range(4)]

    assert answers == [400, 400, 400, 429]


def test_an_admin_password_change_ends_the_users_sessions(alice, admin_client):
    this, refresh = session(email="alice@example.com", password=PASSWORD)

    answer = admin_client.post(
        f"/admin/accounts/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert answer.status_code == 302
    assert this.get("/api/user").status_code == 401
    assert refreshes(refresh) == 401


@pytest.mark.skipif(connection.vendor != "postgresql", reason="shares the database with a child process (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_manage_py_changepassword_ends_the_users_sessions(alice):
    this, refresh = session(email="alice@example.com", password=PASSWORD)

    result = manage(
        "changepassword",
        "alice@example.com",
        env=environment(DATABASE_URL=shared_database_url()),
        stdin=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )

    assert result.returncode == 0, result.stderr
    assert this.get("/api/user").status_code == 401
    assert refreshes(refresh) == 401


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_upgrades_of_one_guest_make_exactly_one_account():
    guest, _ = session("device-race-0123456789")

    def upgrade(n):
        client = APIClient()
        client.credentials(**guest._credentials)
        body = {"email": f"racer{n}@example.com", "password": PASSWORD}
        status = client.post("/api/auth/register", body, format="json").status_code
        connection.close()
        return status

    with ThreadPoolExecutor(3) as pool:
        statuses = sorted(pool.map(upgrade, range(3)))

    assert statuses == [201, 409, 409]
    assert User.objects.exclude(email=None).count() == 1


def test_a_password_of_spaces_is_refused(api_client):
    answer = api_client.post("/api/auth/register", {"email": "s@example.com", "password": " " * 12}, format="json")

    assert answer.status_code == 400
    assert "password" in answer.json()["error"]["details"]


def test_an_international_domain_and_its_ascii_form_are_one_account(api_client):
    first = api_client.post("/api/auth/register", {"email": "a@exämple.com", "password": PASSWORD}, format="json")
    second = api_client.post(
        "/api/auth/register", {"email": "a@xn--exmple-cua.com", "password": PASSWORD}, format="json"
    )

    assert first.status_code == 201
    assert first.json()["data"]["user"]["email"] == "a@xn--exmple-cua.com"
    assert second.status_code == 409
    login = api_client.post("/api/auth/login", {"email": "A@EXÄMPLE.COM", "password": PASSWORD}, format="json")
    assert login.status_code == 200
