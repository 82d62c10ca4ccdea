from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# Editors curate content: categories, plans, steps and video items, and nothing else.
EDITOR_MODELS = {"catalog": ["category"], "plans": ["plan", "planstep", "stepitem"]}
ACTIONS = ("add", "change", "delete", "view")


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for models in EDITOR_MODELS.values() for model in models for action in ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label__in=EDITOR_MODELS, codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
