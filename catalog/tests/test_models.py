import pytest

from catalog.models import Category

pytestmark = pytest.mark.django_db


def test_name_is_given_in_the_asked_language():
    category = Category.objects.create(code="wellness", name_en="Wellness", name_ru="Здоровье", name_es="Bienestar")

    assert category.name("ru") == "Здоровье"
    assert category.name("es") == "Bienestar"
    assert category.name("en") == "Wellness"


def test_name_falls_back_to_english_when_missing_or_unknown_language():
    category = Category.objects.create(code="food", name_en="Food")

    assert category.name("ru") == "Food"
    assert category.name("de") == "Food"


def test_natural_key_is_the_code():
    category = Category.objects.create(code="food", name_en="Food")

    assert Category.objects.get_by_natural_key("food") == category
    assert category.natural_key() == ("food",)
