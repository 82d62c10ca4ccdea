from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from fypfixer.query import LanguageQuerySerializer
from plans.selectors import (
    completed_step_ids,
    daily_plan_payload,
    plan_payload,
    template_plan_page_payload,
    with_progress,
)
from plans.serializers import (
    DailyPlanQuerySerializer,
    PlanListQuerySerializer,
    PlanPageSerializer,
    PlanWithProgressSerializer,
)


def personalized(request, plan: dict) -> dict:
    """Merge the signed-in user's completion state into a (cached, shared) plan payload."""
    if not request.user.is_authenticated:
        return plan
    step_ids = [step["id"] for step in plan["steps"]]
    return with_progress(plan, completed_step_ids(user=request.user, step_ids=step_ids))


class PlanListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[PlanListQuerySerializer], responses=PlanPageSerializer, operation_id="plans_list")
    def get(self, request):
        """List active template plans, newest first, a page at a time."""
        query = PlanListQuerySerializer.from_request(request)
        payload = template_plan_page_payload(
            category_code=query.get("category"),
            language=query.language_code,
            limit=query["limit"],
            offset=query["offset"],
        )
        return Response(payload)


class PlanDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[LanguageQuerySerializer], responses=PlanWithProgressSerializer)
    def get(self, request, plan_id: int):
        """Return one plan with its steps and video items."""
        query = LanguageQuerySerializer.from_request(request)
        plan = plan_payload(plan_id=plan_id, language=query.language_code)
        return Response(personalized(request, plan))


class DailyPlanView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[DailyPlanQuerySerializer], responses=PlanWithProgressSerializer)
    def get(self, request):
        """Return today's plan for a category: the dated plan, else a template; English as fallback."""
        query = DailyPlanQuerySerializer.from_request(request)
        plan = daily_plan_payload(category_code=query["category"], language=query.language_code, day=query.today)
        return Response(personalized(request, plan))
