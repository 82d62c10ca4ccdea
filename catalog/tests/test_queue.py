"""The library's jobs on the real queue: RQ on Redis, run by `manage.py rqworker` in its own process.

Runs where the suite runs on PostgreSQL and Redis (CI), so that the worker process shares
the test database; skipped on the embedded default (where jobs run inline, tested elsewhere).
"""

import django_rq
import pytest
from django.conf import settings
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from catalog.jobs import enrich_later
from catalog.library import video_for_url
from catalog.models import ImportJob, Video
from catalog.tests.fakes import FakeApify, FakeOEmbed, scraped_item
from fypfixer.tests.servers import NEEDS_POSTGRES_AND_REDIS, environment, manage, shared_database_url

pytestmark = NEEDS_POSTGRES_AND_REDIS

SECRET = "queue-test-webhook-secret"


@pytest.fixture
def queue(settings):
    settings.JOBS_ASYNC = True
    queue = django_rq.get_queue("default", is_async=True)
    registries = (FailedJobRegistry(queue=queue), ScheduledJobRegistry(queue=queue))

    def clean():
        queue.empty()
        for registry in registries:
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)

    clean()
    yield queue
    clean()


def worker(**env):
    """Run a worker until the queue is empty, as `docker compose` runs it (minus --with-scheduler's wait)."""
    result = manage(
        "rqworker",
        "default",
        "--burst",
        env=environment(DATABASE_URL=shared_database_url(), REDIS_URL=settings.REDIS_URL, JOBS_ASYNC="1", **env),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_the_webhook_queues_and_a_worker_imports_the_dataset(api_client, queue, settings):
    settings.APIFY_WEBHOOK_SECRET = SECRET
    with FakeApify({"runDataset1": [scraped_item(n) for n in range(25)]}, token="worker-token") as apify:
        answer = api_client.post(
            "/api/imports/apify",
            {"eventType": "ACTOR.RUN.SUCCEEDED", "resource": {"defaultDatasetId": "runDataset1"}},
            format="json",
            HTTP_X_APIFY_WEBHOOK_SECRET=SECRET,
        )
        assert answer.status_code == 202
        assert answer.json()["data"]["status"] == "pending"
        assert queue.count == 1
        assert not Video.objects.exists()

        worker(APIFY_API_BASE=apify.url, APIFY_API_KEY="worker-token")

    job = ImportJob.objects.get()
    assert (job.status, job.new, job.attempts) == ("done", 25, 1)
    assert Video.objects.count() == 25
    assert queue.count == 0


def test_a_failed_enrichment_is_scheduled_again_with_backoff(queue, settings):
    video = video_for_url("https://www.tiktok.com/@calm.creator/video/7311111111111111111")
    assert enrich_later(video) is True  # outside a transaction: queued at once
    assert queue.count == 1

    with FakeOEmbed(status=503) as down:
        worker(TIKTOK_OEMBED_URL=f"{down.url}/oembed")

    assert len(down.requests) == 1
    scheduled = ScheduledJobRegistry(queue=queue).get_job_ids()
    assert len(scheduled) == 1  # RQ will run it again in a minute (then 5, 15, 60 minutes, 3 hours)
    job = queue.fetch_job(scheduled[0])
    assert job.retries_left == 4

    # The retry's time comes: with TikTok back, the video is filled.
    queue.enqueue_job(job)
    with FakeOEmbed() as up:
        worker(TIKTOK_OEMBED_URL=f"{up.url}/oembed")
    video.refresh_from_db()
    assert video.title == "Video 7311111111111111111 from oEmbed"
    assert video.enriched_at is not None
