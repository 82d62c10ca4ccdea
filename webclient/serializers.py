"""The web client's shapes: camelCase names, and plan steps shown as "actions".

Each serializer reads the same data the rest of the API serves (plan payloads, streak and
XP summaries, preferences) and renames it with `source`, so nothing is computed twice.
"""

from django.db import models
from rest_framework import serializers

from accounts.serializers import PreferencesSerializer
from catalog.serializers import CategoryCodeField
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


class WebPreferencesSerializer(PreferencesSerializer):
    """The user's settings in SPEC's names, plus the web client's camelCase names."""

    hasCompletedOnboarding = serializers.BooleanField(source="has_completed_onboarding", required=False)
    selectedGoals = serializers.ListField(
        source="selected_goals",
        child=serializers.CharField(max_length=64),
        max_length=20,
        required=False,
    )
    preferredCategory = CategoryCodeField(source="preferred_category", allow_null=True, required=False)


class OnboardingSerializer(serializers.Serializer):
    goals = serializers.ListField(child=serializers.CharField(max_length=64), max_length=20)
    category = CategoryCodeField()


class OnboardingResultSerializer(serializers.Serializer):
    redirectTo = serializers.CharField()
