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

from fypfixer import api
from fypfixer.api import EnvelopeJSONRenderer

PAYLOADS = [
    {"name": "Личностный рост", "emoji": "🌱", "es": "Crecimiento", "n": 3, "x": 1.5, "ok": True, "none": None},
    {"nested": [{"a": [1, 2, {"b": "c"}]}], "empty": {}, "list": []},
    {"line": "a\u2028b\u2029c", "quote": '"\\/\n\t'},
    {1: "an int key", 2.5: "a float key", None: "a null key", False: "a bool key"},
    ReturnDict({"detail": ErrorDetail("Not found.", code="not_found")}, serializer=None),
    ("a", "tuple"),
    {"completed_at": datetime.datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=datetime.UTC)},
    {"day": datetime.date(2026, 12, 1), "at": datetime.time(9, 5)},
    {"message": gettext_lazy("This field is required.")},
    {"big": 2**70, "price": decimal.Decimal("4.99"), "id": uuid.UUID(int=7)},
]
# The first ones orjson encodes itself; the rest it leaves to DRF's renderer.
NATIVE = 6


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
