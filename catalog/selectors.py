from catalog.models import Category
from catalog.serializers import CategorySerializer
from fypfixer.content_cache import cached_content


def active_category(*, code: str) -> Category | None:
    """Return the active category with this code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def category_list_payload(*, language: str, include_premium: bool) -> dict:
    """Return {"categories": [...]} of active categories in display order, cached."""

    def build():
        categories = Category.objects.filter(is_active=True)
        if not include_premium:
            categories = categories.filter(is_premium=False)
        return {"categories": list(CategorySerializer(categories, many=True, context={"language": language}).data)}

    return cached_content("categories", language, include_premium, build=build)
