from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from conftest import make_category, make_plan
from plans.models import Plan
from progress.models import UserProgress

# These tests read "today": the clock is frozen at noon of a fixed day (conftest.frozen_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def today():
    return timezone.now().date()


def data_of(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


# The daily plan


def test_it_serves_todays_plan(api_client, category):
    make_plan(category=category, title="Template")
    todays = make_plan(category=category, day=today(), title="Today")
    make_plan(category=category, day=today() - timedelta(days=1), title="Yesterday")

    plan = data_of(api_client.get("/api/plan?category=personal_growth&lang=en"))

    assert plan["id"] == todays.pk
    assert plan["plan_date"] == today().isoformat()
    assert set(plan) == {"id", "title", "plan_date", "language", "category", "steps"}
    assert plan["category"] == {
        "id": category.pk,
        "code": "personal_growth",
        "name": "Personal Growth",
        "icon": "🌱",
        "is_premium": False,
    }
    step = plan["steps"][0]
    assert set(step) == {"id", "step_order", "action_type", "text", "duration_minutes", "items"}
    assert set(step["items"][0]) == {
        "id",
        "video_id",
        "creator_username",
        "title",
        "thumbnail_url",
        "video_url",
        "engagement_score",
        "reason_text",
    }


def test_on_a_day_without_a_dated_plan_it_serves_a_template(api_client, category):
    template = make_plan(category=category, title="Template")
    make_plan(category=category, day=today() + timedelta(days=1), title="Tomorrow")

    plan = data_of(api_client.get("/api/plan?category=personal_growth"))

    assert plan["id"] == template.pk
    assert plan["plan_date"] is None


def test_templates_rotate_by_the_users_calendar_day(api_client, category):
    templates = [make_plan(category=category, title=f"Template {n}") for n in range(3)]
    day = today()

    # Noon UTC: the same day in Honolulu (UTC-10), already the next one in Kiritimati (UTC+14).
    served = {
        zone: data_of(api_client.get(f"/api/plan?category=personal_growth&tz={zone}"))["id"]
        for zone in ("Pacific/Honolulu", "UTC", "Pacific/Kiritimati")
    }

    expected = {
        zone: templates[(day + timedelta(days=shift)).toordinal() % 3].pk
        for zone, shift in (("Pacific/Honolulu", 0), ("UTC", 0), ("Pacific/Kiritimati", 1))
    }
    assert served == expected
    assert served["UTC"] != served["Pacific/Kiritimati"]


def test_the_same_day_gives_the_same_template_to_everyone(api_client, alice_client, category):
    for n in range(4):
        make_plan(category=category, title=f"Template {n}")

    assert (
        data_of(api_client.get("/api/plan?category=personal_growth"))["id"]
        == data_of(alice_client.get("/api/plan?category=personal_growth"))["id"]
    )


def test_a_dated_plan_beats_the_rotation(api_client, category):
    for n in range(3):
        make_plan(category=category, title=f"Template {n}")
    dated = make_plan(category=category, day=today(), title="Today")

    assert data_of(api_client.get("/api/plan?category=personal_growth"))["id"] == dated.pk


def test_it_falls_back_to_english_when_the_language_has_no_plan(api_client, category):
    english = make_plan(category=category, day=today())

    plan = data_of(api_client.get("/api/plan?category=personal_growth&lang=ru"))

    assert plan["id"] == english.pk
    assert plan["language"] == "en"
    assert plan["category"]["name"] == "Личностный рост"
    assert plan["steps"][0]["text"] == "Шаг 1"


def test_a_template_in_the_asked_language_beats_todays_english_plan(api_client, category):
    make_plan(category=category, day=today())
    russian = make_plan(category=category, language="ru", title="Шаблон")

    assert data_of(api_client.get("/api/plan?category=personal_growth&lang=ru"))["id"] == russian.pk


def test_the_language_comes_from_accept_language_and_the_users_setting(api_client, alice_client, alice, category):
    make_plan(category=category, day=today())

    by_header = data_of(api_client.get("/api/plan?category=personal_growth", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9"))
    alice.language = "ru"
    alice.save()
    by_user = data_of(alice_client.get("/api/plan?category=personal_growth", HTTP_ACCEPT_LANGUAGE="en"))
    by_param = data_of(alice_client.get("/api/plan?category=personal_growth&language=en"))

    assert by_header["category"]["name"] == "Личностный рост"
    assert by_user["category"]["name"] == "Личностный рост"
    assert by_param["category"]["name"] == "Personal Growth"


def test_the_day_follows_the_users_time_zone(api_client, category):
    zone = ZoneInfo("Pacific/Kiritimati")
    their_today = datetime.now(tz=zone).date()
    theirs = make_plan(category=category, day=their_today, title="Their day")
    make_plan(category=category, title="Template")

    by_param = data_of(api_client.get("/api/plan?category=personal_growth&tz=Pacific/Kiritimati"))
    by_header = data_of(api_client.get("/api/plan?category=personal_growth", HTTP_X_TIMEZONE="Pacific/Kiritimati"))

    assert by_param["id"] == by_header["id"] == theirs.pk


def test_steps_and_items_come_in_their_order(api_client, category):
    plan = make_plan(category=category, day=today(), steps=3, items=3)
    step = plan.steps.get(step_order=1)
    step.step_order = 9
    step.save()
    item = step.items.get(position=0)
    item.position = 5
    item.save()

    served = data_of(api_client.get("/api/plan?category=personal_growth"))

    assert [s["step_order"] for s in served["steps"]] == [2, 3, 9]
    assert [i["id"] for i in served["steps"][2]["items"]][-1] == item.pk


def test_the_default_category_is_personal_growth(api_client, category):
    plan = make_plan(category=category)

    assert data_of(api_client.get("/api/plan"))["id"] == plan.pk


def test_an_unknown_or_inactive_category_is_not_found(api_client, category):
    make_category("old", is_active=False)

    for url in ("/api/plan?category=nope", "/api/plan?category=old"):
        response = api_client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "category" in response.json()["error"]["message"]


def test_a_category_without_a_plan_is_not_found(api_client, category):
    make_plan(category=category, is_active=False)
    make_plan(category=category, day=today() - timedelta(days=1))

    response = api_client.get("/api/plan?category=personal_growth")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "There is no plan for this category yet."


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=bad%20code", "category"),
        ("category=" + "x" * 40, "category"),
        ("category=a%00b", "category"),
        ("lang=zz", "lang"),
        ("language=12", "language"),
        ("tz=Not/AZone", "tz"),
        ("tz=../../etc/passwd", "tz"),
    ],
)
def test_it_rejects_bad_query_parameters(api_client, category, query, field):
    response = api_client.get(f"/api/plan?{query}")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_signed_in_users_see_their_completed_steps_and_progress(alice_client, alice, bob, category):
    plan = make_plan(category=category, day=today(), steps=3)
    first, second, _third = plan.steps.all()
    UserProgress.objects.create(user=alice, step=first)
    UserProgress.objects.create(user=alice, step=second)
    UserProgress.objects.create(user=bob, step=_third)

    served = data_of(alice_client.get("/api/plan?category=personal_growth"))

    assert [step["completed"] for step in served["steps"]] == [True, True, False]
    assert served["progress"] == {"completed": 2, "total": 3, "percentage": 66}


def test_anonymous_users_get_no_completion_fields(api_client, category):
    make_plan(category=category, day=today())

    served = data_of(api_client.get("/api/plan?category=personal_growth"))

    assert "progress" not in served
    assert all("completed" not in step for step in served["steps"])


def test_completion_never_leaks_between_users_through_the_cache(alice_client, bob_client, alice, category):
    plan = make_plan(category=category, day=today())
    UserProgress.objects.create(user=alice, step=plan.steps.first())

    alice_view = data_of(alice_client.get("/api/plan?category=personal_growth"))
    bob_view = data_of(bob_client.get("/api/plan?category=personal_growth"))

    assert alice_view["progress"]["completed"] == 1
    assert bob_view["progress"]["completed"] == 0


def test_an_edit_shows_on_the_next_request(api_client, category):
    plan = make_plan(category=category, day=today())
    data_of(api_client.get("/api/plan?category=personal_growth"))

    step = plan.steps.first()
    step.text_en = "Edited"
    step.save()
    assert data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["text"] == "Edited"

    step.items.first().delete()
    assert len(data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"]) == 1

    Plan.objects.filter(pk=plan.pk).first().delete()
    assert api_client.get("/api/plan?category=personal_growth").status_code == 404


# The list of plans


def test_it_lists_active_template_plans_newest_first(api_client, category):
    older = make_plan(category=category, title="Older", steps=2)
    newer = make_plan(category=category, title="Newer", steps=4)
    make_plan(category=category, day=today(), title="Dated")
    make_plan(category=category, title="Inactive", is_active=False)
    make_plan(category=category, title="Русский", language="ru")

    page = data_of(api_client.get("/api/plans"))

    assert [plan["id"] for plan in page["plans"]] == [newer.pk, older.pk]
    assert page["pagination"] == {"total": 2, "limit": 20, "offset": 0}
    assert page["plans"][0]["steps_count"] == 4
    assert "steps" not in page["plans"][0]
    assert set(page["plans"][0]) == {"id", "title", "plan_date", "language", "category", "steps_count"}


def test_it_pages_with_limit_and_offset(api_client, category):
    plans = [make_plan(category=category, title=f"Plan {n}", steps=1, items=0) for n in range(5)]

    page = data_of(api_client.get("/api/plans?limit=2&offset=1"))

    assert [plan["id"] for plan in page["plans"]] == [plans[3].pk, plans[2].pk]
    assert page["pagination"] == {"total": 5, "limit": 2, "offset": 1}
    beyond = data_of(api_client.get("/api/plans?limit=2&offset=50"))
    assert beyond["plans"] == [] and beyond["pagination"]["total"] == 5


def test_it_filters_by_category_and_language(api_client, category):
    other = make_category("wellness")
    mine = make_plan(category=category, steps=1)
    make_plan(category=other, steps=1)
    russian = make_plan(category=category, language="ru", steps=1)

    assert [p["id"] for p in data_of(api_client.get("/api/plans?category=personal_growth"))["plans"]] == [mine.pk]
    assert [p["id"] for p in data_of(api_client.get("/api/plans?language=ru"))["plans"]] == [russian.pk]


def test_an_unknown_category_filter_is_not_found(api_client, category):
    response = api_client.get("/api/plans?category=nope")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=1e3", "limit"),
        ("limit=99999999999999999999999999", "limit"),
        ("limit=" + "9" * 5000, "limit"),
        ("offset=-5", "offset"),
        ("offset=x", "offset"),
        ("offset=100000000000000000000", "offset"),
        ("language=xx", "language"),
        ("category=%F0%9F%98%80", "category"),
    ],
)
def test_it_rejects_bad_paging_and_filters(api_client, category, query, field):
    response = api_client.get(f"/api/plans?{query}")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_limit_100_is_allowed(api_client, category):
    assert data_of(api_client.get("/api/plans?limit=100"))["pagination"]["limit"] == 100


