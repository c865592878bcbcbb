"""信息发布审核: a notice the web editor writes is public only after the office head and a leader."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, Workflow

from home.models import NoticeIndexPage, NoticePage
from tests import factories as f

TITLE = "关于开展冬季安全检查的通知"


@pytest.fixture
def people(seed):
    editor = f.make_user("web_editor", "editor", email="editor@example.cn")
    head = f.make_user("office_head", email="head@example.cn")
    head.groups.add(Group.objects.get(name="科室负责人"))
    leader = f.make_user("leader_lv", "leader", leader_name="吕志武", email="lv@example.cn")
    return {"editor": editor, "head": head, "leader": leader}


def notice_form(index, action):
    """The notice form as the admin posts it; ``action`` is the button pressed."""
    data = {
        "title": TITLE,
        "slug": "winter-safety",
        "issuer": "大武口区教育体育局",
        "document_number": "石大教体发〔2026〕50号",
        "signer": "",
        "issued_on": "2026-11-15",
        "recipients": "区属各中小学、幼儿园",
        "body": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"请认真开展冬季安全检查。","inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "disclosure": "此件公开发布",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    if action:
        data[action] = "1"
    return data


def write_notice(client, editor, action):
    client.force_login(editor)
    index = NoticeIndexPage.objects.get()
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("home", "noticepage", index.pk)),
        notice_form(index, action),
    )
    assert response.status_code in (200, 302), response.status_code
    return NoticePage.objects.filter(slug="winter-safety").first()


def act(client, user, notice, action="approve"):
    client.force_login(user)
    state = notice.current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(notice.pk, action, state.pk)),
        {"comment": ""},
    )


@pytest.mark.django_db
def test_the_review_workflow_covers_notices_with_two_steps(seed):
    notice = NoticePage.objects.get()
    workflow = notice.get_workflow()
    assert workflow.name == "信息发布审核"
    assert [t.name for t in workflow.tasks] == ["科室负责人审核", "责任领导审批"]
    assert [list(t.specific.groups.values_list("name", flat=True)) for t in workflow.tasks] == [
        ["科室负责人"],
        ["责任领导"],
    ]
    assert Workflow.objects.filter(name="信息发布审核").count() == 1


@pytest.mark.django_db
def test_an_editor_alone_cannot_publish_a_notice(people, client):
    editor = people["editor"]
    assert not NoticePage.objects.get().permissions_for_user(editor).can_publish()
    notice = write_notice(client, editor, "action-publish")
    assert notice is not None and not notice.live
    client.get("/")
    assert client.get("/tzgg/winter-safety/").status_code == 404
    # Nor by the publish view of an existing page.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(notice.pk,)), notice_form(None, "action-publish")
    )
    notice.refresh_from_db()
    assert not notice.live, response.status_code


@pytest.mark.django_db
def test_a_notice_goes_public_only_after_the_office_head_and_the_leader(people, client):
    notice = write_notice(client, people["editor"], "action-submit")
    assert notice.workflow_in_progress
    assert notice.current_workflow_task.name == "科室负责人审核"

    # The leader cannot act on the office head's step, nor the editor on either.
    for outsider in (people["leader"], people["editor"]):
        assert act(client, outsider, notice)["Location"] == "/admin/"  # permission denied
        notice.refresh_from_db()
        assert notice.current_workflow_task.name == "科室负责人审核"

    act(client, people["head"], notice)
    notice.refresh_from_db()
    assert not notice.live
    assert notice.current_workflow_task.name == "责任领导审批"
    act(client, people["head"], notice)
    notice.refresh_from_db()
    assert not notice.live and notice.current_workflow_task.name == "责任领导审批"
    client.logout()
    assert client.get("/tzgg/winter-safety/").status_code == 404

    act(client, people["leader"], notice)
    notice.refresh_from_db()
    assert notice.live
    assert not notice.workflow_in_progress
    client.logout()
    assert TITLE in client.get("/tzgg/winter-safety/").content.decode()
    for url in ("/tzgg/", "/sitemap.xml", "/feeds/notices.xml"):
        assert "/tzgg/winter-safety/" in client.get(url).content.decode(), url


@pytest.mark.django_db
def test_a_reviewer_can_send_it_back_and_it_stays_private(people, client):
    notice = write_notice(client, people["editor"], "action-submit")
    act(client, people["head"], notice, "reject")
    notice.refresh_from_db()
    assert not notice.live
    assert notice.current_workflow_state.status == "needs_changes"


@pytest.mark.django_db
def test_the_review_emails_are_in_chinese(people, client):
    mail.outbox.clear()
    notice = write_notice(client, people["editor"], "action-submit")
    to_head = [m for m in mail.outbox if "head@example.cn" in m.to]
    assert to_head, [m.to for m in mail.outbox]
    message = to_head[0]
    assert TITLE in message.subject
    assert "审核" in message.subject or "审核" in message.body
    mail.outbox.clear()
    act(client, people["head"], notice)
    to_leader = [m for m in mail.outbox if "lv@example.cn" in m.to]
    assert to_leader and TITLE in to_leader[0].subject
    mail.outbox.clear()
    act(client, people["leader"], notice)
    to_editor = [m for m in mail.outbox if "editor@example.cn" in m.to]
    assert to_editor and "批准" in to_editor[0].subject + to_editor[0].body


@pytest.mark.django_db
def test_reviewers_see_no_case_data(people, client):
    client.force_login(people["head"])
    response = client.get("/admin/")
    assert response.status_code == 200
    from casework.models import Case

    assert not Case.objects.exists() or "个案" not in response.content.decode()


@pytest.mark.django_db
def test_superuser_publishing_is_unchanged(seed, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "x")
    assert Page.objects.get(slug="plan").permissions_for_user(root).can_publish()
