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


# The original repository's seed (mefmax/fypfixer, db/seeds/db_seed_categories_v0.sql).
ORIGINAL_CATEGORIES = [
    ("personal_growth", "Personal Growth", "Личное развитие", "Crecimiento Personal", False),
    ("entertainment", "Entertainment", "Развлечение", "Entretenimiento", False),
    ("wellness", "Wellness & Lifestyle", "Здоровье и Образ жизни", "Bienestar y Estilo de vida", False),
    ("creative", "Creative & Arts", "Творчество и Искусство", "Creatividad y Arte", False),
    ("learning", "Learning & Education", "Обучение и Образование", "Aprendizaje y Educación", False),
    ("science_tech", "Science & Technology", "Наука и Технология", "Ciencia y Tecnología", True),
    ("food", "Food & Cooking", "Еда и Кулинария", "Comida y Cocina", True),
    ("travel", "Travel & Adventure", "Путешествия и Приключения", "Viajes y Aventura", True),
]
# Its demo plan (db/seeds/db_seed_demo_plan_v0.sql): one step and its three videos.
ORIGINAL_DEMO_VIDEOS = [
    ("growthcoach", "5 Habits to Change Your Life", 0.42, "High engagement, great for beginners"),
    ("mindsetdaily", "Morning Routine That Actually Works", 0.38, "Trending in Personal Growth niche"),
    ("focus_hacks", "How to Stay Focused for 2 Hours", 0.35, "Good watch time and saves"),
]


def test_categories_are_the_original_seed():
    call_command("loaddata", "categories", verbosity=0)

    rows = Category.objects.values_list("code", "name_en", "name_ru", "name_es", "is_premium")
    assert list(rows) == ORIGINAL_CATEGORIES


def test_the_demo_plan_is_the_original_seed():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    demo = Plan.objects.get(title="Demo Personal Growth Plan")
    step = demo.steps.get()
    assert (step.step_order, step.action_type, step.text_en) == (
        1,
        "watch",
        "Watch these 3 videos about personal growth",
    )
    videos = step.items.values_list("creator_username", "title", "engagement_score", "reason_text")
    assert list(videos) == ORIGINAL_DEMO_VIDEOS


def test_seed_categories_have_three_languages_and_icons():
    call_command("loaddata", "categories", verbosity=0)

    assert list(Category.objects.values_list("code", flat=True)) == FREE + PREMIUM
    for category in Category.objects.all():
        assert category.name_en and category.name_ru and category.name_es and category.icon
        assert category.is_premium == (category.code in PREMIUM)


def test_every_other_free_category_has_a_demo_plan_with_watch_like_follow():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    for code in FREE[1:]:
        plan = Plan.objects.get(category__code=code)
        assert plan.is_template and plan.is_active
        assert list(plan.steps.values_list("action_type", flat=True)) == ["watch", "like", "follow"]
        assert plan.steps.get(step_order=1).items.count() == 3


def test_demo_items_are_valid_tiktok_videos():
    call_command("loaddata", "categories", "demo_plans", verbosity=0)

    for item in StepItem.objects.all():
        item.full_clean()
        assert item.video_url.endswith(f"/@{item.creator_username}/video/{item.video_id}")
