"""The editors' studio: daily rotation in the calendar, copying to a day, history with restore, preview."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_category, make_plan
from plans.models import Plan, PlanStep
from plans.tests.test_admin import existing_steps, plan_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def user_client(alice):
    alice.is_staff = True  # staff, but not an editor
    alice.save()
    client = Client()
    client.force_login(alice)
    return client


def cell(response, code, language, day):
    """The calendar cell's kind and plan link for one category, language and day."""
    html = response.content.decode()
    marker = f'data-day="{day:%Y-%m-%d}" data-category="{code}" data-language="{language}"'
    start = html.index(marker)
    td = html.rfind("<td", 0, start)
    return html[td : html.index("</td>", start)]


# Calendar


def test_the_calendar_shows_dated_rotated_fallback_and_empty_days(editor_client, category):
    today = timezone.localdate()
    templates = [make_plan(category=category, title=f"Template {n}") for n in range(2)]
    dated = make_plan(category=category, day=today + timedelta(days=2), title="Dated plan")
    russian = make_plan(category=category, language="ru", day=today, title="Русский план")
    empty = make_category("empty_one")

    answer = editor_client.get("/admin/plans/calendar/")

    assert answer.status_code == 200
    rotated = templates[today.toordinal() % 2]
    assert 'class="cell rotation"' in cell(answer, "personal_growth", "en", today)
    assert f"/admin/plans/plan/{rotated.pk}/change/" in cell(answer, "personal_growth", "en", today)
    assert f"/admin/plans/plan/{dated.pk}/change/" in cell(answer, "personal_growth", "en", today + timedelta(days=2))
    assert 'class="cell dated"' in cell(answer, "personal_growth", "ru", today)
    assert russian.title in cell(answer, "personal_growth", "ru", today)
    assert 'class="cell fallback"' in cell(answer, "personal_growth", "es", today)
    assert 'class="cell empty"' in cell(answer, empty.code, "en", today)
    assert "copy here" in cell(answer, empty.code, "en", today)
    assert answer.content.decode().count("<th class=") >= 28


def test_the_calendar_moves_filters_and_clamps(editor_client, category):
    answer = editor_client.get("/admin/plans/calendar/?start=2026-07-01&days=7&category=personal_growth&language=ru")

    assert answer.status_code == 200
    assert "?start=2026-06-24" in answer.content.decode() and "start=2026-07-08" in answer.content.decode()
    assert answer.content.decode().count('data-language="ru"') == 7
    assert 'data-language="en"' not in answer.content.decode()


@pytest.mark.parametrize("query", ["start=abc", "days=100000", "days=-3", "category=nope", "language=xx", "start=%00"])
def test_bad_calendar_parameters_are_a_form_error_not_a_500(editor_client, category, query):
    answer = editor_client.get(f"/admin/plans/calendar/?{query}")

    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert "errornote" in answer.content.decode()


def test_the_calendar_renders_in_a_bounded_number_of_queries(editor_client, django_assert_max_num_queries):
    categories = [make_category(f"category_{n}") for n in range(8)]
    for category in categories:
        for language in ("en", "ru", "es"):
            make_plan(category=category, language=language, steps=1, items=0)
            make_plan(
                category=category, language=language, day=timezone.localdate() + timedelta(days=3), steps=1, items=0
            )

    with django_assert_max_num_queries(10):
        answer = editor_client.get("/admin/plans/calendar/?days=28")

    assert answer.status_code == 200


def test_creating_a_plan_for_a_day_starts_a_dated_plan(editor_client, category):
    answer = editor_client.get(f"/admin/plans/plan/add/?category={category.pk}&language=ru&plan_date=2026-07-01")

    form = answer.context["adminform"].form
    assert form.initial["plan_date"] == "2026-07-01" and form.initial["is_template"] is False


def test_copying_a_plan_to_an_empty_day(editor_client, category):
    template = make_plan(category=category, title="Template to copy")
    day = timezone.localdate() + timedelta(days=5)

    page = editor_client.get(f"/admin/plans/calendar/copy/?category=personal_growth&language=en&day={day}")
    assert page.status_code == 200 and "Template to copy" in page.content.decode()
    done = editor_client.post(
        f"/admin/plans/calendar/copy/?category=personal_growth&language=en&day={day}", {"plan": template.pk}
    )

    assert done.status_code == 302
    copy = Plan.objects.get(plan_date=day, is_template=False)
    assert copy.title == "Template to copy" and copy.steps.count() == 3
    again = editor_client.post(
        f"/admin/plans/calendar/copy/?category=personal_growth&language=en&day={day}",
        {"plan": template.pk},
        follow=True,
    )
    assert "already has an active" in again.content.decode()


