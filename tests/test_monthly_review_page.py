"""The monthly checklist in sight: 提交审核 asks first, a leader reviews on a read-only page."""

import pytest
from django.urls import reverse

from casework.models import MonthlyReport
from tests.monthly import MAY, rows_post_data, url
from tests.test_monthly_report import may, people, submit  # noqa: F401, F811 (fixtures)

pytestmark = pytest.mark.django_db

# ruff: noqa: F811 (the fixtures imported above are parameters below)


def header_of(page):
    return page[page.index("<header") : page.index("</header>")]


def test_submit_for_review_is_a_header_button_that_asks_first(client, people):
    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])
    page = client.get(url("edit", report.pk)).content.decode()
    header = header_of(page)
    # The header button only opens the dialog; the dialog's button submits.
    assert "提交审核" in header and 'data-a11y-dialog-show="cw-confirm-submit"' in header
    assert "提交后由各责任领导审核，审核期间本月清单不可修改。确认提交？" in page
    assert 'form="w-editor-form" name="action-submit"' in page

    response = client.post(
        url("edit", report.pk), rows_post_data(report, action="action-submit"), follow=True
    )
    page = response.content.decode()
    assert "已提交审核，待万东旺、吕志武审核" in page or "已提交审核，待吕志武、万东旺审核" in page
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.get_state_display() in ("待万东旺、吕志武审核", "待吕志武、万东旺审核")


def test_saving_a_draft_says_so_not_updated(client, people):
    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])
    response = client.post(url("edit", report.pk), rows_post_data(report), follow=True)
    page = response.content.decode()
    assert "已保存" in page and "草稿" in page and "已更新" not in page


def test_a_leader_approves_on_the_review_page_and_the_status_names_who_is_left(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    client.force_login(people["leader_lv"])
    page = client.get(url("review", report.pk)).content.decode()
    assert "审核意见" in page and "同意" in page and "退回" in page
    assert 'name="rows-0-problems_found"' not in page  # read-only, no edit form
    assert "保存草稿" not in page

    response = client.post(
        url("review", report.pk), {"action": "approve", "comment": "同意"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "待万东旺审核" in response.content.decode()
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.get_state_display() == "待万东旺审核"
    listing = client.get(url("list")).content.decode()
    assert "待万东旺审核" in listing

    # Done with their rows, 吕志武 has no action left; 万东旺's approval sends it on.
    assert "审核意见" not in client.get(url("review", report.pk)).content.decode()
    client.force_login(people["leader_wan"])
    client.post(url("review", report.pk), {"action": "approve", "comment": ""})
    assert MonthlyReport.objects.get(pk=report.pk).live


def test_returning_needs_a_comment_and_sends_the_report_back(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    client.force_login(people["leader_wan"])
    response = client.post(url("review", report.pk), {"action": "reject", "comment": ""})
    assert "请在审核意见中说明退回的理由" in response.content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).workflow_in_progress

    client.post(url("review", report.pk), {"action": "reject", "comment": "第3项数字不符"})
    report = MonthlyReport.objects.get(pk=report.pk)
    assert not report.workflow_in_progress and not report.live


@pytest.mark.parametrize("role", ["office", "leader_zhao"])
def test_who_is_not_a_pending_leader_cannot_act(client, people, role):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    client.force_login(people[role])
    response = client.post(url("review", report.pk), {"action": "approve"})
    assert response.status_code in (302, 403)
    assert MonthlyReport.objects.get(pk=report.pk).get_state_display().startswith("待")
    assert not MonthlyReport.objects.get(pk=report.pk).leader_approvals()


def test_a_leader_opening_the_edit_form_is_shown_the_way_to_the_review_page(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    client.force_login(people["leader_wan"])
    header = header_of(client.get(url("edit", report.pk)).content.decode())
    assert f'href="{url("review", report.pk)}"' in header and "审核" in header
    assert "提交审核" not in header  # already under review
