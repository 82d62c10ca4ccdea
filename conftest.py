"""The cast shared by every app's tests: users, clients and small content builders."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import editor_create, user_tokens
from catalog.models import Category
from fypfixer.throttling import FailureLimit, FixedWindowThrottle
from plans.models import Plan, PlanStep, StepItem

PASSWORD = "correct-horse-battery-staple"

# For tests of what only PostgreSQL does (locking, prepared statements, its SQL functions):
# they run where the suite runs on PostgreSQL (CI) and are skipped on the embedded SQLite.
ON_POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Nothing listens here: a test that reaches TikTok or Apify without a fake gets "connection refused".
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def no_internet_and_inline_jobs(settings):
    """No test reaches TikTok or Apify (tests fake them), and jobs run inline unless a test runs a worker."""
    settings.TIKTOK_OEMBED_URL = f"{NOWHERE}/oembed"
    settings.APIFY_API_BASE = NOWHERE
    settings.JOBS_ASYNC = False


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty caches (payloads, content version, throttle counters)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


class Clock:
    """A settable time for the rate limits' fixed windows."""

    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock, frozen at the start of a minute; move it with `clock.now += ...`."""
    clock = Clock()
    monkeypatch.setattr(FixedWindowThrottle, "timer", clock)
    monkeypatch.setattr(FailureLimit, "timer", clock)
    return clock


@pytest.fixture
def rates(monkeypatch):
    """Set the rate of the given scopes for this test (the throttles read them at import)."""

    def set_rates(**scopes):
        monkeypatch.setattr(FixedWindowThrottle, "THROTTLE_RATES", {**FixedWindowThrottle.THROTTLE_RATES, **scopes})

    return set_rates


# Noon, so a test that reads "today" twice never sees two days.
FROZEN_NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    """Freeze "now" at FROZEN_NOW (ticking on from there): for tests that depend on today's date."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {user_tokens(user=user)['token']}")
    return client


@pytest.fixture
def alice(db):
    return User.objects.create_user(email="alice@example.com", password=PASSWORD)


@pytest.fixture
def bob(db):
    return User.objects.create_user(email="bob@example.com", password=PASSWORD)


@pytest.fixture
def alice_client(alice):
    return client_for(alice)


@pytest.fixture
def bob_client(bob):
    return client_for(bob)


@pytest.fixture
def editor(db):
    return editor_create(email="editor@example.com", password=PASSWORD)


@pytest.fixture
def editor_client(editor):
    """The admin, signed in as an editor."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def category(db):
    return make_category("personal_growth", "Personal Growth", name_ru="Личностный рост", icon="🌱")


def commit_content() -> None:
    """Run what the editors' transaction would run on commit (publishing the content version).

    Tests run inside one transaction that never commits; reads in a transaction that changed
    content never share the version they read (fypfixer/content_cache.py). Tests that measure
    reads of content created earlier call this first, as if that content had been committed.
    """
    callbacks = [callback for _savepoints, callback, _robust in connection.run_on_commit]
    connection.run_on_commit.clear()
    for callback in callbacks:
        callback()


def make_category(code: str, name_en: str = "", **fields) -> Category:
    return Category.objects.create(code=code, name_en=name_en or code.replace("_", " ").title(), **fields)


def make_plan(
    *,
    category: Category,
    day: date | None = None,
    language: str = "en",
    title: str = "A plan",
    steps: int = 3,
    items: int = 2,
    **fields,
) -> Plan:
    """Create a plan (a template when no day is given) with `steps` steps of `items` videos each."""
    plan = Plan.objects.create(
        category=category,
        plan_date=day,
        is_template=day is None,
        language=language,
        title=title,
        **fields,
    )
    actions = [action for action, _label in PlanStep.Action.choices]
    for order in range(1, steps + 1):
        action = actions[(order - 1) % len(actions)]
        step = PlanStep.objects.create(
            plan=plan,
            step_order=order,
            action_type=action,
            text_en=f"Step {order}: {action}",
            text_ru=f"Шаг {order}",
        )
        for position in range(items):
            video_id = f"{7300000000000000000 + plan.pk * 10000 + order * 100 + position}"
            StepItem.objects.create(
                plan_step=step,
                position=position,
                video_url=f"https://www.tiktok.com/@creator{position}/video/{video_id}",
                title=f"Video {position}",
                thumbnail_url=f"https://p16-sign.tiktokcdn.com/demo/{video_id}.jpeg",
                engagement_score=0.5,
            )
    return plan
