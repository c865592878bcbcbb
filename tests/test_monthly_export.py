"""The monthly checklist as attachment 2 in Excel, and the quarterly and half-year summaries."""

import datetime
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from casework.models import MonthlyReport, MonthlyReportRow
from casework.monthly.workbook import monthly_workbook
from casework.people import display_name
from tests.monthly import MAY, may_data, url

pytestmark = pytest.mark.django_db

HEADERS = [
    "类别",
    "排查内容",
    "发现的问题",
    "整改情况",
    "整改时限",
    "责任领导",
    "责任科室",
    "落实单位",
    "备注",
]


@pytest.fixture
def report(two_schools):
    may_data(two_schools)
    return MonthlyReport.draft(MAY)


def sheet(data, index=0):
    return load_workbook(BytesIO(data)).worksheets[index]


def test_title_month_and_headers(report):
    ws = sheet(monthly_workbook(report))
    assert ws["A1"].value == settings.CASEWORK["CHECKLIST_TITLE"]
    assert ws["A2"].value == "填报月份：2020年5月 （草稿，尚未经责任领导审核）"
    assert [c.value for c in ws[3]] == HEADERS


def test_category_cells_are_merged_over_their_items_as_in_the_seed(report):
    ws = sheet(monthly_workbook(report))
    # Rows 4..10 are items 1..7: item 1 alone, items 2–4, items 5–6, item 7 alone; then the
    # closing note, the approvals and the 填报 line across the sheet.
    assert sorted(str(r) for r in ws.merged_cells.ranges) == sorted(
        ["A1:I1", "A2:I2", "A5:A7", "A8:A9", "A11:I11", "A12:I12", "A13:I13"]
    )
    assert ws["A4"].value.startswith("一、“查损补失” 重点查找新冠肺炎疫情")
    assert ws["A5"].value.startswith("二、“查漏补缺” 对照脱贫标准查找漏洞")
    assert ws["A8"].value.startswith("三、“查短补齐”")
    assert ws["A10"].value.startswith("四、“查弱补强”")
    assert ws["A6"].value is None and ws["A9"].value is None


def test_item_rows_hold_the_drafted_text_and_the_items_particulars(report):
    ws = sheet(monthly_workbook(report))
    assert ws["B4"].value.startswith("1. 重点排查新冠肺炎疫情对贫困群众子女上学")
    assert ws["B6"].value.startswith("3. 控辍保学情况。排查义务教育阶段适龄儿童")
    assert ws["B8"].value.startswith("5. 排查学校规划布局短板。排查农村小规模学校")
    assert ws["C6"].value == "本月新发现需关注学生2人（甲校2人）；截至月末仍在跟踪2人。"
    assert ws["D5"].value == "落实资助资金2300.00元，惠及2人（乙校800.00元、甲校1500.00元）。"
    assert ws["C8"].value.endswith("1. 乙校：教室照明不足\n2. 甲校：运动场地面破损")
    assert [ws[f"{col}4"].value for col in "EFGH"] == [
        "2020年2月底",
        "万东旺",
        "教研室 基础教育室",
        "各中小学",
    ]
    assert [ws[f"{col}10"].value for col in "EFGH"] == [
        "2020年5月底",
        "吕志武",
        "规划财务室 政工人事室 体卫艺室 教研室 信息中心",
        "各中小学幼儿园",
    ]
    assert ws["A11"].value == settings.CASEWORK["CHECKLIST_CLOSING_NOTE"]
    assert ws.max_row == 13


def test_print_setup_is_a4_landscape_with_the_title_and_header_rows_repeated(report):
    ws = sheet(monthly_workbook(report))
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$1:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws["C6"].alignment.wrap_text and ws["B4"].alignment.wrap_text
    assert ws.column_dimensions["B"].width == 26 and ws.column_dimensions["F"].width == 11.5


def test_text_a_spreadsheet_would_run_is_neutralised(report):
    MonthlyReportRow.objects.filter(report=report, number=3).update(remarks="=HYPERLINK(1)")
    ws = sheet(monthly_workbook(report))
    assert ws["I6"].value == "'=HYPERLINK(1)"


def test_the_download_is_the_sheet(client, two_schools, report):
    client.force_login(two_schools["users"]["office"])
    response = client.get(url("export", report.pk))
    assert "2020-05.xlsx" in response["Content-Disposition"]
    assert sheet(response.content)["C6"].value.startswith("本月新发现需关注学生2人")


def test_quarterly_summary_gathers_the_approved_months(client, two_schools, report):
    june = MonthlyReport.draft(datetime.date(2020, 6, 1))
    for month_report in (report, june):
        month_report.get_latest_revision().publish(skip_permission_checks=True)
    MonthlyReport.draft(datetime.date(2020, 4, 1))  # a draft: not part of the summary

    client.force_login(two_schools["users"]["leader_wan"])
    response = client.get(url("summary", 2020, "q2"))
    ws = sheet(response.content)
    assert ws["A2"].value == "2020年第二季度汇总（2020年4月至2020年6月）"
    assert [c.value for c in ws[3]] == HEADERS
    assert ws["C6"].value == (
        "【2020年4月】本月清单尚未经责任领导审核\n\n"
        "【2020年5月】本月新发现需关注学生2人（甲校2人）；截至月末仍在跟踪2人。\n\n"
        "【2020年6月】本月未发现新的需关注学生；截至月末仍在跟踪2人。"
    )
    assert sorted(str(r) for r in ws.merged_cells.ranges) == sorted(
        ["A1:I1", "A2:I2", "A5:A7", "A8:A9", "A11:I11", "A12:I12", "A13:I13", "A14:I14"]
    )
    # Each approved month's approvals, then who compiled it and when.
    assert ws["A12"].value.startswith("2020年5月：责任领导审核：第1项：")
    assert ws["A13"].value.startswith("2020年6月：责任领导审核：第1项：")
    compiler = display_name(two_schools["users"]["leader_wan"])
    assert ws["A14"].value.startswith("填报单位：") and f"填报人：{compiler}" in ws["A14"].value

    figures = sheet(response.content, 1)
    assert [c.value for c in figures[1]][:3] == ["事项", "月份", "本月新发现"]
    rows = {
        (r[0].value, r[1].value): [c.value for c in r[2:]] for r in figures.iter_rows(min_row=2)
    }
    assert rows[("3. 控辍保学情况", "2020年5月")] == [2, 2, 1, 3, 2, 800.0]
    assert ("3. 控辍保学情况", "2020年4月") not in rows


def test_half_year_summary_names_its_period(client, two_schools, report):
    client.force_login(two_schools["users"]["office"])
    response = client.get(url("summary", 2020, "h1"))
    assert sheet(response.content)["A2"].value == "2020年上半年汇总（2020年1月至2020年6月）"
    assert client.get(url("summary", 2020, "q5")).status_code == 404
