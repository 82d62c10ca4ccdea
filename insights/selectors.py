"""The figures of the insights page and of /api/admin/metrics/*, computed once for both.

Aggregate queries over indexed columns (progress by completed_at, users by created_at), each
figure cached for METRICS_SECONDS, so a page of charts over a million progress rows costs a
handful of grouped queries at most once a minute.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from catalog.models import Category
from insights.counters import last_hour, p95_ms
from plans.models import PlanStep
from progress.models import UserProgress
from progress.selectors import streaks

METRICS_SECONDS = 60
RETENTION_DAYS = (0, 1, 3, 7)
HISTORY_DAYS = 30
# Current streaks, in bands: (label, shortest, longest).
STREAK_BANDS = [("1", 1, 1), ("2", 2, 2), ("3-6", 3, 6), ("7-13", 7, 13), ("14-29", 14, 29), ("30+", 30, 10**6)]


def cached(name: str, build):
    """Return a figure computed at most once per METRICS_SECONDS (per day, as its key says)."""
    key = f"insights:{name}"
    figure = cache.get(key)
    if figure is None:
        figure = build()
        cache.set(key, figure, METRICS_SECONDS)
    return figure


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def daily_activity(*, today: date) -> list[dict]:
    """Per day of the last HISTORY_DAYS: active users, new users, completed steps."""

    def build():
        start = day_start(today - timedelta(days=HISTORY_DAYS - 1))
        progress = (
            UserProgress.objects.filter(completed_at__gte=start)
            .annotate(day=TruncDate("completed_at"))
            .values("day")
            .annotate(active=Count("user", distinct=True), completions=Count("pk"))
        )
        joined = (
            User.objects.filter(created_at__gte=start)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(new=Count("pk"))
        )
        by_day = {row["day"]: row for row in progress}
        new_by_day = {row["day"]: row["new"] for row in joined}
        days = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
        return [
            {
                "day": day.isoformat(),
                "active_users": by_day.get(day, {}).get("active", 0),
                "new_users": new_by_day.get(day, 0),
                "completions": by_day.get(day, {}).get("completions", 0),
            }
            for day in days
        ]

    return cached(f"daily:{today}", build)


def overview(*, today: date) -> dict:
    """Today's active and new users, all users, and the last 30 days day by day."""
    days = daily_activity(today=today)
    return {
        "dau": days[-1]["active_users"],
        "new_today": days[-1]["new_users"],
        "total_users": cached("total-users", User.objects.count),
        "completions_today": days[-1]["completions"],
        "days": days,
    }


def retention(*, today: date) -> dict:
    """Of the users who joined in the last 30 days (and are old enough), the share active on day 0, 1, 3 and 7."""

    def build():
        start = day_start(today - timedelta(days=HISTORY_DAYS - 1))
        joined = dict(
            User.objects.filter(created_at__gte=start).annotate(day=TruncDate("created_at")).values_list("pk", "day")
        )
        active = (
            UserProgress.objects.filter(user__created_at__gte=start)
            .annotate(day=TruncDate("completed_at"))
            .values_list("user_id", "day")
            .distinct()
        )
        offsets = defaultdict(set)
        for user_id, day in active:
            if user_id in joined:
                offsets[user_id].add((day - joined[user_id]).days)
        funnel = []
        for n in RETENTION_DAYS:
            cohort = [user for user, day in joined.items() if day + timedelta(days=n) <= today]
            count = sum(n in offsets[user] for user in cohort)
            percent = round(100 * count / len(cohort), 1) if cohort else 0.0
            funnel.append({"day": n, "count": count, "cohort": len(cohort), "percent": percent})
        return {"funnel": funnel, "d7_completion_rate": funnel[-1]["percent"]}

    return cached(f"retention:{today}", build)


def plan_funnels(*, today: date, limit: int = 10) -> dict:
    """For the plans completed most in the last 7 days: how many users reached each step.

    Also the most and the least completed of them."""

    def build():
        since = day_start(today - timedelta(days=6))
        rows = (
            UserProgress.objects.filter(completed_at__gte=since)
            .values("step__plan_id", "step__plan__title", "step__step_order")
            .annotate(users=Count("user", distinct=True))
        )
        plans = defaultdict(lambda: {"title": "", "steps": {}})
        for row in rows:
            plan = plans[row["step__plan_id"]]
            plan["title"] = row["step__plan__title"]
            plan["steps"][row["step__step_order"]] = row["users"]
        sizes = dict(
            PlanStep.objects.filter(plan_id__in=list(plans))
            .values("plan_id")
            .annotate(n=Count("pk"))
            .values_list("plan_id", "n")
        )
        funnels = []
        for plan_id, plan in plans.items():
            total = sizes.get(plan_id, 0)
            reached = [plan["steps"].get(order, 0) for order in range(1, total + 1)]
            started = reached[0] if reached else 0
            completed = reached[-1] if reached else 0
            funnels.append(
                {
                    "plan_id": plan_id,
                    "title": plan["title"],
                    "steps": [
                        {"step": n, "users": users, "percent": round(100 * users / started, 1) if started else 0.0}
                        for n, users in enumerate(reached, start=1)
                    ],
                    "started": started,
                    "completed": completed,
                    "completion_percent": round(100 * completed / started, 1) if started else 0.0,
                }
            )
        funnels.sort(key=lambda funnel: (-funnel["completed"], funnel["plan_id"]))
        least = sorted(funnels, key=lambda funnel: (funnel["completion_percent"], funnel["plan_id"]))
        return {"plans": funnels[:limit], "most_completed": funnels[:5], "least_completed": least[:5]}

    return cached(f"funnels:{today}", build)


