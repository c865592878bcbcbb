"""Everyday tasks with visible buttons only, counted (issue 21).

Each journey clicks only buttons and links in sight (never a "⋯" menu or the ˄ of the save
button), counts its clicks from where the task starts, and prints the counts: 改派 and 销号 at
most three from the case file, a leader's approval at most three from the dashboard. Every
irreversible step opens a dialog saying what will happen before anything is done.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, login
from .test_accessibility import describe, serious_violations

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
SCHOOL_A = "朝阳小学（演示A校）"


class Clicks:
    """Clicks a journey makes, counted per task."""

    def __init__(self, task):
        self.task = task
        self.count = 0

    def __call__(self, locator):
        expect(locator).to_be_visible()
        # A button that opens a dialog does nothing until Wagtail's scripts have run; a person
        # does not click within the page's first milliseconds, a script does.
        locator.page.wait_for_load_state("load")
        locator.click()
        self.count += 1

    def report(self, limit):
        print(f"\n[clicks] {self.task}: {self.count} (at most {limit})")
        assert self.count <= limit, f"{self.task} took {self.count} clicks"


def a_case(live_site, marker):
    """A new open dropout-risk case at school A, paired with teacher_a; its case file's path."""
    pk = live_site.python(
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from casework.models import Case, ChecklistItem, School, Student\n"
        "from casework.idnumbers import check_digit\n"
        f"school = School.unscoped.get(name='{SCHOOL_A}')\n"
        "n = Student.unscoped.count() + 7000\n"
        "body = f'64020220120305{n % 500 * 2 + 1:03d}'\n"
        f"s = Student.unscoped.create(school=school, name='{marker}', gender='M', "
        "birth_date=datetime.date(2012, 3, 5), id_number=body + check_digit(body))\n"
        "t = get_user_model().objects.get(username='teacher_a')\n"
        "c = Case.unscoped.create(student=s, concern='dropout_risk', teacher=t, summary='浏览器测试', "
        "checklist_item=ChecklistItem.objects.get(number=3), "
        "next_visit_due=datetime.date.today() - datetime.timedelta(days=2))\n"
        "print(c.pk)"
    )
    return f"/admin/snippets/casework/case/inspect/{pk}/"


def first_panel(page):
    return page.locator("main .w-panel").first


def test_reassign_and_close_off_from_the_case_file_in_three_clicks_each(page, live_site, shot):
    marker = f"结对测试{uuid.uuid4().hex[:4]}"
    case_file = a_case(live_site, marker)

    # The school manager, on a phone: 待办事项 first, the new case's visit overdue in red.
    page.set_viewport_size(PHONE)
    login(page, "manager_a")
    expect(first_panel(page)).to_have_attribute("id", "casework-todo-section")
    expect(first_panel(page)).to_contain_text("待办事项")
    shot(page, "manager-dashboard-375")
    page.set_viewport_size(WIDE)
    shot(page, "manager-dashboard-1400")
    page.set_viewport_size(PHONE)

    # 改派: the header button, the teacher, the button.
    page.goto(case_file)
    shot(page, "case-file-375")
    click = Clicks("改派 from the case file")
    click(page.locator("header").get_by_role("link", name="改派", exact=True))
    page.wait_for_url(re.compile(r"/case/reassign/\d+/$"))
    shot(page, "reassign-375")
    assert not (found := serious_violations(page)), describe(found)
    click(page.get_by_label("王校长"))
    click(page.locator("main").get_by_role("button", name="改派", exact=True))
    page.wait_for_url(re.compile(re.escape(case_file) + "$"))
    expect(page.locator(".messages")).to_contain_text(f"已改派：王校长 现为 {marker} 的结对教师")
    expect(page.locator(".case-file__case")).to_contain_text("王校长")
    click.report(3)

    # 申请销号: the header button, the reason and what was verified typed, the button.
    click = Clicks("申请销号 from the case file")
    click(page.locator("header").get_by_role("link", name="申请销号", exact=True))
    page.fill("#id_reason", "已复学")
    page.fill("#id_verification", "到校核实")
    click(page.get_by_role("button", name="确认申请销号"))
    page.wait_for_url(re.compile(re.escape(case_file) + "$"))
    expect(page.locator(".case-file__case")).to_contain_text("待核验销号")
    click.report(3)
    page.context.clear_cookies()

    # 销号 by the responsible office: the header button, the verify button, the dialog's confirm.
    page.set_viewport_size(DESKTOP)
    login(page, "office")
    expect(first_panel(page)).to_contain_text(f"核验销号：{marker}（第3项）")
    page.goto(case_file)
    click = Clicks("销号 from the case file")
    click(page.locator("header").get_by_role("link", name="核验销号", exact=True))
    click(page.get_by_role("button", name="确认核验通过，销号"))
    dialog = page.locator("#cw-confirm-verify")
    expect(dialog).to_contain_text("核验通过后即为已销号，不再计入在办。确认销号？")
    shot(page, "verify-asks-first")
    assert not (found := serious_violations(page)), describe(found)
    # Nothing is done before the confirmation.
    state = f"from casework.models import Case; print(Case.unscoped.get(student__name='{marker}').status)"
    assert live_site.python(state) == "pending"
    click(dialog.get_by_role("button", name="确认销号"))
    expect(page.locator(".messages")).to_contain_text("核验通过，已销号")
    click.report(3)
    assert live_site.python(state) == "closed"


