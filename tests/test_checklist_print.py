"""The attachment-2 workbook as an official document: fonts, page, row heights, approvers, and
printed to PDF by LibreOffice as WPS and LibreOffice users print it."""

import datetime
import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from casework.models import Finding, MonthlyReport
from casework.monthly.workbook import COLUMN_WIDTHS, monthly_workbook
from casework.spreadsheets import lines_needed, text_width
from tests import factories as f
from tests.monthly import MAY, may_data, rows_post_data, url

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
A4_LANDSCAPE = (841.9, 595.3)  # points


def approve(client, report, office, leaders):
    """Sent for review by the office, then approved by each leader through the workflow."""
    client.force_login(office)
    response = client.post(url("edit", report.pk), rows_post_data(report, action="action-submit"))
    assert response.status_code == 302, response.content.decode()[:500]
    for leader in leaders:
        task_state = MonthlyReport.objects.get(pk=report.pk).current_workflow_task_state
        client.force_login(leader)
        client.post(url("workflow_action", report.pk, "approve_rows", task_state.pk), {})
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.live
    return report


@pytest.fixture
def full_month(two_schools):
    """May 2020 with a school year's worth of problems found at schools under items 5–7."""
    may_data(two_schools)
    schools = [two_schools["a"], two_schools["b"]]
    problems = [
        "教学楼外墙瓷砖脱落，存在安全隐患，需尽快维修",
        "多媒体教室投影设备老化，画面模糊，影响“空中课堂”教学",
        "学生宿舍供暖管道漏水，冬季取暖不达标",
        "食堂操作间排烟设备损坏，油烟外溢",
        "运动场塑胶跑道开裂起皮，学生体育课存在摔伤风险",
    ]
    for number in (5, 6, 7):
        item = f.ChecklistItem.objects.get(number=number)
        for i, problem in enumerate(problems):
            Finding.unscoped.create(
                school=schools[i % 2],
                checklist_item=item,
                found_on=datetime.date(2020, 5, 2 + i),
                problem=problem,
            )
    return two_schools


