"""Property-based fuzzing of every operation in our OpenAPI schema, with schemathesis.

Against a live test server with seed content and a signed-in user, each operation gets
generated requests (valid and invalid); every answer must not be a server error and must
match the schema: its status code, content type and body (the envelope included).

The schema is the document /api/schema/ serves (a test checks they are the same), built
here at import so that schemathesis can make one test per operation.
"""

import json
import os
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import schemathesis
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from accounts.models import User
from accounts.services import user_tokens
from fypfixer.throttling import FixedWindowThrottle

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
DOCUMENT = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))

pytestmark = pytest.mark.django_db(transaction=True)

schema = schemathesis.openapi.from_dict(DOCUMENT)


class RefusingTikTok(BaseHTTPRequestHandler):
    """TikTok's token endpoint, for a code it does not know (errors come in a 200's body)."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"error": "invalid_grant", "error_description": "Authorization code is invalid."}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def fake_tiktok():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingTikTok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def seeded_live_server(live_server, monkeypatch, settings, fake_tiktok):
    call_command("loaddata", "categories", "demo_plans", verbosity=0)
    # No test reaches the internet: a fake TikTok on loopback refuses every code (a 400 for us).
    settings.TIKTOK_OAUTH_TOKEN_URL = f"{fake_tiktok}/v2/oauth/token/"
    settings.TIKTOK_USER_INFO_URL = f"{fake_tiktok}/v2/user/info/"
    # Fuzzing sends far more requests than any person; the rate limits have their own tests.
    monkeypatch.setattr(
        FixedWindowThrottle,
        "THROTTLE_RATES",
        {scope: "1000000/min" for scope in FixedWindowThrottle.THROTTLE_RATES},
    )
    return live_server


def test_the_fuzzed_schema_is_the_one_the_api_serves(live_server):
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response:
        assert json.loads(response.read()) == DOCUMENT


load_all_checks()
# Every check schemathesis has (its CLI's `--checks all`).
ALL_CHECKS = CHECKS.get_all()
# Bodies valid in shape that the server may still refuse for what they mean, which JSON Schema
# cannot say: a password too close to the email or too common, an authorization code TikTok
# does not know. For these operations, "a schema-valid request must be accepted"
# (positive_data_acceptance) cannot hold; every other check does.
SEMANTIC_BODIES = {"/api/auth/register", "/api/auth/password", "/api/auth/oauth/tiktok/callback"}


@schema.parametrize()
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "anonymous"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_within_its_schema(case, seeded_live_server, signed_in):
    headers = {}
    if signed_in and not (case.headers and "Authorization" in case.headers):
        user = User.objects.filter(email="fuzz@example.com").first() or User.objects.create_user(
            email="fuzz@example.com", password="a-fuzzing-password-1"
        )
        # Logout would revoke the token for the rest of the run; every call gets a fresh one.
        headers = {"Authorization": f"Bearer {user_tokens(user=user)['token']}"}
    checks = ALL_CHECKS
    if case.operation.path in SEMANTIC_BODIES:
        checks = [check for check in ALL_CHECKS if check is not positive_data_acceptance]
    case.call_and_validate(base_url=seeded_live_server.url, headers=headers, checks=checks)
