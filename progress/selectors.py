from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from fypfixer.api import NotFoundError
from fypfixer.db import prepared_cursor
from plans.models import Plan, PlanStep
from plans.payloads import PremiumRequired
from progress.gamification import PLAN_COMPLETED_XP, action_xp, level_for, next_milestone
from progress.models import UserProgress


class StepNotFound(NotFoundError):
    message = "This step is not part of a plan you can follow today."


def completable_steps(*, user, day: date) -> QuerySet[PlanStep]:
    """Return the steps the user can complete on their calendar day `day`.

    A step counts when its plan is being served: an active plan of an active category,
    written by editors (or the user's own), that is either a template (served on days without
    a dated plan) or dated today or yesterday. Yesterday is a grace day, so a plan finished
    after midnight still counts for the streak. Plans dated in the future, or older than
    yesterday, cannot be completed. Premium categories are checked by visible_step().
    """
    return PlanStep.objects.filter(
        Q(plan__user__isnull=True) | Q(plan__user=user),
        Q(plan__is_template=True) | Q(plan__plan_date__in=[day, day - timedelta(days=1)]),
        plan__is_active=True,
        plan__category__is_active=True,
    )


def visible_step(*, user, day: date, step_id: int, plan_id: int | None = None) -> PlanStep:
    """Return a step the user can complete today (see completable_steps), or raise 404 or 403.

    The step comes with `completed_at` (when this user completed it, or None) and `premium`
    (whether its category is premium), in the same query.
    """
    completion = UserProgress.objects.filter(user=user, step=OuterRef("pk")).values("completed_at")[:1]
    steps = completable_steps(user=user, day=day).filter(pk=step_id)
    if plan_id is not None:
        steps = steps.filter(plan_id=plan_id)
    step = steps.annotate(completed_at=Subquery(completion), premium=F("plan__category__is_premium")).first()
    if step is None:
        raise StepNotFound()
    if step.premium and not user.is_premium:
        raise PremiumRequired()
    return step


def completed_step_ids(*, user, step_ids: list[int]) -> set[int]:
    """Return which of the steps the user has completed, in one query.

    It runs on every signed-in plan request. With PROGRESS_COMPLETED_SQL the query is written
    out: building it with the ORM costs more than running it (README, "Ablation"), and
    PostgreSQL prepares it once per connection and plan size (PREPARED_SQL, fypfixer/db.py).
    """
    if not step_ids:
        return set()
    if not settings.PROGRESS_COMPLETED_SQL:
        return set(UserProgress.objects.filter(user=user, step_id__in=step_ids).values_list("step_id", flat=True))
    table = connection.ops.quote_name(UserProgress._meta.db_table)
    placeholders = ", ".join(["%s"] * len(step_ids))
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT step_id FROM {table} WHERE user_id = %s AND step_id IN ({placeholders})",  # noqa: S608
            [user.pk, *step_ids],
        )
        return {step_id for (step_id,) in cursor.fetchall()}


def completion_days(*, user, zone: ZoneInfo) -> list[date]:
    """Return the calendar days (in the zone) on which the user completed a step, oldest first."""
    days = (
        UserProgress.objects.filter(user=user)
        .annotate(day=TruncDate("completed_at", tzinfo=zone))
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    return list(days)


def streaks(days: list[date], *, today: date) -> tuple[int, int]:
    """Return (current, longest) runs of consecutive days.

    The current streak is the run that ends today, or yesterday: a streak is still alive
    until a whole day passes without a completed step.
    """
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    alive = previous is not None and (today - previous).days <= 1
    return (run if alive else 0), longest


def streak_summary(*, user, zone: ZoneInfo, today: date) -> dict:
    """Return the user's current and longest streaks, last active day and next milestone, in the zone's days."""
    days = completion_days(user=user, zone=zone)
    current, longest = streaks(days, today=today)
    return {
        "current": current,
        "longest": longest,
        "last_active_date": days[-1] if days else None,
        "next_milestone": next_milestone(current),
    }


def progress_summary(*, user, zone: ZoneInfo, today: date) -> dict:
    """Return the user's totals, today's progress and streaks, with days counted in the zone."""
    streak = streak_summary(user=user, zone=zone, today=today)
    start = datetime.combine(today, time.min, tzinfo=zone)
    today_progress = UserProgress.objects.filter(
        user=user, completed_at__gte=start, completed_at__lt=start + timedelta(days=1)
    )
    steps_in_todays_plans = PlanStep.objects.filter(plan__in=today_progress.values("step__plan_id")).count()
    return {
        "completed_steps": UserProgress.objects.filter(user=user).count(),
        "today": {"completed": today_progress.count(), "total": steps_in_todays_plans},
        "current_streak": streak["current"],
        "longest_streak": streak["longest"],
        "last_active_date": streak["last_active_date"],
    }


def completed_actions_by_type(*, user) -> dict[str, int]:
    """Return how many steps the user completed, per action type."""
    rows = UserProgress.objects.filter(user=user).values_list("step__action_type").annotate(n=Count("pk"))
    return dict(rows)


def completed_plans_count(*, user) -> int:
    """Return how many plans the user has completed every step of."""
    total_steps = (
        PlanStep.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    )
    done_steps = (
        UserProgress.objects.filter(user=user, step__plan=OuterRef("pk"))
        .order_by()
        .values("step__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    touched = UserProgress.objects.filter(user=user).values("step__plan_id")
    return (
        Plan.objects.filter(pk__in=touched)
        .annotate(total=Subquery(total_steps), done=Subquery(done_steps))
        .filter(total=F("done"))
        .count()
    )


def plan_completed(*, user, plan_id: int) -> bool:
    """True when the user has completed every step of the plan (and it has steps)."""
    counts = PlanStep.objects.filter(plan_id=plan_id).aggregate(
        total=Count("pk", distinct=True), done=Count("pk", filter=Q(progress__user=user), distinct=True)
    )
    return counts["total"] > 0 and counts["total"] == counts["done"]


def xp_summary(*, user) -> dict:
    """Return the user's total XP, level, completed actions and completed plans."""
    by_type = completed_actions_by_type(user=user)
    plans = completed_plans_count(user=user)
    xp = sum(action_xp(action) * count for action, count in by_type.items()) + plans * PLAN_COMPLETED_XP
    return {"xp": xp, "level": level_for(xp), "actions_completed": sum(by_type.values()), "plans_completed": plans}


def completion_times(*, user, step_ids: list[int]) -> dict[int, datetime]:
    """Return {step id: completed_at} for the steps the user completed, in one query."""
    if not step_ids:
        return {}
    return dict(UserProgress.objects.filter(user=user, step_id__in=step_ids).values_list("step_id", "completed_at"))
