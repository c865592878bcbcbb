"""PIPL duties (issue 17, item 10): retention and anonymisation, the guardian's copy (查阅复制),
and the public privacy notice (个人信息保护告知)."""

import datetime
import io
import os

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import Revision

from casework.access.models import AccessLog, CaseworkLogEntry
from casework.evidence.models import Attachment
from casework.evidence.storage import evidence_storage
from casework.models import (
    AgencyListEntry,
    AnonymisationRun,
    Case,
    HomeVisit,
    ImportBatch,
    Student,
)
from casework.monthly.figures import public_progress
from casework.privacy.tasks import anonymise_expired
from home.models import PrivacyNoticePage
from home.seed import SeedLoader
from tests import factories as f

pytestmark = pytest.mark.django_db

OLD_NAME = "甲校学生王小明"


def years_ago(years, today=None):
    today = today or timezone.localdate()
    return today.replace(year=today.year - years)


def make_old(student, years=4):
    """The student untouched for ``years``, and every case of theirs closed off that long ago."""
    closed = years_ago(years)
    Case.unscoped.filter(student=student).update(
        status=Case.Status.CLOSED,
        opened_on=closed - datetime.timedelta(days=30),
        closed_on=closed,
        close_reason="已返校",
        close_verification="核实学籍",
    )
    Student.unscoped.filter(pk=student.pk).update(
        updated_at=timezone.make_aware(datetime.datetime.combine(closed, datetime.time(9)))
    )


@pytest.fixture
def old_file(two_schools, media_root):
    """School A's child: closed off four years ago, with a visit, a photo and a revision."""
    student, case = two_schools["student_a"], two_schools["case_a"]
    Student.unscoped.filter(pk=student.pk).update(
        guardian_name="王大山", phone="13900000000", address="大武口区长胜街道1号"
    )
    student.refresh_from_db()
    student.save_revision(user=two_schools["users"]["manager_a"])
    visit = f.make_visit(case, visited_on=years_ago(4), findings="王小明在家务农，劝返")
    attachment = Attachment(
        school=two_schools["a"],
        home_visit=visit,
        content_type="image/jpeg",
        size=3,
        original_name="王小明家.jpg",
    )
    attachment.file.save("x.jpg", ContentFile(b"jpg"), save=False)
    attachment.save()
    make_old(student)
    return {**two_schools, "visit": visit, "attachment": attachment, "id_number": student.id_number}


# Retention: the dry run and the run


def test_the_dry_run_lists_what_would_go_and_changes_nothing(old_file, capsys):
    call_command("anonymise", "--dry-run")
    out = capsys.readouterr().out

    assert OLD_NAME in out and "乙校学生赵小红" not in out
    assert f"case {old_file['case_a'].pk}" in out
    assert Student.unscoped.get(pk=old_file["student_a"].pk).name == OLD_NAME
    assert evidence_storage().exists(old_file["attachment"].file.name)
    assert not AnonymisationRun.objects.exists()


def test_the_bureau_sees_the_same_list_on_the_retention_page(client, old_file):
    client.force_login(old_file["users"]["office"])
    page = client.get(reverse("casework_retention")).content.decode()
    assert OLD_NAME in page and "乙校学生赵小红" not in page

    for role in ("manager_a", "teacher_a", "editor"):
        client.force_login(old_file["users"][role])
        assert client.get(reverse("casework_retention")).status_code in (302, 403)


def test_the_run_removes_the_personal_data_and_keeps_the_counts(
    old_file, django_capture_on_commit_callbacks
):
    student, case = old_file["student_a"], old_file["case_a"]
    counts_before = public_progress()
    path = old_file["attachment"].file.name
    assert evidence_storage().exists(path)

    # The files go once the run has committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise")

    student.refresh_from_db()
    assert student.anonymised_at is not None
    assert student.name != OLD_NAME and OLD_NAME not in student.name
    assert student.id_number is None and student.student_number is None
    assert (student.guardian_name, student.phone, student.address) == ("", "", "")
    assert student.birth_date == datetime.date(2012, 1, 1)  # the year stays for age counts
    case.refresh_from_db()
    assert "王小明" not in case.summary + case.close_reason
    visit = HomeVisit.unscoped.get(pk=old_file["visit"].pk)
    assert "王小明" not in visit.findings and visit.visitors == ""
    # The file is gone from the evidence storage; the attachment row stays to be counted.
    assert not evidence_storage().exists(path)
    attachment = Attachment.unscoped.get(pk=old_file["attachment"].pk)
    assert attachment.file.name == "" and attachment.original_name == ""
    # Revisions held a copy of every field: they go too.
    student_type = ContentType.objects.get_for_model(Student)
    assert not Revision.objects.filter(base_content_type=student_type, object_id=str(student.pk))
    assert not CaseworkLogEntry.objects.filter(label__contains="王小明").exists()
    # The counts the monthly figures and the public page show are unchanged.
    assert public_progress() == counts_before
    assert Case.unscoped.filter(status=Case.Status.CLOSED, pk=case.pk).exists()
    # The other school's child, whose case is open, is untouched.
    assert Student.unscoped.get(pk=old_file["student_b"].pk).name == "乙校学生赵小红"
    run = AnonymisationRun.objects.get()
    assert (run.students, run.cases, run.files_deleted) == (1, 1, 1)
    assert run.student_ids == [student.pk] and run.user is None


