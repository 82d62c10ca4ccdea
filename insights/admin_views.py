from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from fypfixer.views import health_report
from insights import selectors
from insights.charts import bar_chart


def insights_view(admin_site, request):
    """The editors' insights: activity, retention, plan funnels, streaks, waitlists, the API's health."""
    if not (request.user.is_active and request.user.is_staff and request.user.has_perm("plans.view_plan")):
        raise PermissionDenied
    today = timezone.localdate()
    overview = selectors.overview(today=today)
    days = overview["days"]
    labels = [day["day"][5:] for day in days]
    retention = selectors.retention(today=today)
    funnels = selectors.plan_funnels(today=today)
    streaks = selectors.streak_distribution(today=today)
    waitlists = selectors.waitlists()
    charts = {
        "active": bar_chart([d["active_users"] for d in days], labels, title="Daily active users"),
        "new": bar_chart([d["new_users"] for d in days], labels, title="New users", color="#79aec8"),
        "completions": bar_chart([d["completions"] for d in days], labels, title="Completed steps", color="#5b8a3c"),
        "retention": bar_chart(
            [row["percent"] for row in retention["funnel"]],
            [f"D{row['day']}" for row in retention["funnel"]],
            title="Retention of new users (%)",
            color="#ba2121",
        ),
        "streaks": bar_chart(
            [row["users"] for row in streaks], [row["streak"] for row in streaks], title="Current streaks (users)"
        ),
        "waitlists": bar_chart(
            [row["waiting"] for row in waitlists],
            [row["code"] for row in waitlists],
            title="Waitlists",
            color="#e8a33a",
        ),
    }
    plan_charts = [
        (
            funnel,
            bar_chart(
                [step["users"] for step in funnel["steps"]],
                [f"step {step['step']}" for step in funnel["steps"]],
                title=f"{funnel['title']}: users who reached each step",
            ),
        )
        for funnel in funnels["plans"][:5]
    ]
    context = {
        **admin_site.each_context(request),
        "title": "Insights",
        "overview": overview,
        "retention": retention,
        "funnels": funnels,
        "plan_charts": plan_charts,
        "streaks": streaks,
        "waitlists": waitlists,
        "system": selectors.system(health=health_report()),
        "charts": charts,
    }
    return TemplateResponse(request, "admin/insights.html", context)
