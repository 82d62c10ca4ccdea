"""The API's JSON renderer (orjson) writes exactly the bytes DRF's own renderer writes."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict

from conftest import make_category
from fypfixer import api
from fypfixer.api import EnvelopeJSONRenderer

PAYLOADS = [
    {"name": "Личностный рост", "emoji": "🌱", "es": "Crecimiento", "n": 3, "x": 1.5, "ok": True, "none": None},
    {"nested": [{"a": [1, 2, {"b": "c"}]}], "empty": {}, "list": []},
    {"line": "a\u2028b\u2029c", "quote": '"\\/\n\t'},
    {1: "an int key", 2.5: "a float key", None: "a null key", False: "a bool key"},
    ReturnDict({"detail": ErrorDetail("Not found.", code="not_found")}, serializer=None),
    ("a", "tuple"),
    # Prices: DRF's encoder writes a Decimal as a number (the float it rounds to).
    {"price": decimal.Decimal("4.99"), "prices": [decimal.Decimal("0.00"), decimal.Decimal("-99999.90")]},
    {"completed_at": datetime.datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=datetime.UTC)},
    {"day": datetime.date(2026, 12, 1), "at": datetime.time(9, 5)},
    {"message": gettext_lazy("This field is required.")},
    {"big": 2**70, "id": uuid.UUID(int=7)},
    # Python writes these with an exponent, orjson would not in the same way.
    {"tiny": decimal.Decimal("1E-7"), "huge": decimal.Decimal("1E+20")},
]
# The first ones orjson encodes itself; the rest it leaves to DRF's renderer.
NATIVE = 7


def rendered(renderer, data, status=200, media_type="application/json"):
    return renderer.render(data, media_type, {"response": Response(status=status)})


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
@pytest.mark.parametrize("status", [200, 201, 400, 404])
def test_the_same_bytes_as_drf(payload, status):
    expected = payload if status >= 400 else {"success": True, "data": payload}

    assert rendered(EnvelopeJSONRenderer(), payload, status) == JSONRenderer().render(expected, "application/json")


def test_common_payloads_do_not_fall_back_to_drf(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("DRF's renderer was used")

    monkeypatch.setattr(JSONRenderer, "render", refuse)

    for payload in PAYLOADS[:NATIVE]:
        assert rendered(EnvelopeJSONRenderer(), payload).startswith(b'{"success":true,"data":')


def test_what_orjson_encodes_differently_goes_through_drf(monkeypatch):
    calls = []
    original = api.renderers.JSONRenderer.render
    monkeypatch.setattr(
        api.renderers.JSONRenderer, "render", lambda self, *args: calls.append(args) or original(self, *args)
    )

    for payload in PAYLOADS[NATIVE:]:
        rendered(EnvelopeJSONRenderer(), payload)

    assert len(calls) == len(PAYLOADS[NATIVE:])


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_decimal_json_cannot_write_is_refused_as_drf_refuses_it(value):
    payload = {"price": decimal.Decimal(value)}

    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        JSONRenderer().render({"success": True, "data": payload}, "application/json")
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        rendered(EnvelopeJSONRenderer(), payload)


def test_indented_output_when_asked():
    payload = {"a": [1, 2]}
    media_type = "application/json; indent=2"

    assert rendered(EnvelopeJSONRenderer(), payload, media_type=media_type) == JSONRenderer().render(
        {"success": True, "data": payload}, media_type
    )
    assert b"\n  " in rendered(EnvelopeJSONRenderer(), payload, media_type=media_type)


def test_no_content_is_empty():
    assert rendered(EnvelopeJSONRenderer(), None, status=204) == b""


def test_through_the_api(api_client, category):
    response = api_client.get("/api/categories", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.content == JSONRenderer().render(response.json(), "application/json")


@pytest.mark.django_db
def test_the_category_list_with_prices_is_encoded_by_orjson(api_client, monkeypatch):
    make_category("paid", is_premium=True, price=decimal.Decimal("4.99"))
    drf = JSONRenderer.render
    monkeypatch.setattr(JSONRenderer, "render", lambda *args: pytest.fail("DRF's renderer was used"))

    response = api_client.get("/api/categories", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert [category["price"] for category in response.json()["data"]["categories"]] == [4.99]
    assert response.content == drf(JSONRenderer(), response.json(), "application/json")
