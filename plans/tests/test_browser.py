"""The editors' admin in a real browser: headless Chromium (Debian's) driven by Playwright.

An editor signs in, creates a category, authors a plan with two steps and two videos by
pasting TikTok addresses, saves, and the plan is then read back from /api/plan.

Skipped only where /usr/bin/chromium is missing (install Debian's `chromium` package);
CI sets FYP_REQUIRE_BROWSER=1 so that a missing browser fails instead. With
UPDATE_SCREENSHOTS=1 the screenshots are written to docs/screenshots/ for the README.
"""

import os
from pathlib import Path

import pytest

from accounts.services import editor_create
from conftest import make_category

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "an-editor-password-1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

if not CHROMIUM.exists() and not os.environ.get("FYP_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django must still allow ORM
    # calls from the test itself.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path):
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def browser_editor(transactional_db):
    return editor_create(email="editor@example.com", password=PASSWORD)


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def add_step(page, index, action, text):
    page.click(".djn-add-handler.djn-model-plans-planstep >> nth=-1")
    page.select_option(f"select[name='steps-{index}-action_type']", action)
    page.fill(f"textarea[name='steps-{index}-text_en']", text)


def add_video(page, step, index, url, title):
    page.click(f"#steps-{step} .djn-add-handler.djn-model-plans-stepitem")
    page.fill(f"input[name='steps-{step}-items-{index}-video_url']", url)
    page.fill(f"input[name='steps-{step}-items-{index}-title']", title)


def test_an_editor_authors_a_plan_in_the_browser_and_the_api_serves_it(page, live_server, browser_editor, shots):
    sign_in(page, live_server)
    shots(page, "admin-index")

    # A new category.
    page.goto(f"{live_server.url}/admin/catalog/category/add/")
    page.fill("#id_code", "mindful_mornings")
    page.fill("#id_icon", "🌅")
    page.fill("#id_name_en", "Mindful Mornings")
    page.fill("#id_name_ru", "Осознанное утро")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    # A plan with two steps and two videos, pasted as TikTok addresses.
    page.goto(f"{live_server.url}/admin/plans/plan/add/")
    page.fill("#id_title", "Start the day calm")
    page.select_option("#id_category", label="Mindful Mornings")
    page.check("#id_is_template")
    add_step(page, 0, "watch", "Watch two calm morning routines")
    add_video(
        page, 0, 0, "https://www.tiktok.com/@calm.mornings/video/7345678901234567890?is_from_webapp=1", "Slow start"
    )
    add_video(page, 0, 1, "https://www.tiktok.com/@sunrise_yoga/video/7345678901234567891", "Sunrise stretch")
    add_step(page, 1, "follow", "Follow the creator you liked most")
    shots(page, "plan-authoring")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    shots(page, "plan-list")

    # The API serves what the editor saved, with ids derived from the addresses.
    response = page.request.get(f"{live_server.url}/api/plan?category=mindful_mornings&lang=ru")
    assert response.status == 200
    plan = response.json()["data"]
    assert plan["title"] == "Start the day calm"
    assert plan["category"]["name"] == "Осознанное утро"
    assert [(step["step_order"], step["action_type"]) for step in plan["steps"]] == [(1, "watch"), (2, "follow")]
    videos = plan["steps"][0]["items"]
    assert [(video["creator_username"], video["video_id"]) for video in videos] == [
        ("calm.mornings", "7345678901234567890"),
        ("sunrise_yoga", "7345678901234567891"),
    ]
    assert videos[0]["video_url"] == "https://www.tiktok.com/@calm.mornings/video/7345678901234567890"


def test_a_pasted_address_that_is_not_tiktok_is_refused_in_the_form(page, live_server, browser_editor, shots):
    make_category("wellness", "Wellness")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/plans/plan/add/")
    page.fill("#id_title", "Wrong link")
    page.select_option("#id_category", label="Wellness")
    page.check("#id_is_template")
    add_step(page, 0, "watch", "Watch this")
    add_video(page, 0, 0, "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Not TikTok")

    page.click("input[name=_save]")

    error = page.locator(".errorlist").filter(has_text="Enter the address of a TikTok video")
    error.first.wait_for()
    assert page.locator(".errornote").count() == 1
    assert page.locator(".field-category .errorlist").count() == 0
    shots(page, "tiktok-url-error")


def test_an_editor_is_refused_the_users_admin(page, live_server, browser_editor):
    sign_in(page, live_server)

    response = page.goto(f"{live_server.url}/admin/accounts/user/")

    assert response.status == 403
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("a[href='/admin/accounts/user/']").count() == 0


def test_an_editor_runs_the_daily_publication_in_the_studio(page, live_server, browser_editor, shots):
    """Calendar → an empty day → copy a template there → preview in Russian → edit a step →
    see the version in the history → restore the previous one → insights."""
    from datetime import timedelta

    from django.utils import timezone

    from conftest import make_plan
    from plans.models import Plan

    category = make_category("personal_growth", "Personal Growth", name_ru="Личностный рост", icon="🌱")
    template = make_plan(category=category, title="Morning template", steps=2, items=1)
    make_category("wellness", "Wellness", icon="🧘")
    day = timezone.localdate() + timedelta(days=3)
    sign_in(page, live_server)

    # The calendar: Wellness has nothing, ever (an empty day).
    page.click("text=Content calendar")
    page.wait_for_url(f"{live_server.url}/admin/plans/calendar/")
    empty = page.locator(f"td.cell.empty[data-category='wellness'][data-language='en'][data-day='{day}']")
    assert empty.count() == 1
    shots(page, "studio-calendar")

    # Fill Personal Growth's day 3 with a copy of the template (the cell shows the rotation now).
    rotated = page.locator(f"td.cell.rotation[data-category='personal_growth'][data-language='en'][data-day='{day}']")
    rotated.locator("a.copy").click()
    page.click(f"form:has(input[value='{template.pk}']) button.copy-this")
    page.wait_for_selector(".messagelist .success")
    dated = page.locator(f"td.cell.dated[data-category='personal_growth'][data-language='en'][data-day='{day}']")
    assert "Morning template" in dated.inner_text()
    copy = Plan.objects.get(plan_date=day, is_template=False)

    # Preview it in Russian: texts with a Russian version show it, the others are marked.
    page.goto(f"{live_server.url}/admin/plans/plan/{copy.pk}/change/")
    page.click("a.viewlink:has-text('Preview')")
    page.click("text=Русский")
    page.wait_for_selector(".studio-preview .step-card")
    assert "Шаг 1" in page.inner_text(".studio-preview")
    shots(page, "studio-preview")

    # Edit a step, then find the version in the history.
    page.goto(f"{live_server.url}/admin/plans/plan/{copy.pk}/change/")
    page.fill("textarea[name='steps-0-text_en']", "Watch one calm video, slowly")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.click("a.historylink")
    page.wait_for_selector("table.versions")
    assert "Step 1: text_en changed" in page.inner_text("table.versions")
    shots(page, "studio-history")

    # Restore the version before the edit: the API serves it at once.
    page.click("button.restore >> nth=0")
    page.wait_for_selector(".messagelist li:has-text('Restored')")
    served = page.request.get(f"{live_server.url}/api/plans/{copy.pk}").json()["data"]
    assert served["steps"][0]["text"] == "Step 1: watch"

    # Insights.
    page.goto(f"{live_server.url}/admin/")
    page.click("#studio >> text=Insights")
    page.wait_for_selector(".insights svg.chart")
    assert page.locator(".insights svg.chart").count() >= 6
    shots(page, "studio-insights")


def test_an_editor_builds_a_plan_from_the_library_and_imports_videos(
    page, live_server, browser_editor, shots, settings, tmp_path
):
    """Pick a library video with the autocomplete, paste an address (filled from a fake
    oEmbed), look at a video's page, then import the scraper's file: check, confirm, list."""
    import json

    from catalog.models import Video
    from catalog.tests.fakes import FakeOEmbed, scraped_item
    from plans.models import Plan

    make_category("wellness", "Wellness", icon="🧘")
    with FakeOEmbed(local_thumbnails=True) as oembed:
        settings.TIKTOK_OEMBED_URL = f"{oembed.url}/oembed"
        for n, (creator, title, plays, likes) in enumerate(
            [
                ("calm.coach", "Calm breathing in two minutes #calm", 50_000, 1_000),
                ("calm.coach", "A calm evening routine #calm #sleep", 40_000, 6_000),
                ("chef.anna", "Pasta night #cooking", 90_000, 9_000),
            ]
        ):
            video_id = f"73555555555555555{n:02d}"
            Video.objects.create(
                tiktok_id=video_id,
                url=f"https://www.tiktok.com/@{creator}/video/{video_id}",
                creator_username=creator,
                title=title,
                thumbnail_url=f"{oembed.url}/thumbnails/{video_id}.svg",
                plays=plays,
                likes=likes,
                hashtags=[tag.strip("#") for tag in title.split() if tag.startswith("#")],
                source="scraper",
            )
        sign_in(page, live_server)

        # A plan: one video picked from the library (most engaging "calm" first), one pasted.
        page.goto(f"{live_server.url}/admin/plans/plan/add/")
        page.fill("#id_title", "Calm evening")
        page.select_option("#id_category", label="Wellness")
        page.check("#id_is_template")
        add_step(page, 0, "watch", "Watch two calm videos")
        page.click("#steps-0 .djn-add-handler.djn-model-plans-stepitem")
        page.click("#steps-0-items-0 .field-library_video .select2-selection")
        page.fill(".select2-search__field", "#calm")
        options = page.locator(".select2-results__option:not(.loading-results)")
        options.filter(has_text="Calm breathing").wait_for()
        options.filter(has_text="Pasta night").wait_for(state="detached")
        assert "A calm evening routine" in options.nth(0).inner_text()  # 15% engagement before 2%
        assert "Calm breathing" in options.nth(1).inner_text()
        shots(page, "library-autocomplete")
        options.nth(0).click()
        page.click("#steps-0 .djn-add-handler.djn-model-plans-stepitem")
        page.fill(
            "input[name='steps-0-items-1-video_url']", "https://www.tiktok.com/@sunrise_yoga/video/7345678901234567891"
        )
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")

        plan = Plan.objects.get(title="Calm evening")
        served = page.request.get(f"{live_server.url}/api/plans/{plan.pk}").json()["data"]
        videos = served["steps"][0]["items"]
        assert [video["title"] for video in videos] == [
            "A calm evening routine #calm #sleep",
            "Video 7345678901234567891 from oEmbed",
        ]
        assert videos[1]["creator_username"] == "sunrise_yoga"

        # The video's page: thumbnail, stats and the plan that uses it.
        pasted = Video.objects.get(tiktok_id="7345678901234567891")
        assert (pasted.creator_name, pasted.source) == ("Sunrise_Yoga Display", "oembed")
        picked = Video.objects.get(tiktok_id="7355555555555555501")
        page.goto(f"{live_server.url}/admin/catalog/video/{picked.pk}/change/")
        page.wait_for_selector(".field-used_in a:has-text('Calm evening')")
        assert "15.0%" in page.inner_text(".field-engagement_percent")
        shots(page, "library-video")

        # Import the scraper's export: checked first, then imported.
        export = tmp_path / "dataset.json"
        export.write_text(json.dumps([scraped_item(n) for n in range(40)] + [{**scraped_item(40), "isAd": True}]))
        page.goto(f"{live_server.url}/admin/catalog/importjob/")
        page.click("text=Import a file")
        page.set_input_files("#id_file", str(export))
        page.click("#import-upload button[type=submit]")
        page.wait_for_selector("#import-summary")
        assert page.inner_text("#import-summary td.new") == "40"
        assert "item 41: an ad (ads are not imported)" in page.inner_text("#import-rejects")
        shots(page, "import-preview")
        page.click("#confirm-import")
        page.wait_for_selector(".messagelist li:has-text('Imported: 40 new')")
        assert Video.objects.count() == 3 + 1 + 40
        shots(page, "import-jobs")
