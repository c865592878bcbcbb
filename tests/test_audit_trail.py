"""An audit trail that outlives the data: every deletion in the history, access records kept."""

import datetime

import pytest
from django.core import checks
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from casework.access.audit import purge_old_audit
from casework.access.models import AuditRecordIsFinal
from casework.models import AccessLog, Case, CaseworkLogEntry, HomeVisit, SupportRecord
from casework.schedules import SCHEDULES
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(two_schools):
    """School A's manager, two cases of school A with a visit and a support record each."""
    d = dict(two_schools)
    second = f.make_case(f.make_student(d["a"], name="甲校学生李小华"))
    d["cases"] = [d["case_a"], second]
    d["visits"] = [f.make_visit(c) for c in d["cases"]]
    d["supports"] = [f.make_support(c) for c in d["cases"]]
    return d


def deletions(model, obj):
    return CaseworkLogEntry.objects.filter(
        content_type__model=model._meta.model_name, object_id=str(obj.pk), action="wagtail.delete"
    )


def assert_each_deletion_logged_once(d, user):
    for model, objs in (
        (Case, d["cases"]),
        (HomeVisit, d["visits"]),
        (SupportRecord, d["supports"]),
    ):
        for obj in objs:
            assert not model.unscoped.filter(pk=obj.pk).exists()
            entry = deletions(model, obj).get()  # one entry, not two
            assert entry.user_id == user.pk and entry.deleted
            assert entry.school_id == d["a"].pk
            assert entry.label.startswith(
                obj.case.student.name if model != Case else obj.student.name
            )


def test_a_bulk_delete_of_cases_writes_a_history_entry_per_case_visit_and_support(cases):
    manager = cases["users"]["manager_a"]
    client = Client()
    client.force_login(manager)
    ids = "&".join(f"id={c.pk}" for c in cases["cases"])
    url = (
        reverse("wagtail_bulk_action", args=["casework", "case", "delete"]) + f"?{ids}&next=/admin/"
    )
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert_each_deletion_logged_once(cases, manager)
    # The deletions are in the site history the bureau reads, under the child's name.
    office = Client()
    office.force_login(cases["users"]["office"])
    page = office.get("/admin/reports/site-history/").content.decode()
    assert "甲校学生李小华" in page


def test_deleting_one_case_in_the_admin_logs_it_and_what_went_with_it(cases):
    manager = cases["users"]["manager_a"]
    d = dict(
        cases, cases=[cases["case_a"]], visits=cases["visits"][:1], supports=cases["supports"][:1]
    )
    client = Client()
    client.force_login(manager)
    url = reverse(Case.snippet_viewset.get_url_name("delete"), args=[cases["case_a"].pk])
    assert client.post(url).status_code == 302
    assert_each_deletion_logged_once(d, manager)


def test_the_record_of_who_opened_a_case_file_outlives_the_case(cases):
    case = cases["case_a"]
    teacher = cases["users"]["teacher_a"]
    client = Client()
    client.force_login(teacher)
    assert (
        client.get(
            reverse(Case.snippet_viewset.get_url_name("inspect"), args=[case.pk])
        ).status_code
        == 200
    )
    case.delete()
    entry = AccessLog.objects.get(action="view_case")
    assert entry.user == teacher and entry.case is None
    assert entry.label == "甲校学生王小明·辍学风险"


def test_access_records_cannot_be_changed_or_deleted_one_by_one(cases):
    entry = AccessLog.objects.create(user=cases["users"]["office"], action="export", what="学生")
    entry.what = "nothing"
    with pytest.raises(AuditRecordIsFinal):
        entry.save()
    with pytest.raises(AuditRecordIsFinal):
        entry.delete()
    assert AccessLog.objects.get(pk=entry.pk).what == "学生"


def test_the_admin_has_no_page_that_edits_or_deletes_audit_records():
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.name or ""

    for route, name in walk(get_resolver().url_patterns):
        text = f"{route} {name}".lower()
        assert "accesslog" not in text and "caseworklogentry" not in text, route
        assert "access-log" not in text and "logentr" not in text, route


def test_old_audit_records_are_purged_after_the_kept_days(cases, settings):
    now = timezone.now()
    office = cases["users"]["office"]
    AccessLog.objects.create(user=office, action="export", at=now - datetime.timedelta(days=366))
    kept = AccessLog.objects.create(
        user=office, action="export", at=now - datetime.timedelta(days=300)
    )
    from wagtail.log_actions import log

    old_entry = log(cases["case_a"], "wagtail.edit", user=office)
    CaseworkLogEntry.objects.filter(pk=old_entry.pk).update(
        timestamp=now - datetime.timedelta(days=400)
    )
    new_entry = log(cases["case_a"], "wagtail.edit", user=office)

    assert purge_old_audit(now=now) == 2
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {kept.pk}
    assert not CaseworkLogEntry.objects.filter(pk=old_entry.pk).exists()
    assert CaseworkLogEntry.objects.filter(pk=new_entry.pk).exists()

    settings.CASEWORK = {**settings.CASEWORK, "AUDIT_KEEP_DAYS": 1000}
    assert purge_old_audit(now=now + datetime.timedelta(days=400)) == 0

    assert "casework.access.tasks.purge_old_audit" in {s.func for s in SCHEDULES}


def test_keeping_audit_records_less_than_six_months_is_refused(settings):
    settings.CASEWORK = {**settings.CASEWORK, "AUDIT_KEEP_DAYS": 90}
    errors = [e for e in checks.run_checks() if e.id == "casework.E010"]
    assert errors and "183" in errors[0].msg
    settings.CASEWORK = {**settings.CASEWORK, "AUDIT_KEEP_DAYS": 183}
    assert not [e for e in checks.run_checks() if e.id == "casework.E010"]