# One plan


def test_it_returns_one_plan_with_steps_and_items(api_client, category):
    plan = make_plan(category=category, steps=2, items=3)

    served = data_of(api_client.get(f"/api/plans/{plan.pk}?lang=ru"))

    assert served["id"] == plan.pk
    assert [len(step["items"]) for step in served["steps"]] == [3, 3]
    assert served["steps"][0]["text"] == "Шаг 1"


def test_signed_in_users_see_progress_on_one_plan(alice_client, alice, category):
    plan = make_plan(category=category, steps=2)
    UserProgress.objects.create(user=alice, step=plan.steps.first())

    served = data_of(alice_client.get(f"/api/plans/{plan.pk}"))

    assert served["progress"] == {"completed": 1, "total": 2, "percentage": 50}


@pytest.mark.parametrize(
    "path", ["/api/plans/999999", "/api/plans/99999999999999999999999", "/api/plans/abc", "/api/plans/-1"]
)
def test_unknown_plan_ids_are_not_found(api_client, category, path):
    make_plan(category=category)

    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_inactive_and_personal_plans_are_not_found(api_client, alice, category):
    inactive = make_plan(category=category, is_active=False)
    personal = make_plan(category=category, user=alice)

    assert api_client.get(f"/api/plans/{inactive.pk}").status_code == 404
    assert api_client.get(f"/api/plans/{personal.pk}").status_code == 404


def test_a_premium_categorys_plan_is_served_to_premium_users_only(api_client, alice):
    from conftest import client_for

    food = make_category("food", is_premium=True)
    plan = make_plan(category=food, title="Premium plan")
    paying = User.objects.create_user(email="paying@example.com", is_premium=True)

    for client in (api_client, client_for(alice)):
        for path in ("/api/plan?category=food", f"/api/plans/{plan.pk}", "/api/v1/plans/today?category=food"):
            answer = client.get(path)
            if path.startswith("/api/v1") and client is api_client:
                assert answer.status_code == 401
                continue
            assert answer.status_code == 403, path
            assert answer.json()["error"]["code"] == "premium_required"
    for path in ("/api/plan?category=food", f"/api/plans/{plan.pk}", "/api/v1/plans/today?category=food"):
        assert client_for(paying).get(path).status_code == 200, path
