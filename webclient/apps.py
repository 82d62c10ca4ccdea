from django.apps import AppConfig


class WebclientConfig(AppConfig):
    """The existing React web client's own endpoints (its v1 action-plan contract).

    A thin presentation layer: the same plans, steps and progress as /api/plans, shown as
    "actions" with the client's camelCase names. It stores nothing of its own.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "webclient"
    verbose_name = "web client"
