"""The public JSON of the catalogue, built and cached in one place."""

from catalog.selectors import active_categories
from catalog.serializers import CategoryListItemSerializer
from fypfixer.content_cache import cached_content


def category_list_payload(*, language: str, include_premium: bool):
    """Return {"categories": [...]}: active categories in display order (cached)."""

    def build():
        categories = active_categories(include_premium=include_premium)
        serializer = CategoryListItemSerializer(categories, many=True, context={"language": language})
        return {"categories": list(serializer.data)}

    return cached_content("categories", language, include_premium, build=build)


def with_waitlist(payload, waiting: set[int]) -> dict:
    """Return a copy of a category list payload with each category's `on_waitlist` for one user."""
    categories = payload["categories"]
    return {"categories": [{**category, "on_waitlist": category["id"] in waiting} for category in categories]}
