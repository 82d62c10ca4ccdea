"""The web client's contract, replayed as the client calls it (camelCase, CORS, Bearer)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import PASSWORD, make_category, make_plan
from plans.models import PlanStep, StepItem
from progress.gamification import level_for, next_milestone
from progress.models import UserProgress

# These tests read "today": the clock is frozen at noon of a fixed day (conftest.frozen_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

ORIGIN = "http://localhost:5173"


class WebClient:
    """Calls the API the way the React client does: JSON, an Origin header, a Bearer token."""

    def __init__(self):
        self.http = APIClient(HTTP_ORIGIN=ORIGIN)
        self.token = None

    def preflight(self, method, path):
        response = self.http.options(
            path,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
        )
        assert response.status_code == 200, (path, response.status_code)
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        allowed = response["Access-Control-Allow-Headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        assert method in response["Access-Control-Allow-Methods"]

    def call(self, method, path, body=None, status=200):
        self.preflight(method.upper(), path)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        response = getattr(self.http, method)(path, body, format="json", **headers)
        assert response.status_code == status, (path, response.status_code, response.content)
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        body = response.json() if response.content else None
        if body is not None:
            assert body["success"] is (status < 400)
        return body


@pytest.fixture
def todays_plan(category):
    """Today's plan: follow, like, save, not_interested, watch; one video each."""
    plan = make_plan(category=category, day=timezone.now().date(), steps=0)
    for order, action in enumerate(["follow", "like", "save", "not_interested", "watch"], start=1):
        step = PlanStep.objects.create(plan=plan, step_order=order, action_type=action, text_en=f"Do {action}")
        StepItem.objects.create(
            plan_step=step,
            video_url=f"https://www.tiktok.com/@maker{order}/video/{7400000000000000000 + order}",
            title=f"Clip {order}",
            thumbnail_url=f"https://p16-sign.tiktokcdn.com/demo/{order}.jpeg",
        )
    return plan


def test_the_web_clients_whole_session(todays_plan):
    client = WebClient()

    # Register: the client reads data.token, data.refresh_token and data.user.
    session = client.call("post", "/api/auth/register", {"email": "web@example.com", "password": PASSWORD}, 201)
    assert {"token", "refresh_token", "user"} <= set(session["data"])
    client.token = session["data"]["token"]

    # Today's actions for a fresh browser.
    today = client.call("get", "/api/v1/plans/today?category=personal_growth&language=en")["data"]
    assert set(today) == {"id", "date", "categoryCode", "categoryName", "actions", "progress"}
    assert today["id"] == str(todays_plan.pk)
    assert today["date"] == timezone.now().date().isoformat()
    assert today["categoryCode"] == "personal_growth"
    assert today["categoryName"] == "Personal Growth"
    assert today["progress"] == {"completed": 0, "total": 5, "percentage": 0}
    follow, like, _save, not_interested, _watch = today["actions"]
    assert follow == {
        "id": str(todays_plan.steps.get(step_order=1).pk),
        "type": "follow",
        "category": "positive",
        "target": {
            "type": "creator",
            "name": "@maker1",
            "description": "Do follow",
            "thumbnailUrl": "https://p16-sign.tiktokcdn.com/demo/1.jpeg",
            "tiktokUrl": "https://www.tiktok.com/@maker1",
        },
        "completed": False,
    }
    assert like["target"] == {
        "type": "video",
        "name": "Clip 2",
        "description": "Do like",
        "thumbnailUrl": "https://p16-sign.tiktokcdn.com/demo/2.jpeg",
        "tiktokUrl": "https://www.tiktok.com/@maker2/video/7400000000000000002",
    }
    assert not_interested["category"] == "negative"
    assert {action["type"] for action in today["actions"]} == {"follow", "like", "save", "not_interested", "watch"}

    # Complete one action: 10 XP for a follow.
    done = client.call("post", f"/api/actions/{follow['id']}/complete")["data"]
    assert done["actionId"] == follow["id"]
    assert done["completed"] is True
    assert done["completedAt"]
    assert done["xpEarned"] == 10
    assert done["planCompleted"] is False

    # Streak and stats.
    streak = client.call("get", "/api/user/streak")["data"]
    assert streak == {"currentStreak": 1, "longestStreak": 1, "nextMilestone": 3, "totalXp": 10, "level": "Beginner"}
    stats = client.call("get", "/api/user/stats")["data"]
    assert stats == {
        "streak": {
            "currentStreak": 1,
            "longestStreak": 1,
            "lastActiveDate": timezone.now().date().isoformat(),
            "nextMilestone": 3,
        },
        "gamification": {"level": "Beginner", "xp": 10, "actionsCompleted": 1, "plansCompleted": 0},
    }

    # Logout, then log in again.
    assert client.call("post", "/api/auth/logout", status=204) is None
    client.token = None
    session = client.call("post", "/api/auth/login", {"email": "web@example.com", "password": PASSWORD})
    client.token = session["data"]["token"]

    # Preferences with the client's field names, and onboarding.
    preferences = client.call("put", "/api/preferences", {"hasCompletedOnboarding": False, "language": "en"})["data"]
    assert {"hasCompletedOnboarding", "selectedGoals", "preferredCategory", "language"} <= set(preferences)
    redirect = client.call(
        "post", "/api/preferences/complete-onboarding", {"goals": ["focus"], "category": "personal_growth"}
    )["data"]
    assert redirect == {"redirectTo": "/dashboard"}
    assert client.call("get", "/api/preferences")["data"]["hasCompletedOnboarding"] is True

    # Today's actions show the completed one after the new login.
    today = client.call("get", "/api/v1/plans/today?category=personal_growth&language=en")["data"]
    assert today["actions"][0]["completed"] is True
    assert today["actions"][0]["completedAt"] == done["completedAt"]
    assert today["progress"] == {"completed": 1, "total": 5, "percentage": 20}

    # Refresh with {refresh_token}; the client reads data.token.
    refreshed = client.call("post", "/api/auth/refresh", {"refresh_token": session["data"]["refresh_token"]})
    assert refreshed["data"]["token"]


