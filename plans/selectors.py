from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from fypfixer.i18n import DEFAULT_LANGUAGE
from plans.models import Plan, PlanStep, StepItem


def public_plans() -> QuerySet[Plan]:
    """Return active editor-authored plans of active categories."""
    return Plan.objects.filter(is_active=True, user__isnull=True, category__is_active=True)


def with_steps_and_items(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Return the plans with their category, steps and items loaded in three queries in all."""
    items = StepItem.objects.select_related("library_video")
    return plans.select_related("category").prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.prefetch_related(Prefetch("items", queryset=items)))
    )


def public_plan(*, plan_id: int) -> Plan | None:
    """Return one public plan with its steps and items, or None."""
    return with_steps_and_items(public_plans().filter(pk=plan_id)).first()


def daily_plan_choice(*, category_code: str, language: str, day: date) -> int | None:
    """Return the id of the plan to serve for the category on the day, or None.

    In the asked language: the day's dated plan, else one of the active templates chosen by
    rotation; then the same two in English. Rotation: the templates ordered by id, and the
    one at (day number modulo their count), so every day has its template, the same for
    everyone whose calendar shows that day, and consecutive days get different ones.
    """
    candidates = (
        public_plans()
        .filter(category__code=category_code, language__in={language, DEFAULT_LANGUAGE})
        .filter(Q(is_template=False, plan_date=day) | Q(is_template=True))
        .order_by("id")
        .values_list("id", "language", "is_template")
    )
    by_kind = {}
    for plan_id, plan_language, is_template in candidates:
        by_kind.setdefault((plan_language, is_template), []).append(plan_id)
    for plan_language in dict.fromkeys([language, DEFAULT_LANGUAGE]):
        dated = by_kind.get((plan_language, False))
        if dated:
            return dated[0]
        templates = by_kind.get((plan_language, True))
        if templates:
            return templates[day.toordinal() % len(templates)]
    return None


def daily_plan(*, category_code: str, language: str, day: date) -> Plan | None:
    """Return the plan to serve for the category on the day (see daily_plan_choice), with steps and items."""
    plan_id = daily_plan_choice(category_code=category_code, language=language, day=day)
    return None if plan_id is None else with_steps_and_items(Plan.objects.filter(pk=plan_id)).first()


def template_plans(*, category=None, language: str) -> QuerySet[Plan]:
    """Return the active template plans in the language, newest first, each with its `steps_count`.

    Steps are counted per plan by a subquery, so only the plans of the page being read are
    counted, and a page costs the same however many plans there are.
    """
    plans = public_plans().filter(is_template=True, language=language)
    if category is not None:
        plans = plans.filter(category=category)
    steps_count = (
        PlanStep.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    )
    return (
        plans.select_related("category")
        .annotate(steps_count=Coalesce(Subquery(steps_count), 0))
        .order_by("-created_at", "-id")
    )


@dataclass
class CalendarCell:
    """What users of one category and language get on one day."""

    day: date
    kind: str  # "dated", "rotation", "fallback" (an English plan stands in) or "empty"
    plan_id: int | None = None
    title: str = ""
    gone_videos: int = 0  # videos of the plan TikTok no longer serves


@dataclass
class CalendarRow:
    category: object
    language: str
    cells: list


def gone_videos_by_plan(plan_ids) -> dict[int, int]:
    """How many videos TikTok no longer serves each plan uses, for plans that use any."""
    rows = (
        StepItem.objects.filter(plan_step__plan_id__in=plan_ids, library_video__is_gone=True)
        .values("plan_step__plan_id")
        .annotate(gone=Count("id"))
        .values_list("plan_step__plan_id", "gone")
    )
    return dict(rows)


def content_calendar(*, start: date, days: int, categories, languages: list[str]) -> list[CalendarRow]:
    """For each category and language, what each day from `start` serves: in four queries, whatever the range.

    The same choice as daily_plan_choice(): the dated plan, else today's template in the
    rotation, else the same two in English.
    """
    categories = list(categories)
    end = start + timedelta(days=days - 1)
    plans = (
        Plan.objects.filter(user__isnull=True, is_active=True, category__in=categories)
        .filter(Q(is_template=True) | Q(plan_date__range=(start, end)))
        .order_by("id")
        .values_list("id", "title", "category_id", "language", "is_template", "plan_date")
    )
    dated, templates = {}, {}
    for plan_id, title, category_id, language, is_template, plan_date in plans:
        if is_template:
            templates.setdefault((category_id, language), []).append((plan_id, title))
        else:
            dated.setdefault((category_id, language, plan_date), (plan_id, title))
    dates = [start + timedelta(days=n) for n in range(days)]
    plan_ids = [plan_id for plan_id, *_ in dated.values()] + [
        plan_id for pool in templates.values() for plan_id, _title in pool
    ]
    gone = gone_videos_by_plan(plan_ids) if plan_ids else {}

    def served(category_id, language, day):
        if (category_id, language, day) in dated:
            return "dated", dated[(category_id, language, day)]
        pool = templates.get((category_id, language))
        if pool:
            return "rotation", pool[day.toordinal() % len(pool)]
        return None, None

    rows = []
    for category in categories:
        for language in languages:
            cells = []
            for day in dates:
                kind, plan = served(category.pk, language, day)
                if kind is None and language != DEFAULT_LANGUAGE:
                    kind, plan = served(category.pk, DEFAULT_LANGUAGE, day)
                    kind = "fallback" if kind else None
                if kind is None:
                    cells.append(CalendarCell(day=day, kind="empty"))
                else:
                    cells.append(
                        CalendarCell(
                            day=day, kind=kind, plan_id=plan[0], title=plan[1], gone_videos=gone.get(plan[0], 0)
                        )
                    )
            rows.append(CalendarRow(category=category, language=language, cells=cells))
    return rows
