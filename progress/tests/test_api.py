from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from conftest import make_category, make_plan
from progress.models import UserProgress

# These tests read "today": the clock is frozen at noon of a fixed day (conftest.frozen_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def plan(category):
    return make_plan(category=category, day=timezone.now().date(), steps=3)


def complete_url(plan, step):
    return f"/api/plans/{plan.pk}/steps/{step.pk}/complete"


def test_completing_a_step_records_it(alice_client, alice, plan):
    step = plan.steps.first()

    response = alice_client.post(complete_url(plan, step))

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["step_id"] == step.pk and data["completed"] is True
    progress = UserProgress.objects.get(user=alice, step=step)
    assert data["completed_at"] == progress.completed_at.isoformat().replace("+00:00", "Z")


def test_completing_twice_is_idempotent(alice_client, alice, plan):
    step = plan.steps.first()

    first = alice_client.post(complete_url(plan, step)).json()["data"]
    second = alice_client.post(complete_url(plan, step)).json()["data"]

    assert first == second
    assert UserProgress.objects.filter(user=alice).count() == 1


def test_a_step_of_another_plan_is_not_found(alice_client, alice, plan, category):
    other = make_plan(category=category, steps=1)

    response = alice_client.post(complete_url(plan, other.steps.first()))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not UserProgress.objects.exists()


@pytest.mark.parametrize(
    "path", ["/api/plans/1/steps/999999/complete", "/api/plans/9999999999999999999999/steps/1/complete"]
)
def test_unknown_ids_are_not_found(alice_client, plan, path):
    assert alice_client.post(path).status_code == 404


def test_steps_of_inactive_or_someone_elses_plans_are_not_found(alice_client, bob, category):
    inactive = make_plan(category=category, is_active=False, steps=1)
    bobs = make_plan(category=category, user=bob, steps=1)

    assert alice_client.post(complete_url(inactive, inactive.steps.first())).status_code == 404
    assert alice_client.post(complete_url(bobs, bobs.steps.first())).status_code == 404


def test_completing_needs_a_token(api_client, plan):
    response = api_client.post(complete_url(plan, plan.steps.first()))

    assert response.status_code == 401
    assert not UserProgress.objects.exists()


def test_a_body_is_ignored(alice_client, plan):
    step = plan.steps.first()

    assert alice_client.post(complete_url(plan, step), {"anything": 1}).status_code == 200
    assert alice_client.post(complete_url(plan, step), "{", content_type="application/json").status_code == 200


def test_delete_uncompletes_the_step(alice_client, alice, plan):
    step = plan.steps.first()
    alice_client.post(complete_url(plan, step))

    response = alice_client.delete(complete_url(plan, step))
    again = alice_client.delete(complete_url(plan, step))

    assert response.status_code == again.status_code == 200
    assert response.json()["data"] == {"step_id": step.pk, "completed": False, "completed_at": None}
    assert not UserProgress.objects.filter(user=alice).exists()


def test_bob_cannot_uncomplete_alices_steps(alice_client, bob_client, alice, plan):
    step = plan.steps.first()
    alice_client.post(complete_url(plan, step))

    bob_client.delete(complete_url(plan, step))

    assert UserProgress.objects.filter(user=alice, step=step).exists()


def test_completion_shows_in_the_daily_plan_at_once(alice_client, plan):
    alice_client.get("/api/plan?category=personal_growth")
    alice_client.post(complete_url(plan, plan.steps.first()))

    served = alice_client.get("/api/plan?category=personal_growth").json()["data"]

    assert served["progress"]["completed"] == 1


# The progress summary


def complete_at(user, step, moment):
    UserProgress.objects.create(user=user, step=step, completed_at=moment)


def test_progress_summary_for_a_new_user(alice_client):
    response = alice_client.get("/api/progress")

    assert response.status_code == 200
    assert response.json()["data"] == {
        "completed_steps": 0,
        "today": {"completed": 0, "total": 0},
        "current_streak": 0,
        "longest_streak": 0,
        "last_active_date": None,
    }


def test_progress_summary_counts_today_and_streaks(alice_client, alice, category):
    now = timezone.now()
    plans = [make_plan(category=category, title=f"P{n}", steps=3, items=0) for n in range(6)]
    # A 3-day run long ago, then the last 2 days (today included).
    for days_ago, plan in zip([10, 9, 8, 1], plans, strict=False):
        complete_at(alice, plan.steps.first(), now - timedelta(days=days_ago))
    complete_at(alice, plans[4].steps.all()[0], now)
    complete_at(alice, plans[4].steps.all()[1], now)

    data = alice_client.get("/api/progress").json()["data"]

    assert data["completed_steps"] == 6
    assert data["today"] == {"completed": 2, "total": 3}
    assert data["current_streak"] == 2
    assert data["longest_streak"] == 3
    assert data["last_active_date"] == now.date().isoformat()


