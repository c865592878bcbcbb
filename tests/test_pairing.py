"""点对点帮扶: a case is paired only with a teacher of the child's own school."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case

pytestmark = pytest.mark.django_db


def case_data(case, teacher):
    return {
        "student": case.student_id,
        "concern": case.concern,
        "checklist_item": case.checklist_item_id,
        "risk": "high",
        "status": "open",
        "opened_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "teacher": teacher.pk,
        "summary": "连续三天未到校",
        "closed_on": "",
        "close_reason": "",
        "close_verification": "",
    }


def test_office_staff_cannot_pair_a_case_with_another_schools_teacher(client, two_schools):
    d = two_schools
    case = d["case_a"]
    client.force_login(d["users"]["office"])
    edit = reverse(Case.snippet_viewset.get_url_name("edit"), args=[case.pk])
    response = client.post(edit, case_data(case, d["users"]["teacher_b"]))
    assert response.status_code == 200
    assert "帮扶教师须是该学生所在学校（甲校）的教职工" in response.content.decode()
    assert Case.unscoped.get(pk=case.pk).teacher == d["users"]["teacher_a"]

    response = client.post(edit, case_data(case, d["users"]["manager_a"]))
    assert response.status_code == 302
    assert Case.unscoped.get(pk=case.pk).teacher == d["users"]["manager_a"]


def chooser_names(client, **params):
    response = client.get(reverse("casework_teacher_chooser:choose_results"), params)
    assert response.status_code == 200
    return {n for n in ("teacher_a", "manager_a", "teacher_b") if n in response.content.decode()}


def test_the_teacher_chooser_lists_only_staff_of_the_childs_school(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["office"])
    assert chooser_names(client, student=d["student_a"].pk) == {"teacher_a", "manager_a"}
    assert chooser_names(client, student=d["student_b"].pk) == {"teacher_b"}
    # No child chosen yet, or no such child: nobody, rather than every school's staff.
    assert chooser_names(client) == set()
    assert chooser_names(client, student="abc") == set()

    client.force_login(d["users"]["manager_a"])
    assert chooser_names(client) == {"teacher_a", "manager_a"}
    assert chooser_names(client, student=d["student_b"].pk) == set()


def test_the_case_form_passes_the_child_to_the_teacher_chooser(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["office"])
    page = client.get(reverse(Case.snippet_viewset.get_url_name("edit"), args=[d["case_a"].pk]))
    assert "#id_student" in page.content.decode()
