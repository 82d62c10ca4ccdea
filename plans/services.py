from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When

from fypfixer.api import ConflictError
from fypfixer.content_cache import content_changed
from plans.models import Plan, PlanStep, StepItem

# Step positions above this are free for parking rows while a plan is reordered.
PARKING_ORDER = 30000


class PlanDateTaken(ConflictError):
    def __init__(self, plan: Plan, day: date):
        super().__init__(
            f"{plan.category} already has an active {plan.get_language_display()} plan on {day:%Y-%m-%d}; "
            f"“{plan.title}” was not copied. Deactivate or delete that plan first."
        )


def _active_dated_plan_exists(*, plan: Plan, day: date) -> bool:
    return Plan.objects.filter(
        category_id=plan.category_id,
        language=plan.language,
        plan_date=day,
        is_template=False,
        is_active=True,
    ).exists()


@transaction.atomic
def plan_copy_to_date(*, plan: Plan, day: date) -> Plan:
    """Copy the plan with its steps and items as the active dated plan of `day`; return the copy.

    Raises PlanDateTaken when that category and language already have an active plan on that
    day; the database constraint settles two copies racing for the same day.
    """
    if _active_dated_plan_exists(plan=plan, day=day):
        raise PlanDateTaken(plan, day)
    copy = Plan(
        category_id=plan.category_id,
        language=plan.language,
        title=plan.title,
        plan_date=day,
        is_template=False,
        is_active=True,
    )
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        raise PlanDateTaken(plan, day) from None

    steps = list(plan.steps.prefetch_related("items"))
    new_steps = PlanStep.objects.bulk_create(
        [
            PlanStep(
                plan=copy,
                step_order=step.step_order,
                action_type=step.action_type,
                text_en=step.text_en,
                text_ru=step.text_ru,
                text_es=step.text_es,
                duration_minutes=step.duration_minutes,
            )
            for step in steps
        ]
    )
    StepItem.objects.bulk_create(
        [
            StepItem(
                plan_step=new_step,
                position=item.position,
                library_video_id=item.library_video_id,
                video_url=item.video_url,
                video_id=item.video_id,
                creator_username=item.creator_username,
                title=item.title,
                thumbnail_url=item.thumbnail_url,
                engagement_score=item.engagement_score,
                reason_text=item.reason_text,
            )
            for step, new_step in zip(steps, new_steps, strict=True)
            for item in step.items.all()
        ]
    )
    content_changed()
    return copy


def plans_set_active(*, plans, active: bool) -> tuple[list[Plan], list[Plan]]:
    """Activate or deactivate plans one by one; return (changed, refused).

    A plan is refused when activating it would give its category a second active plan on
    the same day and language.
    """
    changed, refused = [], []
    for plan in plans:
        if plan.is_active == active:
            continue
        plan.is_active = active
        try:
            with transaction.atomic():
                plan.save(update_fields=["is_active", "updated_at"])
        except IntegrityError:
            plan.is_active = not active
            refused.append(plan)
        else:
            changed.append(plan)
    return changed, refused


def steps_park(*, step_ids: list[int]) -> None:
    """Move steps to temporary positions so a new order can be saved row by row.

    Saving a reordered plan one step at a time would otherwise collide with the unique
    (plan, step_order) constraint midway, e.g. when two steps swap places.
    """
    if step_ids:
        PlanStep.objects.filter(pk__in=step_ids).update(
            step_order=Case(*(When(pk=pk, then=Value(PARKING_ORDER + i)) for i, pk in enumerate(step_ids)))
        )
