from django.db.models.signals import post_delete, post_save

from catalog.library import video_for_url
from catalog.models import Category, Video
from fypfixer.content_cache import content_changed
from plans.models import Plan, PlanStep, StepItem

# A library video's title and thumbnail show in the plans that use it.
CONTENT_MODELS = (Category, Plan, PlanStep, StepItem, Video)


def invalidate_content(sender, **kwargs):
    """Publish a new content version whenever curated content changes.

    A signal so that every write path (admin, services, shell, loaddata) invalidates; bulk
    `QuerySet.update()` and `bulk_create()` send no signal, so code that uses them calls
    content_changed() itself.
    """
    content_changed()


def link_loaded_item(sender, instance, raw, **kwargs):
    """Put the videos of items loaded from fixtures (saved raw, without StepItem.save) in the library."""
    if raw and instance.library_video_id is None and instance.video_url:
        video = video_for_url(instance.video_url, title=instance.title, thumbnail_url=instance.thumbnail_url)
        StepItem.objects.filter(pk=instance.pk).update(library_video=video)


def connect_signals() -> None:
    """Connect the receivers (from PlansConfig.ready())."""
    for model in CONTENT_MODELS:
        post_save.connect(invalidate_content, sender=model, dispatch_uid=f"invalidate_on_save_{model.__name__}")
        post_delete.connect(invalidate_content, sender=model, dispatch_uid=f"invalidate_on_delete_{model.__name__}")
    post_save.connect(link_loaded_item, sender=StepItem, dispatch_uid="link_loaded_item")
