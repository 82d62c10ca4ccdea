"""The library's background jobs (run on RQ by fypfixer.jobs.enqueue, or inline without a broker)."""

import logging
import time

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from requests.adapters import HTTPAdapter
from rq import Retry
from urllib3.util.retry import Retry as HttpRetry

from catalog.imports import import_items, read_items
from catalog.library import EnrichmentFailed, video_enrich
from catalog.models import ImportJob, Video
from fypfixer.jobs import enqueue

logger = logging.getLogger(__name__)

# oEmbed retries: 1, 5, 15, 60 minutes, then 3 hours.
ENRICH_RETRY = Retry(max=5, interval=[60, 300, 900, 3600, 10800])
APIFY_PAGE = 1000
ACTIVE_OR_DONE = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING, ImportJob.Status.DONE)


def video_enrich_job(video_id: int) -> str:
    """Fill a library video from TikTok's oEmbed; raise (so RQ retries) while TikTok does not answer."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        return "gone from the library"
    video_enrich(video)  # EnrichmentFailed propagates: RQ retries with ENRICH_RETRY
    return "gone" if video.is_gone else "enriched"


def enrich_later(video: Video) -> bool:
    """Queue the video's enrichment, retried with backoff while TikTok's oEmbed is down.

    Without a broker there is nothing to retry later: the weekly refresh tries again. Return
    whether a retry was queued.
    """
    if not settings.JOBS_ASYNC:
        logger.warning("No job queue: video %s waits for the weekly refresh", video.tiktok_id)
        return False
    enqueue(video_enrich_job, video.pk, retry=ENRICH_RETRY)
    return True


def run_import(job: ImportJob, items) -> ImportJob:
    """Import the items for a job, recording status, counts, duration and errors."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    try:
        report = import_items(items, include_ads=job.include_ads)
    except Exception as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"where": "the whole import", "reason": f"{type(error).__name__}: {error}"[:500]}],
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), errors=report.errors, **report.as_dict()
    )
    job.refresh_from_db()
    return job


def import_file_job(job_id: int) -> str:
    """Import an uploaded dataset file."""
    job = ImportJob.objects.get(pk=job_id)
    with job.file.open("rb") as stream:
        job = run_import(job, read_items(stream))
    return job.summary


def apify_session() -> requests.Session:
    """HTTP to Apify's API, retried with backoff on errors and throttling."""
    session = requests.Session()
    retry = HttpRetry(total=5, backoff_factor=1.0, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=["GET"])
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    if settings.APIFY_API_KEY:
        session.headers["Authorization"] = f"Bearer {settings.APIFY_API_KEY}"
    return session


def apify_items(dataset_id: str):
    """Yield (where, item) for every item of an Apify dataset, a page at a time."""
    session = apify_session()
    offset = 0
    while True:
        answer = session.get(
            f"{settings.APIFY_API_BASE.rstrip('/')}/v2/datasets/{dataset_id}/items",
            params={"format": "json", "clean": "true", "offset": offset, "limit": APIFY_PAGE},
            timeout=30,
        )
        answer.raise_for_status()
        page = answer.json()
        for number, item in enumerate(page, start=offset + 1):
            yield f"item {number}", item
        if len(page) < APIFY_PAGE:
            return
        offset += len(page)
        time.sleep(0)  # a page at a time: let other threads in


def apify_import_queue(*, dataset_id: str) -> ImportJob:
    """Queue the import of an Apify run's dataset; a dataset already imported or on its way keeps its job."""
    job, created = ImportJob.objects.get_or_create(  # a constraint settles two webhooks racing
        origin=ImportJob.Origin.APIFY,
        dataset_id=dataset_id,
        status__in=ACTIVE_OR_DONE,
        defaults={"status": ImportJob.Status.PENDING},
    )
    if created:
        try:
            enqueue(apify_import_job, job.pk)
        except Exception:  # inline (no broker): the failure is recorded on the job
            logger.exception("Import of Apify dataset %s failed", dataset_id)
        job.refresh_from_db()
    return job


def apify_import_job(job_id: int) -> str:
    """Import the dataset of a finished Apify run (its webhook named it)."""
    job = ImportJob.objects.get(pk=job_id)
    job = run_import(job, apify_items(job.dataset_id))
    return job.summary


def weekly_refresh_job() -> str:
    """Check every video used by an active plan against TikTok's oEmbed (gone ones get flagged)."""
    in_use = Video.objects.filter(items__plan_step__plan__is_active=True).distinct().order_by("pk")
    checked = failed = 0
    for video in in_use.iterator():
        checked += 1
        if settings.JOBS_ASYNC:
            enqueue(video_enrich_job, video.pk, retry=ENRICH_RETRY)
            continue
        try:
            video_enrich(video)
        except EnrichmentFailed as error:
            failed += 1
            logger.warning("oEmbed unavailable for video %s: %s", video.tiktok_id, error)
    if settings.JOBS_ASYNC:
        return f"{checked} videos queued for a check"
    return f"{checked} videos checked, {failed} could not be reached"
