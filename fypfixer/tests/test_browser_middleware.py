"""API_SKIPS_BROWSER_MIDDLEWARE: sessions, the session user and messages are for the admin, not /api/."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from accounts.services import user_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions_opened():
    with mock.patch.object(SessionStore, "__init__", autospec=True, side_effect=SessionStore.__init__) as spy:
        yield spy


def test_an_api_request_opens_no_session_even_with_a_session_cookie(editor, category, sessions_opened):
    browser = Client()
    browser.force_login(editor)
    sessions_opened.reset_mock()

    answer = browser.get("/api/categories")

    assert answer.status_code == 200
    assert sessions_opened.call_count == 0
    assert "csrftoken" not in answer.cookies and "sessionid" not in answer.cookies
    # A session does not sign anyone in to the API: bearer tokens only.
    assert browser.get("/api/user").status_code == 401


def test_the_admin_still_has_its_session_csrf_and_messages(editor, sessions_opened):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    sessions_opened.reset_mock()

    assert browser.get("/admin/").status_code == 200
    assert sessions_opened.call_count >= 1
    # CSRF still guards the admin's forms.
    assert browser.post("/admin/logout/").status_code == 403


def test_switched_off_the_api_goes_through_them_too(alice, sessions_opened, settings):
    settings.API_SKIPS_BROWSER_MIDDLEWARE = False
    browser = Client()  # a new handler: its middleware reads the setting

    answer = browser.get("/api/user", headers={"Authorization": f"Bearer {user_tokens(user=alice)['token']}"})

    assert answer.status_code == 200
    assert sessions_opened.call_count == 1
