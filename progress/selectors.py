from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models.functions import TruncDate

from plans.models import PlanStep
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


def progress_summary(*, user, zone: ZoneInfo, today: date) -> dict:
    """Return the user's totals, today's progress and streaks, with days counted in the zone."""
    days = completion_days(user=user, zone=zone)
    current, longest = streaks(days, today=today)
    start = datetime.combine(today, time.min, tzinfo=zone)
    today_progress = UserProgress.objects.filter(
        user=user, completed_at__gte=start, completed_at__lt=start + timedelta(days=1)
    )
    steps_in_todays_plans = PlanStep.objects.filter(plan__in=today_progress.values("step__plan_id")).count()
    return {
        "completed_steps": UserProgress.objects.filter(user=user).count(),
        "today": {"completed": today_progress.count(), "total": steps_in_todays_plans},
        "current_streak": current,
        "longest_streak": longest,
        "last_active_date": days[-1] if days else None,
    }
