"""TOKEN_MEMO: a process checks a token's signature once, and every other check on every request."""

from datetime import timedelta
from unittest import mock

import pytest
from rest_framework_simplejwt.backends import TokenBackend

from accounts.services import user_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def decodes():
    """Count the signature checks (simplejwt's TokenBackend.decode with verify on)."""
    with mock.patch.object(TokenBackend, "decode", autospec=True, side_effect=TokenBackend.decode) as spy:
        yield lambda: sum(1 for call in spy.call_args_list if call.kwargs.get("verify", True))


def get_me(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client.get("/api/user")


def test_a_token_is_verified_once_per_process(api_client, alice, decodes):
    token = user_tokens(user=alice)["token"]

    answers = [get_me(api_client, token).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert decodes() == 1


def test_without_the_memo_every_request_verifies(api_client, alice, decodes, settings):
    settings.TOKEN_MEMO = False
    token = user_tokens(user=alice)["token"]

    answers = [get_me(api_client, token).status_code for _ in range(3)]

    assert answers == [200] * 3
    assert decodes() == 3


def test_a_remembered_token_still_expires(api_client, alice, frozen_clock):
    token = user_tokens(user=alice)["token"]
    assert get_me(api_client, token).status_code == 200

    frozen_clock.shift(timedelta(days=2))  # past the 24-hour access lifetime

    answer = get_me(api_client, token)
    assert answer.status_code == 401
    assert answer.json()["success"] is False


def test_a_remembered_token_is_refused_after_logout_and_password_change(api_client, alice):
    token = user_tokens(user=alice)["token"]
    assert get_me(api_client, token).status_code == 200
    alice.set_password("a-new-long-passphrase")
    alice.save()

    assert get_me(api_client, token).status_code == 401


def test_a_forged_token_is_checked_every_time_and_never_remembered(api_client, alice, decodes):
    header, payload, signature = user_tokens(user=alice)["token"].split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"

    answers = [get_me(api_client, forged).status_code for _ in range(3)]

    assert answers == [401] * 3
    assert decodes() == 3
