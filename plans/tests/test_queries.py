"""Query budgets: the number of queries per request does not grow with the size of a plan.

Each test first commits its content, as editors' saves are committed before users read
them: the content version is then in the cache, and a cold read costs only its build.
"""

import pytest
from django.utils import timezone

from conftest import client_for, commit_content, make_category, make_plan
from progress.models import UserProgress

# These tests read "today": the clock is frozen at noon of a fixed day (conftest.frozen_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

SIZES = [pytest.param((1, 1), id="1 step x 1 item"), pytest.param((10, 5), id="10 steps x 5 items")]


@pytest.fixture
def plan_of_size(category, request):
    steps, items = request.param
    plan = make_plan(category=category, day=timezone.now().date(), steps=steps, items=items)
    commit_content()
    return plan


@pytest.mark.parametrize("plan_of_size", SIZES, indirect=True)
def test_anonymous_daily_plan_takes_4_queries_cold_and_none_warm(api_client, plan_of_size, django_assert_num_queries):
    # Which plan (the dated one, or today's template in the rotation), then the plan in 3.
    with django_assert_num_queries(1 + 3):
        cold = api_client.get("/api/plan?category=personal_growth&lang=en")
    with django_assert_num_queries(0):
        warm = api_client.get("/api/plan?category=personal_growth&lang=en")

    assert cold.status_code == warm.status_code == 200
    assert cold.json() == warm.json()


@pytest.mark.parametrize("plan_of_size", SIZES, indirect=True)
def test_signed_in_daily_plan_adds_1_query_once_the_user_is_cached(alice, plan_of_size, django_assert_num_queries):
    client = client_for(alice)
    UserProgress.objects.create(user=alice, step=plan_of_size.steps.first())

    # The user's row (then kept in the cache) and the completed steps.
    with django_assert_num_queries(1 + 3 + 2):
        cold = client.get("/api/plan?category=personal_growth")
    with django_assert_num_queries(1):
        warm = client.get("/api/plan?category=personal_growth")

    assert cold.json() == warm.json()
    assert warm.json()["data"]["progress"]["completed"] == 1


@pytest.mark.parametrize("plan_of_size", SIZES, indirect=True)
def test_one_plan_takes_3_queries_cold_and_none_warm(api_client, plan_of_size, django_assert_num_queries):
    with django_assert_num_queries(3):
        api_client.get(f"/api/plans/{plan_of_size.pk}")
    with django_assert_num_queries(0):
        api_client.get(f"/api/plans/{plan_of_size.pk}")


@pytest.mark.parametrize(("plans", "steps", "items"), [(1, 1, 1), (30, 10, 5)])
def test_a_page_of_plans_takes_at_most_3_queries(api_client, category, plans, steps, items, django_assert_num_queries):
    other = make_category("wellness")
    for n in range(plans):
        make_plan(category=category if n % 2 else other, title=f"Plan {n}", steps=steps, items=items)
    commit_content()

    # The count, the page (with each plan's step count); the category too when filtered.
    with django_assert_num_queries(2):
        api_client.get("/api/plans?limit=20")
    with django_assert_num_queries(3):
        page = api_client.get("/api/plans?limit=20&category=wellness")
    with django_assert_num_queries(0):
        api_client.get("/api/plans?limit=20")

    assert page.json()["data"]["pagination"]["total"] == (plans + 1) // 2


def test_categories_take_1_query_cold_and_none_warm(api_client, category, django_assert_num_queries):
    for n in range(10):
        make_category(f"category_{n}")
    commit_content()

    with django_assert_num_queries(1):
        api_client.get("/api/categories")
    with django_assert_num_queries(0):
        response = api_client.get("/api/categories")

    assert len(response.json()["data"]["categories"]) == 11


@pytest.mark.parametrize("plan_of_size", SIZES, indirect=True)
def test_completing_a_step_takes_a_constant_number_of_queries(alice, plan_of_size, django_assert_num_queries):
    client = client_for(alice)
    step = plan_of_size.steps.last()
    url = f"/api/plans/{plan_of_size.pk}/steps/{step.pk}/complete"

    client.get("/api/user")  # the user's row is now in the cache
    # One statement checks the step and inserts the completion.
    with django_assert_num_queries(1):
        client.post(url)
    # Already completed: that statement inserts nothing, then the step with its completion.
    with django_assert_num_queries(2):
        client.post(url)


@pytest.mark.parametrize("plan_of_size", SIZES, indirect=True)
def test_todays_actions_for_the_web_client_take_constant_queries(alice, plan_of_size, django_assert_max_num_queries):
    client = client_for(alice)
    client.get("/api/v1/plans/today")

    with django_assert_max_num_queries(1):
        client.get("/api/v1/plans/today")
