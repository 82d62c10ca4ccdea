from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from plans.models import Plan, PlanStep
from progress.gamification import PLAN_COMPLETED_XP, action_xp, level_for
from progress.models import UserProgress


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
    """Return the user's current and longest streaks and last active day, in the zone's days."""
    days = completion_days(user=user, zone=zone)
    current, longest = streaks(days, today=today)
    return {"current": current, "longest": longest, "last_active_date": days[-1] if days else None}


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
