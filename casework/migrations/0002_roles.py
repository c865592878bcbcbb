"""Create the four casework roles as groups with their permissions (the web editor is home's)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


# The group names and their casework permissions as they were when this migration was written.
TEACHER, MANAGER, OFFICE, LEADER = "帮扶教师", "学校负责人", "局科室", "责任领导"
_CASE_DATA = ["student", "case", "homevisit", "supportrecord"]
_VIEW_ALL = [
    f"view_{m}" for m in [*_CASE_DATA, "finding", "school", "checklistitem", "checklistcategory"]
]

#: Django permissions (casework app) of each role; every role also gets access to the admin.
ROLES = {
    TEACHER: [
        *_VIEW_ALL,
        "add_student",
        "change_student",
        "add_case",
        "change_case",
        "add_homevisit",
        "add_supportrecord",
    ],
    MANAGER: [
        *_VIEW_ALL,
        *[f"{action}_{m}" for m in _CASE_DATA for action in ("add", "change", "delete")],
        "add_finding",
        "change_finding",
        "close_case",
        "assign_teacher",
    ],
    # Bureau offices open and close cases too: data comparison finds children district-wide,
    # and the plan has the offices supervise 对账销号. They do not delete.
    OFFICE: [
        *_VIEW_ALL,
        *[f"{action}_{m}" for m in _CASE_DATA for action in ("add", "change")],
        "close_case",
        "assign_teacher",
        "change_checklistitem",
        "add_finding",
        "change_finding",
        "export_personal_data",
    ],
    LEADER: [*_VIEW_ALL, "export_personal_data"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
