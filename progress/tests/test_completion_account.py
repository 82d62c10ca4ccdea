"""COMPLETION_ACCOUNT_SQL: completing a step checks the account inside its one statement.

The user's row is not read before the insert, so the statement itself must refuse whatever
bearer authentication refuses; each refusal then answers exactly as authentication would.
"""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts import authentication
from accounts.models import User
from accounts.services import ISSUED_AT_CLAIM, user_tokens
from conftest import ON_POSTGRES, PASSWORD, client_for, make_plan
from progress.models import UserProgress

pytestmark = [*ON_POSTGRES, pytest.mark.django_db]


@pytest.fixture
def step(category):
    return make_plan(category=category, steps=1).steps.get()


def complete(client, step):
    return client.post(f"/api/plans/{step.plan_id}/steps/{step.pk}/complete")


def assert_refused(response, user, step):
    assert response.status_code == 401, response.content
    assert response.json()["success"] is False
    assert response.has_header("WWW-Authenticate")
    assert not UserProgress.objects.filter(user=user, step=step).exists()


def test_a_completion_does_not_read_the_users_row_first(alice, step, monkeypatch):
    client = client_for(alice)

    def unread(*args, **kwargs):
        raise AssertionError("the user's row was read")

    monkeypatch.setattr(authentication, "cached_user", unread)
    monkeypatch.setattr(authentication.JWTAuthentication, "get_user", unread)

    assert complete(client, step).status_code == 200
    assert UserProgress.objects.filter(user=alice, step=step).exists()


def test_with_the_switch_off_the_row_is_read_first(alice, step, monkeypatch, settings):
    settings.COMPLETION_ACCOUNT_SQL = False
    client = client_for(alice)
    reads = []
    real = authentication.cached_user
    monkeypatch.setattr(authentication, "cached_user", lambda user_id: reads.append(user_id) or real(user_id))

    assert complete(client, step).status_code == 200
    assert reads == [alice.pk]


def test_an_inactive_account_cannot_complete(alice, step):
    client = client_for(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    authentication.forget_user(alice.pk)

    assert_refused(complete(client, step), alice, step)


def test_a_deleted_account_cannot_complete(alice, step):
    client = client_for(alice)
    User.objects.filter(pk=alice.pk).delete()
    authentication.forget_user(alice.pk)

    response = complete(client, step)

    assert response.status_code == 401
    assert not UserProgress.objects.filter(step=step).exists()


def test_a_token_from_before_a_password_change_cannot_complete(alice, step):
    client = client_for(alice)
    alice.set_password(PASSWORD + "-new")
    alice.save()

    assert_refused(complete(client, step), alice, step)


def test_a_token_from_before_a_logout_cannot_complete(alice, step):
    client = client_for(alice)
    assert client.post("/api/auth/logout").status_code == 204

    assert_refused(complete(client, step), alice, step)


def test_the_statement_and_authentication_agree_at_the_exact_moment_of_a_logout(alice, step):
    """A token issued at the very microsecond of the logout is still valid for both; one a
    microsecond earlier is refused by both (they compare the same float seconds)."""
    token = user_tokens(user=alice)["token"]
    issued = datetime.fromtimestamp(AccessToken(token)[ISSUED_AT_CLAIM], UTC)
    client = client_for(alice)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    User.objects.filter(pk=alice.pk).update(tokens_valid_after=issued)
    authentication.forget_user(alice.pk)
    assert client.get("/api/user").status_code == 200
    assert complete(client, step).status_code == 200

    UserProgress.objects.all().delete()
    User.objects.filter(pk=alice.pk).update(tokens_valid_after=issued + timedelta(microseconds=1))
    authentication.forget_user(alice.pk)
    assert client.get("/api/user").status_code == 401
    assert_refused(complete(client, step), alice, step)


def test_a_premium_step_still_needs_premium(alice, category):
    category.is_premium = True
    category.save()
    step = make_plan(category=category, steps=1).steps.get()

    response = complete(client_for(alice), step)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"
    User.objects.filter(pk=alice.pk).update(is_premium=True)
    authentication.forget_user(alice.pk)
    assert complete(client_for(alice), step).status_code == 200


def test_the_schema_documents_the_bearer_scheme_for_completing():
    from drf_spectacular.generators import SchemaGenerator

    operations = SchemaGenerator().get_schema(request=None, public=True)["paths"][
        "/api/plans/{plan_id}/steps/{step_id}/complete"
    ]

    assert operations["post"]["security"] == operations["delete"]["security"] == [{"jwtAuth": []}]
