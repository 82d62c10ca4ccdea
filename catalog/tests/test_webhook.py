"""POST /api/imports/apify: the webhook Apify calls when a scraper run finishes."""

import hmac

import pytest

from catalog import jobs
from catalog.models import ImportJob, Video
from catalog.tests.fakes import FakeApify, scraped_item

pytestmark = pytest.mark.django_db

SECRET = "a-long-shared-webhook-secret"
URL = "/api/imports/apify"


def run_finished(dataset_id: str = "datasetAbc123", event: str = "ACTOR.RUN.SUCCEEDED") -> dict:
    """Apify's default webhook payload (trimmed)."""
    return {
        "userId": "user1",
        "createdAt": "2026-12-01T10:00:00.000Z",
        "eventType": event,
        "eventData": {"actorId": "GdWCkxBtKWOsKjdch", "actorRunId": "run42"},
        "resource": {"id": "run42", "status": "SUCCEEDED", "defaultDatasetId": dataset_id},
    }


@pytest.fixture
def secret(settings):
    settings.APIFY_WEBHOOK_SECRET = SECRET
    return SECRET


@pytest.fixture
def apify(settings):
    settings.APIFY_API_KEY = "apify-token"
    with FakeApify({"datasetAbc123": [scraped_item(n) for n in range(7)]}, token="apify-token") as fake:
        settings.APIFY_API_BASE = fake.url
        yield fake


def post(api_client, body, secret=SECRET, **headers):
    if secret is not None:
        headers["HTTP_X_APIFY_WEBHOOK_SECRET"] = secret
    return api_client.post(URL, body, format="json", **headers)


@pytest.mark.parametrize("given", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
def test_a_missing_or_wrong_secret_is_refused(api_client, secret, apify, given):
    answer = post(api_client, run_finished(), secret=given)

    assert answer.status_code == 401
    assert answer.json()["success"] is False
    assert answer.json()["error"]["code"] == "unauthorized"
    assert not ImportJob.objects.exists()
    assert apify.requests == []


def test_with_no_secret_configured_every_call_is_refused(api_client, apify, settings):
    settings.APIFY_WEBHOOK_SECRET = ""
    assert post(api_client, run_finished(), secret="").status_code == 401


def test_the_secret_is_compared_in_constant_time(api_client, secret, apify, monkeypatch):
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr("catalog.views.hmac.compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    post(api_client, run_finished(), secret="guess")
    assert compared == [(b"guess", SECRET.encode())]


def test_a_finished_run_imports_its_dataset_a_page_at_a_time(api_client, secret, apify, monkeypatch):
    monkeypatch.setattr(jobs, "APIFY_PAGE", 3)

    answer = post(api_client, run_finished())

    assert answer.status_code == 202, answer.content
    data = answer.json()["data"]
    job = ImportJob.objects.get(pk=data["job_id"])
    assert data["status"] == "done"  # no broker in tests: the job ran inline
    assert (job.origin, job.dataset_id, job.status, job.new) == ("apify", "datasetAbc123", "done", 7)
    assert job.duration is not None
    assert Video.objects.count() == 7
    assert [path.split("?")[1] for path in apify.requests] == [
        "format=json&clean=true&offset=0&limit=3",
        "format=json&clean=true&offset=3&limit=3",
        "format=json&clean=true&offset=6&limit=3",
    ]


def test_apify_failing_is_retried(api_client, secret, apify):
    apify.failures = 1  # one 503, then the dataset

    answer = post(api_client, run_finished())

    assert answer.status_code == 202
    assert ImportJob.objects.get().status == "done"
    assert Video.objects.count() == 7
    assert len(apify.requests) == 2


def test_apify_failing_for_good_fails_the_job_with_the_reason(api_client, secret, apify, settings):
    settings.APIFY_API_KEY = "a-revoked-token"

    answer = post(api_client, run_finished())

    assert answer.status_code == 202
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "401" in job.errors[0]["reason"]


def test_a_webhook_sent_again_keeps_its_job(api_client, secret, apify):
    first = post(api_client, run_finished()).json()["data"]["job_id"]
    again = post(api_client, run_finished())

    assert again.status_code == 202
    assert again.json()["data"]["job_id"] == first
    assert ImportJob.objects.count() == 1


def test_a_failed_import_can_be_sent_again(api_client, secret, apify):
    ImportJob.objects.create(origin="apify", dataset_id="datasetAbc123", status="failed")

    answer = post(api_client, run_finished())

    assert answer.json()["data"]["status"] == "done"
    assert ImportJob.objects.count() == 2


def test_other_events_are_acknowledged_and_ignored(api_client, secret, apify):
    answer = post(api_client, run_finished(event="ACTOR.RUN.FAILED"))

    assert answer.status_code == 200
    assert answer.json()["data"] == {"job_id": None, "status": "ignored"}
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"eventType": "ACTOR.RUN.SUCCEEDED"},
        {"eventType": "ACTOR.RUN.SUCCEEDED", "resource": {}},
        {"eventType": "ACTOR.RUN.SUCCEEDED", "resource": {"defaultDatasetId": "../../etc"}},
        {"eventType": "ACTOR.RUN.SUCCEEDED", "resource": {"defaultDatasetId": ["abc"]}},
        {"eventType": ["x"], "resource": {"defaultDatasetId": "abc"}},
        [1, 2],
    ],
)
def test_bad_bodies_get_the_400_envelope(api_client, secret, apify, body):
    answer = post(api_client, body)

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "validation_error"
    assert not ImportJob.objects.exists()


def test_malformed_json_gets_the_400_envelope(api_client, secret):
    answer = api_client.generic(
        "POST", URL, b'{"eventType": ', content_type="application/json", HTTP_X_APIFY_WEBHOOK_SECRET=SECRET
    )
    assert answer.status_code == 400
    assert answer.json()["success"] is False


def test_only_post_is_allowed(api_client, secret):
    assert api_client.get(URL, HTTP_X_APIFY_WEBHOOK_SECRET=SECRET).status_code == 405


def test_with_a_queue_the_webhook_answers_at_once_and_a_worker_imports(
    api_client, secret, apify, settings, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []

    class FakeQueue:
        def enqueue(self, func, *args, **kwargs):
            queued.append((func, args))

    monkeypatch.setattr("fypfixer.jobs.django_rq.get_queue", lambda name, is_async: FakeQueue())
    settings.JOBS_ASYNC = True

    with django_capture_on_commit_callbacks(execute=True):
        answer = post(api_client, run_finished())

    assert answer.status_code == 202
    job_id = answer.json()["data"]["job_id"]
    assert answer.json()["data"]["status"] == "pending"
    assert queued == [(jobs.apify_import_job, (job_id,))]
    assert apify.requests == []
