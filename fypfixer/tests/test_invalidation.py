"""Cross-process coherence of the in-memory caches, through the Redis invalidation channel.

Needs Redis (and PostgreSQL for the edit made by another process); skipped otherwise.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.authentication import recent_users
from fypfixer.content_cache import content_version
from fypfixer.invalidation import channel_of, redis_client, subscription

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL)")


def eventually(condition, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def live_channel():
    assert eventually(subscription.live), "the invalidation subscription did not come up"
    client = redis_client()
    return lambda message: client.publish(channel_of(client), message)


def test_a_version_published_by_another_process_is_learnt(db, live_channel):
    current = content_version()

    live_channel(f"content {current + 10}")

    assert eventually(lambda: content_version() == current + 10)


def test_a_user_change_announced_elsewhere_drops_the_remembered_row(alice, live_channel):
    recent_users.put(alice)
    assert recent_users.get(alice.pk) is not None

    live_channel(f"user {alice.pk}")

    assert eventually(lambda: recent_users.get(alice.pk) is None)


def test_a_lost_link_forgets_everything_then_comes_back(alice, live_channel):
    recent_users.put(alice)

    redis_client().client_kill_filter(_type="pubsub")

    assert eventually(lambda: not subscription._live)
    assert recent_users.get(alice.pk) is None
    assert eventually(subscription.live, 10)  # the listener subscribes again on its own


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_an_edit_saved_by_another_process_is_served_at_once(api_client, category, live_channel):
    from conftest import make_plan

    plan = make_plan(category=category, steps=1, items=1)
    step = plan.steps.get()
    assert api_client.get("/api/plan").json()["data"]["steps"][0]["text"] == "Step 1: watch"

    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database.get('USER') or 'postgres'}@{database.get('HOST') or '127.0.0.1'}:"
        f"{database.get('PORT') or 5432}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    edit = (
        "from plans.models import PlanStep; "
        f"s = PlanStep.objects.get(pk={step.pk}); s.text_en = 'Edited elsewhere'; s.save()"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", edit], cwd=ROOT, env=env, check=True, timeout=60)

    assert eventually(lambda: api_client.get("/api/plan").json()["data"]["steps"][0]["text"] == "Edited elsewhere", 2)
