from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"

    def ready(self):
        import reversion

        from plans.models import Plan, PlanStep, StepItem
        from plans.signals import connect_signals

        connect_signals()
        # A version of a plan holds its steps and each step's videos (plans/history.py).
        reversion.register(StepItem)
        reversion.register(PlanStep, follow=("items",))
        reversion.register(Plan, follow=("steps",))
