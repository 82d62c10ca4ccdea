"""A whole user journey through the API, as a mobile client walks it."""

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD, make_plan

pytestmark = pytest.mark.django_db

DEVICE = "9d1c3e7a-5a4b-4f0e-8b6e-2a1f0c9d8e7b"


def bearer(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()["data"]


def test_guest_to_registered_user_keeps_progress_across_devices(category):
    make_plan(category=category, steps=3)
    anonymous = APIClient()

    # A new phone signs in as a guest and follows today's plan.
    guest = ok(anonymous.post("/api/auth/guest", {"client_id": DEVICE}), 201)
    phone = bearer(guest["token"])
    plan = ok(phone.get("/api/plan?category=personal_growth&lang=en"))
    for step in plan["steps"][:2]:
        ok(phone.post(f"/api/plans/{plan['id']}/steps/{step['id']}/complete"))

    # The guest registers: same account, progress kept.
    registered = ok(phone.post("/api/auth/register", {"email": "guest@example.com", "password": PASSWORD}), 201)
    assert registered["user"]["id"] == guest["user"]["id"]
    assert registered["user"]["client_id"] == DEVICE

    # Guest sign-in with the device id no longer works: the account has a password now.
    assert anonymous.post("/api/auth/guest", {"client_id": DEVICE}).status_code == 403

    # On a laptop the user logs in and sees the same progress.
    session = ok(anonymous.post("/api/auth/login", {"email": "guest@example.com", "password": PASSWORD}))
    laptop = bearer(session["token"])
    assert ok(laptop.get("/api/plan?category=personal_growth"))["progress"] == {
        "completed": 2,
        "total": 3,
        "percentage": 66,
    }
    assert ok(laptop.get("/api/progress"))["completed_steps"] == 2

    # The laptop refreshes its tokens; the new pair works, the old refresh token does not.
    refreshed = ok(anonymous.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]}))
    laptop = bearer(refreshed["token"])
    assert ok(laptop.get("/api/user"))["email"] == "guest@example.com"
    assert anonymous.post("/api/auth/refresh", {"refresh_token": session["refresh_token"]}).status_code == 401

    # Logout ends every session: refresh tokens and access tokens alike.
    assert laptop.post("/api/auth/logout").status_code == 204
    assert anonymous.post("/api/auth/refresh", {"refresh_token": refreshed["refresh_token"]}).status_code == 401
    assert anonymous.post("/api/auth/refresh", {"refresh_token": registered["refresh_token"]}).status_code == 401
    assert laptop.get("/api/user").status_code == 401
    assert phone.get("/api/user").status_code == 401