def test_xp_per_action_and_the_plan_bonus(alice_client, todays_plan):
    earned = {}
    for step in todays_plan.steps.all():
        result = alice_client.post(f"/api/actions/{step.pk}/complete").json()["data"]
        earned[step.action_type] = (result["xpEarned"], result["planCompleted"])

    assert earned == {
        "follow": (10, False),
        "like": (5, False),
        "save": (8, False),
        "not_interested": (7, False),
        "watch": (5 + 25, True),
    }
    streak = alice_client.get("/api/user/streak").json()["data"]
    assert streak["totalXp"] == 10 + 5 + 8 + 7 + 5 + 25
    stats = alice_client.get("/api/user/stats").json()["data"]["gamification"]
    assert stats == {"level": "Beginner", "xp": 60, "actionsCompleted": 5, "plansCompleted": 1}


def test_a_repeated_complete_earns_nothing(alice_client, todays_plan):
    step = todays_plan.steps.first()

    alice_client.post(f"/api/actions/{step.pk}/complete")
    again = alice_client.post(f"/api/actions/{step.pk}/complete").json()["data"]

    assert again["xpEarned"] == 0
    assert again["completed"] is True


def test_uncomplete_takes_the_xp_back(alice_client, todays_plan):
    step = todays_plan.steps.first()
    alice_client.post(f"/api/actions/{step.pk}/complete")

    result = alice_client.post(f"/api/actions/{step.pk}/uncomplete").json()["data"]

    assert result == {
        "actionId": str(step.pk),
        "completed": False,
        "completedAt": None,
        "xpEarned": 0,
        "planCompleted": False,
    }
    assert alice_client.get("/api/user/streak").json()["data"]["totalXp"] == 0


@pytest.mark.parametrize(
    ("xp", "level"),
    [
        (0, "Beginner"),
        (99, "Beginner"),
        (100, "Explorer"),
        (299, "Explorer"),
        (300, "Apprentice"),
        (599, "Apprentice"),
        (600, "Curator"),
        (999, "Curator"),
        (1000, "Expert"),
        (1999, "Expert"),
        (2000, "Master"),
        (4999, "Master"),
        (5000, "Legend"),
        (10**9, "Legend"),
    ],
)
def test_levels_at_their_boundaries(xp, level):
    assert level_for(xp) == level


@pytest.mark.parametrize(
    ("streak", "milestone"),
    [
        (0, 3),
        (2, 3),
        (3, 7),
        (6, 7),
        (7, 14),
        (13, 14),
        (14, 21),
        (21, 30),
        (30, 60),
        (60, 90),
        (90, 180),
        (179, 180),
        (180, 365),
        (364, 365),
        (365, None),
        (1000, None),
    ],
)
def test_milestones_at_their_boundaries(streak, milestone):
    assert next_milestone(streak) == milestone