def test_days_are_counted_in_the_users_time_zone(alice_client, alice, category):
    plan = make_plan(category=category, steps=2, items=0)
    madrid = ZoneInfo("Europe/Madrid")
    # 23:30 and 00:30 Madrid time on consecutive Madrid days, but one UTC day.
    complete_at(alice, plan.steps.all()[0], datetime(2026, 6, 1, 23, 30, tzinfo=madrid))
    complete_at(alice, plan.steps.all()[1], datetime(2026, 6, 2, 0, 30, tzinfo=madrid))

    in_madrid = alice_client.get("/api/progress?tz=Europe/Madrid").json()["data"]
    in_utc = alice_client.get("/api/progress").json()["data"]

    assert in_madrid["longest_streak"] == 2
    assert in_madrid["last_active_date"] == "2026-06-02"
    assert in_utc["longest_streak"] == 1
    assert in_utc["last_active_date"] == "2026-06-01"


def test_bob_does_not_see_alices_progress(alice_client, bob_client, plan):
    alice_client.post(complete_url(plan, plan.steps.first()))

    assert bob_client.get("/api/progress").json()["data"]["completed_steps"] == 0


def test_progress_rejects_an_unknown_time_zone(alice_client):
    response = alice_client.get("/api/progress?tz=Nowhere/Land")

    assert response.status_code == 400
    assert "tz" in response.json()["error"]["details"]


def test_progress_needs_a_token(api_client):
    assert api_client.get("/api/progress").status_code == 401


def test_a_category_is_not_needed_for_progress(alice_client, alice):
    make_category("wellness")

    assert alice_client.get("/api/progress").status_code == 200


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ([], date(2026, 1, 10), (0, 0)),
        ([date(2026, 1, 10)], date(2026, 1, 10), (1, 1)),
        ([date(2026, 1, 9)], date(2026, 1, 10), (1, 1)),
        ([date(2026, 1, 8)], date(2026, 1, 10), (0, 1)),
        ([date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 4)], date(2026, 1, 4), (1, 2)),
        ([date(2026, 1, 8), date(2026, 1, 9), date(2026, 1, 10)], date(2026, 1, 10), (3, 3)),
    ],
)
def test_streaks(days, today, expected):
    from progress.selectors import streaks

    assert streaks(days, today=today) == expected


def test_the_one_statement_completion_follows_the_same_rules_as_the_selector(alice, bob, category):
    """step_complete_at_once() writes out completable_steps() and visible_step() in SQL: same answers."""
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.services import user_tokens
    from catalog.models import Category
    from progress.selectors import PremiumRequired, StepNotFound, visible_step
    from progress.services import step_complete_at_once

    today = timezone.now().date()
    premium = make_category("food", is_premium=True)
    hidden = make_category("hidden", is_active=False)
    plans = [
        make_plan(category=category, steps=1),  # a template
        make_plan(category=category, day=today, steps=1, language="ru"),
        make_plan(category=category, day=today - timedelta(days=1), steps=1, language="es"),
        make_plan(category=category, day=today - timedelta(days=2), steps=1),
        make_plan(category=category, day=today + timedelta(days=1), steps=1),
        make_plan(category=category, steps=1, is_active=False),
        make_plan(category=hidden, steps=1),
        make_plan(category=category, steps=1, user=alice),
        make_plan(category=category, steps=1, user=bob),
        make_plan(category=premium, steps=1),
    ]
    assert Category.objects.filter(is_premium=True).exists()
    for user in (alice, User.objects.create_user(email="paying@example.com", is_premium=True)):
        token = AccessToken(user_tokens(user=user)["token"])
        for plan in plans:
            step = plan.steps.get()
            try:
                visible_step(user=user, day=today, plan_id=plan.pk, step_id=step.pk)
                expected = True
            except (StepNotFound, PremiumRequired):
                expected = False
            written = step_complete_at_once(user_id=user.pk, token=token, plan_id=plan.pk, step_id=step.pk, day=today)
            written = written is not None
            assert written == expected, (user, plan, plan.plan_date, plan.category)
    # The answers are the documented rules: the template, today's and yesterday's plans, and
    # the user's own plan for Alice; the premium plan instead of Alice's for a premium user.
    assert UserProgress.objects.filter(user=alice).count() == 4
    assert set(UserProgress.objects.filter(user__is_premium=True).values_list("step__plan", flat=True)) == {
        plans[0].pk,
        plans[1].pk,
        plans[2].pk,
        plans[9].pk,
    }
