"""The editors' studio in the admin: the content calendar, copying a plan to a day, the preview.

Views for editors (staff with permission to view plans) and superusers; everyone else gets 403.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from catalog.models import Category
from fypfixer.i18n import DEFAULT_LANGUAGE, Language
from plans.history import plan_copy_recorded
from plans.models import Plan
from plans.selectors import content_calendar
from plans.services import PlanDateTaken

MAX_CALENDAR_DAYS = 92


class CalendarForm(forms.Form):
    start = forms.DateField(required=False)
    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_CALENDAR_DAYS)
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False, to_field_name="code"
    )
    language = forms.ChoiceField(choices=[("", "all"), *Language.choices], required=False)


def require_editor(request, permission: str = "plans.view_plan") -> None:
    if not (request.user.is_active and request.user.is_staff and request.user.has_perm(permission)):
        raise PermissionDenied


def calendar_view(admin_site, request):
    """Rows of category and language, columns of days: what users get each day, and how to fill a gap."""
    require_editor(request)
    form = CalendarForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    start = data.get("start") or timezone.localdate()
    days = data.get("days") or 28
    categories = Category.objects.filter(is_active=True)
    if data.get("category"):
        categories = categories.filter(pk=data["category"].pk)
    languages = [data["language"]] if data.get("language") else list(Language.values)
    rows = content_calendar(start=start, days=days, categories=categories, languages=languages)
    query = request.GET.copy()

    def moved(by: int) -> str:
        query["start"] = (start + timedelta(days=by)).isoformat()
        return f"?{query.urlencode()}"

    context = {
        **admin_site.each_context(request),
        "title": "Content calendar",
        "form": form,
        "rows": rows,
        "dates": [start + timedelta(days=n) for n in range(days)],
        "today": timezone.localdate(),
        "previous_week": moved(-7),
        "next_week": moved(7),
        "can_add": request.user.has_perm("plans.add_plan"),
    }
    return TemplateResponse(request, "admin/plans/calendar.html", context)


def copy_here_view(admin_site, request):
    """Copy one of a category's plans to a day (the copy-to-date service), chosen from the calendar."""
    require_editor(request, "plans.add_plan")
    category = get_object_or_404(Category, code=request.GET.get("category", ""))
    language = request.GET.get("language") if request.GET.get("language") in Language.values else DEFAULT_LANGUAGE
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        messages.error(request, "Give the day as YYYY-MM-DD.")
        return redirect(reverse("admin:plans_calendar"))
    if request.method == "POST":
        plan = get_object_or_404(Plan, pk=request.POST.get("plan"), user__isnull=True)
        try:
            copy = plan_copy_recorded(plan=plan, day=day, user=request.user)
        except PlanDateTaken as error:
            messages.warning(request, error.message)
        else:
            messages.success(request, f"Copied “{plan.title}” to {day:%Y-%m-%d} (plan #{copy.pk}).")
        return redirect(f"{reverse('admin:plans_calendar')}?start={day - timedelta(days=day.weekday())}")
    candidates = Plan.objects.filter(user__isnull=True, category=category, language=language).order_by(
        "-is_template", "-is_active", "-updated_at"
    )[:50]
    context = {
        **admin_site.each_context(request),
        "title": f"Copy a plan to {day:%A %d %B %Y}",
        "category": category,
        "language": language,
        "day": day,
        "candidates": candidates,
    }
    return TemplateResponse(request, "admin/plans/copy_here.html", context)


def preview_context(plan: Plan, language: str) -> dict:
    """The plan as the app shows it, in `language`, marking texts that fall back to English."""
    steps = []
    for step in plan.steps.prefetch_related("items").order_by("step_order"):
        own = getattr(step, f"text_{language}", "") if language != DEFAULT_LANGUAGE else step.text_en
        steps.append(
            {
                "order": step.step_order,
                "action": step.get_action_type_display(),
                "text": step.text(language),
                "fallback": not own,
                "minutes": step.duration_minutes,
                "items": list(step.items.all()),
            }
        )
    return {
        "plan": plan,
        "language": language,
        "languages": Language.choices,
        "category_name": plan.category.name(language),
        "category_fallback": language != DEFAULT_LANGUAGE and not getattr(plan.category, f"name_{language}"),
        "steps": steps,
    }
