"""The public JSON of plans: built from the selectors, serialized and cached in one place."""

from datetime import date

from catalog.selectors import active_category
from fypfixer.api import ForbiddenError, NotFoundError
from fypfixer.content_cache import cached_content
from plans.selectors import daily_plan, public_plan, template_plans
from plans.serializers import PlanSerializer, PlanSummarySerializer


class CategoryNotFound(NotFoundError):
    message = "There is no active category with this code."


class PlanNotFound(NotFoundError):
    message = "There is no plan for this category yet."


class PremiumRequired(ForbiddenError):
    code = "premium_required"
    message = "This plan belongs to a premium category. Upgrade to premium to follow it."


def premium_check(user, payload) -> None:
    """Refuse (403 premium_required) a premium category's plan to anyone but a premium user."""
    if payload["category"]["is_premium"] and not (user.is_authenticated and user.is_premium):
        raise PremiumRequired()


def daily_plan_data(*, category_code: str, language: str, day: date) -> dict:
    """Return the serialized daily plan, or raise a 404 error (uncached)."""
    plan = daily_plan(category_code=category_code, language=language, day=day)
    if plan is None:
        if active_category(code=category_code) is None:
            raise CategoryNotFound()
        raise PlanNotFound()
    return PlanSerializer(plan, context={"language": language}).data


def daily_plan_payload(*, category_code: str, language: str, day: date):
    """Return the serialized daily plan (cached), or raise a 404 error."""
    return cached_content(
        "daily-plan",
        category_code,
        language,
        day.isoformat(),
        build=lambda: daily_plan_data(category_code=category_code, language=language, day=day),
    )


def plan_payload(*, plan_id: int, language: str):
    """Return one serialized public plan with its steps and items (cached), or raise 404."""

    def build():
        plan = public_plan(plan_id=plan_id)
        if plan is None:
            raise NotFoundError("There is no plan with this id.")
        return PlanSerializer(plan, context={"language": language}).data

    return cached_content("plan", plan_id, language, build=build)


def plan_page_data(*, paginator, request, category_code: str | None, language: str) -> dict:
    """Return one page of active template plans in the contract's shape (uncached)."""
    category = None
    if category_code:
        category = active_category(code=category_code)
        if category is None:
            raise CategoryNotFound()
    page = paginator.paginate_queryset(template_plans(category=category, language=language), request)
    return paginator.get_paginated_data(PlanSummarySerializer(page, many=True, context={"language": language}).data)


def plan_page_payload(*, paginator, request, category_code: str | None, language: str):
    """Return one page of active template plans (cached); see plan_page_data."""
    return cached_content(
        "plan-page",
        category_code or "",
        language,
        paginator.get_limit(request),
        paginator.get_offset(request),
        build=lambda: plan_page_data(
            paginator=paginator, request=request, category_code=category_code, language=language
        ),
    )


def progress_of(*, done: int, total: int) -> dict:
    """Return a plan's progress: steps completed, steps in all, and the percentage rounded down."""
    return {"completed": done, "total": total, "percentage": done * 100 // total if total else 0}


def with_progress(plan: dict, completed: set[int]) -> dict:
    """Return a copy of a plan payload with `completed` on each step and the plan's `progress`."""
    steps = [{**step, "completed": step["id"] in completed} for step in plan["steps"]]
    progress = progress_of(done=sum(step["completed"] for step in steps), total=len(steps))
    return {**plan, "steps": steps, "progress": progress}
