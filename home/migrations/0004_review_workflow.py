"""信息发布审核: what the web editor writes goes public only after the office head and a leader.

The three reviews of a Chinese government site (三审): the author (网站编辑) submits, the office
head (科室负责人) reviews, the responsible leader (责任领导, the group casework already has)
approves, and the approval publishes. The workflow is assigned to the root page so that it
covers every page of every site; its steps can be changed in the admin (设置 → 工作流).

The web editor keeps add and change but loses publish: otherwise the 发布 button would let them
skip the review. The leaders get publish because Wagtail publishes as the last approver.
The editors may fill in the site's footer (settings).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "网站编辑"
OFFICE_HEAD = "科室负责人"
LEADER = "责任领导"
WORKFLOW = "信息发布审核"
#: (task name, group), in order.
STEPS = [("科室负责人审核", OFFICE_HEAD), ("责任领导审批", LEADER)]
#: What a reviewer needs to open a page under review in the admin and see the explorer.
REVIEWER_PAGE_PERMISSIONS = ["change_page"]


def create_permissions_now(apps):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def setup(apps, schema_editor):
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    def page_permission(codename):
        return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    office_head, _ = Group.objects.get_or_create(name=OFFICE_HEAD)
    # casework's roles migration makes the leaders' group as well, by get_or_create too.
    leader, _ = Group.objects.get_or_create(name=LEADER)
    for group in (office_head, leader):
        group.permissions.add(access_admin)
    editor.permissions.add(
        Permission.objects.get(content_type__app_label="home", codename="change_governmentsitefooter")
    )

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    GroupPagePermission.objects.filter(
        group=editor, page=root, permission=page_permission("publish_page")
    ).delete()
    for group in (office_head, leader):
        for codename in REVIEWER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=page_permission(codename)
            )
    GroupPagePermission.objects.get_or_create(
        group=leader, page=root, permission=page_permission("publish_page")
    )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    groups = {OFFICE_HEAD: office_head, LEADER: leader}
    for order, (task_name, group_name) in enumerate(STEPS):
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(
                name=task_name, content_type=task_type, active=True
            )
        task.groups.add(groups[group_name])
        WorkflowTask.objects.get_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    # Replaces Wagtail's own "Moderators approval", which nobody here belongs to.
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def teardown(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")

    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name__in=[name for name, _ in STEPS]).delete()
    root = Page.objects.filter(depth=1).first()
    editor = Group.objects.filter(name=EDITOR).first()
    if root and editor:
        GroupPagePermission.objects.get_or_create(
            group=editor,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="publish_page"
            ),
        )
    GroupPagePermission.objects.filter(group__name=LEADER).delete()
    Group.objects.filter(name=OFFICE_HEAD).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_notice_index_attachments_footer"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(setup, teardown)]
