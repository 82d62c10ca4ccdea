from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from fypfixer.query import DayQuerySerializer
from plans.selectors import daily_plan_payload
from progress.gamification import next_milestone
from progress.selectors import completion_times, streak_summary, xp_summary
from progress.services import step_complete_with_xp, step_uncomplete, visible_step
from webclient.serializers import (
    ActionResultSerializer,
    StatsSerializer,
    StreakSerializer,
    TodayPlanSerializer,
    TodayQuerySerializer,
    today_plan,
)


class TodayPlanView(APIView):
    @extend_schema(parameters=[TodayQuerySerializer], responses=TodayPlanSerializer, operation_id="v1_plans_today")
    def get(self, request):
        """Return today's plan for the user as actions, with what they completed."""
        query = TodayQuerySerializer.from_request(request)
        plan = daily_plan_payload(category_code=query["category"], language=query.language_code, day=query.today)
        step_ids = [step["id"] for step in plan["steps"]]
        completed_at = completion_times(user=request.user, step_ids=step_ids)
        return Response(today_plan(plan, completed_at=completed_at, day=query.today))


class ActionCompleteView(APIView):
    @extend_schema(request=None, responses=ActionResultSerializer)
    def post(self, request, action_id: int):
        """Complete an action (a plan step); the same as completing the step in /api/plans/."""
        step = visible_step(user=request.user, step_id=action_id)
        completed_at, earned, plan_completed = step_complete_with_xp(user=request.user, step=step)
        result = {
            "actionId": str(step.pk),
            "completed": True,
            "completedAt": completed_at,
            "xpEarned": earned,
            "planCompleted": plan_completed,
        }
        return Response(ActionResultSerializer(result).data)


class ActionUncompleteView(APIView):
    @extend_schema(request=None, responses=ActionResultSerializer)
    def post(self, request, action_id: int):
        """Undo an action's completion."""
        step = visible_step(user=request.user, step_id=action_id)
        step_uncomplete(user=request.user, step=step)
        result = {
            "actionId": str(step.pk),
            "completed": False,
            "completedAt": None,
            "xpEarned": 0,
            "planCompleted": False,
        }
        return Response(ActionResultSerializer(result).data)


class StreakView(APIView):
    @extend_schema(parameters=[DayQuerySerializer], responses=StreakSerializer)
    def get(self, request):
        """Return the user's streaks, next milestone, total XP and level."""
        query = DayQuerySerializer.from_request(request)
        streak = streak_summary(user=request.user, zone=query.zone, today=query.today)
        xp = xp_summary(user=request.user)
        answer = {
            "currentStreak": streak["current"],
            "longestStreak": streak["longest"],
            "nextMilestone": next_milestone(streak["current"]),
            "totalXp": xp["xp"],
            "level": xp["level"],
        }
        return Response(StreakSerializer(answer).data)


class StatsView(APIView):
    @extend_schema(parameters=[DayQuerySerializer], responses=StatsSerializer)
    def get(self, request):
        """Return the user's streak and game statistics."""
        query = DayQuerySerializer.from_request(request)
        streak = streak_summary(user=request.user, zone=query.zone, today=query.today)
        xp = xp_summary(user=request.user)
        stats = {
            "streak": {
                "currentStreak": streak["current"],
                "longestStreak": streak["longest"],
                "lastActiveDate": streak["last_active_date"],
                "nextMilestone": next_milestone(streak["current"]),
            },
            "gamification": {
                "level": xp["level"],
                "xp": xp["xp"],
                "actionsCompleted": xp["actions_completed"],
                "plansCompleted": xp["plans_completed"],
            },
        }
        return Response(StatsSerializer(stats).data)
