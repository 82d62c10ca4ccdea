from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_plan
from plans.models import Plan, PlanStep, StepItem

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 22)


def test_two_steps_of_a_plan_cannot_share_a_position(category):
    plan = make_plan(category=category, steps=1)

    with pytest.raises(IntegrityError):
        PlanStep.objects.create(plan=plan, step_order=1, text_en="Duplicate")


def test_steps_of_different_plans_may_share_a_position(category):
    make_plan(category=category, steps=1)
    make_plan(category=category, steps=1)

    assert PlanStep.objects.filter(step_order=1).count() == 2


def test_one_active_dated_plan_per_category_day_and_language(category):
    make_plan(category=category, day=DAY)

    with pytest.raises(IntegrityError):
        make_plan(category=category, day=DAY)


def test_the_same_day_may_have_plans_in_other_languages_and_inactive_copies(category):
    make_plan(category=category, day=DAY)
    make_plan(category=category, day=DAY, language="ru")
    make_plan(category=category, day=DAY, is_active=False)
    make_plan(category=category)
    make_plan(category=category)

    assert Plan.objects.count() == 5


def test_a_dated_plan_needs_a_date(category):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(category=category, title="No date", is_template=False)

    plan = Plan(category=category, title="No date", is_template=False)
    with pytest.raises(ValidationError, match="needs a date"):
        plan.full_clean()


def test_model_validation_reports_a_taken_day_in_words(category):
    make_plan(category=category, day=DAY)
    duplicate = Plan(category=category, title="Again", plan_date=DAY, language="en")

    with pytest.raises(ValidationError, match="already an active plan"):
        duplicate.full_clean()


def test_step_text_falls_back_to_english(category):
    step = make_plan(category=category, steps=1).steps.get()

    assert step.text("ru") == "Шаг 1"
    assert step.text("es") == step.text_en


def test_an_item_derives_its_video_id_and_creator_from_the_url(category):
    step = make_plan(category=category, steps=1, items=0).steps.get()

    item = StepItem.objects.create(
        plan_step=step, video_url="https://m.tiktok.com/@Some.Creator_1/video/7234567890123456789?is_from_webapp=1"
    )

    assert item.video_id == "7234567890123456789"
    assert item.creator_username == "Some.Creator_1"
    assert item.video_url == "https://www.tiktok.com/@Some.Creator_1/video/7234567890123456789"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=abc",
        "https://www.tiktok.com/@creator",
        "https://vm.tiktok.com/ZMabc123/",
        "https://evil.example/tiktok.com/@a/video/1",
        "not a url",
    ],
)
def test_an_item_rejects_urls_that_are_not_tiktok_videos(category, url):
    step = make_plan(category=category, steps=1, items=0).steps.get()
    item = StepItem(plan_step=step, video_url=url)

    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "video_url" in error.value.message_dict
