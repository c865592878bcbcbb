"""Exports of long lists: written in the background, downloaded by the user who asked, logged."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.list_exports.jobs import delete_old_exports, run_job
from casework.models import AccessLog, Case, ExportJob, Student
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(two_schools, settings, media_root):
    """Two schools with 4 and 2 cases; exports above 3 rows go to the background."""
    settings.CASEWORK = {**settings.CASEWORK, "EXPORT_INLINE_ROWS": 3}
    d = dict(two_schools)
    Student.unscoped.filter(pk=d["student_a"].pk).update(name="=HYPERLINK(1)")
    for i in range(3):
        f.make_case(f.make_student(d["a"], name=f"甲校学生{i}"), teacher=d["users"]["teacher_a"])
    f.make_case(f.make_student(d["b"], name="乙校学生二"))
    for days, case in enumerate(Case.unscoped.order_by("pk")):
        Case.unscoped.filter(pk=case.pk).update(
            opened_on=timezone.localdate() - datetime.timedelta(days=days * 3 % 7)
        )
    return d


def list_url():
    return reverse(Case.snippet_viewset.get_url_name("list"))


def start(client, user, **params):
    client.force_login(user)
    return client.get(list_url(), {"export": "xlsx", **params})


def download(client, job):
    response = client.get(reverse("casework_export_download", args=[job.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def sheet_rows(data):
    """The headings and the rows, below the title rows (tests/test_list_export_titles.py)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return list(sheet.iter_rows(values_only=True))[2:]


def test_a_long_export_goes_to_the_background_and_is_downloaded(client, many):
    office = many["users"]["office"]
    response = start(client, office)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework_export", args=[job.pk])
    # Tests run django-q2 in sync mode: the job is done by now.
    assert (job.user, job.status, job.row_count, job.format) == (office, "done", 6, "xlsx")
    assert job.file.name.startswith("casework/exports/") and "cases" not in job.file.name

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("casework_export_download", args=[job.pk]) in page.content.decode()

    rows = sheet_rows(download(client, job))
    header, body = rows[0], rows[1:]
    assert len(body) == 6
    assert header[:3] == ("学生", "学校", "身份证号")
    names = {row[0] for row in body}
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    by_name = {row[0]: row for row in body}
    row = by_name["甲校学生0"]
    assert row[1] == "甲校" and row[7] == "teacher_a"  # the paired teacher's name or username
    assert row[2] == Student.unscoped.get(name="甲校学生0").id_number
    assert row[3] == Case.unscoped.filter(student__name="甲校学生0").get().get_concern_display()
    assert isinstance(row[8], datetime.datetime)  # a date cell, as Wagtail's export writes it


def test_the_rows_are_in_the_lists_order(client, many):
    start(client, many["users"]["office"], ordering="opened_on")
    rows = sheet_rows(download(client, ExportJob.objects.get()))[1:]
    expected = Case.unscoped.order_by("opened_on").values_list("student__name", flat=True)
    assert [r[0].lstrip("'") for r in rows] == list(expected)


def test_only_the_requester_sees_the_job_and_downloads_it(client, many):
    start(client, many["users"]["office"])
    job = ExportJob.objects.get()
    for other in ("leader_wan", "teacher_a", "editor"):
        client.force_login(many["users"][other])
        assert client.get(reverse("casework_export", args=[job.pk])).status_code == 404
        assert client.get(reverse("casework_export_download", args=[job.pk])).status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "editor"])
def test_school_staff_cannot_start_one(client, many, role):
    response = start(client, many["users"][role])
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("/admin/casework/exports/")
    assert not ExportJob.objects.exists()


def test_the_download_is_logged(client, many):
    office = many["users"]["office"]
    start(client, office, status="open")
    job = ExportJob.objects.get()
    download(client, job)
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.row_count, entry.filters) == (office, 6, {"status": "open"})
    assert entry.what == str(Case._meta.verbose_name_plural)


def test_the_filters_and_the_search_mean_what_they_mean_in_the_list(client, many):
    office = many["users"]["office"]
    start(client, office, school=many["a"].pk)
    job = ExportJob.objects.get()
    rows = sheet_rows(download(client, job))[1:]
    assert len(rows) == job.row_count == 4
    assert {r[1] for r in rows} == {"甲校"}

    # Fewer rows than the limit: written at once, as before.
    response = client.get(list_url(), {"export": "xlsx", "school": many["a"].pk, "q": "甲校学生1"})
    assert response.status_code == 200 and ExportJob.objects.count() == 1
    assert [r[0] for r in sheet_rows(b"".join(response.streaming_content))[1:]] == ["甲校学生1"]


def test_the_task_applies_the_scoping_rule_of_the_user_who_asked(many):
    # A job of a school user (however it came about) holds that school's cases only.
    job = ExportJob.objects.create(
        user=many["users"]["manager_a"], model="casework.case", format="xlsx"
    )
    job = run_job(job)
    with job.file.open("rb") as fh:
        rows = sheet_rows(fh.read())[1:]
    assert job.row_count == 4 and {r[1] for r in rows} == {"甲校"}


def test_csv_in_the_background(client, many):
    client.force_login(many["users"]["office"])
    client.get(list_url(), {"export": "csv"})
    job = ExportJob.objects.get()
    text = download(client, job).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 7 and "'=HYPERLINK(1)" in {r[0] for r in rows}
    assert job.filename() == f"个案台账_{timezone.localdate(job.created_at):%Y-%m-%d}.csv"


def test_the_students_list_exports_in_the_background_too(client, many):
    client.force_login(many["users"]["office"])
    client.get(reverse(Student.snippet_viewset.get_url_name("list")), {"export": "xlsx"})
    rows = sheet_rows(download(client, ExportJob.objects.get()))[1:]
    assert len(rows) == Student.unscoped.count() and {r[1] for r in rows} == {"甲校", "乙校"}


def test_the_queries_do_not_grow_with_the_rows(many):
    office = many["users"]["office"]

    def queries():
        job = ExportJob.objects.create(user=office, model="casework.case", format="xlsx")
        with CaptureQueriesContext(connection) as captured:
            run_job(job)
        return len(captured)

    queries()  # the user's groups, profile and language, looked up once
    few = queries()
    for i in range(20):
        f.make_case(f.make_student(many["b"], name=f"更多{i}"), teacher=many["users"]["teacher_b"])
    assert queries() == few


def test_old_export_files_are_deleted(client, many):
    start(client, many["users"]["office"])
    job = ExportJob.objects.get()
    path = job.file.path
    assert delete_old_exports(days=7) == 0
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert delete_old_exports(days=7) == 1
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)


def test_the_cleanup_is_scheduled():
    from casework.schedules import SCHEDULES

    assert "casework.list_exports.tasks.delete_old_exports" in {s.func for s in SCHEDULES}
