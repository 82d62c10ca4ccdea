"""The content cache: versions in the database, the shared copy, the per-process channel."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from conftest import commit_content, make_plan
from fypfixer.content_cache import VERSION_KEY, content_changed, content_version
from fypfixer.content_channel import channel, channel_name, redis_client
from fypfixer.models import ContentVersion
from fypfixer.tests.servers import Gunicorn, environment, eventually, get, manage, shared_database_url

pytestmark = pytest.mark.django_db

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL)")


def test_a_change_gives_a_new_version_in_the_database_and_the_cache(category):
    before = content_version()

    content_changed()
    commit_content()

    assert ContentVersion.current() != before
    assert content_version() == cache.get(VERSION_KEY) == ContentVersion.current()


def test_a_version_changed_in_this_transaction_is_not_shared_before_the_commit(category):
    content_version()
    content_changed()

    version = content_version()

    # This transaction sees its own new version; the cache (other processes) does not yet.
    assert version == ContentVersion.current()
    assert cache.get(VERSION_KEY) is None
    commit_content()
    assert cache.get(VERSION_KEY) == version


@needs_redis
def test_a_version_announced_by_another_process_is_kept_at_once(category):
    assert eventually(lambda: channel.kept_version() is not None or channel.live, seconds=5)
    other_process = redis.Redis.from_url(settings.REDIS_URL)

    other_process.publish(channel_name(redis_client()), "4242")

    assert eventually(lambda: channel.kept_version() == 4242, seconds=2)
    assert content_version() == 4242


@needs_redis
def test_a_kept_version_is_read_without_asking_redis_or_the_database(category, django_assert_num_queries):
    commit_content()
    assert eventually(lambda: channel.live, seconds=5)
    version = content_version()
    assert channel.kept_version() == version

    # Even with the shared copy gone, this process answers from what it keeps.
    cache.delete(VERSION_KEY)
    with django_assert_num_queries(0):
        assert content_version() == version
    assert cache.get(VERSION_KEY) is None


def test_without_the_channel_nothing_is_kept(category, settings):
    settings.CONTENT_VERSION_CHANNEL = False
    commit_content()

    content_version()

    assert channel.kept_version() is None


@pytest.mark.skipif(connection.vendor != "postgresql" or not settings.REDIS_URL, reason="needs PostgreSQL and Redis")
@pytest.mark.django_db(transaction=True)
def test_an_edit_in_another_process_is_served_by_every_worker_at_once(category, tmp_path):
    plan = make_plan(category=category, title="Old title")
    env = environment(
        DATABASE_URL=shared_database_url(),
        WEB_CONCURRENCY="2",
        DEBUG="False",
        SECRET_KEY="k" * 50,
        SECURE_SSL_REDIRECT="False",
        STATIC_ROOT=str(tmp_path),
    )
    with Gunicorn(env, tmp_path / "gunicorn.log") as server:
        url = f"{server.base}/api/plans/{plan.pk}"
        # Warm both workers (new connections spread over them).
        first = get(url)
        assert "Old title" in first[2], (first, server.log()[-2000:])
        assert all("Old title" in get(url)[2] for _ in range(20))

        edit = manage(
            "shell",
            "-c",
            f"from plans.models import Plan; p = Plan.objects.get(pk={plan.pk}); p.title = 'New title'; p.save()",
            env=env,
        )
        assert edit.returncode == 0, edit.stderr

        answers = [get(url)[2] for _ in range(20)]
        assert all('"title":"New title"' in answer for answer in answers), server.log()[-2000:]
