from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# Editors fill the library (pasting addresses, fixing details) and import the scraper's datasets.
GRANTED = ["add_video", "change_video", "view_video", "add_importjob", "view_importjob"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="catalog", codename__in=GRANTED))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="catalog", codename__in=GRANTED))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_import_jobs")]

    operations = [migrations.RunPython(grant, revoke)]
