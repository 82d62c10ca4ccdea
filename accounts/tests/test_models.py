import pytest
from django.core.management import call_command
from django.db import IntegrityError

from accounts.models import User, UserPreferences

pytestmark = pytest.mark.django_db


def test_a_new_user_gets_preferences_with_defaults():
    user = User.objects.create_user(email="new@example.com", password="x" * 12)

    preferences = UserPreferences.objects.get(user=user)
    assert preferences.dark_mode is True
    assert preferences.notifications_enabled is False
    assert preferences.has_completed_onboarding is False
    assert preferences.selected_goals == []


def test_a_guest_has_a_device_id_and_no_usable_password():
    guest = User.objects.create_user()

    assert len(guest.client_id) == 36
    assert guest.email is None
    assert guest.is_guest
    assert guest.language == "en"


def test_email_is_stored_lower_case_and_trimmed():
    user = User.objects.create_user(email="  Alice@Example.COM ", password="x" * 12)

    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_email_uniqueness_ignores_case():
    User.objects.create_user(email="alice@example.com", password="x" * 12)

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ALICE@example.com", password="x" * 12)


def test_the_database_rejects_a_case_variant_written_around_the_model():
    User.objects.create_user(email="alice@example.com")
    other = User.objects.create_user(email="other@example.com")

    with pytest.raises(IntegrityError):
        User.objects.filter(pk=other.pk).update(email="Alice@Example.com")


def test_many_guests_may_have_no_email():
    User.objects.create_user()
    User.objects.create_user()

    assert User.objects.filter(email__isnull=True).count() == 2


def test_createsuperuser_works_with_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")

    call_command("createsuperuser", "--noinput", email="Admin@Example.com", verbosity=0)

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a-long-admin-password")
    assert UserPreferences.objects.filter(user=admin).exists()


def test_create_editor_command_puts_a_staff_user_in_the_editors_group():
    call_command("create_editor", "ed@example.com", password="a-long-editor-password", verbosity=0)

    editor = User.objects.get(email="ed@example.com")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]


def test_the_editors_group_has_content_permissions_only():
    from django.contrib.auth.models import Group

    permissions = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", flat=True))

    assert permissions == {"catalog", "plans"}
