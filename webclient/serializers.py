"""The web client's shapes: camelCase names, and plan steps shown as "actions".

Each serializer reads the same data the rest of the API serves (plan payloads, streak and
XP summaries, preferences) and renames it with `source`, so nothing is computed twice.
"""

import math

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PreferencesSerializer
from fypfixer.query import QuerySerializer
from plans.models import PlanStep
from plans.serializers import PlanProgressSerializer


class ActionCategory(models.TextChoices):
    """Whether an action teaches the feed to show more of something, or less."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class TargetType(models.TextChoices):
    CREATOR = "creator"
    VIDEO = "video"


class TargetSerializer(serializers.Serializer):
    """What an action is about: the creator to follow, or the step's first video."""

    type = serializers.ChoiceField(choices=TargetType.choices)
    name = serializers.CharField(help_text='"@creator" for follow actions, else the video title.')
    description = serializers.CharField(required=False, help_text="The step's instruction.")
    thumbnailUrl = serializers.URLField(required=False)
    tiktokUrl = serializers.URLField(required=False)

    def to_representation(self, step: dict) -> dict:
        item = step["items"][0] if step["items"] else None
        follow = step["action_type"] == PlanStep.Action.FOLLOW
        target_type = TargetType.CREATOR if follow else TargetType.VIDEO
        if item is None:
            return {"type": target_type, "name": step["text"]}
        creator = item["creator_username"]
        target = {
            "type": target_type,
            "name": f"@{creator}" if follow else item["title"] or f"Video by @{creator}",
            "description": step["text"],
            "tiktokUrl": f"https://www.tiktok.com/@{creator}" if follow else item["video_url"],
        }
        if item["thumbnail_url"]:
            target["thumbnailUrl"] = item["thumbnail_url"]
        return target


class ActionSerializer(serializers.Serializer):
    """A plan step (as /api/plan serializes it) as one of the client's actions."""

    id = serializers.CharField(help_text="The step id, as a string.")
    type = serializers.ChoiceField(source="action_type", choices=PlanStep.Action.choices)
    category = serializers.SerializerMethodField()
    target = TargetSerializer(source="*")
    completed = serializers.SerializerMethodField()
    completedAt = serializers.SerializerMethodField(required=False)

    def get_category(self, step: dict) -> ActionCategory:
        negative = step["action_type"] in PlanStep.NEGATIVE_ACTIONS
        return ActionCategory.NEGATIVE if negative else ActionCategory.POSITIVE

    def get_completed(self, step: dict) -> bool:
        return step["id"] in self.context["completed_at"]

    def get_completedAt(self, step: dict) -> str | None:
        completed_at = self.context["completed_at"].get(step["id"])
        return serializers.DateTimeField().to_representation(completed_at) if completed_at else None

    def to_representation(self, step: dict) -> dict:
        action = super().to_representation(step)
        if action["completedAt"] is None:
            del action["completedAt"]
        return action


class TodayPlanSerializer(serializers.Serializer):
    """Today's plan in the client's shape; context: `completed_at` {step id: when} and `day`."""

    id = serializers.CharField()
    date = serializers.SerializerMethodField()
    categoryCode = serializers.CharField(source="category.code")
    categoryName = serializers.CharField(source="category.name")
    actions = ActionSerializer(source="steps", many=True)
    progress = PlanProgressSerializer()

    def get_date(self, plan: dict) -> str:
        return self.context["day"].isoformat()


class ActionResultSerializer(serializers.Serializer):
    actionId = serializers.CharField(source="step_id")
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(source="completed_at", allow_null=True)
    xpEarned = serializers.IntegerField(source="xp_earned")
    planCompleted = serializers.BooleanField(source="plan_completed")


class StreakSerializer(serializers.Serializer):
    currentStreak = serializers.IntegerField(source="streak.current")
    longestStreak = serializers.IntegerField(source="streak.longest")
    nextMilestone = serializers.IntegerField(source="streak.next_milestone", allow_null=True)
    totalXp = serializers.IntegerField(source="xp.xp")
    level = serializers.CharField(source="xp.level")


class StatsStreakSerializer(serializers.Serializer):
    currentStreak = serializers.IntegerField(source="current")
    longestStreak = serializers.IntegerField(source="longest")
    lastActiveDate = serializers.DateField(source="last_active_date", allow_null=True)
    nextMilestone = serializers.IntegerField(source="next_milestone", allow_null=True)


