from django.db.models.signals import post_delete, post_save

from catalog.models import Category
from fypfixer.content_cache import content_changed
from plans.models import Plan, PlanStep, StepItem

CONTENT_MODELS = (Category, Plan, PlanStep, StepItem)


def invalidate_content(sender, **kwargs):
    """Publish a new content version whenever curated content changes.

    A signal so that every write path (admin, services, shell, loaddata) invalidates; bulk
    `QuerySet.update()` and `bulk_create()` send no signal, so code that uses them calls
    content_changed() itself.
    """
    content_changed()


def connect_signals() -> None:
    """Connect the receivers (from PlansConfig.ready())."""
    for model in CONTENT_MODELS:
        post_save.connect(invalidate_content, sender=model, dispatch_uid=f"invalidate_on_save_{model.__name__}")
        post_delete.connect(invalidate_content, sender=model, dispatch_uid=f"invalidate_on_delete_{model.__name__}")
