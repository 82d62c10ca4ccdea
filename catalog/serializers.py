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


@extend_schema_serializer(many=False)
class CategoryListSerializer(serializers.Serializer):
    categories = CategorySerializer(many=True)


class CategoryListQuerySerializer(LanguageQuerySerializer):
    include_premium = serializers.BooleanField(required=False, default=False)


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