class GamificationSerializer(serializers.Serializer):
    level = serializers.CharField()
    xp = serializers.IntegerField()
    actionsCompleted = serializers.IntegerField(source="actions_completed")
    plansCompleted = serializers.IntegerField(source="plans_completed")


class StatsSerializer(serializers.Serializer):
    streak = StatsStreakSerializer()
    gamification = GamificationSerializer(source="xp")


class AnyCategoryCodeField(serializers.RegexField):
    """A category code as the client sends it: any slug, known to us or not (unknown ones mean the default).

    No code at all is null in the answer, and null in a request clears it.
    """

    def __init__(self, **kwargs):
        super().__init__(r"^[-a-zA-Z0-9_]{1,32}$", max_length=32, **kwargs)

    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value):
        return value or None


class WebPreferencesSerializer(PreferencesSerializer):
    """The user's settings in SPEC's names, plus the web client's camelCase names."""

    hasCompletedOnboarding = serializers.BooleanField(source="has_completed_onboarding", required=False)
    selectedGoals = serializers.ListField(
        source="selected_goals",
        child=serializers.CharField(max_length=64),
        max_length=20,
        required=False,
    )
    preferredCategory = AnyCategoryCodeField(source="preferred_category_code", allow_null=True, required=False)


class OnboardingSerializer(serializers.Serializer):
    goals = serializers.ListField(child=serializers.CharField(max_length=64), max_length=20)
    category = AnyCategoryCodeField()


class DefaultsSerializer(serializers.Serializer):
    defaultCategoryCode = serializers.CharField(allow_null=True)
    maxFreeCategories = serializers.IntegerField()
    premiumAccessDays = serializers.IntegerField()
    actionsPerPlan = serializers.IntegerField()


class UserCategorySerializer(serializers.Serializer):
    """A category the user follows (or followed, with include_inactive)."""

    id = serializers.IntegerField()
    categoryId = serializers.IntegerField(source="category_id")
    code = serializers.CharField(source="category.code")
    isActive = serializers.SerializerMethodField()
    isPremium = serializers.BooleanField(source="category.is_premium")
    isPurchased = serializers.BooleanField(source="is_purchased")
    isExpired = serializers.SerializerMethodField()
    daysRemaining = serializers.SerializerMethodField()
    activatedAt = serializers.DateTimeField(source="activated_at")
    expiresAt = serializers.DateTimeField(source="expires_at", allow_null=True)

    def get_isActive(self, subscription) -> bool:
        return subscription.is_active and not subscription.is_expired(self.context["now"])

    def get_isExpired(self, subscription) -> bool:
        return subscription.is_expired(self.context["now"])

    @extend_schema_field(OpenApiTypes.INT)
    def get_daysRemaining(self, subscription) -> int | None:
        if subscription.expires_at is None:
            return None
        return max(math.ceil((subscription.expires_at - self.context["now"]).total_seconds() / 86400), 0)


class UserCategoryStatsSerializer(serializers.Serializer):
    freeActive = serializers.IntegerField()
    freeLimit = serializers.IntegerField()
    freeRemaining = serializers.IntegerField()
    premiumActive = serializers.IntegerField()
    premiumExpired = serializers.IntegerField()
    totalActive = serializers.IntegerField()


class UserCategoriesSerializer(serializers.Serializer):
    categories = UserCategorySerializer(many=True)
    stats = UserCategoryStatsSerializer()


class UserCategoriesQuerySerializer(QuerySerializer):
    include_inactive = serializers.BooleanField(required=False, default=False)


class FollowCategorySerializer(serializers.Serializer):
    categoryId = serializers.IntegerField(min_value=1, max_value=10**18)
    isPurchased = serializers.BooleanField(required=False, default=False)


class RemovedSerializer(serializers.Serializer):
    removed = serializers.BooleanField()


class WaitlistSerializer(serializers.Serializer):
    category_id = serializers.IntegerField(min_value=1, max_value=10**18)


class WaitlistAnswerSerializer(serializers.Serializer):
    message = serializers.CharField()
    category = serializers.CharField()
    on_waitlist = serializers.BooleanField()


class OnboardingResultSerializer(serializers.Serializer):
    redirectTo = serializers.CharField()
