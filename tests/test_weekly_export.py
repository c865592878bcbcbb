"""The week's dropout report as an Excel file: figures per school, total, names for the bureau."""

import datetime
from io import BytesIO
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from casework.access.models import AccessLog
from casework.dates import week_param
from casework.models import Term, TermFigures, WeeklyReport
from casework.weekly import figures as weekly_report
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 3, 14, 10, 0, tzinfo=SHANGHAI)  # Friday of 2025-W11
W11 = datetime.date(2025, 3, 10)
URL = reverse("casework_weekly_export", args=[2025, 11])


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def filed(school, status=WeeklyReport.Status.SUBMITTED, **figures):
    values = dict.fromkeys(
        [
            "enrolled",
            "suspected_dropouts",
            "dropouts",
            "returned",
            "transferred_known",
            "transferred_unknown",
            "long_leave",
        ],
        0,
    )
    values.update(figures)
    return WeeklyReport.unscoped.create(school=school, week_start=W11, status=status, **values)


@pytest.fixture
def week(two_schools):
    d = two_schools
    filed(d["a"], enrolled=500, suspected_dropouts=2, dropouts=1, returned=3, long_leave=1)
    filed(d["b"], enrolled=320, suspected_dropouts=1, transferred_known=4, transferred_unknown=2)
    c = f.make_school("丙校")
    filed(c, status=WeeklyReport.Status.DRAFT, enrolled=999)  # a draft is not reported
    out = f.make_case(f.make_student(d["a"], name="=1+1"))
    f.make_visit(out, visited_on=datetime.date(2025, 3, 11), child_state="suspected_dropout")
    gone = f.make_case(f.make_student(d["b"], name="乙校辍学生"))
    f.make_visit(gone, visited_on=datetime.date(2025, 3, 3), child_state="dropped_out")
    back = f.make_case(f.make_student(d["a"], name="已劝返"))
    f.make_visit(back, visited_on=datetime.date(2025, 3, 4), child_state="suspected_dropout")
    f.make_visit(back, visited_on=datetime.date(2025, 3, 12), child_state="returned")
    later = f.make_case(f.make_student(d["a"], name="下周才辍学"))
    f.make_visit(later, visited_on=datetime.date(2025, 3, 17), child_state="dropped_out")
    return d


def download(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response, load_workbook(BytesIO(response.content))


def rows(ws, first=4):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


@pytest.mark.django_db
def test_the_bureau_gets_every_school_a_total_and_the_names(client, week):
    response, wb = download(client, week["users"]["office"])
    assert "控辍保学周报_2025年第11周.xlsx" in unquote(response["Content-Disposition"])
    ws = wb.worksheets[0]
    assert ws["A1"].value == "大武口区控辍保学周报（2025年第11周）"
    assert ws["A2"].value == "填报单位：大武口区教育体育局    填报日期：2025年3月14日"
    assert ws["A3"].value == "学校"
    assert rows(ws) == [
        ["乙校", 320, 1, 0, 0, 4, 2, 0],
        ["甲校", 500, 2, 1, 3, 0, 0, 1],
        ["合计", 820, 3, 1, 3, 4, 2, 1],
    ]
    assert ws.page_setup.orientation == "landscape"
    # The title, the unit line and the header row on every printed page, as the seed repeats them.
    assert ws.print_title_rows == "$1:$3"
    names = wb.worksheets[1]
    # Out of school as of Sunday 16 March; a formula-like name is neutralised.
    assert [r[:2] for r in rows(names)] == [["乙校", "乙校辍学生"], ["甲校", "'=1+1"]]
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == week["users"]["office"]
    assert log.row_count == 2
    assert log.filters == {"week": week_param(W11), "names": True}


@pytest.mark.django_db
def test_a_school_manager_gets_their_own_row_and_no_names(client, week):
    _response, wb = download(client, week["users"]["manager_a"])
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    assert "甲校" in ws["A2"].value
    assert rows(ws) == [["甲校", 500, 2, 1, 3, 0, 0, 1], ["合计", 500, 2, 1, 3, 0, 0, 1]]
    text = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r)
    assert "乙校" not in text
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (log.user, log.row_count, log.filters["names"]) == (week["users"]["manager_a"], 1, False)


@pytest.mark.django_db
def test_who_may_not_see_reports_gets_no_file_and_no_log(client, week):
    client.force_login(week["users"]["editor"])
    response = client.get(URL)
    # Wagtail's admin turns the refusal into a redirect to its dashboard.
    assert response.status_code in (302, 403)
    assert "spreadsheetml" not in response.get("Content-Type", "")
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


@pytest.mark.django_db
def test_the_weekly_pages_offer_the_export(client, week):
    client.force_login(week["users"]["office"])
    assert "导出Excel" in client.get(reverse("casework_weekly_index")).content.decode()


@pytest.mark.django_db
def test_term_figures_are_proposed_from_the_rolls_and_the_ledger(client, week):
    a = week["a"]
    moved = f.make_case(f.make_student(a, name="转走了"))
    f.make_visit(moved, visited_on=datetime.date(2025, 3, 5), child_state="transferred_known")
    away = f.make_case(f.make_student(a, name="请长假"))
    f.make_visit(away, visited_on=datetime.date(2025, 3, 6), child_state="long_leave")
    # School A on 14 March: 王小明 (no visit), =1+1 (suspected), 已劝返, 下周才辍学 (not yet),
    # 请长假 still on the roll; 转走了 off it. School B's two children never count.
    expected = {
        "school_age_population": None,
        "enrolled": 5,
        "transferred_known": 1,
        "transferred_unknown": 0,
        "long_leave": 1,
    }
    assert weekly_report.proposed_term_figures(a, datetime.date(2025, 3, 14)) == expected
    TermFigures.unscoped.create(
        school=a,
        school_year=2024,
        term=Term.SECOND,
        school_age_population=520,
        enrolled=500,
        transferred_known=3,
        transferred_unknown=1,
        long_leave=2,
    )
    client.force_login(week["users"]["manager_a"])
    page = client.get(reverse("casework_term_figures", args=[a.pk, 2024, Term.SECOND]))
    rows = page.context["proposals"]
    enrolled = rows[1]
    assert (enrolled["proposed"], enrolled["saved"], enrolled["difference"]) == (5, 500, 495)
    assert rows[0]["proposed"] is None and rows[0]["difference"] is None
    assert "系统测算" in page.content.decode()
    # The school's typed figure is still what is saved.
    assert TermFigures.unscoped.get(school=a).enrolled == 500
