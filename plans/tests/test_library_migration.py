"""Moving every item's video into the library: nothing lost, the API's JSON byte for byte the same, reversible."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from catalog.models import Video
from conftest import make_plan
from fypfixer.content_cache import content_changed
from plans.models import PlanStep, StepItem

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_LIBRARY = [("plans", "0003_thumbnail_url_validator"), ("catalog", "0003_editors_see_followers_and_waitlists")]
ITEMS_UNLINKED = [("plans", "0004_items_reference_library_videos")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture(autouse=True)
def back_to_latest():
    """Whatever a test does, the schema ends where the rest of the suite expects it."""
    yield
    migrate(latest())


def served(client, paths) -> list[bytes]:
    content_changed()
    for cache in caches.all():
        cache.clear()
    answers = [client.get(path) for path in paths]
    assert all(answer.status_code == 200 for answer in answers)
    return [answer.content for answer in answers]


@pytest.fixture
def content(category):
    """Plans whose items share videos, some with their own titles and thumbnails, some without."""
    today = make_plan(category=category, day=timezone.localdate(), title="Today", steps=2, items=2)
    template = make_plan(category=category, title="Template", steps=1, items=0)
    step = template.steps.get()
    shared = today.steps.first().items.first()
    # The same video again: once with another title, once with none (and no thumbnail).
    StepItem.objects.create(plan_step=step, video_url=shared.video_url, title="Another title for it")
    StepItem.objects.create(plan_step=step, position=1, video_url=shared.video_url, title="", thumbnail_url="")
    return today, template


def test_existing_plans_serve_byte_identical_json_after_the_migration(api_client, content):
    today, template = content
    paths = [
        "/api/plan?category=personal_growth",
        f"/api/plans/{today.pk}",
        f"/api/plans/{template.pk}",
        "/api/plans?limit=20",
    ]
    items_before = sorted(
        StepItem.objects.values_list("pk", "video_url", "video_id", "creator_username", "title", "thumbnail_url")
    )
    # As things stood before the library: items unlinked, no library rows.
    migrate(ITEMS_UNLINKED)
    Video.objects.all().delete()
    before = served(api_client, paths)

    migrate(latest())

    assert served(api_client, paths) == before
    assert not StepItem.objects.filter(library_video__isnull=True).exists()
    assert Video.objects.count() == StepItem.objects.values("video_id").distinct().count()
    items_after = sorted(
        StepItem.objects.values_list("pk", "video_url", "video_id", "creator_username", "title", "thumbnail_url")
    )
    assert items_after == items_before


def test_the_library_takes_a_title_only_when_no_item_of_the_video_left_it_empty(content):
    today, _template = content
    shared_id = today.steps.first().items.first().video_id
    migrate(ITEMS_UNLINKED)
    Video.objects.all().delete()

    migrate(latest())

    assert Video.objects.get(tiktok_id=shared_id).title == ""
    alone = StepItem.objects.exclude(video_id=shared_id).first()
    assert Video.objects.get(tiktok_id=alone.video_id).title == alone.title


def test_the_migrations_go_back_to_before_the_library_and_forward_again(content):
    items = StepItem.objects.count()

    migrate(BEFORE_LIBRARY)
    tables = connection.introspection.table_names()
    assert "catalog_video" not in tables and "catalog_importjob" not in tables

    migrate(latest())
    assert StepItem.objects.count() == items
    assert PlanStep.objects.count() == 3
    assert not StepItem.objects.filter(library_video__isnull=True).exists()
