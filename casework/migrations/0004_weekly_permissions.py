"""Give the roles their permissions on the weekly dropout report and the 两清两明 figures."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here (roles.py WEEKLY_PERMISSIONS says the same) so that later edits do not rewrite history.
WEEKLY_PERMISSIONS = {
    "帮扶教师": ["view_weeklyreport", "view_termfigures"],
    "学校负责人": [
        "view_weeklyreport",
        "add_weeklyreport",
        "change_weeklyreport",
        "submit_weeklyreport",
        "view_termfigures",
        "add_termfigures",
        "change_termfigures",
    ],
    "局科室": ["view_weeklyreport", "view_termfigures"],
    "责任领导": ["view_weeklyreport", "view_termfigures"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; the roles need them now.
    app_config = apps.get_app_config("casework")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in WEEKLY_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in WEEKLY_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_weekly"), ("casework", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
