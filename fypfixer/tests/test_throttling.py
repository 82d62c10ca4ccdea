"""Rate limits on writes: every write of both API surfaces counts, and Retry-After is exact."""

import pytest
from django.core.cache import cache

from conftest import client_for, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(category):
    return make_plan(category=category, steps=1)


def writes(plan):
    """Every write a signed-in client can make: (method, path, body)."""
    step = plan.steps.get()
    return [
        ("patch", "/api/preferences", {"dark_mode": False}),
        ("put", "/api/preferences", {"notifications_enabled": True}),
        ("patch", "/api/user", {"language": "es"}),
        ("post", f"/api/plans/{plan.pk}/steps/{step.pk}/complete", None),
        ("delete", f"/api/plans/{plan.pk}/steps/{step.pk}/complete", None),
        ("post", f"/api/actions/{step.pk}/complete", None),
        ("post", f"/api/actions/{step.pk}/uncomplete", None),
        ("post", "/api/preferences/complete-onboarding", {"goals": ["focus"], "category": "personal_growth"}),
    ]


def test_150_preference_changes_in_a_minute_are_cut_at_the_write_limit(alice, clock):
    client = client_for(alice)

    answers = [client.patch("/api/preferences", {"dark_mode": n % 2 == 0}).status_code for n in range(150)]

    # THROTTLE_WRITE_RATE's default: 120 a minute.
    assert answers == [200] * 120 + [429] * 30


@pytest.mark.parametrize("index", range(8))
def test_every_write_is_limited(alice, plan, clock, rates, index):
    rates(write="3/min")
    client = client_for(alice)
    method, path, body = writes(plan)[index]

    answers = [getattr(client, method)(path, body).status_code for _ in range(4)]

    assert answers[:3] == [200] * 3, (path, answers)
    assert answers[3] == 429, path


def test_writes_and_reads_have_separate_limits(alice, plan, clock, rates):
    rates(write="2/min", read="1000/min")
    client = client_for(alice)
    for _ in range(2):
        client.patch("/api/preferences", {"dark_mode": True})

    assert client.patch("/api/preferences", {"dark_mode": True}).status_code == 429
    assert client.get("/api/preferences").status_code == 200


def test_retry_after_says_when_the_window_ends_by_the_limiters_clock(alice, clock, rates):
    rates(write="1/min")
    clock.now = 60 * 16_667 + 10.25  # 10.25 s into a one-minute window
    client = client_for(alice)
    client.patch("/api/preferences", {"dark_mode": True})

    refused = client.patch("/api/preferences", {"dark_mode": True})

    assert refused.status_code == 429
    # 49.75 s are left, rounded up; not a figure from the wall clock.
    assert refused["Retry-After"] == "50"
    assert refused.json()["error"]["details"]["retry_after"] == "50"
    clock.now += 49.75
    assert client.patch("/api/preferences", {"dark_mode": True}).status_code == 200


def test_every_write_is_counted_in_the_shared_counter_at_once(alice, clock, settings):
    """Writes are never batched in a process (THROTTLE_BATCH is for reads): other processes see each one."""
    settings.THROTTLE_BATCH = 10
    client = client_for(alice)
    for _ in range(3):
        client.patch("/api/preferences", {"dark_mode": True})

    window = int(clock.now // 60)
    assert cache.get(f"throttle:write:user:{alice.pk}:{window}") == 3
