"""Chinese names for what Wagtail's own migrations named in English.

Wagtail creates the root page and the root collection as "Root", the groups "Editors" and
"Moderators", and a task and a workflow "Moderators approval"; staff read these names in the page chooser, the collection list and the workflow screens. Only the
untouched English names are changed, so a name someone has edited stays as it is.
"""

from django.db import migrations

#: (app label, model, field, Wagtail's English name, the Chinese name)
NAMES = [
    ("wagtailcore", "Page", "title", "Root", "根目录"),
    ("wagtailcore", "Page", "draft_title", "Root", "根目录"),
    ("wagtailcore", "Collection", "name", "Root", "全部"),
    ("wagtailcore", "Task", "name", "Moderators approval", "审核员审核"),
    ("wagtailcore", "Workflow", "name", "Moderators approval", "审核员审核"),
    ("auth", "Group", "name", "Editors", "编辑"),
    ("auth", "Group", "name", "Moderators", "审核员"),
]


def rename(apps, schema_editor, reverse=False):
    for app_label, model, field, english, chinese in NAMES:
        old, new = (chinese, english) if reverse else (english, chinese)
        apps.get_model(app_label, model).objects.filter(**{field: old}).update(**{field: new})


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_review_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
