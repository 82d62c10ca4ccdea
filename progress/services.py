from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalog.models import Category
from fypfixer.db import prepared_cursor
from plans.models import Plan, PlanStep
from progress.gamification import PLAN_COMPLETED_XP, action_xp
from progress.models import UserProgress
from progress.selectors import plan_completed


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def step_complete_at_once(*, user, plan_id: int, step_id: int, day: date) -> datetime | None:
    """Complete the step in one statement if the user may complete it and has not yet; return when.

    Returns None when nothing was inserted: the step is already completed, or not one the
    user can complete today (the caller then asks visible_step() which, and why). This is
    the fast path of the busiest write (README, "Ablation": PROGRESS_INSERT_SQL): the
    conditions are those of selectors.completable_steps() and visible_step(), written out
    because building them with the ORM costs more than the write itself; a test holds the
    two to the same answers. On PostgreSQL the statement is prepared once per connection
    (PREPARED_SQL, fypfixer/db.py): planning it costs more than running it.
    """
    completed_at = timezone.now()
    moment = connection.ops.adapt_datetimefield_value(completed_at)
    days = [connection.ops.adapt_datefield_value(d) for d in (day, day - timedelta(days=1))]
    plan_condition = "AND p.id = %s " if plan_id is not None else ""
    sql = (
        f"INSERT INTO {_table(UserProgress)} (user_id, step_id, completed_at, created_at) "  # noqa: S608
        f"SELECT %s, s.id, %s, %s FROM {_table(PlanStep)} s "
        f"JOIN {_table(Plan)} p ON p.id = s.plan_id JOIN {_table(Category)} c ON c.id = p.category_id "
        f"WHERE s.id = %s {plan_condition}"
        "AND p.is_active AND c.is_active AND (p.user_id IS NULL OR p.user_id = %s) "
        "AND (p.is_template OR p.plan_date IN (%s, %s)) AND (NOT c.is_premium OR %s) "
        "ON CONFLICT (user_id, step_id) DO NOTHING RETURNING id"
    )
    params = [user.pk, moment, moment, step_id, *([plan_id] if plan_id is not None else []), user.pk, *days]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, bool(user.is_premium)])
        return completed_at if cursor.fetchone() is not None else None


def step_complete(*, user, step: PlanStep) -> tuple[datetime, bool]:
    """Mark the step completed for the user; return when it was completed and whether that is new.

    `step` comes from visible_step(), with this user's `completed_at`. Idempotent: completing
    twice keeps the first completion time, also when two requests complete it at once.
    """
    if step.completed_at is not None:
        return step.completed_at, False
    completed_at = timezone.now()
    try:
        with transaction.atomic():
            UserProgress.objects.create(user=user, step=step, completed_at=completed_at)
    except IntegrityError:
        pass
    else:
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