@pytest.fixture
def approved(client, full_month):
    users = full_month["users"]
    for key, family, given in (("leader_wan", "万", "东旺"), ("leader_lv", "吕", "志武")):
        users[key].last_name, users[key].first_name = family, given
        users[key].save()
    office = f.make_user(
        "planning", "office", office="规划财务室", last_name="李", first_name="科员"
    )
    with time_machine.travel(
        datetime.datetime(2020, 5, 24, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        report = approve(
            client, MonthlyReport.draft(MAY), office, [users["leader_wan"], users["leader_lv"]]
        )
    return report


def sheet(report):
    return load_workbook(BytesIO(monthly_workbook(report))).active


def test_every_row_is_tall_enough_for_its_wrapped_text(approved):
    ws = sheet(approved)
    for row in range(4, 11):
        height = ws.row_dimensions[row].height
        for col, width in enumerate(COLUMN_WIDTHS, 1):
            value = ws.cell(row=row, column=col).value
            if col == 1 or not value:
                continue
            # Excel gives each line of 12-point 仿宋 15.6 points.
            assert height >= lines_needed(value, width) * 15.6, (row, col)
    # Item 7 lists five problems found, one a line or two, so its row is far taller.
    assert ws.row_dimensions[10].height > 2 * ws.row_dimensions[7].height
    # A category merged over its items fits in its first item's row, where it is printed
    # (at the top), so a page break inside the group never cuts it.
    for row in (4, 5, 8, 10):
        assert ws.row_dimensions[row].height >= lines_needed(ws[f"A{row}"].value, 14) * 15.6, row
        assert ws[f"A{row}"].alignment.vertical == "top"


def test_cjk_counts_double_width_in_the_wrapping():
    assert text_width("整改时限") == 8 and text_width("2020年2月底") == 11
    assert lines_needed("整改时限", 11.5) == 1
    assert lines_needed("整" * 40, 11.5) > lines_needed("x" * 40, 11.5)
    assert lines_needed("一\n二\n三", 20) == 3


def test_no_header_word_breaks_across_lines(approved):
    ws = sheet(approved)
    for col, width in enumerate(COLUMN_WIDTHS, 1):
        assert lines_needed(ws.cell(row=3, column=col).value, width) == 1, col


def test_a4_landscape_fitted_to_width_with_official_margins(approved):
    ws = sheet(approved)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    # GB/T 9704's 37/35/28/26 mm, turned with the page.
    margins = ws.page_margins
    assert [
        round(m * 25.4) for m in (margins.left, margins.right, margins.top, margins.bottom)
    ] == [
        37,
        35,
        28,
        26,
    ]


def test_title_and_header_rows_repeat_and_pages_are_numbered(approved):
    ws = sheet(approved)
    assert ws.print_title_rows == "$1:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_fonts_of_an_official_document(approved):
    ws = sheet(approved)
    assert (ws["A1"].font.name, ws["A1"].font.sz) == ("方正小标宋简体", 22)
    for cell in ("A3", "B4", "C10", "D5", "F7", "A11", "A12", "A13"):
        assert ws[cell].font.name == "仿宋_GB2312", cell
    assert ws["A3"].font.b
    assert ws["B4"].font.sz == 12
    # A reader without the fonts gets a serif (宋体 / 仿宋) GB2312 face, not Calibri.
    assert ws["A1"].font.family == 1 and ws["A1"].font.charset == 134


def test_each_row_says_who_approved_it_and_when_and_who_filled_it_in(approved):
    ws = sheet(approved)
    assert ws["A11"].value.startswith("备注：各责任科室")
    approvals = ws["A12"].value
    assert approvals.startswith("责任领导审核：第1项：")
    for number in (1, 3, 4):
        assert f"第{number}项：万东旺 2020年5月24日审核" in approvals
    for number in (2, 5, 6, 7):
        assert f"第{number}项：吕志武 2020年5月24日审核" in approvals
    assert ws["A13"].value == (
        "填报单位：大武口区教育体育局    填报人：李科员    填报日期：2020年5月24日"
    )
    assert ws.print_area == "'Sheet'!$A$1:$I$13" or ws.print_area.endswith("$A$1:$I$13")


def test_a_draft_says_its_rows_are_not_yet_approved(full_month):
    ws = sheet(MonthlyReport.draft(MAY))
    assert "第3项：万东旺 尚未审核" in ws["A12"].value
    assert "第5项：吕志武 尚未审核" in ws["A12"].value


def _require(tool):
    if shutil.which(tool) is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(
                f"{tool} is missing (Debian packages libreoffice-calc-nogui, poppler-utils)"
            )
        pytest.skip(f"{tool} is not installed")


def _run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


@pytest.mark.slow
def test_printed_by_libreoffice_it_is_a4_landscape_over_pages_in_reading_order(approved, tmp_path):
    for tool in ("soffice", "pdfinfo", "pdftotext", "pdftoppm"):
        _require(tool)
    xlsx = tmp_path / "checklist-2020-05.xlsx"
    xlsx.write_bytes(monthly_workbook(approved))
    _run(
        "soffice",
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(xlsx),
        timeout=240,
    )
    pdf = tmp_path / "checklist-2020-05.pdf"
    info = _run("pdfinfo", str(pdf))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert (round(float(size[1]), 1), round(float(size[2]), 1)) == A4_LANDSCAPE
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages > 1

    text = re.sub(r"\s+", "", _run("pdftotext", "-raw", str(pdf), "-"))
    order = [
        "大武口区教体系统教育扶贫攻坚“四查四补”挂牌督战责任清单",
        "类别排查内容发现的问题整改情况整改时限责任领导责任科室落实单位备注",
        "一、“查损补失”",
        "1.重点排查新冠肺炎疫情",
        "2.教育资助政策落实情况。",
        "3.控辍保学情况。",
        "4.特殊困难儿童受教育情况。",
        "三、“查短补齐”",
        "5.排查学校规划布局短板。",
        "6.排查学校师资短板。",
        "7.排查办学硬件设施短板。",
        "备注：各责任科室、部门对照排查内容",
        "责任领导审核：第1项：",
        "填报单位：大武口区教育体育局",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, [p for p, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions)
    # No row's text is cut: the last problem of item 7 is printed whole.
    assert "甲校：运动场塑胶跑道开裂起皮，学生体育课存在摔伤风险" in text

    # The second page starts again with the title and the header row, and is numbered.
    second = re.sub(r"\s+", "", _run("pdftotext", "-f", "2", "-l", "2", "-raw", str(pdf), "-"))
    assert f"第2页共{pages}页" in second
    second = second.replace(f"第2页共{pages}页", "")
    assert second.startswith(
        "大武口区教体系统教育扶贫攻坚“四查四补”挂牌督战责任清单"
        "类别排查内容发现的问题整改情况整改时限责任领导责任科室落实单位备注"
    )

    SCREENSHOTS.mkdir(exist_ok=True)
    for page in (1, 2):
        _run(
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(SCREENSHOTS / f"checklist-workbook-page-{page}"),
        )
    assert (SCREENSHOTS / "checklist-workbook-page-1.png").stat().st_size > 10_000
