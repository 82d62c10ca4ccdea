"""Data safety under concurrency, on PostgreSQL (SQLite serialises writers and proves nothing)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from accounts.models import User
from conftest import ON_POSTGRES, PASSWORD, client_for, make_plan
from plans.models import Plan
from plans.services import PlanDateTaken, plan_copy_to_date
from progress.models import UserProgress

pytestmark = [*ON_POSTGRES, pytest.mark.django_db(transaction=True)]


def at_once(count: int, work):
    """Run `work(i)` in `count` threads released together; return the results."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait(timeout=10)
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_20_concurrent_completions_of_one_step_leave_one_row(alice, category):
    plan = make_plan(category=category, steps=1)
    step = plan.steps.get()
    clients = [client_for(alice) for _ in range(20)]

    statuses = at_once(20, lambda i: clients[i].post(f"/api/plans/{plan.pk}/steps/{step.pk}/complete").status_code)

    assert statuses == [200] * 20
    assert UserProgress.objects.filter(user=alice, step=step).count() == 1


def test_concurrent_actions_from_the_web_client_leave_one_row_and_earn_xp_once(alice, category):
    plan = make_plan(category=category, steps=2)
    step = plan.steps.first()
    clients = [client_for(alice) for _ in range(20)]

    results = at_once(20, lambda i: clients[i].post(f"/api/actions/{step.pk}/complete").json()["data"])

    assert UserProgress.objects.filter(user=alice, step=step).count() == 1
    assert sum(result["xpEarned"] for result in results) == 5


def test_concurrent_registrations_of_one_email_make_one_account(db, monkeypatch):
    from rest_framework.test import APIClient

    from fypfixer.throttling import FixedWindowThrottle

    # Only the race matters here, not the limit on attempts per email.
    monkeypatch.setattr(
        FixedWindowThrottle, "THROTTLE_RATES", {**FixedWindowThrottle.THROTTLE_RATES, "auth_account": "100/min"}
    )

    clients = [APIClient(REMOTE_ADDR=f"10.1.0.{i}") for i in range(10)]
    body = {"email": "race@example.com", "password": PASSWORD}

    statuses = at_once(10, lambda i: clients[i].post("/api/auth/register", body).status_code)

    assert sorted(statuses) == [201] + [409] * 9
    assert User.objects.filter(email="race@example.com").count() == 1


def test_copying_a_plan_to_a_day_twice_at_once_makes_one_plan(category):
    plan = make_plan(category=category, steps=2)
    day = plan.created_at.date()

    def copy(_i):
        try:
            return plan_copy_to_date(plan=Plan.objects.get(pk=plan.pk), day=day).pk
        except PlanDateTaken:
            return None

    copies = at_once(8, copy)

    assert sum(pk is not None for pk in copies) == 1
    assert Plan.objects.filter(plan_date=day, is_template=False).count() == 1


def test_completing_and_uncompleting_one_step_at_once_never_fails(alice, category):
    plan = make_plan(category=category, steps=1)
    step = plan.steps.get()
    url = f"/api/plans/{plan.pk}/steps/{step.pk}/complete"
    clients = [client_for(alice) for _ in range(20)]

    for _ in range(5):
        statuses = at_once(20, lambda i: (clients[i].post if i % 2 else clients[i].delete)(url).status_code)
        assert set(statuses) == {200}, statuses
    assert UserProgress.objects.filter(user=alice, step=step).count() <= 1
