"""Benchmark content shaped like the Flask peer's `seed_db.py --big`.

For each category: `plans_per_category` English template plans dated the previous days,
5 steps each, 4 videos per step; categories interleaved by creation time so a newest-first
page mixes them. Plus, as the peer has, today's personal_growth plan (a copy of the demo).
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import Category
from fypfixer.content_cache import content_changed
from plans.models import Plan, PlanStep, StepItem
from plans.services import plan_copy_to_date

BULK_TITLE = "Bulk plan"
STEPS_PER_PLAN = 5
ITEMS_PER_STEP = 4
ACTIONS = ["watch", "like", "follow", "save", "comment"]


@transaction.atomic
def bench_plans_create(*, plans_per_category: int = 50, today: date | None = None) -> dict:
    """Replace the benchmark plans; return how many plans, steps and videos exist in all."""
    today = today or timezone.localdate()
    Plan.objects.filter(title__startswith=BULK_TITLE).delete()
    categories = list(Category.objects.order_by("display_order", "id"))
    now = timezone.now()

    plans = Plan.objects.bulk_create(
        [
            Plan(
                category=category,
                plan_date=today - timedelta(days=i + 1),
                language="en",
                is_template=True,
                is_active=True,
                title=f"{BULK_TITLE} {category.code} #{i + 1}",
            )
            for i in range(plans_per_category)
            for category in categories
        ],
        batch_size=2000,
    )
    # One second apart, newest first in creation order (bulk_create stamps them all "now").
    for n, plan in enumerate(plans, start=1):
        plan.created_at = plan.updated_at = now - timedelta(seconds=n)
    Plan.objects.bulk_update(plans, ["created_at", "updated_at"], batch_size=2000)

    steps = PlanStep.objects.bulk_create(
        [
            PlanStep(
                plan=plan,
                step_order=s + 1,
                action_type=ACTIONS[s % len(ACTIONS)],
                text_en=f"Step {s + 1}: {ACTIONS[s % len(ACTIONS)]} videos for plan {plan.pk}",
                text_ru=f"Шаг {s + 1}: {ACTIONS[s % len(ACTIONS)]} видео для плана {plan.pk}",
                text_es=f"Paso {s + 1}: {ACTIONS[s % len(ACTIONS)]} videos para el plan {plan.pk}",
                duration_minutes=5,
            )
            for plan in plans
            for s in range(STEPS_PER_PLAN)
        ],
        batch_size=5000,
    )
    StepItem.objects.bulk_create(
        [_bench_item(step, k) for step in steps for k in range(ITEMS_PER_STEP)], batch_size=5000
    )

    demo = Plan.objects.filter(category__code="personal_growth", is_template=True).order_by("created_at").first()
    dated_today = Plan.objects.filter(category__code="personal_growth", plan_date=today, is_template=False)
    if demo is not None and not dated_today.exists():
        plan_copy_to_date(plan=demo, day=today)
    content_changed()
    return {
        "plans": Plan.objects.count(),
        "steps": PlanStep.objects.count(),
        "items": StepItem.objects.count(),
    }


def _bench_item(step: PlanStep, k: int) -> StepItem:
    video_id = str(7300000000000000000 + step.pk * 10 + k)
    creator = f"creator{(step.pk * 7 + k) % 997}"
    return StepItem(
        plan_step=step,
        position=k,
        video_id=video_id,
        creator_username=creator,
        video_url=f"https://www.tiktok.com/@{creator}/video/{video_id}",
        title=f"Video {k + 1} for step {step.pk}",
        thumbnail_url=f"https://p16-sign.tiktokcdn.com/demo/{video_id}.jpeg",
        engagement_score=round(0.5 + k * 0.1, 2),
        reason_text="Synthetic benchmark item",
    )
