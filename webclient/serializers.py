"""The web client's shapes: camelCase names, plan steps shown as "actions"."""

from datetime import date, datetime

from rest_framework import serializers

from fypfixer.query import DayQuerySerializer, LanguageQuerySerializer
from plans.models import PlanStep
from plans.selectors import progress_of
from plans.serializers import PlanProgressSerializer

TIMESTAMP = serializers.DateTimeField()


class TodayQuerySerializer(LanguageQuerySerializer, DayQuerySerializer):
    category = serializers.SlugField(max_length=32, default="personal_growth", help_text="A category code.")


class TargetSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["creator", "video"])
    name = serializers.CharField(help_text='"@creator" for follow actions, else the video title.')
    description = serializers.CharField(required=False, help_text="The step's instruction.")
    thumbnailUrl = serializers.URLField(required=False)
    tiktokUrl = serializers.URLField(required=False)


class ActionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The step id, as a string.")
    type = serializers.ChoiceField(choices=PlanStep.Action.choices)
    category = serializers.ChoiceField(choices=["positive", "negative"])
    target = TargetSerializer()
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(required=False)


class TodayPlanSerializer(serializers.Serializer):
    id = serializers.CharField()
    date = serializers.DateField()
    categoryCode = serializers.CharField()
    categoryName = serializers.CharField()
    actions = ActionSerializer(many=True)
    progress = PlanProgressSerializer()


class ActionResultSerializer(serializers.Serializer):
    actionId = serializers.CharField()
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    xpEarned = serializers.IntegerField()
    planCompleted = serializers.BooleanField()


class StreakSerializer(serializers.Serializer):
    currentStreak = serializers.IntegerField()
    longestStreak = serializers.IntegerField()
    nextMilestone = serializers.IntegerField(allow_null=True)
    totalXp = serializers.IntegerField()
    level = serializers.CharField()


class StatsStreakSerializer(serializers.Serializer):
    currentStreak = serializers.IntegerField()
    longestStreak = serializers.IntegerField()
    lastActiveDate = serializers.DateField(allow_null=True)
    nextMilestone = serializers.IntegerField(allow_null=True)


class GamificationSerializer(serializers.Serializer):
    level = serializers.CharField()
    xp = serializers.IntegerField()
    actionsCompleted = serializers.IntegerField()
    plansCompleted = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    streak = StatsStreakSerializer()
    gamification = GamificationSerializer()


def target_of(step: dict) -> dict:
    """Return what an action is about: the creator to follow, or the step's first video."""
    item = step["items"][0] if step["items"] else None
    description = step["text"]
    if step["action_type"] == PlanStep.Action.FOLLOW:
        if item is None:
            return {"type": "creator", "name": description}
        target = {
            "type": "creator",
            "name": f"@{item['creator_username']}",
            "description": description,
            "tiktokUrl": f"https://www.tiktok.com/@{item['creator_username']}",
        }
    else:
        if item is None:
            return {"type": "video", "name": description}
        name = item["title"] or f"Video by @{item['creator_username']}"
        target = {"type": "video", "name": name, "description": description, "tiktokUrl": item["video_url"]}
    if item["thumbnail_url"]:
        target["thumbnailUrl"] = item["thumbnail_url"]
    return target


def action_of(step: dict, completed_at: datetime | None) -> dict:
    """Return a plan step (as serialized for /api/plan) as one of the client's actions."""
    negative = step["action_type"] in PlanStep.NEGATIVE_ACTIONS
    action = {
        "id": str(step["id"]),
        "type": step["action_type"],
        "category": "negative" if negative else "positive",
        "target": target_of(step),
        "completed": completed_at is not None,
    }
    if completed_at is not None:
        action["completedAt"] = TIMESTAMP.to_representation(completed_at)
    return action


def today_plan(plan: dict, *, completed_at: dict[int, datetime], day: date) -> dict:
    """Return a serialized daily plan in the client's shape, with the user's completion merged in."""
    actions = [action_of(step, completed_at.get(step["id"])) for step in plan["steps"]]
    return {
        "id": str(plan["id"]),
        "date": day.isoformat(),
        "categoryCode": plan["category"]["code"],
        "categoryName": plan["category"]["name"],
        "actions": actions,
        "progress": progress_of(done=sum(action["completed"] for action in actions), total=len(actions)),
    }
