import re

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from catalog.models import Category
from fypfixer.query import LanguageQuerySerializer

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,32}$")


class CategorySerializer(serializers.ModelSerializer):
    """A category with its name in the language given in the serializer context."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ("id", "code", "name", "icon", "is_premium")
        read_only_fields = fields

    def get_name(self, category) -> str:
        return category.name(self.context["language"])


class CategoryListItemSerializer(CategorySerializer):
    """A category as /api/categories lists it: what a picker shows, premium ones included."""

    emoji = serializers.CharField(source="icon", read_only=True, help_text="The same as icon.")
    description = serializers.SerializerMethodField()
    price = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    on_waitlist = serializers.BooleanField(required=False, help_text="Only when the request is authenticated.")

    class Meta(CategorySerializer.Meta):
        fields = (*CategorySerializer.Meta.fields, "emoji", "description", "coming_soon", "price", "on_waitlist")
        read_only_fields = fields

    def get_description(self, category) -> str:
        return category.description(self.context["language"])


@extend_schema_serializer(many=False)
class CategoryListSerializer(serializers.Serializer):
    categories = CategoryListItemSerializer(many=True)


class CategoryListQuerySerializer(LanguageQuerySerializer):
    include_premium = serializers.BooleanField(
        required=False, default=True, help_text="Premium categories too (default), shown with is_premium and price."
    )


class CategoryCodeField(serializers.SlugRelatedField):
    """An active category, given by its code."""

    default_error_messages = {
        "does_not_exist": "There is no active category with the code {value}.",
        "invalid": "Give a category code such as personal_growth.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Category.objects.filter(is_active=True), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ApifyRunResourceSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False, help_text="The run's id.")
    defaultDatasetId = serializers.RegexField(
        r"^[A-Za-z0-9]{1,100}$", help_text="The dataset the run filled: what gets imported."
    )


class ApifyWebhookSerializer(serializers.Serializer):
    """What Apify posts when a run of the scraper finishes (its default webhook payload)."""

    eventType = serializers.CharField(max_length=100, help_text="ACTOR.RUN.SUCCEEDED imports; others are ignored.")
    resource = ApifyRunResourceSerializer()


class ImportAcceptedSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(allow_null=True, help_text="The import job (listed in the admin).")
    status = serializers.CharField(help_text="pending, running, done or failed; ignored for other events.")
