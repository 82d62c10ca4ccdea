"""What fuzzers miss: huge, deep, malformed and malicious input, each answered with a 4xx."""

import json

import pytest

from accounts.models import User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "/api/auth/login"),
    ("post", "/api/auth/register"),
    ("post", "/api/auth/guest"),
    ("put", "/api/preferences"),
    ("post", "/api/preferences/complete-onboarding"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_1_mb_body_is_refused_with_413(alice_client, method, path):
    body = json.dumps({"email": "a@example.com", "password": "x" * (1024 * 1024)})

    response = getattr(alice_client, method)(path, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_deeply_nested_json_is_a_400(alice_client, method, path):
    body = '{"email": ' + "[" * 20_000 + "]" * 20_000 + "}"

    response = getattr(alice_client, method)(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("body", [b"\xff\xfe\x00", b'{"email": "\xc3\x28"}', b"\x00" * 10, b"{" * 10])
def test_invalid_utf8_and_binary_bodies_are_a_400(api_client, body):
    response = api_client.post("/api/auth/login", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"],
)
def test_bodies_that_are_not_json_are_a_415(api_client, content_type):
    response = api_client.post("/api/auth/login", b"email=a&password=b", content_type=content_type)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE accounts_user; --",
        "<script>alert('x')</script>",
        '" OR 1=1 --',
        "{{7*7}} ${7*7}",
        "\u202e\u0000".replace("\u0000", ""),
        "😀" * 10,
    ],
)
def test_sql_and_html_in_strings_are_stored_and_returned_as_data(alice_client, text):
    response = alice_client.put("/api/preferences", {"selectedGoals": [text]})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["data"]["selectedGoals"] == [text]
    assert alice_client.get("/api/preferences").json()["data"]["selectedGoals"] == [text]
    assert User.objects.count() == 1


def test_html_is_never_rendered_as_markup(alice_client):
    alice_client.put("/api/preferences", {"selectedGoals": ["<img src=x onerror=alert(1)>"]})

    response = alice_client.get("/api/preferences")

    # Data in a JSON document that browsers may not sniff into HTML.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/api/plans/99999999999999999999999999999999",
        "/api/plans/9223372036854775808",
        "/api/plans/1e10",
        "/api/plans/0x10",
        "/api/plans/1/steps/99999999999999999999999/complete",
        "/api/actions/18446744073709551616/complete",
    ],
)
def test_huge_or_odd_ids_in_paths_are_not_found(alice_client, path):
    response = alice_client.post(path) if "complete" in path else alice_client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/plans?category=%00",
        "/api/plans?category=" + "a" * 10_000,
        "/api/plans?lang=%00",
        "/api/plans?limit=%00",
        "/api/plans?offset=" + "9" * 10_000,
        "/api/plans?language=" + "x" * 10_000,
        "/api/plans?category=%ff%fe",
        "/api/plan?tz=%00",
        "/api/plan?tz=" + "Europe/" * 2000,
        "/api/plan?category=%00",
        "/api/categories?include_premium=%00",
    ],
)
def test_null_bytes_and_huge_query_values_are_a_400(api_client, url):
    response = api_client.get(url)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_wrong_json_types_are_a_400_not_a_500(alice_client):
    for body in ([], "text", 42, None, {"dark_mode": {"nested": True}}, {"selectedGoals": [[1]]}):
        response = alice_client.put("/api/preferences", json.dumps(body), content_type="application/json")
        assert response.status_code == 400, body


def test_nan_and_infinity_are_not_json(api_client):
    response = api_client.post("/api/auth/guest", '{"language": NaN}', content_type="application/json")

    assert response.status_code == 400


def test_an_overlong_password_is_a_400_before_any_hashing(api_client, alice):
    response = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": "p" * 5000})

    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]


def test_a_bearer_header_with_junk_is_a_401(api_client):
    for header in ["Bearer", "Bearer a b c", "Bearer " + "x" * 10_000, "Bearer \u00e9\u00e9", "Bearer a.b.c"]:
        api_client.credentials(HTTP_AUTHORIZATION=header)
        assert api_client.get("/api/user").status_code == 401, header


def test_login_still_works_after_all_that(api_client, alice):
    response = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 200
