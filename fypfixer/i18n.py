"""The languages content is written in, and how a request picks one."""

from django.db import models
from django.utils.translation.trans_real import parse_accept_lang_header


class Language(models.TextChoices):
    EN = "en", "English"
    RU = "ru", "Русский"
    ES = "es", "Español"


DEFAULT_LANGUAGE = Language.EN.value


def normalize_language(value: str) -> str:
    """Return the primary subtag of a language tag, lower-cased ("en-US" → "en")."""
    return value.strip().replace("_", "-").split("-", 1)[0].lower()


def localized(instance: models.Model, field: str, language: str) -> str:
    """Return `<field>_<language>` of the instance, or the English text when that is empty."""
    english = getattr(instance, f"{field}_{DEFAULT_LANGUAGE}")
    if language == DEFAULT_LANGUAGE or language not in Language.values:
        return english
    return getattr(instance, f"{field}_{language}") or english


def language_from_accept_header(header: str) -> str:
    """Return the first supported language of an Accept-Language header, else English."""
    for tag, _quality in parse_accept_lang_header(header or ""):
        language = normalize_language(tag)
        if language in Language.values:
            return language
    return DEFAULT_LANGUAGE
