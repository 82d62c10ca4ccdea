"""Query-string parameters shared across the API: the language and the user's time zone."""

import functools
import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

from django.conf import settings
from django.utils import timezone
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


# The IANA names this machine knows (from the tzdata package): the schema lists them, so
# a client (or a fuzzer) knows exactly which values are accepted.
TIME_ZONES = sorted(zoneinfo.available_timezones())


@extend_schema_field({"type": "string", "enum": TIME_ZONES})
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


class Query:
    """The validated query parameters of one request, and the language and day they imply."""

    def __init__(self, params: Mapping, request):
        self.params = params
        self.request = request

    def __getitem__(self, name: str):
        return self.params[name]

    def get(self, name: str, default=None):
        return self.params.get(name, default)

    @property
    def language_code(self) -> str:
        """The first of: `lang`/`language`, the signed-in user's language, Accept-Language, English."""
        asked = self.params.get("lang") or self.params.get("language")
        if asked:
            return asked
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return user.language or DEFAULT_LANGUAGE
        return language_from_accept_header(self.request.headers.get("Accept-Language", ""))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone: `tz` or the X-Timezone header, else UTC."""
        return self.params.get("tz") or timezone.get_default_timezone()

    @property
    def today(self) -> date:
        return datetime.now(tz=self.zone).date()


def _validated(serializer_class, items: tuple) -> Mapping:
    serializer = serializer_class(data=dict(items))
    serializer.is_valid(raise_exception=True)
    unknown = sorted(set(serializer.initial_data) - set(serializer.fields) - set(serializer.tolerated))
    if unknown:
        raise serializers.ValidationError({name: ["Unknown query parameter."] for name in unknown})
    return MappingProxyType(dict(serializer.validated_data))


# Validating with a DRF serializer costs more than the rest of a cached read, and the same few
# query strings arrive over and over: remember the valid ones (QUERY_MEMO, measured in the
# README's ablation table). Only for fields that look at the value alone, never at the
# database, so a remembered answer stays true.
_remembered = functools.lru_cache(maxsize=1024)(_validated)


class QuerySerializer(serializers.Serializer):
    """Validates a request's query parameters; invalid or unknown ones are a 400 with the field named."""

    # Parameters accepted without a field here (validated by another serializer of the same request).
    tolerated: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, request) -> Query:
        """Return the request's validated query parameters (raise a 400 if invalid)."""
        params = request.query_params.dict()
        if "tz" in cls._declared_fields and "tz" not in params and request.headers.get(TIME_ZONE_HEADER):
            params["tz"] = request.headers[TIME_ZONE_HEADER]
        validate = _remembered if settings.QUERY_MEMO else _validated
        return Query(validate(cls, tuple(sorted(params.items()))), request)


class DayQuerySerializer(QuerySerializer):
    """The `tz` query parameter (or X-Timezone header): the user's calendar day is today there."""

    tz = TimeZoneField(required=False, help_text="IANA time zone of the user's calendar day (default UTC).")


class LanguageQuerySerializer(QuerySerializer):
    """`lang` (or `language`): the language of names and texts."""

    lang = LanguageField(required=False, help_text="Language of names and texts: en, ru or es.")
    language = LanguageField(required=False, help_text="Same as lang.")
