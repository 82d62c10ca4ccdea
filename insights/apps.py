from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """How users use FYPFixer and how the API is doing: figures for editors and staff."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
