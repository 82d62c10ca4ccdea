"""PREPARED_SQL: on PostgreSQL the completion's statement is prepared once per connection."""

import pytest
from django.db import connection

from conftest import ON_POSTGRES, make_plan
from progress.models import UserProgress

pytestmark = [*ON_POSTGRES, pytest.mark.django_db]


def prepared_statements(beginning: str) -> list[str]:
    """The statements this database session holds prepared that begin so."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [beginning + "%"])
        return [statement for (statement,) in cursor.fetchall()]


def prepared_completions() -> list[str]:
    return prepared_statements('INSERT INTO "progress_userprogress"')


def complete_every_step(client, plan) -> list[int]:
    return [client.post(f"/api/plans/{plan.pk}/steps/{step.pk}/complete").status_code for step in plan.steps.all()]


def test_completions_run_one_prepared_statement(alice_client, alice, category):
    plan = make_plan(category=category, steps=4)

    assert complete_every_step(alice_client, plan) == [200] * 4

    assert len(prepared_completions()) == 1
    assert UserProgress.objects.filter(user=alice).count() == 4


def test_a_refused_completion_through_the_prepared_statement_is_still_refused(alice_client, alice, category):
    premium = make_plan(category=category, steps=1)
    category.is_premium = True
    category.save()

    response = alice_client.post(f"/api/plans/{premium.pk}/steps/{premium.steps.get().pk}/complete")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"
    assert not UserProgress.objects.filter(user=alice).exists()


def test_with_prepared_sql_off_nothing_is_prepared(alice_client, alice, category, settings):
    settings.PREPARED_SQL = False
    plan = make_plan(category=category, steps=2)

    assert complete_every_step(alice_client, plan) == [200] * 2

    assert prepared_completions() == []
    assert UserProgress.objects.filter(user=alice).count() == 2


def prepared_completed_steps_reads() -> list[str]:
    return prepared_statements('SELECT step_id FROM "progress_userprogress"')


def test_signed_in_plan_reads_prepare_the_completed_steps_query_once(alice_client, alice, category):
    plan = make_plan(category=category, steps=3)
    alice_client.post(f"/api/plans/{plan.pk}/steps/{plan.steps.first().pk}/complete")

    answers = [alice_client.get(f"/api/plans/{plan.pk}") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200] * 3
    assert [sum(step["completed"] for step in answer.json()["data"]["steps"]) for answer in answers] == [1] * 3
    assert len(prepared_completed_steps_reads()) == 1


def test_with_prepared_sql_off_plan_reads_prepare_nothing(alice_client, category, settings):
    settings.PREPARED_SQL = False
    plan = make_plan(category=category, steps=3)

    assert alice_client.get(f"/api/plans/{plan.pk}").status_code == 200
    assert prepared_completed_steps_reads() == []
