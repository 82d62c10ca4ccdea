from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from plans.models import PlanStep
from progress.gamification import PLAN_COMPLETED_XP, action_xp
from progress.models import UserProgress
from progress.selectors import plan_completed


def _insert_completion(*, user, step: PlanStep, completed_at: datetime) -> bool:
    """Insert the user's completion of the step unless it exists; return whether this call inserted it.

    One statement, on purpose: completing a step is the API's busiest write, and the ORM's
    way to learn whether a row was inserted (create() in a savepoint, catching the
    IntegrityError) takes three round trips instead of one. The unique (user, step)
    constraint decides between concurrent calls; none of them fails.
    """
    table = connection.ops.quote_name(UserProgress._meta.db_table)
    value = connection.ops.adapt_datetimefield_value(completed_at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, step_id, completed_at, created_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (user_id, step_id) DO NOTHING RETURNING id",
            [user.pk, step.pk, value, value],
        )
        return cursor.fetchone() is not None


def step_complete(*, user, step: PlanStep) -> tuple[datetime, bool]:
    """Mark the step completed for the user; return when it was completed and whether that is new.

    `step` comes from visible_step(), with this user's `completed_at`. Idempotent: completing
    twice keeps the first completion time, also when two requests complete it at once.
    """
    if step.completed_at is not None:
        return step.completed_at, False
    completed_at = timezone.now()
    if settings.PROGRESS_INSERT_SQL:
        inserted = _insert_completion(user=user, step=step, completed_at=completed_at)
    else:
        try:
            with transaction.atomic():
                UserProgress.objects.create(user=user, step=step, completed_at=completed_at)
            inserted = True
        except IntegrityError:
            inserted = False
    if inserted:
        return completed_at, True
    # Another request completed it a moment ago: answer with its time.
    existing = UserProgress.objects.filter(user=user, step=step).values_list("completed_at", flat=True).first()
    return existing or completed_at, False


def step_uncomplete(*, user, step: PlanStep) -> bool:
    """Forget that the user completed the step; return whether there was anything to forget."""
    deleted, _ = UserProgress.objects.filter(user=user, step=step).delete()
    return deleted > 0


def step_complete_with_xp(*, user, step: PlanStep) -> tuple[datetime, int, bool]:
    """Complete the step; return (completed at, XP earned now, whether the plan is now complete).

    XP is earned once per completion: completing an already completed step earns 0.
    """
    completed_at, created = step_complete(user=user, step=step)
    completed_plan = plan_completed(user=user, plan_id=step.plan_id)
    earned = 0
    if created:
        earned = action_xp(step.action_type) + (PLAN_COMPLETED_XP if completed_plan else 0)
    return completed_at, earned, completed_plan
