from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.services import onboarding_complete, preferences_of, preferences_update
from fypfixer.content_cache import payload_data
from fypfixer.query import DayQuerySerializer
from plans.payloads import daily_plan_payload, premium_check, with_progress
from plans.serializers import DailyPlanQuerySerializer
from progress.selectors import completion_times, streak_summary, visible_step, xp_summary
from progress.services import step_complete_with_xp, step_uncomplete
from webclient.serializers import (
    ActionResultSerializer,
    OnboardingResultSerializer,
    OnboardingSerializer,
    StatsSerializer,
    StreakSerializer,
    TodayPlanSerializer,
    WebPreferencesSerializer,
)


class TodayPlanViewSet(viewsets.GenericViewSet):
    """Today's plan as the client's actions."""

    singleton = True

    @extend_schema(parameters=[DailyPlanQuerySerializer], responses=TodayPlanSerializer, operation_id="v1_plans_today")
    def retrieve(self, request):
        """Return today's plan for the user as actions, with what they completed."""
        query = DailyPlanQuerySerializer.from_request(request)
        payload = daily_plan_payload(category_code=query["category"], language=query.language_code, day=query.today)
        premium_check(request.user, payload)
        plan = payload_data(payload)
        completed_at = completion_times(user=request.user, step_ids=[step["id"] for step in plan["steps"]])
        context = {"completed_at": completed_at, "day": query.today}
        return Response(TodayPlanSerializer(with_progress(plan, set(completed_at)), context=context).data)


class ActionViewSet(viewsets.GenericViewSet):
    """Completing and un-completing an action: a plan step, the same as in /api/plans/."""

    lookup_url_kwarg = "action_id"
    lookup_value_converter = "id"

    @extend_schema(parameters=[DayQuerySerializer], request=None, responses=ActionResultSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, action_id: int):
        """Complete an action (a plan step); the same as completing the step in /api/plans/."""
        query = DayQuerySerializer.from_request(request)
        step = visible_step(user=request.user, day=query.today, step_id=action_id)
        completed_at, earned, plan_completed = step_complete_with_xp(user=request.user, step=step)
        result = {
            "step_id": step.pk,
            "completed": True,
            "completed_at": completed_at,
            "xp_earned": earned,
            "plan_completed": plan_completed,
        }
        return Response(ActionResultSerializer(result).data)

    @extend_schema(parameters=[DayQuerySerializer], request=None, responses=ActionResultSerializer)
    @action(detail=True, methods=["post"])
    def uncomplete(self, request, action_id: int):
        """Undo an action's completion."""
        query = DayQuerySerializer.from_request(request)
        step = visible_step(user=request.user, day=query.today, step_id=action_id)
        step_uncomplete(user=request.user, step=step)
        result = {"step_id": step.pk, "completed": False, "completed_at": None, "xp_earned": 0, "plan_completed": False}
        return Response(ActionResultSerializer(result).data)


class StreakViewSet(viewsets.GenericViewSet):
    singleton = True

    @extend_schema(parameters=[DayQuerySerializer], responses=StreakSerializer)
    def retrieve(self, request):
        """Return the user's streaks, next milestone, total XP and level."""
        query = DayQuerySerializer.from_request(request)
        streak = streak_summary(user=request.user, zone=query.zone, today=query.today)
        return Response(StreakSerializer({"streak": streak, "xp": xp_summary(user=request.user)}).data)


class StatsViewSet(viewsets.GenericViewSet):
    singleton = True

    @extend_schema(parameters=[DayQuerySerializer], responses=StatsSerializer)
    def retrieve(self, request):
        """Return the user's streak and game statistics."""
        query = DayQuerySerializer.from_request(request)
        streak = streak_summary(user=request.user, zone=query.zone, today=query.today)
        return Response(StatsSerializer({"streak": streak, "xp": xp_summary(user=request.user)}).data)


class PreferencesViewSet(viewsets.GenericViewSet):
    """The user's settings, in SPEC's names and the client's camelCase names, and onboarding."""

    singleton = True

    @extend_schema(responses=WebPreferencesSerializer)
    def retrieve(self, request):
        """Return the user's preferences."""
        return Response(WebPreferencesSerializer(preferences_of(user=request.user)).data)

    @extend_schema(request=WebPreferencesSerializer, responses=WebPreferencesSerializer)
    def update(self, request):
        """Change the given preferences (fields left out keep their values, as with PATCH)."""
        serializer = WebPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preferences = preferences_update(user=request.user, **serializer.changes())
        return Response(WebPreferencesSerializer(preferences).data)

    @extend_schema(request=WebPreferencesSerializer, responses=WebPreferencesSerializer)
    def partial_update(self, request):
        """Change the given preferences."""
        return self.update(request)

    @extend_schema(request=OnboardingSerializer, responses=OnboardingResultSerializer)
    @action(detail=True, methods=["post"], url_path="complete-onboarding")
    def complete_onboarding(self, request):
        """Save the onboarding answers, mark onboarding done and say where the client goes next."""
        serializer = OnboardingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        onboarding_complete(user=request.user, **serializer.validated_data)
        return Response(OnboardingResultSerializer({"redirectTo": "/dashboard"}).data)
