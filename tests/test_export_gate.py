"""One gate for every export of personal data: Wagtail's own reports and old export files."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.log_actions import log

from casework.access.roles import Role, group_for
from casework.models import AccessLog, Case, ExportJob, Student

pytestmark = pytest.mark.django_db

REPORTS = [
    "/admin/reports/site-history/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
]


@pytest.fixture
def history(two_schools):
    """Both schools' children in the site history, school B's under a formula."""
    d = dict(two_schools)
    Student.unscoped.filter(pk=d["student_b"].pk).update(name='=HYPERLINK("http://x","乙")')
    office = d["users"]["office"]
    for case in (d["case_a"], Case.unscoped.get(pk=d["case_b"].pk)):
        log(case, "wagtail.edit", user=office)
    return d


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("role", ["teacher_a", "manager_a"])
def test_school_staff_export_no_wagtail_report(client, history, role):
    client.force_login(history["users"][role])
    for url in REPORTS:
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"export": fmt})
            assert response.status_code in (302, 403), (url, fmt)
            assert not response.get("Content-Disposition"), (url, fmt)
            assert "甲校学生王小明" not in body(response).decode(errors="replace"), (url, fmt)
    assert not AccessLog.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["teacher_a", "manager_a"])
def test_school_staff_history_listing_shows_no_other_school(client, history, role):
    client.force_login(history["users"][role])
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        page = client.get(url, {"q": "乙"}).content.decode()
        assert "HYPERLINK" not in page and "赵小红" not in page


def test_bureau_site_history_export_is_formula_safe_and_logged(client, history):
    office = history["users"]["office"]
    client.force_login(office)
    response = client.get("/admin/reports/site-history/", {"export": "csv"})
    assert response.status_code == 200
    text = body(response).decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ",=HYPERLINK(" not in text and '"=HYPERLINK(' not in text
    entry = AccessLog.objects.get(action="export")
    assert entry.user == office and entry.row_count >= 2
    assert entry.what == "网站历史"

    response = client.get("/admin/reports/site-history/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    labels = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(str(label).startswith("'=HYPERLINK(") for label in labels)
    assert not any(str(label).startswith("=") for label in labels)
    assert AccessLog.objects.filter(action="export").count() == 2


@pytest.fixture
def old_export(two_schools, settings, media_root):
    """An export of every school's cases, written for office staff in the background."""
    settings.CASEWORK = {**settings.CASEWORK, "EXPORT_INLINE_ROWS": 1}
    office = two_schools["users"]["office"]
    client_ = Client()
    client_.force_login(office)
    client_.get(reverse(Case.snippet_viewset.get_url_name("list")), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.row_count == 2
    return two_schools, job


def download_url(job):
    return reverse("casework_export_download", args=[job.pk])


def test_the_office_downloads_its_export(client, old_export):
    d, job = old_export
    client.force_login(d["users"]["office"])
    response = client.get(download_url(job))
    assert response.status_code == 200
    assert AccessLog.objects.filter(action="export", user=d["users"]["office"]).count() == 1


def test_a_user_demoted_to_teacher_cannot_download_the_old_all_schools_export(client, old_export):
    d, job = old_export
    office = d["users"]["office"]
    office.groups.remove(group_for(Role.OFFICE))
    office.groups.add(group_for(Role.TEACHER))
    office.casework_profile.school = d["a"]
    office.casework_profile.save()
    client.force_login(office)
    for url in (download_url(job), reverse("casework_export", args=[job.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert not response.get("Content-Disposition")
    assert not AccessLog.objects.filter(action="export", user=office).exists()


def test_a_deactivated_or_ungrouped_user_cannot_download_the_old_export(client, old_export):
    d, job = old_export
    office = d["users"]["office"]
    office.groups.set(Group.objects.filter(casework_role__isnull=True))
    client.force_login(office)
    response = client.get(download_url(job))
    assert response.status_code in (302, 403)
    assert not response.get("Content-Disposition")
