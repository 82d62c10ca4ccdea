"""Insights: the editors' page and the staff metrics API, from the same figures."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import WaitlistEntry
from conftest import client_for, make_category, make_plan
from insights.counters import RequestCounters, last_hour, p95_ms
from progress.models import UserProgress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def activity(category, alice, bob):
    """Alice joined a week ago and completed a plan's 3 steps on days 0, 1 and 7; Bob started it today."""
    now = timezone.now()
    plan = make_plan(category=category, title="Busy plan", steps=3, items=0)
    alice.created_at = now - timedelta(days=7)
    alice.save(update_fields=["created_at"])
    steps = list(plan.steps.order_by("step_order"))
    for step, days_ago in zip(steps, (7, 6, 0), strict=True):
        UserProgress.objects.create(user=alice, step=step, completed_at=now - timedelta(days=days_ago))
    UserProgress.objects.create(user=bob, step=steps[0], completed_at=now)
    food = make_category("food", is_premium=True, coming_soon=True)
    WaitlistEntry.objects.create(user=bob, category=food)
    return plan


@pytest.fixture
def staff(db):
    return User.objects.create_user(email="staff@example.com", is_staff=True)


def test_overview_counts_active_and_new_users(staff, activity):
    data = client_for(staff).get("/api/admin/metrics/overview").json()["data"]

    assert data["dau"] == 2 and data["total_users"] == 3 and data["completions_today"] == 2
    assert len(data["days"]) == 30
    assert data["days"][-8]["active_users"] == 1 and data["days"][-8]["new_users"] == 1


def test_challenge_is_the_retention_of_new_users(staff, activity):
    funnel = {row["day"]: row for row in client_for(staff).get("/api/admin/metrics/challenge").json()["data"]["funnel"]}

    # Cohort: users who joined in the last 30 days and are old enough for that day.
    assert funnel[0]["count"] == 2  # Alice on her day 0, Bob today
    assert funnel[1]["count"] == 1 and funnel[1]["cohort"] == 1
    assert funnel[7]["count"] == 1 and funnel[7]["percent"] == 100.0


def test_plans_metrics_show_how_many_reached_each_step(staff, activity):
    data = client_for(staff).get("/api/admin/metrics/plans").json()["data"]

    funnel = data["plans"][0]
    assert funnel["title"] == "Busy plan"
    # Alice's first step is 7 days old (outside the week); Bob did step 1 today, Alice step 2 and 3.
    assert [step["users"] for step in funnel["steps"]] == [1, 1, 1]
    assert data["signals"]["likes"] == 1
    assert set(data["step_completion"]) == {"clear", "watch", "reinforce"}


def test_system_metrics_come_from_the_apps_counters(staff, db):
    client = client_for(staff)
    for _ in range(5):
        client.get("/api/health")
    from insights.counters import counters

    counters.flush()

    data = client.get("/api/admin/metrics/system").json()["data"]

    assert data["requests_last_hour"] >= 5
    assert data["api_latency_p95_ms"] is not None
    assert data["status"] in ("operational", "degraded")


def test_counters_keep_errors_and_latency_buckets():
    counters = RequestCounters()
    now = 1_900_000_000.0
    for n in range(100):
        counters.record(seconds=0.004 if n < 90 else 0.2, server_error=n == 99, now=now)
    counters.flush()

    totals = last_hour(now=now)

    assert totals["requests"] == 100 and totals["errors"] == 1
    assert p95_ms(totals) == 250.0


@pytest.mark.parametrize("path", ["overview", "challenge", "plans", "system"])
def test_metrics_are_for_staff_only(alice, path):
    assert APIClient().get(f"/api/admin/metrics/{path}").status_code == 401
    answer = client_for(alice).get(f"/api/admin/metrics/{path}")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"


def test_the_insights_page_draws_every_chart_with_its_numbers(editor, activity, django_assert_max_num_queries):
    client = Client()
    client.force_login(editor)

    with django_assert_max_num_queries(20):
        answer = client.get("/admin/insights/")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.count("<svg") >= 7
    assert "Busy plan" in html and "Retention of new users" in html and "Current streaks" in html
    assert "food" in html.lower()
    assert "cdn" not in html.lower()