def test_an_anonymised_child_is_found_nowhere_by_the_old_name_or_id(client, old_file):
    office = old_file["users"]["office"]
    id_number = old_file["id_number"]
    student, case = old_file["student_a"], old_file["case_a"]
    # A list searched by the name and exported before: the search is kept in the export log.
    AccessLog.objects.create(user=office, action="export", what="students", filters={"q": OLD_NAME})
    # Who opened the file is kept, under the case's label (which names the child).
    AccessLog.objects.create(user=office, action="view_case", case=case, label=str(case))
    client.force_login(office)
    searches = {
        Student: reverse(Student.snippet_viewset.get_url_name("edit"), args=[student.pk]),
        Case: reverse(Case.snippet_viewset.get_url_name("edit"), args=[case.pk]),
    }

    def found(query):
        return {
            model.__name__
            for model, record_url in searches.items()
            if record_url
            in client.get(
                reverse(model.snippet_viewset.get_url_name("list")), {"q": query}
            ).content.decode()
        }

    assert found(id_number) == found("王小明") == {"Student", "Case"}

    anonymise_expired()

    for query in (OLD_NAME, "王小明", id_number, id_number[-6:]):
        assert found(query) == set()
    for model in (Student, Case):
        page = client.get(reverse(model.snippet_viewset.get_url_name("list"))).content.decode()
        assert "王小明" not in page and id_number not in page
    chooser = Student.snippet_viewset.chooser_viewset
    results = client.get(reverse(chooser.get_url_name("choose_results")), {"q": "王小明"})
    assert (
        reverse(chooser.get_url_name("chosen"), args=[student.pk]) not in results.content.decode()
    )
    export = client.get(reverse(Student.snippet_viewset.get_url_name("list")), {"export": "csv"})
    text = b"".join(export.streaming_content).decode()
    assert "王小明" not in text and id_number not in text
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "王小明" not in history
    copy = client.get(reverse("casework_guardian_copy", args=[old_file["student_a"].pk]))
    assert "王小明" not in " ".join(workbook_text(copy.content))
    assert id_number not in " ".join(workbook_text(copy.content))
    assert not AccessLog.objects.filter(filters__q=OLD_NAME).exists()
    assert AccessLog.objects.filter(action="view_case", case=case).exists()
    assert not AccessLog.objects.filter(label__contains="王小明").exists()


def test_the_run_is_idempotent_and_spares_what_is_still_in_use(old_file):
    school = old_file["a"]
    # Closed off recently; closed long ago but untouched only one year; open.
    recent = f.make_student(school, name="近期销号")
    f.make_case(recent)
    make_old(recent, years=1)
    still_open = f.make_student(school, name="仍在跟踪")
    f.make_case(still_open)
    Student.unscoped.filter(pk=still_open.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=365 * 5)
    )
    # An office's current list still names this child.
    listed = f.make_student(school, name="仍在名单")
    make_old(listed)
    batch = ImportBatch.unscoped.create(
        kind="poverty",
        original_name="扶贫名单.xlsx",
        sha256="0" * 64,
        uploaded_by=old_file["users"]["office"],
    )
    AgencyListEntry.unscoped.create(
        kind="poverty", id_number=listed.id_number, name="仍在名单", batch=batch
    )

    first = anonymise_expired()
    second = anonymise_expired()

    names = set(Student.unscoped.values_list("name", flat=True))
    assert {"近期销号", "仍在跟踪", "仍在名单", "乙校学生赵小红"} <= names
    assert OLD_NAME not in names
    runs = AnonymisationRun.objects.order_by("started_at")
    assert [r.pk for r in runs] == [first, second]
    assert (runs[1].students, runs[1].cases) == (0, 0)


def test_the_nightly_run_is_scheduled(db):
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="casework.privacy.anonymise")
    assert schedule.func == "casework.privacy.tasks.anonymise_expired"


def test_the_retention_period_is_a_setting(settings, old_file):
    settings.CASEWORK = {"RETENTION_YEARS": 5}
    call_command("anonymise")
    assert Student.unscoped.get(pk=old_file["student_a"].pk).name == OLD_NAME


# The guardian's copy (查阅复制)


