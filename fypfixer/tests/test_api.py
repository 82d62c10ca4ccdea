"""The envelope, errors raised outside views, health, OpenAPI and CORS: what every endpoint shares."""

import pytest
from django.db import OperationalError
from django.test import override_settings

from conftest import make_plan

pytestmark = pytest.mark.django_db


def test_an_unknown_api_route_is_a_json_404(api_client):
    response = api_client.get("/api/does-not-exist")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "success": False,
        "error": {"code": "not_found", "message": "Not found.", "details": {}},
    }


def test_an_unknown_api_route_is_json_even_with_debug_on(client, settings):
    settings.DEBUG = True

    response = client.get("/api/nope/at/all")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_a_json_405_with_allow(api_client):
    response = api_client.delete("/api/plan")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_an_unexpected_error_is_a_500_without_internals(api_client, monkeypatch, category):
    def explode(**kwargs):
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr("plans.views.daily_plan_payload", explode)

    response = api_client.get("/api/plan")

    assert response.status_code == 500
    assert response.json() == {
        "success": False,
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side. Please try again.",
            "details": {},
        },
    }
    assert b"SELECT" not in response.content and b"Traceback" not in response.content


def test_an_unexpected_error_is_json_even_with_debug_on(client, settings, monkeypatch, category):
    settings.DEBUG = True
    monkeypatch.setattr("plans.views.daily_plan_payload", lambda **kwargs: 1 / 0)

    response = client.get("/api/plan")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert b"ZeroDivisionError" not in response.content


def test_an_error_in_middleware_is_json_under_api(client, settings):
    settings.ALLOWED_HOSTS = ["only.example"]

    response = client.get("/api/categories", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_a_database_outage_is_a_503(api_client, monkeypatch):
    def unavailable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("catalog.views.category_list_payload", unavailable)

    response = api_client.get("/api/categories")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


@override_settings(API_MAX_BODY_BYTES=1024)
def test_a_body_larger_than_the_limit_is_a_413(api_client):
    response = api_client.post("/api/auth/login", '{"email": "' + "a" * 2000 + '"}', content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_deeply_nested_json_is_a_400(api_client):
    response = api_client.post("/api/auth/login", "[" * 5000 + "]" * 5000, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_invalid_utf8_is_a_400(api_client):
    response = api_client.post("/api/auth/login", b'{"email": "\xff\xfe"}', content_type="application/json")

    assert response.status_code == 400


def test_success_responses_use_the_envelope(api_client, category):
    make_plan(category=category)

    body = api_client.get("/api/plan").json()

    assert set(body) == {"success", "data"}
    assert body["success"] is True


# Health


def test_health_reports_healthy_services(api_client):
    response = api_client.get("/api/health")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "healthy"
    assert data["services"] == {"database": "connected", "cache": "connected"}
    assert data["timestamp"]


def test_health_is_503_when_the_database_is_down(api_client, monkeypatch):
    monkeypatch.setattr("fypfixer.views.database_status", lambda: "unavailable")

    response = api_client.get("/api/health")

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"]["status"] == "degraded"
    assert error["details"]["services"]["database"] == "unavailable"


def test_health_is_degraded_but_200_when_only_the_cache_is_down(api_client, monkeypatch):
    monkeypatch.setattr("fypfixer.views.cache_status", lambda: "unavailable")

    response = api_client.get("/api/health")

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "degraded"


def test_health_ignores_tokens(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    assert api_client.get("/api/health").status_code == 200


# OpenAPI


def test_the_openapi_schema_describes_every_endpoint_and_the_envelope(api_client):
    response = api_client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/auth/guest",
        "/api/categories",
        "/api/plans",
        "/api/plans/{plan_id}",
        "/api/plan",
        "/api/plans/{plan_id}/steps/{step_id}/complete",
        "/api/progress",
        "/api/user",
        "/api/preferences",
        "/api/health",
    } <= paths
    plan_ok = schema["paths"]["/api/plan"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert plan_ok["properties"]["success"] == {"type": "boolean", "enum": [True]}
    not_found = schema["paths"]["/api/plan"]["get"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert not_found == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert "jwtAuth" in schema["components"]["securitySchemes"]


def test_the_interactive_docs_are_served(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# CORS


def test_a_preflight_from_an_allowed_origin_needs_no_token(client):
    response = client.options(
        "/api/user",
        HTTP_ORIGIN="http://localhost:5173",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:5173"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


def test_other_origins_get_no_cors_headers(client):
    response = client.get("/api/categories", HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_allowed_origins_come_from_the_setting(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.fypfixer.example"]

    response = client.get("/api/health", HTTP_ORIGIN="https://app.fypfixer.example")

    assert response["Access-Control-Allow-Origin"] == "https://app.fypfixer.example"


# Tokens, on every endpoint that takes one

SIGNED_IN = [
    ("get", "/api/user"),
    ("patch", "/api/user"),
    ("get", "/api/preferences"),
    ("put", "/api/preferences"),
    ("patch", "/api/preferences"),
    ("post", "/api/preferences/complete-onboarding"),
    ("get", "/api/progress"),
    ("post", "/api/plans/1/steps/1/complete"),
    ("delete", "/api/plans/1/steps/1/complete"),
    ("post", "/api/auth/logout"),
    ("get", "/api/v1/plans/today"),
    ("post", "/api/actions/1/complete"),
    ("post", "/api/actions/1/uncomplete"),
    ("get", "/api/user/streak"),
    ("get", "/api/user/stats"),
]
PUBLIC = [("get", "/api/categories"), ("get", "/api/plans"), ("get", "/api/plans/1"), ("get", "/api/plan")]


def expired_token(user) -> str:
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


@pytest.mark.parametrize(("method", "path"), SIGNED_IN)
def test_signed_in_endpoints_refuse_missing_expired_and_garbage_tokens(api_client, alice, method, path):
    for header in (None, f"Bearer {expired_token(alice)}", "Bearer not-a-token", "Token abc"):
        api_client.credentials(**({"HTTP_AUTHORIZATION": header} if header else {}))
        response = getattr(api_client, method)(path, {}, format="json")
        assert response.status_code == 401, (header, response.content)
        assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), PUBLIC)
def test_public_endpoints_refuse_an_expired_or_garbage_token_rather_than_ignore_it(api_client, alice, method, path):
    for header in (f"Bearer {expired_token(alice)}", "Bearer not-a-token"):
        api_client.credentials(HTTP_AUTHORIZATION=header)
        response = getattr(api_client, method)(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_health_checks_the_services_at_most_once_a_second(api_client, db, monkeypatch):
    import time_machine

    from fypfixer import views

    checks = []
    monkeypatch.setattr(views, "database_status", lambda: checks.append("database") or views.CONNECTED)

    with time_machine.travel(0, tick=False) as clock:
        for _ in range(5):
            assert api_client.get("/api/health").status_code == 200
        assert checks == ["database"]
        clock.shift(1.5)
        api_client.get("/api/health")
    assert checks == ["database", "database"]


def test_health_checks_on_every_call_when_told_to(api_client, db, monkeypatch, settings):
    from fypfixer import views

    settings.HEALTH_CHECK_SECONDS = 0
    checks = []
    monkeypatch.setattr(views, "database_status", lambda: checks.append("database") or views.CONNECTED)

    for _ in range(3):
        api_client.get("/api/health")

    assert len(checks) == 3
