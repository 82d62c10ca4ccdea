from datetime import date

from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from catalog.selectors import active_category
from fypfixer.api import NotFoundError
from fypfixer.content_cache import cached_content
from fypfixer.i18n import DEFAULT_LANGUAGE
from plans.models import Plan, PlanStep
from plans.serializers import PlanSerializer, PlanSummarySerializer


class CategoryNotFound(NotFoundError):
    message = "There is no active category with this code."


class PlanNotFound(NotFoundError):
    message = "There is no plan for this category yet."


def public_plans():
    """Return active editor-authored plans of active categories."""
    return Plan.objects.filter(is_active=True, user__isnull=True, category__is_active=True)


def with_steps_and_items(plans):
    """Return the plans with their category, steps and items loaded in three queries in all."""
    return plans.select_related("category").prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.prefetch_related("items"))
    )


def daily_plan(*, category_code: str, language: str, day: date) -> Plan | None:
    """Return the plan to serve for the category on the day, with steps and items.

    Preference order: the day's dated plan in the language, a template in the language,
    then the same two in English. Among templates the newest wins.
    """
    languages = {language, DEFAULT_LANGUAGE}
    candidates = (
        public_plans()
        .filter(category__code=category_code, language__in=languages)
        .filter(Q(is_template=False, plan_date=day) | Q(is_template=True))
        .annotate(
            rank=Case(
                When(language=language, is_template=False, then=Value(0)),
                When(language=language, then=Value(1)),
                When(is_template=False, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-created_at", "-id")
    )
    return with_steps_and_items(candidates).first()


def daily_plan_data(*, category_code: str, language: str, day: date) -> dict:
    """Return the serialized daily plan, or raise a 404 error (uncached)."""
    plan = daily_plan(category_code=category_code, language=language, day=day)
    if plan is None:
        if active_category(code=category_code) is None:
            raise CategoryNotFound()
        raise PlanNotFound()
    return PlanSerializer(plan, context={"language": language}).data


def daily_plan_payload(*, category_code: str, language: str, day: date) -> dict:
    """Return the serialized daily plan (cached), or raise a 404 error."""
    return cached_content(
        "daily-plan",
        category_code,
        language,
        day.isoformat(),
        build=lambda: daily_plan_data(category_code=category_code, language=language, day=day),
    )


def plan_payload(*, plan_id: int, language: str) -> dict:
    """Return one serialized public plan with its steps and items (cached), or raise 404."""

    def build():
        plan = with_steps_and_items(public_plans().filter(pk=plan_id)).first()
        if plan is None:
            raise NotFoundError("There is no plan with this id.")
        return PlanSerializer(plan, context={"language": language}).data

    return cached_content("plan", plan_id, language, build=build)


def template_plan_page(*, category_code: str | None, language: str, limit: int, offset: int) -> dict:
    """Return one page of active template plans, newest first, in the contract's shape (uncached)."""
    plans = public_plans().filter(is_template=True, language=language)
    if category_code:
        category = active_category(code=category_code)
        if category is None:
            raise CategoryNotFound()
        plans = plans.filter(category=category)
    total = plans.count()
    # Steps are counted per plan of the page (a subquery), not for every plan before the
    # page is cut, so a page costs the same however many plans there are.
    steps_count = (
        PlanStep.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    )
    page = (
        plans.select_related("category")
        .annotate(steps_count=Coalesce(Subquery(steps_count), 0))
        .order_by("-created_at", "-id")[offset : offset + limit]
    )
    return {
        "plans": list(PlanSummarySerializer(page, many=True, context={"language": language}).data),
        "pagination": {"total": total, "limit": limit, "offset": offset},
    }


def template_plan_page_payload(*, category_code: str | None, language: str, limit: int, offset: int) -> dict:
    """Return one page of active template plans (cached); see template_plan_page."""
    return cached_content(
        "plan-page",
        category_code or "",
        language,
        limit,
        offset,
        build=lambda: template_plan_page(category_code=category_code, language=language, limit=limit, offset=offset),
    )


def completed_step_ids(*, user, step_ids: list[int]) -> set[int]:
    """Return which of the steps the user has completed, in one query.

    Plain SQL on purpose: it runs on every signed-in plan request, and building this query
    with the ORM takes three times as long as running it. The table is the one behind the
    steps' `progress` relation (the progress app's UserProgress).
    """
    if not step_ids:
        return set()
    table = connection.ops.quote_name(PlanStep._meta.get_field("progress").related_model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(step_ids))
    sql = f"SELECT step_id FROM {table} WHERE user_id = %s AND step_id IN ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *step_ids])
        return {step_id for (step_id,) in cursor.fetchall()}


def progress_of(*, done: int, total: int) -> dict:
    """Return a plan's progress: steps completed, steps in all, and the percentage rounded down."""
    return {"completed": done, "total": total, "percentage": done * 100 // total if total else 0}


def with_progress(plan: dict, completed: set[int]) -> dict:
    """Return a copy of a serialized plan with `completed` on each step and the plan's `progress`."""
    steps = [{**step, "completed": step["id"] in completed} for step in plan["steps"]]
    progress = progress_of(done=sum(step["completed"] for step in steps), total=len(steps))
    return {**plan, "steps": steps, "progress": progress}
