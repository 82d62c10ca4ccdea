"""The editors' admin: authoring, validation, reordering, actions and permissions."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from conftest import make_category, make_plan
from plans.models import Plan, PlanStep, StepItem

# These tests read "today": the clock is frozen at noon of a fixed day (conftest.frozen_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

DAY = date(2026, 12, 24)


def plan_form(category, steps, *, plan=None, title="Authored plan", **fields):
    """Return the POST data of the plan page: the plan, its steps and each step's items."""
    data = {
        "title": title,
        "category": category.pk,
        "language": "en",
        "is_template": "on",
        "plan_date": "",
        "is_active": "on",
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": sum(1 for step in steps if step.get("id")),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for i, step in enumerate(steps):
        prefix = f"steps-{i}"
        items = step.get("items", [])
        data.update(
            {
                f"{prefix}-id": step.get("id", ""),
                f"{prefix}-plan": plan.pk if plan else "",
                f"{prefix}-step_order": step.get("step_order", i),
                f"{prefix}-action_type": step.get("action_type", "watch"),
                f"{prefix}-duration_minutes": 5,
                f"{prefix}-text_en": step.get("text_en", f"Step {i}"),
                f"{prefix}-text_ru": "",
                f"{prefix}-text_es": "",
                f"{prefix}-items-TOTAL_FORMS": len(items),
                f"{prefix}-items-INITIAL_FORMS": sum(1 for item in items if item.get("id")),
                f"{prefix}-items-MIN_NUM_FORMS": 0,
                f"{prefix}-items-MAX_NUM_FORMS": 1000,
            }
        )
        if step.get("DELETE"):
            data[f"{prefix}-DELETE"] = "on"
        for j, item in enumerate(items):
            item_prefix = f"{prefix}-items-{j}"
            data.update(
                {
                    f"{item_prefix}-id": item.get("id", ""),
                    f"{item_prefix}-plan_step": step.get("id", ""),
                    f"{item_prefix}-position": j,
                    f"{item_prefix}-library_video": item.get("library_video", ""),
                    f"{item_prefix}-video_url": item.get("video_url", ""),
                    f"{item_prefix}-title": item.get("title", ""),
                    f"{item_prefix}-thumbnail_url": item.get("thumbnail_url", ""),
                    f"{item_prefix}-engagement_score": "",
                    f"{item_prefix}-reason_text": "",
                }
            )
    return data


def existing_steps(plan):
    return [
        {
            "id": step.pk,
            "step_order": step.step_order,
            "action_type": step.action_type,
            "text_en": step.text_en,
            "items": [{"id": item.pk, "video_url": item.video_url, "title": item.title} for item in step.items.all()],
        }
        for step in plan.steps.all()
    ]


def test_an_editor_authors_a_plan_with_steps_and_items_on_one_page(editor_client, category):
    steps = [
        {
            "action_type": "watch",
            "text_en": "Watch these",
            "items": [
                {"video_url": "https://www.tiktok.com/@calm.creator/video/7311111111111111111?lang=en"},
                {"video_url": "https://www.tiktok.com/@second_one/video/7322222222222222222", "title": "Two"},
            ],
        },
        {"action_type": "follow", "text_en": "Follow them", "items": []},
    ]

    response = editor_client.post("/admin/plans/plan/add/", plan_form(category, steps))

    assert response.status_code == 302, response.context and response.context["errors"]
    plan = Plan.objects.get(title="Authored plan")
    assert [(s.step_order, s.action_type) for s in plan.steps.all()] == [(1, "watch"), (2, "follow")]
    items = list(plan.steps.get(step_order=1).items.all())
    assert [(i.creator_username, i.video_id) for i in items] == [
        ("calm.creator", "7311111111111111111"),
        ("second_one", "7322222222222222222"),
    ]
    assert items[0].video_url == "https://www.tiktok.com/@calm.creator/video/7311111111111111111"


def test_a_url_that_is_not_a_tiktok_video_is_a_clear_form_error(editor_client, category):
    steps = [{"items": [{"video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}]}]

    response = editor_client.post("/admin/plans/plan/add/", plan_form(category, steps))

    assert response.status_code == 200
    assert "Enter the address of a TikTok video" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_second_active_plan_for_the_same_day_is_a_form_error(editor_client, category):
    make_plan(category=category, day=DAY)
    data = plan_form(category, [], is_template="", plan_date=DAY.isoformat())
    del data["is_template"]

    response = editor_client.post("/admin/plans/plan/add/", data)

    assert response.status_code == 200
    assert "already an active plan for this category, date and language" in response.content.decode()


def test_steps_can_swap_places(editor_client, category):
    plan = make_plan(category=category, steps=3, items=1)
    first, second, third = plan.steps.all()
    steps = existing_steps(plan)
    steps[0]["step_order"], steps[1]["step_order"] = 2, 1

    response = editor_client.post(f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, steps, plan=plan))

    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(plan.steps.values_list("pk", flat=True)) == [second.pk, first.pk, third.pk]
    assert list(plan.steps.values_list("step_order", flat=True)) == [1, 2, 3]


def test_removing_a_step_renumbers_the_rest(editor_client, category):
    plan = make_plan(category=category, steps=3, items=1)
    steps = existing_steps(plan)
    steps[0]["DELETE"] = True

    response = editor_client.post(f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, steps, plan=plan))

    assert response.status_code == 302
    assert list(plan.steps.values_list("step_order", "text_en")) == [(1, "Step 2: like"), (2, "Step 3: follow")]


def test_what_an_editor_saves_is_served_on_the_next_request(editor_client, api_client, category):
    plan = make_plan(category=category, steps=1, items=1)
    assert api_client.get("/api/plan").json()["data"]["steps"][0]["text"] == "Step 1: watch"
    steps = existing_steps(plan)
    steps[0]["text_en"] = "Freshly edited"

    editor_client.post(f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, steps, plan=plan, title="New"))

    served = api_client.get("/api/plan").json()["data"]
    assert served["title"] == "New"
    assert served["steps"][0]["text"] == "Freshly edited"


def test_reordering_in_the_admin_shows_in_the_api(editor_client, api_client, category):
    plan = make_plan(category=category, steps=2, items=0)
    api_client.get("/api/plan")
    steps = existing_steps(plan)
    steps[0]["step_order"], steps[1]["step_order"] = 2, 1

    editor_client.post(f"/admin/plans/plan/{plan.pk}/change/", plan_form(category, steps, plan=plan))

    texts = [step["text"] for step in api_client.get("/api/plan").json()["data"]["steps"]]
    assert texts == ["Step 2: like", "Step 1: watch"]


def test_copy_to_date_asks_for_a_date_then_copies_steps_and_items(editor_client, category):
    plan = make_plan(category=category, steps=2, items=3)

    form = editor_client.post("/admin/plans/plan/", {"action": "copy_to_date", "_selected_action": [plan.pk]})
    assert form.status_code == 200
    assert b"Copy to date" in form.content

    response = editor_client.post(
        "/admin/plans/plan/",
        {"action": "copy_to_date", "_selected_action": [plan.pk], "apply": "Copy", "day": DAY.isoformat()},
        follow=True,
    )

    copy = Plan.objects.get(plan_date=DAY)
    assert not copy.is_template and copy.is_active
    assert copy.steps.count() == 2
    assert StepItem.objects.filter(plan_step__plan=copy).count() == 6
    assert "Copied" in str(next(iter(get_messages(response.wsgi_request))))


def test_copying_onto_a_taken_day_is_a_message_not_a_crash(editor_client, category):
    plan = make_plan(category=category, steps=1)
    make_plan(category=category, day=DAY, title="Already there")

    response = editor_client.post(
        "/admin/plans/plan/",
        {"action": "copy_to_date", "_selected_action": [plan.pk], "apply": "Copy", "day": DAY.isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("already has an active English plan on 2026-12-24" in message for message in messages)
    assert Plan.objects.filter(plan_date=DAY).count() == 1


def test_activate_and_deactivate_actions(editor_client, category):
    first = make_plan(category=category, day=DAY, is_active=False, title="First")
    second = make_plan(category=category, day=DAY, is_active=False, title="Second")

    editor_client.post("/admin/plans/plan/", {"action": "activate", "_selected_action": [first.pk, second.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert [first.is_active, second.is_active].count(True) == 1
    editor_client.post("/admin/plans/plan/", {"action": "deactivate", "_selected_action": [first.pk, second.pk]})
    assert not Plan.objects.filter(is_active=True).exists()


def test_plan_list_filters_searches_and_counts(editor_client, category):
    other = make_category("wellness")
    make_plan(category=category, title="Morning focus", steps=2, items=2)
    make_plan(category=other, title="Evening calm", steps=1, items=1)

    by_text = editor_client.get("/admin/plans/plan/?q=Step+2")
    by_category = editor_client.get(f"/admin/plans/plan/?category__id__exact={other.pk}")
    dated = editor_client.get("/admin/plans/plan/?is_template__exact=0")

    assert by_text.status_code == 200 and b"Morning focus" in by_text.content
    assert b"Evening calm" not in by_text.content
    assert b"Evening calm" in by_category.content and b"Morning focus" not in by_category.content
    assert b"Morning focus" not in dated.content
    assert list(by_text.context["cl"].result_list.values_list("steps_count", "items_count")) == [(2, 4)]


def test_item_list_searches_by_creator_and_shows_thumbnails(editor_client, category):
    make_plan(category=category, steps=1, items=2)

    response = editor_client.get("/admin/plans/stepitem/?q=creator1")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert b'<img src="https://p16-sign.tiktokcdn.com/demo/' in response.content


def test_category_list_edits_order_and_flags_in_place(editor_client, category):
    response = editor_client.get("/admin/catalog/category/")

    assert response.status_code == 200
    assert b'name="form-0-display_order"' in response.content
    assert b'name="form-0-is_active"' in response.content


def test_the_plan_page_shows_step_texts_side_by_side_and_item_thumbnails(editor_client, category):
    plan = make_plan(category=category, steps=1, items=1)

    response = editor_client.get(f"/admin/plans/plan/{plan.pk}/change/")

    html = response.content.decode()
    assert 'name="steps-0-text_ru"' in html and 'name="steps-0-text_es"' in html
    assert 'name="steps-0-items-0-video_url"' in html
    assert '<img src="https://p16-sign.tiktokcdn.com/demo/' in html


def test_an_editor_sees_content_but_not_users_tokens_or_groups(editor_client):
    index = editor_client.get("/admin/")

    assert index.status_code == 200
    html = index.content.decode()
    assert "/admin/plans/plan/" in html and "/admin/catalog/category/" in html
    assert "/admin/accounts/user/" not in html and "/admin/auth/group/" not in html
    assert "token_blacklist" not in html and "/admin/progress/" not in html
    assert editor_client.get("/admin/accounts/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    assert editor_client.get("/admin/token_blacklist/outstandingtoken/").status_code == 403


def test_a_user_who_is_not_staff_cannot_enter_the_admin(alice):
    client = Client()
    client.force_login(alice)

    response = client.get("/admin/plans/plan/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_admin_index_counts_are_not_run_per_plan(editor_client, category, django_assert_max_num_queries):
    for n in range(15):
        make_plan(category=category, title=f"Plan {n}", steps=2, items=2)

    with django_assert_max_num_queries(12):
        response = editor_client.get("/admin/plans/plan/")

    assert response.status_code == 200


def test_today_is_the_default_copy_date_plus_one(editor_client, category):
    plan = make_plan(category=category, steps=1)

    response = editor_client.post("/admin/plans/plan/", {"action": "copy_to_date", "_selected_action": [plan.pk]})

    tomorrow = timezone.localdate().toordinal() + 1
    assert date.fromordinal(tomorrow).isoformat() in response.content.decode()


def test_editors_can_add_steps_directly_only_through_plans(editor_client):
    assert PlanStep._meta.app_label == "plans"
    assert editor_client.get("/admin/plans/planstep/").status_code == 404


def test_an_action_posted_with_junk_ids_is_a_bad_request_not_an_error(editor_client, category):
    make_plan(category=category)

    answer = editor_client.post(
        "/admin/plans/plan/", {"action": "deactivate", "_selected_action": ["abc"], "index": "0"}
    )

    assert answer.status_code == 400


@pytest.mark.parametrize("query", ["language__exact=%00", "q=%00", "%00=1"])
def test_a_nul_character_in_a_list_filter_is_a_bad_request(editor_client, category, query):
    assert editor_client.get(f"/admin/plans/plan/?{query}").status_code == 400
