from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.serializers import CategorySerializer
from fypfixer.pagination import PageQuerySerializer
from fypfixer.query import DayQuerySerializer, LanguageQuerySerializer
from plans.models import Plan, PlanStep, StepItem


class StepItemSerializer(serializers.ModelSerializer):
    """A video of a step: the item's own title and thumbnail, else its library video's."""

    title = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = StepItem
        fields = (
            "id",
            "video_id",
            "creator_username",
            "title",
            "thumbnail_url",
            "video_url",
            "engagement_score",
            "reason_text",
        )
        read_only_fields = fields

    def get_title(self, item) -> str:
        return item.title or (item.library_video.title[:300] if item.library_video else "")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_thumbnail_url(self, item) -> str:
        return item.thumbnail_url or (item.library_video.thumbnail_url if item.library_video else "")


class PlanStepSerializer(serializers.ModelSerializer):
    """A step with its text in the language given in the serializer context."""

    text = serializers.SerializerMethodField()
    items = StepItemSerializer(many=True, read_only=True)

    class Meta:
        model = PlanStep
        fields = ("id", "step_order", "action_type", "text", "duration_minutes", "items")
        read_only_fields = fields

    def get_text(self, step) -> str:
        return step.text(self.context["language"])


class PlanSummarySerializer(serializers.ModelSerializer):
    """A plan without its steps, as in lists."""

    category = CategorySerializer(read_only=True)
    steps_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ("id", "title", "plan_date", "language", "category", "steps_count")
        read_only_fields = fields


class PaginationSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()


@extend_schema_serializer(many=False)
class PlanPageSerializer(serializers.Serializer):
    plans = PlanSummarySerializer(many=True)
    pagination = PaginationSerializer()


class PlanSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    steps = PlanStepSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ("id", "title", "plan_date", "language", "category", "steps")
        read_only_fields = fields


class PlanProgressSerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    total = serializers.IntegerField()
    percentage = serializers.IntegerField(help_text="Completed steps in percent, rounded down.")


class PlanStepWithProgressSerializer(PlanStepSerializer):
    completed = serializers.BooleanField(required=False, help_text="Only when the request is authenticated.")

    class Meta(PlanStepSerializer.Meta):
        fields = (*PlanStepSerializer.Meta.fields, "completed")


class PlanWithProgressSerializer(PlanSerializer):
    """The documented shape of a plan response: `completed` and `progress` come with a token."""

    steps = PlanStepWithProgressSerializer(many=True, read_only=True)
    progress = PlanProgressSerializer(required=False, help_text="Only when the request is authenticated.")

    class Meta(PlanSerializer.Meta):
        fields = (*PlanSerializer.Meta.fields, "progress")


class PlanListQuerySerializer(LanguageQuerySerializer, PageQuerySerializer):
    category = serializers.SlugField(max_length=32, required=False, help_text="A category code.")


class DailyPlanQuerySerializer(LanguageQuerySerializer, DayQuerySerializer):
    category = serializers.SlugField(max_length=32, default="personal_growth", help_text="A category code.")
