"""Give the bureau roles the monthly report, and put it under the leaders' approval workflow."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here rather than read from casework.roles, so the migration keeps its meaning.
REPORT_PERMISSIONS = {
    "局科室": ["add_monthlyreport", "change_monthlyreport", "view_monthlyreport"],
    "责任领导": ["change_monthlyreport", "view_monthlyreport"],
}
WORKFLOW_NAME = "月度责任清单审核"
TASK_NAME = "责任领导审核"


def setup(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in REPORT_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
        )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    LeaderApprovalTask = apps.get_model("casework", "LeaderApprovalTask")

    task_type, _ = ContentType.objects.get_or_create(app_label="casework", model="leaderapprovaltask")
    report_type, _ = ContentType.objects.get_or_create(app_label="casework", model="monthlyreport")
    task = LeaderApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = LeaderApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.get_or_create(content_type=report_type, defaults={"workflow": workflow})


def teardown(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=REPORT_PERMISSIONS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="casework", codename__in=REPORT_PERMISSIONS[group.name]
            )
        )
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("casework", "LeaderApprovalTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_monthly_report"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(setup, teardown)]
