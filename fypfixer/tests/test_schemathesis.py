"""Property-based fuzzing of every operation in our OpenAPI schema, with schemathesis.

Against a live test server with seed content and a signed-in user, each operation gets
generated requests (valid and invalid); every answer must not be a server error and must
match the schema: its status code, content type and body (the envelope included).

The schema is the document /api/schema/ serves (a test checks they are the same), built
here at import so that schemathesis can make one test per operation.
"""

import json
import os
import urllib.request

import pytest
import schemathesis
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from accounts.models import User
from accounts.services import user_tokens
from fypfixer.throttling import FixedWindowThrottle

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
DOCUMENT = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))

pytestmark = pytest.mark.django_db(transaction=True)

schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture
def seeded_live_server(live_server, monkeypatch):
    call_command("loaddata", "categories", "demo_plans", verbosity=0)
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


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_within_its_schema(case, seeded_live_server):
    user = User.objects.filter(email="fuzz@example.com").first() or User.objects.create_user(
        email="fuzz@example.com", password="a-fuzzing-password-1"
    )
    # Logout would revoke the token for the rest of the run; every call gets a fresh one.
    headers = {"Authorization": f"Bearer {user_tokens(user=user)['token']}"}
    if case.headers and "Authorization" in case.headers:
        headers = {}
    case.call_and_validate(
        base_url=seeded_live_server.url,
        headers=headers,
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
        ],
    )
