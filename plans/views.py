from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from fypfixer.pagination import ContractPagination
from fypfixer.query import LanguageQuerySerializer
from plans.payloads import daily_plan_payload, plan_page_payload, plan_payload, premium_check, with_progress
from plans.selectors import public_plans
from plans.serializers import (
    DailyPlanQuerySerializer,
    PlanListQuerySerializer,
    PlanPageSerializer,
    PlanWithProgressSerializer,
)
from progress.selectors import completed_step_ids


def personalized(request, payload):
    """Return a (cached, shared) plan payload, with the signed-in user's completion state merged in.

    A premium category's plan is served to premium users only. The one place where plans
    reads progress: the public plan is the same for everyone, what the user completed of it
    is theirs.
    """
    premium_check(request.user, payload)
    if not request.user.is_authenticated:
        return payload
    plan = payload
    completed = completed_step_ids(user=request.user, step_ids=[step["id"] for step in plan["steps"]])
    return with_progress(plan, completed)


class PlanPagination(ContractPagination):
    items_name = "plans"


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Editor-authored plans: the templates a page at a time, and any public plan by id."""

    queryset = public_plans()
    permission_classes = [AllowAny]
    pagination_class = PlanPagination
    lookup_url_kwarg = "plan_id"
    lookup_value_converter = "id"

    @extend_schema(parameters=[PlanListQuerySerializer], responses=PlanPageSerializer, operation_id="plans_list")
    def list(self, request):
        """List active template plans, newest first, a page at a time."""
        query = PlanListQuerySerializer.from_request(request)
        payload = plan_page_payload(
            paginator=self.paginator, request=request, category_code=query.get("category"), language=query.language_code
        )
        return Response(payload)

    @extend_schema(parameters=[LanguageQuerySerializer], responses=PlanWithProgressSerializer)
    def retrieve(self, request, plan_id: int):
        """Return one plan with its steps and video items."""
        query = LanguageQuerySerializer.from_request(request)
        return Response(personalized(request, plan_payload(plan_id=plan_id, language=query.language_code)))


class DailyPlanViewSet(viewsets.GenericViewSet):
    """The plan of the day for a category."""

    singleton = True
    permission_classes = [AllowAny]

    @extend_schema(parameters=[DailyPlanQuerySerializer], responses=PlanWithProgressSerializer)
    def retrieve(self, request):
        """Return today's plan for a category: the dated plan, else a template; English as fallback."""
        query = DailyPlanQuerySerializer.from_request(request)
        payload = daily_plan_payload(category_code=query["category"], language=query.language_code, day=query.today)
        return Response(personalized(request, payload))
