from datetime import date

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from fypfixer.i18n import DEFAULT_LANGUAGE
from plans.models import Plan, PlanStep


def public_plans() -> QuerySet[Plan]:
    """Return active editor-authored plans of active categories."""
    return Plan.objects.filter(is_active=True, user__isnull=True, category__is_active=True)


def with_steps_and_items(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Return the plans with their category, steps and items loaded in three queries in all."""
    return plans.select_related("category").prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.prefetch_related("items"))
    )


def public_plan(*, plan_id: int) -> Plan | None:
    """Return one public plan with its steps and items, or None."""
    return with_steps_and_items(public_plans().filter(pk=plan_id)).first()


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
