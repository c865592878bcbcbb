"""The month's checklist: the office fills its rows and submits, each leader approves theirs,
and the Excel sheet (attachment 2) holds what the office wrote."""

import re
import uuid

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser

LIST_URL = "/admin/snippets/casework/monthlyreport/"
#: The rows each demo account may write or approve (the seed's 责任科室 and 责任领导).
OFFICE_ROWS = {1, 3, 4}  # office: 基础教育室
LEADERS = {"leader_wan": {1, 3, 4}, "leader_lv": {2, 5, 6, 7}}
LEADER_NAMES = {"leader_wan": "万东旺", "leader_lv": "吕志武"}


def row_panel(page, number):
    """The edit form's panel of checklist row ``number`` (its heading reads "<n>. <title>")."""
    return page.locator("[data-inline-panel-child]").filter(
        has=page.locator(".help-block strong", has_text=re.compile(rf"^{number}\. "))
    )


def rectification(page, number):
    return row_panel(page, number).locator("textarea[name$='-rectification']")


def expect_writable_rows(page, writable):
    """The rows ``writable`` can be written in; every other row is read-only."""
    for number in range(1, 8):
        if number in writable:
            expect(rectification(page, number)).to_be_editable()
        else:
            expect(rectification(page, number)).to_be_disabled()


def test_office_fills_the_month_the_leaders_approve_and_excel_holds_it(
    page, live_site, shot, tmp_path
):
    marker = f"浏览器测试整改{uuid.uuid4().hex[:6]}"
    month = live_site.python(
        "from django.utils import timezone; print(timezone.localdate().strftime('%Y-%m'))"
    )
    year, month_number = (int(part) for part in month.split("-"))
    title = f"{year}年{month_number}月挂牌督战责任清单"

    # The office opens the month's report, creating it (only the month is asked) if needed.
    login(page, "office")
    page.goto(LIST_URL)
    report_link = page.locator("main").get_by_role("link", name=title)
    if report_link.count():
        report_link.click()
    else:
        page.get_by_role("link", name=re.compile("^添加")).first.click()
        page.fill("input[name=month]", month)
        page.locator("footer button.action-save").click()
    page.wait_for_url(re.compile(r"/monthlyreport/edit/\d+/$"))
    edit_url = page.url
    expect(page.locator("[data-inline-panel-child]")).to_have_count(7)

    # The office writes only the rows of its items; the others are read-only for it.
    expect_writable_rows(page, OFFICE_ROWS)
    rectification(page, 1).fill(f"已逐校核实线上学习条件，困难学生已配发学习终端。{marker}")

    # Submit for the leaders' review: the header's 提交审核 asks first, then Wagtail's workflow
    # "submit" saves the edit and starts the review.
    page.locator("header").get_by_role("button", name="提交审核").click()
    dialog = page.locator("#cw-confirm-submit")
    expect(dialog).to_contain_text("审核期间本月清单不可修改")
    dialog.get_by_role("button", name="确认提交").click()
    page.wait_for_url(re.compile(re.escape(LIST_URL) + "$"))
    expect(page.locator(".messages")).to_contain_text(title)
    # The state names who is still to approve.
    expect(page.locator("main table tbody tr", has_text=title)).to_contain_text(
        re.compile("待(万东旺|吕志武)、(万东旺|吕志武)审核")
    )
    page.context.clear_cookies()

    # Each leader approves their own rows, from the to-do of their 督战 panel on the dashboard,
    # on the read-only review page (their rows marked), with 同意.
    for username, rows in LEADERS.items():
        login(page, username)
        page.get_by_role("link", name=f"审核{title}中您负责的事项").click()
        page.wait_for_url(re.compile(r"/monthlyreport/\d+/review/$"))
        marked = page.locator("tr.cw-review__mine")
        expect(marked).to_have_count(len(rows))
        for number in rows:
            expect(page.locator(f"tr.cw-review__mine[data-row='{number}']")).to_have_count(1)
        page.get_by_role("button", name="同意", exact=True).click()
        page.wait_for_url(re.compile(r"/admin/$"))
        expect(page.locator(".messages")).to_contain_text(title)
        page.context.clear_cookies()

    # Approved: the month is published, and each row says which leader approved it.
    login(page, "office")
    page.goto(LIST_URL)
    row = page.locator("main table tbody tr", has_text=title)
    expect(row).to_contain_text("已审核")
    shot(page, "approved-in-the-list")
    page.goto(edit_url)
    for username, rows in LEADERS.items():
        for number in rows:
            expect(row_panel(page, number)).to_contain_text(f"{LEADER_NAMES[username]}已审核通过")
    expect(rectification(page, 1)).to_have_value(re.compile(marker))
    shot(page, "approved-report")

    # The Excel sheet (attachment 2), from the month's row in the list, holds the office's text.
    page.goto(LIST_URL)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载Excel").click()
    path = tmp_path / "checklist.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    texts = [str(c.value) for line in sheet.iter_rows() for c in line if c.value is not None]
    assert any(marker in text for text in texts), "the edited row is not in the Excel sheet"
    assert any(title.removesuffix("挂牌督战责任清单") in text for text in texts), texts[:5]