def test_a_leader_approves_the_month_from_the_dashboard_in_two_clicks(page, live_site, shot):
    # A month of its own, so the monthly journey's month is left alone.
    pk = live_site.python(
        "import datetime\n"
        "from casework.models import MonthlyReport\n"
        "r = MonthlyReport.unscoped.filter(month=datetime.date(2025, 1, 1)).first() "
        "or MonthlyReport.draft(datetime.date(2025, 1, 1))\n"
        "print(r.pk, r.live, r.workflow_in_progress)"
    ).split()
    if pk[1] == "True" or pk[2] == "True":
        pytest.skip("January 2025 was already reviewed on this site")
    title = "2025年1月挂牌督战责任清单"

    # The office: 提交审核 in the header asks first.
    login(page, "office")
    expect(first_panel(page)).to_contain_text("待办事项")
    todo = first_panel(page).locator("li", has_text=f"填写{title}")
    click = Clicks("提交审核 from the dashboard")
    click(todo.get_by_role("link"))
    click(page.locator("header").get_by_role("button", name="提交审核"))
    dialog = page.locator("#cw-confirm-submit")
    expect(dialog).to_contain_text("提交后由各责任领导审核，审核期间本月清单不可修改。确认提交？")
    shot(page, "submit-asks-first")
    click(dialog.get_by_role("button", name="确认提交"))
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    click.report(3)
    row = page.locator("main table tbody tr", has_text=title)
    expect(row).to_contain_text(re.compile("待(万东旺|吕志武)、(万东旺|吕志武)审核"))
    page.context.clear_cookies()

    for username, left in (("leader_lv", "待万东旺审核"), ("leader_wan", None)):
        login(page, username)
        item = first_panel(page).locator("li", has_text=f"审核{title}中您负责的各项")
        expect(item).to_contain_text("截止2025年1月25日")
        expect(item.locator(".cw-todo__late")).to_have_text("逾期")
        click = Clicks(f"{username}'s approval from the dashboard")
        click(item.get_by_role("link", name="审核"))
        page.wait_for_url(re.compile(r"/monthlyreport/\d+/review/$"))
        expect(page.get_by_label("审核意见")).to_be_visible()
        expect(page.locator("footer .action-save")).to_have_count(0)  # no edit form
        if username == "leader_lv":
            shot(page, "review-1400")
            assert not (found := serious_violations(page)), describe(found)
            page.set_viewport_size(PHONE)
            shot(page, "review-375")
            page.set_viewport_size(DESKTOP)
        page.get_by_label("审核意见").fill("同意。")
        click(page.get_by_role("button", name="同意", exact=True))
        page.wait_for_url(re.compile(r"/admin/$"))
        expect(page.locator(".messages")).to_contain_text("已同意")
        if left:
            expect(page.locator(".messages")).to_contain_text(left)
        click.report(3)
        page.context.clear_cookies()
    state = f"from casework.models import MonthlyReport; print(MonthlyReport.unscoped.get(pk={pk[0]}).live)"
    assert live_site.python(state) == "True"


def test_the_weekly_report_is_filed_from_the_to_do_and_asks_first(page, live_site, shot):
    page.set_viewport_size(PHONE)
    login(page, "manager_a")
    item = first_panel(page).locator("li", has_text=re.compile(r"报送\d{4}年第\d+周"))
    if not item.count():
        pytest.skip("this week's report was already filed on this site")
    click = Clicks("报送 from the dashboard")
    click(item.last.get_by_role("link"))
    click(page.locator("main").get_by_role("button", name="报送", exact=True))
    dialog = page.locator("#cw-confirm-weekly")
    expect(dialog).to_contain_text("报送后本周报告不可修改，确认？")
    shot(page, "weekly-asks-first-375")
    click(dialog.get_by_role("button", name="确认报送"))
    expect(page.locator(".messages")).to_contain_text("已报送")
    click.report(3)


def test_the_case_list_exports_to_excel_from_a_visible_button(page, live_site):
    login(page, "office")
    page.goto("/admin/snippets/casework/case/")
    button = page.locator("header").get_by_role("link", name="导出Excel")
    expect(button).to_have_attribute("href", re.compile("export=xlsx"))
    click = Clicks("导出Excel from the case list")
    with page.expect_download() as download:
        click(button)
    assert download.value.suggested_filename.endswith(".xlsx")
    click.report(1)


@pytest.mark.parametrize("username", ["teacher_a", "office", "leader_lv"])
def test_the_to_do_comes_first_on_each_dashboard_at_both_widths(page, username, shot):
    login(page, username)
    for name, size in (("1400", WIDE), ("375", PHONE)):
        page.set_viewport_size(size)
        expect(first_panel(page)).to_have_attribute("id", "casework-todo-section")
        shot(page, f"{username}-dashboard-{name}")
    # Every item names its deadline or how long it waited, and has one link to do it.
    for item in first_panel(page).locator("li.cw-todo__item").all():
        expect(item.locator(".cw-todo__when")).to_contain_text(re.compile(r"\d{4}年\d+月\d+日"))
        expect(item.get_by_role("link")).to_have_count(1)