def test_the_streak_endpoint_reaches_the_first_milestone(alice_client, alice, category):
    plan = make_plan(category=category, steps=3, items=0)
    now = timezone.now()
    for days_ago, step in enumerate(plan.steps.all()):
        UserProgress.objects.create(user=alice, step=step, completed_at=now - timedelta(days=days_ago))

    streak = alice_client.get("/api/user/streak").json()["data"]

    assert streak["currentStreak"] == 3
    assert streak["nextMilestone"] == 7
    assert streak["level"] == "Beginner"


def test_total_xp_is_a_number_for_a_new_user(alice_client):
    streak = alice_client.get("/api/user/streak").json()["data"]

    assert streak == {"currentStreak": 0, "longestStreak": 0, "nextMilestone": 3, "totalXp": 0, "level": "Beginner"}


def test_completing_an_action_shows_in_api_plan_and_the_reverse(alice_client, todays_plan):
    first, second = todays_plan.steps.all()[:2]

    alice_client.post(f"/api/actions/{first.pk}/complete")
    alice_client.post(f"/api/plans/{todays_plan.pk}/steps/{second.pk}/complete")

    plan = alice_client.get("/api/plan?category=personal_growth").json()["data"]
    today = alice_client.get("/api/v1/plans/today?category=personal_growth").json()["data"]
    assert [step["completed"] for step in plan["steps"]][:3] == [True, True, False]
    assert [action["completed"] for action in today["actions"]][:3] == [True, True, False]

    alice_client.delete(f"/api/plans/{todays_plan.pk}/steps/{first.pk}/complete")
    alice_client.post(f"/api/actions/{second.pk}/uncomplete")
    today = alice_client.get("/api/v1/plans/today?category=personal_growth").json()["data"]
    assert today["progress"]["completed"] == 0


def test_an_unknown_action_is_not_found(alice_client, todays_plan):
    for path in ("/api/actions/999999/complete", "/api/actions/abc/complete", "/api/actions/999999/uncomplete"):
        response = alice_client.post(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_plan_without_videos_still_gives_actions(alice_client, category):
    make_category("wellness")
    plan = make_plan(category=category, day=timezone.now().date(), steps=2, items=0)

    today = alice_client.get("/api/v1/plans/today").json()["data"]

    assert today["id"] == str(plan.pk)
    assert today["actions"][0]["target"] == {"type": "video", "name": "Step 1: watch"}


def test_a_plan_without_steps_has_an_empty_list_of_actions(alice_client, category):
    make_plan(category=category, day=timezone.now().date(), steps=0)

    today = alice_client.get("/api/v1/plans/today").json()["data"]

    assert today["actions"] == []
    assert today["progress"] == {"completed": 0, "total": 0, "percentage": 0}


def test_a_valid_token_is_never_answered_401(alice_client, todays_plan):
    step = todays_plan.steps.first()
    paths = [
        ("get", "/api/v1/plans/today?category=personal_growth"),
        ("get", "/api/v1/plans/today?category=unknown"),
        ("post", f"/api/actions/{step.pk}/complete"),
        ("post", "/api/actions/123456789/complete"),
        ("post", f"/api/actions/{step.pk}/uncomplete"),
        ("get", "/api/user/streak"),
        ("get", "/api/user/stats"),
        ("get", "/api/preferences"),
        ("put", "/api/preferences"),
        ("post", "/api/preferences/complete-onboarding"),
    ]
    for method, path in paths:
        assert getattr(alice_client, method)(path, {}, format="json").status_code != 401, path


def test_client_endpoints_need_a_token(api_client, todays_plan):
    for method, path in [
        ("get", "/api/v1/plans/today"),
        ("post", "/api/actions/1/complete"),
        ("get", "/api/user/streak"),
        ("get", "/api/user/stats"),
    ]:
        assert getattr(api_client, method)(path).status_code == 401


def test_today_rejects_bad_parameters(alice_client, todays_plan):
    assert alice_client.get("/api/v1/plans/today?language=xx").status_code == 400
    assert alice_client.get("/api/v1/plans/today?category=bad%20code").status_code == 400
    # An unknown category serves the default one (the client hard-codes codes we may not have).
    assert alice_client.get("/api/v1/plans/today?category=nope").status_code == 200
