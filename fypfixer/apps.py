from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """The project's own pieces shared by every app: the API envelope, routing, the content cache."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fypfixer"
    verbose_name = "FYPFixer"

    def ready(self):
        from fypfixer.converters import IdConverter

        # Registered here, before any URLconf is imported, so every app's routes can use <id:...>.
        register_converter(IdConverter, "id")
