import pytest
from django.core.management import call_command

from catalog.models import Category
from plans.models import Plan, PlanStep, StepItem

pytestmark = pytest.mark.django_db

FREE = ["personal_growth", "entertainment", "wellness", "creative", "learning"]
PREMIUM = ["science_tech", "food", "travel"]


def counts():
    return [model.objects.count() for model in (Category, Plan, PlanStep, StepItem)]


def test_fixtures_load_on_an_empty_database_and_again_without_duplicates():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)
    first = counts()
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    assert counts() == first
    assert first[0] == 8


def test_seed_categories_have_three_languages_and_icons():
    call_command("loaddata", "categories", verbosity=0)

    assert list(Category.objects.values_list("code", flat=True)) == FREE + PREMIUM
    for category in Category.objects.all():
        assert category.name_en and category.name_ru and category.name_es and category.icon
        assert category.is_premium == (category.code in PREMIUM)


def test_every_free_category_has_a_demo_plan_with_watch_like_follow():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    for code in FREE:
        plan = Plan.objects.get(category__code=code)
        assert plan.is_template and plan.is_active
        assert list(plan.steps.values_list("action_type", flat=True)) == ["watch", "like", "follow"]
        assert plan.steps.get(step_order=1).items.count() == 3


def test_demo_items_are_valid_tiktok_videos():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    for item in StepItem.objects.all():
        item.full_clean()
        assert item.video_url.endswith(f"/@{item.creator_username}/video/{item.video_id}")
