"""List exports say what they hold: a dated file name, a title row with the filter and unit."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from casework.models import Case, ExportJob, Student

NOON = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def workbook(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.django_db
def test_the_case_ledger_is_named_dated_and_titled(client, two_schools, settings):
    settings.CASEWORK = {**settings.CASEWORK, "REPORTING_UNIT": "大武口区教育体育局"}
    client.force_login(two_schools["users"]["office"])
    url = reverse(Case.snippet_viewset.get_url_name("list"))

    response = client.get(url, {"export": "xlsx", "status": "open"})

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "%E4%B8%AA%E6%A1%88%E5%8F%B0%E8%B4%A6_2026-11-30.xlsx" in disposition  # 个案台账_…
    book = workbook(response)
    assert book.sheetnames == ["个案台账"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "个案台账"
    details = rows[1][0]
    assert "状态" in details and "待跟进" in details
    assert "大武口区教育体育局（基础教育室）" in details and "2026年11月30日" in details
    assert rows[2][:3] == ("学生", "学校", "身份证号")
    assert {r[0] for r in rows[3:]} == {"甲校学生王小明", "乙校学生赵小红"}


@pytest.mark.django_db
def test_an_unfiltered_export_says_it_holds_every_record(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    url = reverse(Student.snippet_viewset.get_url_name("list"))
    book = workbook(client.get(url, {"export": "xlsx"}))
    assert book.sheetnames == ["学生名册"]
    assert "全部记录" in book.active["A2"].value


@pytest.mark.django_db
def test_a_background_export_is_named_and_titled_too(client, two_schools, settings):
    settings.CASEWORK = {**settings.CASEWORK, "EXPORT_INLINE_ROWS": 1}
    client.force_login(two_schools["users"]["office"])
    client.get(reverse(Case.snippet_viewset.get_url_name("list")), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert job.filename() == "个案台账_2026-11-30.xlsx"
    response = client.get(reverse("casework_export_download", args=[job.pk]))
    book = workbook(response)
    assert book.sheetnames == ["个案台账"]
    assert book.active["A1"].value == "个案台账" and "全部记录" in book.active["A2"].value
    assert book.active["A3"].value == "学生"


@pytest.mark.django_db
def test_the_findings_ledger_has_chinese_headings(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    book = workbook(
        client.get(reverse("wagtailsnippets_casework_finding:list"), {"export": "xlsx"})
    )
    assert book.sheetnames == ["问题台账"]
    headings = [c.value for c in book.active[3]]
    assert headings[:2] == ["学校", "责任清单项"] and "状态" in headings
    assert not any("." in h or h == "method" for h in headings)
