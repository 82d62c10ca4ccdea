from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from fypfixer.query import DayQuerySerializer
from progress.selectors import progress_summary
from progress.serializers import ProgressSummarySerializer, StepCompletionSerializer
from progress.services import step_complete, step_uncomplete, visible_step


class StepCompletionView(APIView):
    @extend_schema(request=None, responses=StepCompletionSerializer)
    def post(self, request, plan_id: int, step_id: int):
        """Mark a step of a plan completed (idempotent)."""
        step = visible_step(user=request.user, plan_id=plan_id, step_id=step_id)
        completed_at, _created = step_complete(user=request.user, step=step)
        completion = {"step_id": step.pk, "completed": True, "completed_at": completed_at}
        return Response(StepCompletionSerializer(completion).data)

    @extend_schema(request=None, responses=StepCompletionSerializer)
    def delete(self, request, plan_id: int, step_id: int):
        """Mark a step of a plan not completed (idempotent)."""
        step = visible_step(user=request.user, plan_id=plan_id, step_id=step_id)
        step_uncomplete(user=request.user, step=step)
        completion = {"step_id": step.pk, "completed": False, "completed_at": None}
        return Response(StepCompletionSerializer(completion).data)


class ProgressView(APIView):
    @extend_schema(parameters=[DayQuerySerializer], responses=ProgressSummarySerializer)
    def get(self, request):
        """Return the user's completed steps, today's progress and streaks."""
        query = DayQuerySerializer.from_request(request)
        summary = progress_summary(user=request.user, zone=query.zone, today=query.today)
        return Response(ProgressSummarySerializer(summary).data)
