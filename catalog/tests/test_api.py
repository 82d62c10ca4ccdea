import pytest

from conftest import make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db):
    return [
        make_category("wellness", "Wellness", name_ru="Здоровье", name_es="Bienestar", icon="🧘", display_order=2),
        make_category("personal_growth", "Personal Growth", name_ru="Личностный рост", icon="🌱", display_order=1),
        make_category("food", "Food", name_ru="Еда", icon="🍳", display_order=3, is_premium=True),
        make_category("hidden", "Hidden", display_order=0, is_active=False),
    ]


def codes(response):
    return [category["code"] for category in response.json()["data"]["categories"]]


def test_it_lists_active_categories_in_display_order(api_client, categories):
    response = api_client.get("/api/categories")

    assert response.status_code == 200
    assert codes(response) == ["personal_growth", "wellness", "food"]
    assert response.json()["data"]["categories"][0] == {
        "id": categories[1].pk,
        "code": "personal_growth",
        "name": "Personal Growth",
        "icon": "🌱",
        "emoji": "🌱",
        "description": "",
        "is_premium": False,
        "coming_soon": False,
        "price": None,
    }


def test_premium_categories_can_be_left_out(api_client, categories):
    response = api_client.get("/api/categories?include_premium=false")

    assert codes(response) == ["personal_growth", "wellness"]


@pytest.mark.parametrize(
    ("url", "headers", "name"),
    [
        ("/api/categories?language=ru", {}, "Здоровье"),
        ("/api/categories?lang=es", {}, "Bienestar"),
        ("/api/categories?language=es-MX", {}, "Bienestar"),
        ("/api/categories", {"HTTP_ACCEPT_LANGUAGE": "de-DE,ru;q=0.8"}, "Здоровье"),
        ("/api/categories", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "Wellness"),
    ],
)
def test_names_come_in_the_asked_language(api_client, categories, url, headers, name):
    response = api_client.get(url, **headers)

    assert response.json()["data"]["categories"][1]["name"] == name


def test_a_missing_translation_falls_back_to_english(api_client, categories):
    response = api_client.get("/api/categories?language=es")

    assert response.json()["data"]["categories"][0]["name"] == "Personal Growth"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("language=xx", "language"),
        ("lang=", "lang"),
        ("include_premium=maybe", "include_premium"),
    ],
)
def test_it_rejects_bad_query_parameters(api_client, categories, query, field):
    response = api_client.get(f"/api/categories?{query}")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_it_refuses_a_garbage_token_even_on_a_public_endpoint(api_client, categories):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    response = api_client.get("/api/categories")

    assert response.status_code == 401


def test_it_shows_an_editors_change_on_the_next_request(api_client, categories):
    api_client.get("/api/categories")
    categories[0].name_en = "Wellbeing"
    categories[0].save()

    assert api_client.get("/api/categories").json()["data"]["categories"][1]["name"] == "Wellbeing"


def test_only_get_is_allowed(api_client, categories):
    response = api_client.post("/api/categories", {})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
