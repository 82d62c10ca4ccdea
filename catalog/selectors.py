from django.conf import settings
from django.db.models import QuerySet

from catalog.models import Category, CategorySubscription, WaitlistEntry


def active_category(*, code: str) -> Category | None:
    """Return the active category with this code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def active_categories(*, include_premium: bool = True) -> QuerySet[Category]:
    """Return the active categories in display order, premium ones only when asked."""
    categories = Category.objects.filter(is_active=True)
    if not include_premium:
        categories = categories.filter(is_premium=False)
    return categories


def default_category() -> Category | None:
    """Return the category served when a client asks for one we do not have: DEFAULT_CATEGORY_CODE
    if it is active and free, else the first active free category."""
    free = Category.objects.filter(is_active=True, is_premium=False)
    return free.filter(code=settings.DEFAULT_CATEGORY_CODE).first() or free.first()


def waitlisted_category_ids(*, user) -> set[int]:
    return set(WaitlistEntry.objects.filter(user=user).values_list("category_id", flat=True))


def subscriptions_of(*, user, include_inactive: bool) -> QuerySet[CategorySubscription]:
    subscriptions = CategorySubscription.objects.filter(user=user).select_related("category")
    return subscriptions if include_inactive else subscriptions.filter(is_active=True)
