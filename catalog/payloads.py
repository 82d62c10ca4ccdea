"""The public JSON of the catalogue, built and cached in one place."""

from catalog.selectors import active_categories
from catalog.serializers import CategorySerializer
from fypfixer.content_cache import cached_content


def category_list_payload(*, language: str, include_premium: bool):
    """Return {"categories": [...]}: active categories in display order (cached)."""

    def build():
        categories = active_categories(include_premium=include_premium)
        return {"categories": list(CategorySerializer(categories, many=True, context={"language": language}).data)}

    return cached_content("categories", language, include_premium, build=build)
