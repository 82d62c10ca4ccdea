"""Query-string parameters shared across the API: the language and the user's time zone."""

import zoneinfo
from datetime import date, datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fypfixer.i18n import DEFAULT_LANGUAGE, Language, language_from_accept_header, normalize_language

TIME_ZONE_HEADER = "X-Timezone"


class LanguageField(serializers.ChoiceField):
    """A language code; region tags are accepted and reduced ("es-MX" → "es")."""

    def __init__(self, **kwargs):
        super().__init__(choices=Language.choices, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = normalize_language(data)
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class TimeZoneField(serializers.Field):
    """An IANA time zone name such as Europe/Madrid, validated into a ZoneInfo."""

    default_error_messages = {"invalid": "Unknown time zone; use an IANA name such as Europe/Madrid."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not 0 < len(data) <= 64 or "\x00" in data:
            self.fail("invalid")
        try:
            return zoneinfo.ZoneInfo(data)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            self.fail("invalid")

    def to_representation(self, value):
        return str(value)


class QuerySerializer(serializers.Serializer):
    """Validates a request's query parameters; invalid ones are a 400 with the field named."""

    @classmethod
    def from_request(cls, request, **kwargs):
        """Return the serializer validated against the request's query parameters (400 if invalid)."""
        data = request.query_params.dict()
        if "tz" not in data and request.headers.get(TIME_ZONE_HEADER):
            data["tz"] = request.headers[TIME_ZONE_HEADER]
        query = cls(data=data, context={"request": request}, **kwargs)
        query.is_valid(raise_exception=True)
        return query


class DayQuerySerializer(QuerySerializer):
    """The `tz` query parameter: the user's calendar day is today's date in that zone.

    The zone may also come in the X-Timezone header; UTC when neither is given.
    """

    tz = TimeZoneField(required=False, help_text="IANA time zone of the user's calendar day (default UTC).")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.validated_data.get("tz") or timezone.get_default_timezone()

    @property
    def today(self) -> date:
        return datetime.now(tz=self.zone).date()


class LanguageQuerySerializer(QuerySerializer):
    """`lang` (or `language`) query parameters.

    The language is the first of: the query parameter, the signed-in user's language, the
    Accept-Language header, English.
    """

    lang = LanguageField(required=False, help_text="Language of names and texts: en, ru or es.")
    language = LanguageField(required=False, help_text="Same as lang.")

    @property
    def language_code(self) -> str:
        asked = self.validated_data.get("lang") or self.validated_data.get("language")
        if asked:
            return asked
        request = self.context["request"]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user.language or DEFAULT_LANGUAGE
        return language_from_accept_header(request.headers.get("Accept-Language", ""))
