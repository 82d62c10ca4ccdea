from django.db.models import QuerySet

from catalog.models import Category


def active_category(*, code: str) -> Category | None:
    """Return the active category with this code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def active_categories(*, include_premium: bool = True) -> QuerySet[Category]:
    """Return the active categories in display order, premium ones only when asked."""
    categories = Category.objects.filter(is_active=True)
    if not include_premium:
        categories = categories.filter(is_premium=False)
    return categories
