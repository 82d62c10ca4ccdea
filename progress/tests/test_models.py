import pytest
from django.db import IntegrityError

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