def workbook_text(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def sheets(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}


def test_the_bureau_gets_everything_held_about_one_child_in_one_workbook(client, two_schools):
    student, case = two_schools["student_b"], two_schools["case_b"]
    f.make_visit(case, findings='=HYPERLINK("http://x")')
    f.make_support(case, note="学费减免")
    teacher = two_schools["users"]["teacher_b"]
    client.force_login(teacher)
    client.get(reverse(Case.snippet_viewset.get_url_name("inspect"), args=[case.pk]))

    for role in ("office", "leader_wan"):
        client.force_login(two_schools["users"][role])
        response = client.get(reverse("casework_guardian_copy", args=[student.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    tabs = sheets(response.content)
    assert list(tabs) == ["学生档案", "个案", "家访", "帮扶", "佐证材料", "比对结果", "查看记录"]
    text = " ".join(workbook_text(response.content))
    assert "乙校学生赵小红" in text and student.id_number in text and "学费减免" in text
    # A formula typed into a visit comes out as text, not as a link.
    assert '\'=HYPERLINK("http://x")' in [row[6] for row in tabs["家访"][1:]]
    # Who opened the child's file is in it, family name first.
    assert any(row[1] == "teacher_b" for row in tabs["查看记录"][1:])
    logs = AccessLog.objects.filter(action="export", what=f"guardian copy of student {student.pk}")
    assert [log.user.username for log in logs.order_by("at")] == ["office", "leader_wan"]


def test_the_access_log_of_the_guardian_copy_is_in_chinese(client, two_schools):
    student, case = two_schools["student_b"], two_schools["case_b"]
    AccessLog.objects.create(
        user=two_schools["users"]["teacher_b"],
        action=AccessLog.Action.DOWNLOAD,
        case_id=case.pk,
        what="attachment 12 of homevisit 3",
    )
    url = reverse("casework_guardian_copy", args=[student.pk])
    client.force_login(two_schools["users"]["office"])
    client.get(url)
    client.force_login(two_schools["users"]["leader_wan"])
    what = [row[4] for row in sheets(client.get(url).content)["查看记录"][1:]]
    assert what == ["佐证材料#12", "为监护人制作的本档案复制件"]


def test_no_school_role_reaches_the_guardian_copy(client, two_schools):
    url = reverse("casework_guardian_copy", args=[two_schools["student_a"].pk])
    for role in ("teacher_a", "manager_a", "teacher_b", "editor"):
        client.force_login(two_schools["users"][role])
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert not response.get("Content-Disposition")
    client.logout()
    assert client.get(url).status_code == 302
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_button_is_on_the_students_page_for_the_bureau_only(client, two_schools):
    student = two_schools["student_a"]
    url = reverse("casework_guardian_copy", args=[student.pk])
    edit = reverse(Student.snippet_viewset.get_url_name("edit"), args=[student.pk])
    listing = reverse(Student.snippet_viewset.get_url_name("list"))
    client.force_login(two_schools["users"]["office"])
    assert url in client.get(edit).content.decode()
    assert url in client.get(listing).content.decode()
    client.force_login(two_schools["users"]["manager_a"])
    assert client.get(edit).status_code == 200
    assert url not in client.get(edit).content.decode()
    assert url not in client.get(listing).content.decode()


def test_an_unknown_child_is_a_404(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    assert client.get(reverse("casework_guardian_copy", args=[999999])).status_code == 404


# The privacy notice (个人信息保护告知)


def test_the_seed_creates_one_privacy_notice_linked_from_the_footer(client, seed):
    SeedLoader().run()  # again: nothing new
    assert PrivacyNoticePage.objects.live().count() == 1
    page = PrivacyNoticePage.objects.get()
    home = client.get("/").content.decode()
    assert f'href="{page.url}"' in home and "个人信息保护告知" in home

    text = client.get(page.url).content.decode()
    for words in ("身份证号", "为什么收集", "谁能看到", "保存多久", "查阅、复制", "3年"):
        assert words in text, words


def test_a_spreadsheet_received_before_the_cutoff_is_deleted_and_its_page_says_so(
    client, two_schools, media_root, django_capture_on_commit_callbacks
):
    office = two_schools["users"]["office"]

    def received(when):
        batch = ImportBatch(
            kind="poverty",
            original_name="扶贫名单.xlsx",
            sha256="0" * 64,
            uploaded_by=office,
            status=ImportBatch.Status.COMMITTED,
        )
        batch.file.save("x.xlsx", ContentFile(b"PK names and IDs"), save=False)
        batch.save()
        ImportBatch.unscoped.filter(pk=batch.pk).update(uploaded_at=when)
        return ImportBatch.unscoped.get(pk=batch.pk)

    old = received(timezone.now() - datetime.timedelta(days=365 * 4))
    new = received(timezone.now() - datetime.timedelta(days=30))
    old_path = old.file.path

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_expired()

    old.refresh_from_db()
    assert not old.file
    assert not os.path.exists(old_path)
    assert ImportBatch.unscoped.get(pk=new.pk).file.storage.exists(new.file.name)
    client.force_login(office)
    assert client.get(reverse("casework_imports:file", args=[old.pk])).status_code == 404
    assert AnonymisationRun.objects.get().files_deleted == 1
