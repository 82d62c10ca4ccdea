from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.services import onboarding_complete, preferences_of, preferences_update
from catalog.models import Category
from catalog.payloads import category_list_payload
from catalog.selectors import active_category, default_category, subscriptions_of
from catalog.services import category_follow, category_unfollow, waitlist_join, waitlist_leave
from fypfixer.i18n import DEFAULT_LANGUAGE
from fypfixer.query import DayQuerySerializer
from plans.payloads import daily_plan_payload, premium_check, with_progress
from plans.serializers import DailyPlanQuerySerializer
from progress.selectors import completion_times, streak_summary, visible_step, xp_summary
from progress.services import step_complete_with_xp, step_uncomplete
from webclient.serializers import (
    ActionResultSerializer,
    DefaultsSerializer,
    FollowCategorySerializer,
    OnboardingResultSerializer,
    OnboardingSerializer,
    RemovedSerializer,
    StatsSerializer,
    StreakSerializer,
    TodayPlanSerializer,
    UserCategoriesQuerySerializer,
    UserCategoriesSerializer,
    UserCategorySerializer,
    WaitlistAnswerSerializer,
    WaitlistSerializer,
    WebPreferencesSerializer,
)


class TodayPlanViewSet(viewsets.GenericViewSet):
    """Today's plan as the client's actions."""

    singleton = True

    @extend_schema(parameters=[DailyPlanQuerySerializer], responses=TodayPlanSerializer, operation_id="v1_plans_today")
    def retrieve(self, request):
        """Return today's plan for the user as actions, with what they completed."""
        query = DailyPlanQuerySerializer.from_request(request)
        category_code = served_category_code(query["category"])
        payload = daily_plan_payload(category_code=category_code, language=query.language_code, day=query.today)
        premium_check(request.user, payload)
        plan = payload
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
        """Change the given preferences (fields left out keep their values, as with PATCH).

        `preferredCategory` may be any code: kept as sent, the default category stands in for an unknown one.
        """
        serializer = WebPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = serializer.changes()
        if "preferred_category_code" in changes:
            changes["preferred_category"] = category_for_code(changes["preferred_category_code"])
        preferences = preferences_update(user=request.user, **changes)
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
        code = serializer.validated_data["category"]
        onboarding_complete(
            user=request.user, goals=serializer.validated_data["goals"], category=category_for_code(code), code=code
        )
        return Response(OnboardingResultSerializer({"redirectTo": "/dashboard"}).data)


class DefaultsViewSet(viewsets.GenericViewSet):
    """What the web client needs before anyone signs in."""

    singleton = True
    permission_classes = [AllowAny]

    @extend_schema(responses=DefaultsSerializer, operation_id="config_defaults_retrieve")
    def retrieve(self, request):
        """Return the default category and the limits of category subscriptions."""
        category = default_category()
        defaults = {
            "defaultCategoryCode": category.code if category else None,
            "maxFreeCategories": settings.MAX_FREE_CATEGORIES,
            "premiumAccessDays": settings.PREMIUM_ACCESS_DAYS,
            "actionsPerPlan": settings.ACTIONS_PER_PLAN,
        }
        return Response(DefaultsSerializer(defaults).data)


class UserCategoryViewSet(viewsets.GenericViewSet):
    """The categories the user follows."""

    lookup_url_kwarg = "category_id"
    lookup_value_converter = "id"

    @extend_schema(parameters=[UserCategoriesQuerySerializer], responses=UserCategoriesSerializer)
    def list(self, request):
        """List the followed categories (with include_inactive, also those stopped or expired) and counts."""
        query = UserCategoriesQuerySerializer.from_request(request)
        now = timezone.now()
        subscriptions = list(subscriptions_of(user=request.user, include_inactive=query["include_inactive"]))
        answer = {"categories": subscriptions, "stats": subscription_stats(subscriptions, now=now)}
        return Response(UserCategoriesSerializer(answer, context={"now": now}).data)

    @extend_schema(request=FollowCategorySerializer, responses={201: UserCategorySerializer})
    def create(self, request):
        """Follow a category: free ones up to maxFreeCategories, premium ones (premium users) for premiumAccessDays."""
        serializer = FollowCategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = category_follow(
            user=request.user,
            category_id=serializer.validated_data["categoryId"],
            purchased=serializer.validated_data["isPurchased"],
        )
        context = {"now": timezone.now()}
        return Response(UserCategorySerializer(subscription, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RemovedSerializer)
    def destroy(self, request, category_id: int):
        """Stop following a category."""
        return Response(
            RemovedSerializer({"removed": category_unfollow(user=request.user, category_id=category_id)}).data
        )


class WaitlistViewSet(viewsets.GenericViewSet):
    """Waiting lists of premium categories that are coming soon."""

    @extend_schema(request=WaitlistSerializer, responses=WaitlistAnswerSerializer)
    @action(detail=False, methods=["post"])
    def join(self, request):
        """Join a premium category's waitlist (again: no change)."""
        serializer = WaitlistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = waitlist_join(user=request.user, category_id=serializer.validated_data["category_id"])
        answer = {"message": "You are on the waitlist.", "category": entry.category.code, "on_waitlist": True}
        return Response(WaitlistAnswerSerializer(answer).data)

    @extend_schema(request=WaitlistSerializer, responses=WaitlistAnswerSerializer)
    @action(detail=False, methods=["post"])
    def leave(self, request):
        """Leave a premium category's waitlist (again: no change)."""
        serializer = WaitlistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category_id = serializer.validated_data["category_id"]
        waitlist_leave(user=request.user, category_id=category_id)
        code = Category.objects.values_list("code", flat=True).get(pk=category_id)
        answer = {"message": "You left the waitlist.", "category": code, "on_waitlist": False}
        return Response(WaitlistAnswerSerializer(answer).data)


def served_category_code(code: str) -> str:
    """The category whose plan is served for `code`: itself when active, else the default one.

    Known codes are read from the cached category list, so a warm request asks no database.
    """
    listed = category_list_payload(language=DEFAULT_LANGUAGE, include_premium=True)["categories"]
    if any(category["code"] == code for category in listed):
        return code
    category = default_category()
    return category.code if category else code


def category_for_code(code: str):
    """The active category with this code, else the default category (None for an empty code)."""
    if not code:
        return None
    return active_category(code=code) or default_category()


def subscription_stats(subscriptions, *, now) -> dict:
    active = [s for s in subscriptions if s.is_active and not s.is_expired(now)]
    free_active = sum(not s.category.is_premium for s in active)
    limit = settings.MAX_FREE_CATEGORIES
    return {
        "freeActive": free_active,
        "freeLimit": limit,
        "freeRemaining": max(limit - free_active, 0),
        "premiumActive": len(active) - free_active,
        "premiumExpired": sum(s.category.is_premium and s.is_expired(now) for s in subscriptions),
        "totalActive": len(active),
    }
