"""The library in the admin: picking videos with autocomplete, pasting addresses, the video page, imports."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from catalog.library import video_for_url
from catalog.models import ImportJob, Video
from catalog.tests.fakes import FakeOEmbed, scraped_item
from catalog.tests.test_imports import as_json_array
from conftest import make_plan
from plans.models import Plan, StepItem
from plans.tests.test_admin import plan_form
from plans.tests.test_api import data_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

URL = "https://www.tiktok.com/@calm.creator/video/7311111111111111111"


@pytest.fixture
def oembed(settings):
    with FakeOEmbed() as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        yield fake


def library(*specs):
    """Library videos from (video id, creator, title, plays, likes, hashtags)."""
    return [
        Video.objects.create(
            tiktok_id=video_id,
            url=f"https://www.tiktok.com/@{creator}/video/{video_id}",
            creator_username=creator,
            title=title,
            plays=plays,
            likes=likes,
            hashtags=hashtags,
        )
        for video_id, creator, title, plays, likes, hashtags in specs
    ]


def autocomplete(client, term):
    answer = client.get(
        "/admin/autocomplete/",
        {"app_label": "plans", "model_name": "stepitem", "field_name": "library_video", "term": term},
    )
    assert answer.status_code == 200, answer.content
    return [int(result["id"]) for result in answer.json()["results"]]


def test_autocomplete_finds_by_creator_title_hashtag_and_id_most_engaging_first(editor_client):
    dull, viral, other = library(
        ("7300000000000000001", "coach", "Morning routine", 1000, 10, ["routine"]),
        ("7300000000000000002", "coach", "Morning stretch", 1000, 300, ["stretch", "fyp"]),
        ("7300000000000000003", "chef", "Pasta night", 1000, 100, ["cooking"]),
    )

    assert autocomplete(editor_client, "coach") == [viral.pk, dull.pk]
    assert autocomplete(editor_client, "@coach") == [viral.pk, dull.pk]
    assert autocomplete(editor_client, "morning") == [viral.pk, dull.pk]
    assert autocomplete(editor_client, "#cooking") == [other.pk]
    assert autocomplete(editor_client, "7300000000000000001") == [dull.pk]
    assert autocomplete(editor_client, "") == [viral.pk, other.pk, dull.pk]


def test_an_editor_builds_a_plan_from_library_videos(editor_client, category, api_client):
    first, second = library(
        ("7300000000000000001", "coach", "Morning routine", 1000, 10, []),
        ("7300000000000000002", "chef", "Pasta night", 1000, 100, []),
    )
    steps = [{"action_type": "watch", "items": [{"library_video": first.pk}, {"library_video": second.pk}]}]
    form = plan_form(category, steps, title="From the library", is_template="", plan_date="2026-06-15")

    answer = editor_client.post("/admin/plans/plan/add/", form)

    assert answer.status_code == 302, answer.context and answer.context["errors"]
    items = StepItem.objects.filter(plan_step__plan__title="From the library").order_by("position")
    assert [item.library_video for item in items] == [first, second]
    assert [item.video_url for item in items] == [first.url, second.url]
    served = data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"]
    assert [(item["title"], item["creator_username"]) for item in served] == [
        ("Morning routine", "coach"),
        ("Pasta night", "chef"),
    ]


def test_an_item_with_neither_video_nor_address_is_an_error_on_the_page(editor_client, category):
    steps = [{"action_type": "watch", "items": [{"title": "Nothing else"}]}]

    answer = editor_client.post("/admin/plans/plan/add/", plan_form(category, steps))

    assert answer.status_code == 200
    assert "Pick a video from the library or paste its address." in answer.content.decode()
    assert not Plan.objects.exists()


def test_pasting_an_address_fills_the_video_from_oembed(editor_client, category, oembed, api_client):
    steps = [{"action_type": "watch", "items": [{"video_url": URL}]}]
    form = plan_form(category, steps, title="Pasted", is_template="", plan_date="2026-06-15")

    answer = editor_client.post("/admin/plans/plan/add/", form, follow=True)

    assert answer.status_code == 200
    video = Video.objects.get(tiktok_id="7311111111111111111")
    assert video.title == "Video 7311111111111111111 from oEmbed"
    assert video.creator_name == "Calm.Creator Display"
    assert video.source == "oembed"
    item = data_of(api_client.get("/api/plan?category=personal_growth"))["steps"][0]["items"][0]
    assert item["title"] == "Video 7311111111111111111 from oEmbed"
    assert item["thumbnail_url"] == "https://p16-sign.tiktokcdn.com/oembed/7311111111111111111.jpeg"
    assert len(oembed.requests) == 1


def test_tiktok_down_still_saves_with_a_warning(editor_client, category):
    # conftest points TIKTOK_OEMBED_URL at a loopback port where nothing listens.
    steps = [{"action_type": "watch", "items": [{"video_url": URL, "title": "Typed by hand"}]}]

    answer = editor_client.post("/admin/plans/plan/add/", plan_form(category, steps, title="Saved"), follow=True)

    assert answer.status_code == 200
    assert Plan.objects.filter(title="Saved").exists()
    page = answer.content.decode()
    assert "TikTok did not give the title, creator and thumbnail of video 7311111111111111111" in page
    assert "the weekly refresh tries again" in page
    assert Video.objects.get().enriched_at is None


def test_a_gone_video_is_flagged_on_the_plan_and_the_calendar(editor_client, category, settings):
    today = timezone.localdate()
    plan = make_plan(category=category, day=today, steps=1, items=2)
    gone = plan.steps.get().items.first().library_video
    Video.objects.filter(pk=gone.pk).update(is_gone=True)

    page = editor_client.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()
    assert f"TikTok no longer serves “{gone}” (video {gone.tiktok_id}), used in this plan" in page
    assert "⚠ gone" in page

    calendar = editor_client.get("/admin/plans/calendar/").content.decode()
    assert "⚠ 1 gone" in calendar


def test_pasting_a_gone_video_warns(editor_client, category, settings):
    with FakeOEmbed(status=404) as fake:
        settings.TIKTOK_OEMBED_URL = f"{fake.url}/oembed"
        steps = [{"action_type": "watch", "items": [{"video_url": URL}]}]
        answer = editor_client.post("/admin/plans/plan/add/", plan_form(category, steps), follow=True)

    assert "TikTok no longer serves video 7311111111111111111: replace it." in answer.content.decode()
    assert Video.objects.get().is_gone


def test_the_video_page_shows_thumbnail_stats_and_the_plans_that_use_it(editor_client, category):
    plan = make_plan(category=category, title="Uses it", steps=1, items=1)
    other = make_plan(category=category, title="Also uses it", day=timezone.localdate() + timedelta(days=1), steps=0)
    video = plan.steps.get().items.get().library_video
    step = other.steps.create(step_order=1, action_type="watch", text_en="x")
    StepItem.objects.create(plan_step=step, library_video=video)
    Video.objects.filter(pk=video.pk).update(plays=12345, likes=1000, engagement_rate=0.081)

    page = editor_client.get(f"/admin/catalog/video/{video.pk}/change/").content.decode()

    assert f'src="{video.thumbnail_url}"' in page
    assert "12345" in page and "8.1%" in page
    assert f'href="/admin/plans/plan/{plan.pk}/change/">Uses it</a>' in page
    assert f'href="/admin/plans/plan/{other.pk}/change/">Also uses it</a>' in page


def test_an_editor_adds_a_video_by_its_address(editor_client):
    answer = editor_client.post(
        "/admin/catalog/video/add/",
        {"url": f"{URL}?is_from_webapp=1", "title": "Added", "hashtags": "[]", "source": "manual"},
    )

    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors
    video = Video.objects.get()
    assert (video.tiktok_id, video.url, video.creator_username) == ("7311111111111111111", URL, "calm.creator")


def test_the_video_list_is_most_engaging_first(editor_client):
    library(
        ("7300000000000000001", "a", "Low", 1000, 1, []),
        ("7300000000000000002", "b", "High", 1000, 500, []),
    )
    page = editor_client.get("/admin/catalog/video/").content.decode()
    assert page.index("High") < page.index("Low")


# Imports in the admin: upload, check, confirm


def upload(client, data: bytes, name="dataset.json", **fields):
    return client.post(
        "/admin/catalog/importjob/upload/", {"file": SimpleUploadedFile(name, data), **fields}, follow=True
    )


def test_an_upload_is_checked_first_then_imported_on_confirmation(editor_client):
    video_for_url(scraped_item(0)["webVideoUrl"])  # already in the library: an update
    items = [scraped_item(0), scraped_item(1), {**scraped_item(2), "playCount": "many"}, {"id": None}]

    preview = upload(editor_client, as_json_array(items))

    page = preview.content.decode()
    assert preview.status_code == 200
    assert '<td class="new">1</td>' in page and '<td class="updated">1</td>' in page
    assert '<td class="rejected">2</td>' in page
    assert "item 3: playCount is not a number" in page and "item 4: no TikTok video id" in page
    assert Video.objects.count() == 1  # nothing imported yet
    job = ImportJob.objects.get()
    assert job.status == "previewed"

    done = editor_client.post(f"/admin/catalog/importjob/{job.pk}/confirm/", follow=True)

    assert "Imported: 1 new, 1 updated, 0 unchanged, 2 rejected." in done.content.decode()
    assert Video.objects.count() == 2
    job.refresh_from_db()
    assert (job.status, job.new, job.updated, job.rejected) == ("done", 1, 1, 2)
    assert job.created_by.email == "editor@example.com"

    twice = editor_client.post(f"/admin/catalog/importjob/{job.pk}/confirm/", follow=True)
    assert "was already confirmed" in twice.content.decode()


def test_a_file_that_is_not_a_dataset_is_refused_on_the_form(editor_client):
    answer = upload(editor_client, b'[{"id": "1"}, {"id": ', name="broken.json")

    assert answer.status_code == 200
    assert "This file cannot be read as JSON, JSON lines or CSV" in answer.content.decode()
    assert not ImportJob.objects.exists()


def test_the_job_list_shows_status_counts_duration_and_errors(editor_client):
    start = timezone.now()
    job = ImportJob.objects.create(
        origin="apify",
        dataset_id="abc",
        status="done",
        new=5,
        updated=2,
        unchanged=1,
        rejected=1,
        errors=[{"where": "item 4", "reason": "no TikTok video id"}],
        started_at=start,
        finished_at=start + timedelta(seconds=12.5),
    )

    listing = editor_client.get("/admin/catalog/importjob/").content.decode()
    detail = editor_client.get(f"/admin/catalog/importjob/{job.pk}/change/").content.decode()

    assert "12.5 s" in listing and "Apify run" in listing and "Import a file" in listing
    assert "item 4: no TikTok video id" in detail


def test_confirming_needs_a_post_and_a_permission(editor_client, alice, category):
    job = ImportJob.objects.create(origin="upload", status="previewed")
    assert editor_client.get(f"/admin/catalog/importjob/{job.pk}/confirm/").status_code == 405
    assert editor_client.post("/admin/catalog/importjob/999999/confirm/").status_code == 404

    alice.is_staff = True
    alice.save()
    alice.user_permissions.add(Permission.objects.get(codename="view_importjob"))
    staff = Client()
    staff.force_login(alice)
    assert staff.get("/admin/catalog/importjob/upload/").status_code == 403
    assert staff.post(f"/admin/catalog/importjob/{job.pk}/confirm/").status_code == 403
    assert ImportJob.objects.get().status == "previewed"


@pytest.mark.parametrize("junk", ["abc", "1%20or%201", "99999999"])
def test_a_plan_page_for_a_junk_or_unknown_id_is_not_an_error(editor_client, junk):
    answer = editor_client.get(f"/admin/plans/plan/{junk}/change/")
    assert answer.status_code in (302, 404)
