"""数据比对: bureau staff upload a messy school roll, read the refused rows and why, commit the rest."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests import workbooks as wb
from tests.factories import valid_id_number

from .conftest import login

pytestmark = pytest.mark.browser

SCHOOL = "朝阳小学（演示A校）"
BORN = datetime.date(2013, 9, 9)  # no demo child is born that day: these IDs are new to the site


def an_id(seq):
    return valid_id_number(BORN, seq=seq)


def messy_roster():
    """A school roll as a school office types it, with the mistakes the preview must catch.

    Returns the workbook's bytes and {row number: reason expected} for the refused rows.
    """
    header = ["序号", "学生姓名", "性别", "公民身份号码", "出生日期", "年级", "班级", "联系电话"]
    day, grade = "2013-09-09", "七年级"
    spaced_full_width = wb.full_width(an_id(1)[:6]) + " " + an_id(1)[6:]
    rows = [
        ["朝阳小学2026年秋季学期学籍花名册"] + [None] * 7,  # row 1, merged over the table
        header,  # row 2
        # rows 3-6 are accepted: full-width digits and a space in the ID, a lower-case x,
        # a space in the name, 2013年9月9日, a date cell, the grade in a merged cell (F5:F6),
        # no gender (read from the ID), a phone number stored as a number
        [1, "刘一帆", "男", spaced_full_width, day, grade, "1班", 13909520101],
        [
            2,
            "何 小 雨",
            "女",
            wb.id_ending_in_x(BORN, gender="女").lower(),
            "2013年9月9日",
            grade,
            "1班",
            None,
        ],
        [3, "高俊杰", "男", an_id(3), datetime.datetime(2013, 9, 9), None, "2班", None],
        [4, "林佳琪", None, an_id(4), None, grade, "2班", "0952-2012345"],
        # row 7: a wrong check digit
        [5, "罗文博", "男", wb.with_wrong_check_digit(an_id(5)), day, grade, "2班", None],
        [6, "梁思远", "男", "640202130909123", day, grade, "2班", None],  # row 8: 15 digits
        [7, None, "女", an_id(10), day, grade, "3班", None],  # row 9: no name
        [8, "刘一帆", "男", an_id(1), day, grade, "1班", None],  # row 10: row 3 again
        [9, "宋雅婷", "女", an_id(12), "2013-10-09", grade, "3班", None],  # row 11: wrong date
        [None] * 8,  # row 12: empty, skipped
        ["制表人：李老师    审核人：王校长"] + [None] * 7,  # row 13: a note, skipped
    ]
    refused = {
        7: "校验位错误",
        8: "15位旧身份证号",
        9: "姓名缺失",
        10: "与第3行重复",
        11: "出生日期与身份证号不符",
    }
    return wb.xlsx(rows, merges=["A1:H1", "F5:F6", "A13:H13"]), refused


def test_bureau_uploads_a_messy_roster_sees_the_refusals_and_commits(
    page, live_site, shot, tmp_path
):
    content, refused = messy_roster()
    path = tmp_path / "朝阳小学学籍花名册.xlsx"
    path.write_bytes(content)

    login(page, "office")
    page.goto("/admin/casework/imports/")
    page.get_by_role("link", name="上传名单").click()
    page.wait_for_url(re.compile(r"/admin/casework/imports/upload/$"))
    page.get_by_label("名单类型").select_option(label="学籍花名册")
    page.get_by_label("学校").select_option(label=SCHOOL)
    page.locator("input[type=file][name=file]").set_input_files(path)
    shot(page, "upload")
    page.get_by_role("button", name="上传并检查").click()

    # The preview: what was read, and every refused row with its column and reason in Chinese.
    page.wait_for_url(re.compile(r"/admin/casework/imports/\d+/$"))
    detail_url = page.url
    counts = page.locator(".casework-import-counts")
    expect(counts).to_contain_text(f"共读取9行：接受4行，拒绝{len(refused)}行。")
    expect(counts).to_contain_text("新增4")
    table = page.locator("table#rows")
    expect(table.locator("tbody tr")).to_have_count(len(refused))
    for number, reason in refused.items():
        expect(table.locator(f"tr[data-row='{number}']")).to_contain_text(reason)
    expect(table.locator("tr[data-row='7']")).to_contain_text("公民身份号码")
    expect(table.locator("tr[data-row='11']")).to_contain_text("出生日期")
    shot(page, "preview-refused-rows")

    # Nothing is written before the commit.
    names = "['刘一帆', '何小雨', '高俊杰', '林佳琪']"
    count_code = (
        "from casework.models import Student; "
        f"print(Student.unscoped.filter(name__in={names}, school__name='{SCHOOL}').count())"
    )
    assert live_site.python(count_code) == "0"

    # The commit asks first, saying it cannot be undone.
    page.get_by_role("button", name="提交已接受的4行").click()
    dialog = page.locator("#cw-confirm-commit")
    expect(dialog).to_contain_text("不能撤销。确认导入？")
    dialog.get_by_role("button", name="确认导入").click()
    page.wait_for_url(detail_url)
    expect(page.locator(".messages")).to_contain_text("已导入：新增4条，修改0条，0条已有记录。")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "committed")
    expect(counts).to_contain_text("已提交：新增4条")
    expect(page.get_by_role("button", name=re.compile("^提交已接受"))).to_have_count(0)
    shot(page, "committed")
    assert live_site.python(count_code) == "4"
