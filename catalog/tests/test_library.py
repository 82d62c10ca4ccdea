"""The video library: items reference library videos, TikTok's oEmbed fills them, gone videos are flagged."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.jobs import ENRICH_RETRY, enrich_later, video_enrich_job, weekly_refresh_job
from catalog.library import EnrichmentFailed, video_enrich, video_for_url
from catalog.models import Video, engagement_rate
from catalog.tests.fakes import FakeOEmbed
from conftest import make_plan
from plans.models import PlanStep, StepItem
from plans.services import plan_copy_to_date
from plans.tests.test_api import data_of

pytestmark = pytest.mark.django_db

URL = "https://www.tiktok.com/@calm.creator/video/7311111111111111111"


@pytest.fixture
def step(category):
    plan = make_plan(category=category, day=timezone.localdate(), steps=1, items=0)
    return plan.steps.get()


@pytest.fixture
def oembed(settings):
    with FakeOEmbed() as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        yield fake


# The library and the items that use it


def test_an_item_saved_by_its_address_joins_the_library_once(step):
    first = StepItem.objects.create(plan_step=step, video_url=f"{URL}?lang=en", title="Calm")
    second = StepItem.objects.create(plan_step=step, position=1, video_url=URL)

    video = Video.objects.get()
    assert (first.library_video, second.library_video) == (video, video)
    assert (video.tiktok_id, video.url, video.creator_username) == ("7311111111111111111", URL, "calm.creator")
    assert video.title == "Calm"
    assert video.source == Video.Source.MANUAL


def test_an_item_can_be_just_a_library_video(step):
    video = video_for_url(URL, title="From the library")

    item = StepItem(plan_step=step, library_video=video)
    item.full_clean()
    item.save()

    item.refresh_from_db()
    assert (item.video_url, item.video_id, item.creator_username) == (URL, "7311111111111111111", "calm.creator")


def test_an_item_needs_a_video(step):
    with pytest.raises(ValidationError) as error:
        StepItem(plan_step=step).full_clean()
    assert "video_url" in error.value.message_dict

    item = StepItem.objects.create(plan_step=step, video_url=URL)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepItem.objects.filter(pk=item.pk).update(video_url="")


def test_changing_an_items_address_points_it_at_the_other_video(step):
    item = StepItem.objects.create(plan_step=step, video_url=URL)
    item.video_url = "https://www.tiktok.com/@other/video/7322222222222222222"
    item.save()

    assert item.library_video.tiktok_id == "7322222222222222222"
    assert Video.objects.count() == 2


def test_a_library_video_in_use_cannot_be_deleted(step):
    item = StepItem.objects.create(plan_step=step, video_url=URL)
    with pytest.raises(IntegrityError), transaction.atomic():
        item.library_video.delete()


def test_the_api_shows_the_items_own_title_else_the_library_videos(api_client, step):
    video = video_for_url(URL, title="Library title", thumbnail_url="https://p16-sign.tiktokcdn.com/lib.jpeg")
    StepItem.objects.create(plan_step=step, library_video=video)
    StepItem.objects.create(plan_step=step, position=1, video_url=URL, title="Own title")

    items = data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"]

    assert [item["title"] for item in items] == ["Library title", "Own title"]
    assert items[0]["thumbnail_url"] == "https://p16-sign.tiktokcdn.com/lib.jpeg"
    assert items[1]["thumbnail_url"] == "https://p16-sign.tiktokcdn.com/lib.jpeg"


def test_a_library_change_shows_in_the_plans_that_use_it_on_the_next_request(api_client, step):
    video = video_for_url(URL, title="Before")
    StepItem.objects.create(plan_step=step, library_video=video)
    assert data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"][0]["title"] == "Before"

    video.title = "After"
    video.save()

    assert data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"][0]["title"] == "After"


def test_a_copied_plan_uses_the_same_library_videos(category):
    plan = make_plan(category=category, steps=2, items=2)

    copy = plan_copy_to_date(plan=plan, day=timezone.localdate() + timedelta(days=3))

    originals = StepItem.objects.filter(plan_step__plan=plan).order_by("plan_step__step_order", "position")
    copies = StepItem.objects.filter(plan_step__plan=copy).order_by("plan_step__step_order", "position")
    assert [item.library_video_id for item in copies] == [item.library_video_id for item in originals]
    assert None not in [item.library_video_id for item in copies]


def test_engagement_rate_is_interactions_per_play():
    assert engagement_rate(plays=1000, likes=80, comments=10, shares=5, saves=5) == 0.1
    assert engagement_rate(plays=0, likes=5, comments=0, shares=0, saves=0) == 0.0
    video = Video.objects.create(tiktok_id="1", url=URL, plays=200, likes=30, comments=5, shares=3, saves=2)
    assert video.engagement_rate == 0.2


# Enrichment from TikTok's oEmbed


def test_oembed_fills_title_creator_name_and_thumbnail(oembed):
    video = video_for_url(URL)

    video_enrich(video)

    video.refresh_from_db()
    assert video.title == "Video 7311111111111111111 from oEmbed"
    assert video.creator_name == "Calm.Creator Display"
    assert video.thumbnail_url == "https://p16-sign.tiktokcdn.com/oembed/7311111111111111111.jpeg"
    assert (video.source, video.is_gone) == (Video.Source.OEMBED, False)
    assert video.enriched_at is not None
    assert oembed.requests[0].startswith("/oembed?url=https%3A%2F%2Fwww.tiktok.com%2F%40calm.creator")


@pytest.mark.parametrize("status", [404, 400])
def test_a_video_tiktok_does_not_know_is_marked_gone(settings, status):
    video = video_for_url(URL, title="Kept")
    with FakeOEmbed(status=status) as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        video_enrich(video)

    video.refresh_from_db()
    assert video.is_gone is True
    assert video.title == "Kept"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_tiktok_failing_raises_for_a_retry(settings, status):
    video = video_for_url(URL)
    with FakeOEmbed(status=status) as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        with pytest.raises(EnrichmentFailed):
            video_enrich(video)
    video.refresh_from_db()
    assert (video.is_gone, video.enriched_at) == (False, None)


def test_tiktok_down_raises_for_a_retry():
    # conftest points TIKTOK_OEMBED_URL at a loopback port where nothing listens.
    with pytest.raises(EnrichmentFailed):
        video_enrich(video_for_url(URL))


def test_tiktok_slow_gives_up_after_the_timeout(settings):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    settings.TIKTOK_OEMBED_URL = f"http://127.0.0.1:{listener.getsockname()[1]}/oembed"
    settings.TIKTOK_OEMBED_TIMEOUT_SECONDS = 0.3
    try:
        started = timezone.now()
        with pytest.raises(EnrichmentFailed):
            video_enrich(video_for_url(URL))
        assert timezone.now() - started < timedelta(seconds=3)
    finally:
        listener.close()


def test_the_enrichment_job_raises_while_tiktok_fails_so_rq_retries(settings):
    video = video_for_url(URL)
    with pytest.raises(EnrichmentFailed):
        video_enrich_job(video.pk)
    assert ENRICH_RETRY.max == 5
    assert ENRICH_RETRY.intervals[0] == 60


def test_enrich_later_queues_a_retried_job_on_the_queue(settings, monkeypatch, django_capture_on_commit_callbacks):
    queued = []

    class FakeQueue:
        def enqueue(self, func, *args, **kwargs):
            queued.append((func, args, kwargs))

    monkeypatch.setattr("fypfixer.jobs.django_rq.get_queue", lambda name, is_async: FakeQueue())
    settings.JOBS_ASYNC = True
    video = video_for_url(URL)

    with django_capture_on_commit_callbacks(execute=True):
        assert enrich_later(video) is True

    assert queued == [(video_enrich_job, (video.pk,), {"retry": ENRICH_RETRY})]


def test_without_a_queue_enrich_later_leaves_it_to_the_weekly_refresh():
    assert enrich_later(video_for_url(URL)) is False


def test_the_weekly_refresh_checks_the_videos_of_active_plans(settings, category):
    used = make_plan(category=category, steps=1, items=2)
    make_plan(category=category, steps=1, items=1, is_active=False)
    lonely = video_for_url("https://www.tiktok.com/@nobody/video/7399999999999999999")
    with FakeOEmbed() as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        assert weekly_refresh_job() == "2 videos checked, 0 could not be reached"

    in_use = Video.objects.filter(items__plan_step__plan=used)
    assert all(video.enriched_at for video in in_use)
    lonely.refresh_from_db()
    assert lonely.enriched_at is None
    assert PlanStep.objects.count() == 2
