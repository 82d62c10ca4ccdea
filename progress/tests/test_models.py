import pytest
from django.db import IntegrityError, connection

from conftest import make_plan
from progress.models import UserProgress

pytestmark = pytest.mark.django_db


def test_a_user_completes_a_step_only_once(alice, category):
    step = make_plan(category=category, steps=1).steps.get()
    UserProgress.objects.create(user=alice, step=step)

    with pytest.raises(IntegrityError):
        UserProgress.objects.create(user=alice, step=step)


def test_two_users_may_complete_the_same_step(alice, bob, category):
    step = make_plan(category=category, steps=1).steps.get()

    UserProgress.objects.create(user=alice, step=step)
    UserProgress.objects.create(user=bob, step=step)

    assert UserProgress.objects.filter(step=step).count() == 2


def test_every_index_on_completions_is_needed():
    # Each completion writes every index: none may be a prefix of another, and lookups by user
    # (a user's progress, deleting a user) still find an index that begins with the user.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, UserProgress._meta.db_table)
    indexes = [tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]]

    for index in indexes:
        assert not [other for other in indexes if other != index and other[: len(index)] == index], index
    assert any(index[0] == "user_id" for index in indexes)