def action_signals(*, today: date) -> dict:
    """Completed steps of the last 7 days by kind, as the web client's admin page names them."""

    def build():
        since = day_start(today - timedelta(days=6))
        by_action = dict(
            UserProgress.objects.filter(completed_at__gte=since)
            .values_list("step__action_type")
            .annotate(n=Count("pk"))
        )
        step_totals = dict(PlanStep.objects.values_list("action_type").annotate(n=Count("pk")))
        pairs = (
            UserProgress.objects.filter(completed_at__gte=since)
            .values("user_id", "step__plan_id")
            .annotate(first=Min("completed_at"), last=Max("completed_at"), n=Count("pk"))
            .filter(n__gt=1)
        )
        durations = [(row["last"] - row["first"]).total_seconds() for row in pairs]

        def share(actions: tuple[str, ...]) -> float:
            done = sum(by_action.get(action, 0) for action in actions)
            steps = sum(step_totals.get(action, 0) for action in actions)
            return round(100 * done / steps, 1) if steps else 0.0

        return {
            "step_completion": {
                "clear": share(("not_interested",)),
                "watch": share(("watch",)),
                "reinforce": share(("like", "follow", "save", "comment", "share")),
            },
            "avg_duration_seconds": round(sum(durations) / len(durations)) if durations else 0,
            "signals": {
                "blocks": by_action.get("not_interested", 0),
                "watches_full": by_action.get("watch", 0),
                "likes": by_action.get("like", 0),
                "follows": by_action.get("follow", 0),
                "shares": by_action.get("share", 0),
            },
        }

    return cached(f"signals:{today}", build)


def streak_distribution(*, today: date) -> list[dict]:
    """How many users have a current streak of 1, 2, 3-6, 7-13, 14-29 and 30+ days.

    Only users active today or yesterday have a current streak, and the longest band starts at
    30 days, so their last 31 days are all it takes.
    """

    def build():
        since = day_start(today - timedelta(days=31))
        streaking = UserProgress.objects.filter(completed_at__gte=day_start(today - timedelta(days=1))).values("user")
        rows = (
            UserProgress.objects.filter(completed_at__gte=since, user__in=streaking)
            .annotate(day=TruncDate("completed_at"))
            .values_list("user_id", "day")
            .distinct()
            .order_by("user_id", "day")
        )
        days_by_user = defaultdict(list)
        for user_id, day in rows:
            days_by_user[user_id].append(day)
        counts = Counter()
        for days in days_by_user.values():
            current, _longest = streaks(days, today=today)
            for label, low, high in STREAK_BANDS:
                if low <= current <= high:
                    counts[label] += 1
        return [{"streak": label, "users": counts[label]} for label, _low, _high in STREAK_BANDS]

    return cached(f"streaks:{today}", build)


def waitlists() -> list[dict]:
    """Waitlist counts per premium category."""

    def build():
        rows = (
            Category.objects.filter(is_premium=True)
            .annotate(waiting=Count("waitlist_entries"))
            .values_list("code", "name_en", "waiting")
        )
        return [{"code": code, "name": name, "waiting": waiting} for code, name, waiting in rows]

    return cached("waitlists", build)


def system(*, health: dict | None = None) -> dict:
    """Request rate, error rate and p95 latency of the last hour, from the app's own counters."""
    totals = last_hour()
    requests = totals["requests"]
    error_rate = round(100 * totals["errors"] / requests, 2) if requests else 0.0
    p95 = p95_ms(totals)
    degraded = health is not None and health.get("status") != "healthy"
    status = "outage" if error_rate >= 20 else "degraded" if degraded or error_rate >= 5 else "operational"
    return {
        "requests_last_hour": requests,
        "requests_per_minute": round(requests / 60, 1),
        "errors_last_hour": totals["errors"],
        "error_rate_percent": error_rate,
        "api_latency_p95_ms": p95,
        "ai_cost_today_usd": 0.0,
        "status": status,
        "counters": "kept by the app (insights/counters.py): every API request, flushed to the shared cache",
    }
