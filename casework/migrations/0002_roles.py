"""Create the five roles of PRODUCT.md as groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


# The group names and their casework permissions as they were when this migration was written.
EDITOR, TEACHER, MANAGER, OFFICE, LEADER = "网站编辑", "帮扶教师", "学校负责人", "局科室", "责任领导"
_CASE_DATA = ["student", "case", "homevisit", "supportrecord"]
_VIEW_ALL = [
    f"view_{m}" for m in [*_CASE_DATA, "finding", "school", "checklistitem", "checklistcategory"]
]

#: Django permissions (casework app) of each role; every role also gets access to the admin.
ROLES = {
    EDITOR: [],
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


EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
        )

    editor = Group.objects.get(name=EDITOR)
    root = Page.objects.filter(depth=1).first()
    if root:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editor,
                page=root,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
    collection = Collection.objects.filter(depth=1).first()
    if collection:
        for app_label, codename in EDITOR_MEDIA_PERMISSIONS:
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=editor, collection=collection, permission=permission
                )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("wagtailcore", "__latest__"),
        ("wagtailadmin", "__latest__"),
        ("wagtailimages", "__latest__"),
        ("wagtaildocs", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
