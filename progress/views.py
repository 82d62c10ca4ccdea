from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.authentication import TokenAccountAuthentication, signed_in_user
from fypfixer.query import DayQuerySerializer
from progress.selectors import progress_summary, visible_step
from progress.serializers import ProgressSummarySerializer, StepCompletionSerializer
from progress.services import completion_checks_account, step_complete, step_complete_at_once, step_uncomplete


class StepCompletionViewSet(viewsets.GenericViewSet):
    """The signed-in user's completion of one step of a plan."""

    lookup_url_kwarg = "step_id"
    lookup_value_converter = "id"

    def get_authenticators(self):
        # Completing checks the account inside its one statement (COMPLETION_ACCOUNT_SQL, on
        # PostgreSQL): the bearer token is verified here, the user's row is not read first.
        # The schema documents the usual bearer scheme (the same token either way).
        if (
            not getattr(self, "swagger_fake_view", False)
            and self.request.method == "POST"
            and completion_checks_account()
        ):
            return [TokenAccountAuthentication()]
        return super().get_authenticators()

    @extend_schema(parameters=[DayQuerySerializer], request=None, responses=StepCompletionSerializer)
    @action(detail=True, methods=["post"], url_path="complete", url_name="complete")
    def complete(self, request, plan_id: int, step_id: int):
        """Mark a step of a plan completed (idempotent)."""
        query = DayQuerySerializer.from_request(request)
        completed_at = None
        if settings.PROGRESS_INSERT_SQL:
            completed_at = step_complete_at_once(
                user_id=request.user.pk, token=request.auth, plan_id=plan_id, step_id=step_id, day=query.today
            )
        if completed_at is None:
            # Already completed, not a step this user can complete today (404 or 403), or an
            # account that refuses the token (401, from reading the user now).
            user = signed_in_user(request)
            step = visible_step(user=user, day=query.today, plan_id=plan_id, step_id=step_id)
            completed_at, _created = step_complete(user=user, step=step)
        completion = {"step_id": step_id, "completed": True, "completed_at": completed_at}
        return Response(StepCompletionSerializer(completion).data)

    @extend_schema(parameters=[DayQuerySerializer], request=None, responses={200: StepCompletionSerializer})
    @complete.mapping.delete
    def uncomplete(self, request, plan_id: int, step_id: int):
        """Mark a step of a plan not completed (idempotent)."""
        query = DayQuerySerializer.from_request(request)
        step = visible_step(user=request.user, day=query.today, plan_id=plan_id, step_id=step_id)
        step_uncomplete(user=request.user, step=step)
        completion = {"step_id": step.pk, "completed": False, "completed_at": None}
        return Response(StepCompletionSerializer(completion).data)


class ProgressViewSet(viewsets.GenericViewSet):
    """The signed-in user's totals, today's progress and streaks."""

    singleton = True

    @extend_schema(parameters=[DayQuerySerializer], responses=ProgressSummarySerializer)
    def retrieve(self, request):
        """Return the user's completed steps, today's progress and streaks."""
        query = DayQuerySerializer.from_request(request)
        summary = progress_summary(user=request.user, zone=query.zone, today=query.today)
        return Response(ProgressSummarySerializer(summary).data)
