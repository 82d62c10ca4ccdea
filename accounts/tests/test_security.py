"""Account safety: rate limits, password hashing, login timing, revocation, deactivation."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from accounts.models import User
from conftest import PASSWORD, client_for
from fypfixer.throttling import FixedWindowThrottle

pytestmark = pytest.mark.django_db


def login(client, email="alice@example.com", password="wrong-password", **extra):
    return client.post("/api/auth/login", {"email": email, "password": password}, **extra)


def test_login_is_limited_per_address_and_the_limit_resets(api_client, alice, clock, rates):
    rates(auth="5/min", auth_account="1000/min")
    emails = [f"user{n}@example.com" for n in range(6)]

    answers = [login(api_client, email=email).status_code for email in emails]

    assert answers == [401] * 5 + [429]
    throttled = login(api_client, email="another@example.com")
    assert throttled.json()["error"]["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60
    clock.now += 60
    assert login(api_client, password=PASSWORD).status_code == 200


def test_guessing_from_one_address_is_cut_after_5_wrong_passwords(alice, clock, rates):
    rates(auth="1000/min")
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    answers = [login(client).status_code for _ in range(6)]

    assert answers == [401] * 5 + [429]
    assert login(client, password=PASSWORD).status_code == 429
    clock.now += 60
    assert login(client, password=PASSWORD).status_code == 200


def test_wrong_passwords_from_other_addresses_do_not_lock_the_owner_out(alice, clock, rates):
    rates(auth="1000/min")

    answers = [login(APIClient(REMOTE_ADDR=f"10.0.0.{n}")).status_code for n in range(5)]

    assert answers == [401] * 5
    assert login(APIClient(REMOTE_ADDR="10.0.0.99"), password=PASSWORD).status_code == 200


def test_stuffing_one_email_from_many_addresses_hits_the_per_email_ceiling(alice, clock, rates):
    rates(auth="1000/min", login_failure="5/min", login_failure_email="10/hour")
    for n in range(10):
        login(APIClient(REMOTE_ADDR=f"10.0.1.{n}"))

    # An address that already failed is refused from now on, even with the right password...
    assert login(APIClient(REMOTE_ADDR="10.0.1.3")).status_code == 429
    assert login(APIClient(REMOTE_ADDR="10.0.1.3"), password=PASSWORD).status_code == 429
    # ...and yet the owner, from an address with no failures, gets in.
    assert login(APIClient(REMOTE_ADDR="10.9.9.9"), password=PASSWORD).status_code == 200


def test_a_correct_password_does_not_count_as_a_failure(alice, clock, rates):
    rates(auth="1000/min", login_failure="2/min")
    client = APIClient(REMOTE_ADDR="10.0.0.5")

    answers = [login(client, password=PASSWORD).status_code for _ in range(5)]

    assert answers == [200] * 5


def test_register_refresh_and_guest_are_limited_too(api_client, clock, rates):
    rates(auth="3/min", auth_account="1000/min")

    for n in range(3):
        api_client.post("/api/auth/guest", {})
    assert api_client.post("/api/auth/register", {"email": "x@example.com", "password": PASSWORD}).status_code == 429
    assert api_client.post("/api/auth/refresh", {"refresh_token": "x"}).status_code == 429
    assert api_client.post("/api/auth/guest", {}).status_code == 429


def test_reads_are_limited_generously_per_user(alice, category, clock, rates):
    rates(read="30/min")
    client = client_for(alice)

    answers = [client.get("/api/categories").status_code for _ in range(31)]

    assert answers == [200] * 30 + [429]
    assert client_for(User.objects.create_user(email="carol@example.com")).get("/api/categories").status_code == 200
    clock.now += 60
    assert client.get("/api/categories").status_code == 200


def test_limits_are_counted_in_the_shared_cache(api_client, clock, rates):
    """A second worker process sees the first one's count: the counter lives in the cache."""
    rates(auth="3/min", auth_account="1000/min")
    for n in range(3):
        login(api_client, email=f"user{n}@example.com")

    # A new process has no counts of its own in memory.
    caches["local"].clear()

    assert login(api_client, email="fresh@example.com").status_code == 429
    window = int(clock.now // 60)
    assert cache.get(f"throttle:auth:ip:127.0.0.1:{window}") == 4


class UnreachableCache:
    """What django-redis answers (IGNORE_EXCEPTIONS) while Redis is unreachable."""

    def incr(self, *args, **kwargs):
        return None

    def add(self, *args, **kwargs):
        return None

    def get(self, key, default=None, **kwargs):
        return default


class BrokenDefault:
    """The cache handler, with an unreachable "default" (shared) cache."""

    def __init__(self, handler):
        self.handler = handler

    def __getitem__(self, alias):
        return UnreachableCache() if alias == "default" else self.handler[alias]


def test_with_the_shared_cache_down_limits_are_counted_in_each_process(api_client, alice, clock, rates, monkeypatch):
    rates(auth="2/min", auth_account="1000/min")
    monkeypatch.setattr(FixedWindowThrottle, "cache", UnreachableCache())

    answers = [login(api_client, password=PASSWORD).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_with_the_shared_cache_down_wrong_passwords_are_still_counted(api_client, alice, clock, rates, monkeypatch):
    rates(auth="1000/min", login_failure="3/min")
    monkeypatch.setattr("fypfixer.throttling.caches", BrokenDefault(caches))

    answers = [login(api_client).status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]


def test_passwords_are_hashed_with_argon2(api_client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

    api_client.post("/api/auth/register", {"email": "new@example.com", "password": PASSWORD})

    hasher = identify_hasher(User.objects.get(email="new@example.com").password)
    assert hasher.algorithm == "argon2"
    # Django's default cost, not a weakened one.
    assert (hasher.time_cost, hasher.memory_cost) == (2, 102400)


def test_production_hashers_start_with_argon2():
    from fypfixer import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_with_an_unknown_email_still_hashes_a_password(api_client, alice, monkeypatch):
    """Unknown emails cost as much as wrong passwords: the answer time tells nothing."""
    hashed = []
    original = User.set_password
    monkeypatch.setattr(User, "set_password", lambda self, raw: hashed.append(raw) or original(self, raw))

    response = login(api_client, email="nobody@example.com", password="some-password")

    assert response.status_code == 401
    assert hashed == ["some-password"]


def test_a_reused_refresh_token_is_refused(api_client, alice):
    session = login(api_client, password=PASSWORD).json()["data"]
    api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]})

    reuse = api_client.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]})

    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "unauthorized"


def test_deactivating_a_user_ends_their_sessions_at_once(alice):
    client = client_for(alice)
    assert client.get("/api/user").status_code == 200  # the user is now remembered in memory

    alice.is_active = False
    alice.save()

    assert client.get("/api/user").status_code == 401
    assert client.get("/api/plan").status_code == 401


def test_logout_ends_sessions_even_when_the_user_is_remembered(alice):
    client = client_for(alice)
    other_device = client_for(alice)
    assert other_device.get("/api/user").status_code == 200

    assert client.post("/api/auth/logout").status_code == 204

    assert other_device.get("/api/user").status_code == 401


def test_guest_sign_in_cannot_take_over_an_account_with_a_password(api_client, alice):
    response = api_client.post("/api/auth/guest", {"client_id": alice.client_id})

    assert response.status_code == 403
    assert "token" not in response.json().get("data", {})