def test_studio_pages_are_for_editors(user_client, api_client, category):
    plan = make_plan(category=category)
    for path in ("/admin/plans/calendar/", "/admin/insights/", f"/admin/plans/plan/{plan.pk}/preview/"):
        assert user_client.get(path).status_code == 403, path
        assert api_client.get(path).status_code == 302, path  # to the login page


# History and restore


def test_every_save_records_a_version_and_an_earlier_one_can_be_restored(editor_client, category, api_client):
    plan = make_plan(category=category, title="Original title", steps=2, items=1)
    editor_client.post(
        f"/admin/plans/plan/{plan.pk}/change/",
        plan_form(category, existing_steps(plan), plan=plan, title="Original title"),
    )
    steps = existing_steps(plan)
    steps[0]["text_en"] = "Edited step text"
    steps[1]["DELETE"] = True
    edit = editor_client.post(
        f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, steps, plan=plan, title="Edited title")
    )
    assert edit.status_code == 302
    assert plan.steps.count() == 1
    assert api_client.get(f"/api/plans/{plan.pk}").json()["data"]["title"] == "Edited title"

    history = editor_client.get(f"/admin/plans/plan/{plan.pk}/history/")
    assert history.status_code == 200
    versions = history.context["versions"]
    assert len(versions) == 2
    summary = " ".join(versions[0].summary)
    assert "title changed" in summary and "Step 1: text_en changed" in summary and "Step 2 removed" in summary
    assert versions[0].revision.user.email == "editor@example.com"

    restored = editor_client.post(f"/admin/plans/plan/{plan.pk}/history/{versions[1].version.pk}/restore/")

    assert restored.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Original title"
    assert list(plan.steps.values_list("step_order", "text_en")) == [(1, "Step 1: watch"), (2, "Step 2: like")]
    assert plan.steps.get(step_order=2).items.count() == 1
    served = api_client.get(f"/api/plans/{plan.pk}").json()["data"]
    assert served["title"] == "Original title" and len(served["steps"]) == 2


def test_restoring_a_version_of_a_deleted_plan_is_refused(editor_client, category):
    plan = make_plan(category=category)
    editor_client.post(
        f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, existing_steps(plan), plan=plan, title="Saved")
    )
    from reversion.models import Version

    version = Version.objects.get_for_object(plan).first()
    plan_id = plan.pk
    plan.delete()

    answer = editor_client.post(f"/admin/plans/plan/{plan_id}/history/{version.pk}/restore/", follow=True)

    assert "was deleted" in answer.content.decode()
    assert not Plan.objects.filter(pk=plan_id).exists()


def test_unknown_plans_and_versions_are_404(editor_client, category):
    plan = make_plan(category=category)
    assert editor_client.get("/admin/plans/plan/999999/history/").status_code in (302, 404)
    assert editor_client.post(f"/admin/plans/plan/{plan.pk}/history/999999/restore/").status_code == 404
    assert editor_client.get("/admin/plans/plan/999999/preview/").status_code == 404
    assert editor_client.get(f"/admin/plans/plan/{plan.pk}/history/1/restore/").status_code == 405


# Preview


def test_the_preview_shows_the_plan_as_the_app_does_with_fallbacks_marked(editor_client, category):
    plan = make_plan(
        category=category, day=timezone.localdate() + timedelta(days=30), is_active=False, steps=2, items=1
    )
    PlanStep.objects.filter(plan=plan, step_order=2).update(text_ru="")

    answer = editor_client.get(f"/admin/plans/plan/{plan.pk}/preview/?language=ru")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Шаг 1" in html and "Step 2: like" in html
    assert html.count('class="fallback"') == 1
    assert "inactive" in html and "@creator0" in html and "tiktok.com/@creator0/video/" in html
    assert "Личностный рост" in html
    assert (
        f"/admin/plans/plan/{plan.pk}/preview/"
        in editor_client.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()
    )


def test_the_admin_index_links_the_studio(editor_client):
    html = editor_client.get("/admin/").content.decode()

    assert "/admin/plans/calendar/" in html and "/admin/insights/" in html
    assert "/admin/plans/calendar/" in editor_client.get("/admin/plans/plan/").content.decode()
