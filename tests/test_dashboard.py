"""The "my work" dashboard panels, per role."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.daily.dashboard import BureauPanel, SchoolPanel, TeacherPanel
from casework.models import Case
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 3, 12, 9, 0, tzinfo=SHANGHAI)  # "this week": the 12th to the 18th


def day(n):
    return datetime.date(2025, 3, n)


@pytest.fixture
def work(two_schools):
    """School A's cases in every situation the panels tell apart, and noise elsewhere."""
    d = two_schools
    teacher, a, b = d["users"]["teacher_a"], d["a"], d["b"]
    other_teacher = f.make_user(
        "teacher_a2", "teacher", school=a, last_name="周", first_name="老师"
    )
    Case.unscoped.filter(pk=d["case_a"].pk).update(next_visit_due=day(10))  # overdue
    cases = {
        "overdue": d["case_a"],
        "due": f.make_case(
            f.make_student(a, name="本周到期生"), teacher=teacher, next_visit_due=day(18)
        ),
        "later": f.make_case(
            f.make_student(a, name="下周到期生"), teacher=teacher, next_visit_due=day(19)
        ),
        "suspected": f.make_case(f.make_student(a, name="疑似辍学生"), teacher=teacher),
        "closed": f.make_case(
            f.make_student(a, name="已销号生"),
            teacher=teacher,
            status="closed",
            next_visit_due=day(1),
            closed_on=day(1),
            close_reason="返校",
            close_verification="核实",
        ),
        "colleague": f.make_case(
            f.make_student(a, name="同事的学生"), teacher=other_teacher, next_visit_due=day(11)
        ),
        "unpaired": f.make_case(f.make_student(a, name="无人结对生"), next_visit_due=day(5)),
        # A case of school B wrongly paired with school A's teacher: never counted in A.
        "elsewhere": f.make_case(
            f.make_student(b, name="乙校错配生"), teacher=teacher, next_visit_due=day(1)
        ),
    }
    with time_machine.travel(NOW, tick=False):
        f.make_visit(
            cases["suspected"],
            visited_on=day(3),
            child_state="suspected_dropout",
            next_visit_due=day(20),
        )
        # Found suspected, then visited again and back in school: not waiting any more.
        f.make_visit(
            cases["later"],
            visited_on=day(2),
            child_state="suspected_dropout",
            next_visit_due=day(3),
        )
        f.make_visit(
            cases["later"], visited_on=day(9), child_state="in_school", next_visit_due=day(19)
        )
        # School B's overdue, dropout-risk cases, to rank the schools.
        for i in range(3):
            f.make_case(
                f.make_student(b, name=f"乙校学生{i}"),
                teacher=d["users"]["teacher_b"],
                next_visit_due=day(2),
            )
    return {**d, "cases": cases, "other_teacher": other_teacher}


def dashboard(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response


def panel_context(response, panel_class):
    [panel] = [p for p in response.context["panels"] if isinstance(p, panel_class)]
    with time_machine.travel(NOW, tick=False):
        return panel.get_context_data({"request": response.wsgi_request})


def names(rows):
    return [case.student.name for case in rows]


@pytest.mark.django_db
def test_teacher_sees_their_own_cases_by_what_needs_doing(client, work):
    response = dashboard(client, work["users"]["teacher_a"])
    context = panel_context(response, TeacherPanel)

    assert context["counts"] == {"open": 4, "overdue": 1, "due": 1, "suspected": 1}
    assert names(context["overdue"]) == ["甲校学生王小明"]
    assert names(context["due"]) == ["本周到期生"]
    assert names(context["suspected"]) == ["疑似辍学生"]
    assert set(names(context["paired"])) == {
        "甲校学生王小明",
        "本周到期生",
        "下周到期生",
        "疑似辍学生",
    }

    html = response.content.decode()
    assert "我的工作" in html
    assert 'class="cw-case cw-case--overdue"' in html  # the overdue row is marked red
    quick = reverse("casework_quick_visit", args=[work["cases"]["overdue"].pk])
    assert f'href="{quick}?next=%2Fadmin%2F"' in html  # one tap to the quick form, and back


@pytest.mark.django_db
def test_a_teachers_panel_never_counts_another_schools_cases(client, work):
    response = dashboard(client, work["users"]["teacher_a"])
    html = response.content.decode()
    assert "乙校" not in html
    context = panel_context(response, TeacherPanel)
    everything = context["overdue"] + context["due"] + context["suspected"] + context["paired"]
    assert all(case.student.school == work["a"] for case in everything)


@pytest.mark.django_db
def test_school_manager_sees_the_whole_school_and_who_is_behind(client, work):
    response = dashboard(client, work["users"]["manager_a"])
    context = panel_context(response, SchoolPanel)

    assert context["counts"] == {"open": 6, "overdue": 3, "due": 1, "suspected": 1}
    assert names(context["overdue"]) == ["无人结对生", "甲校学生王小明", "同事的学生"]
    assert names(context["due"]) == ["本周到期生"]
    behind = {
        (row["name"], row["has_teacher"]): row["overdue"] for row in context["teachers_behind"]
    }
    assert behind == {("teacher_a", True): 1, ("周老师", True): 1, ("", False): 1}
    html = response.content.decode()
    assert "乙校" not in html
    assert "周老师" in html and "本周的辍学周报告尚未报送" in html


@pytest.mark.django_db
def test_bureau_sees_schools_ranked(client, work):
    response = dashboard(client, work["users"]["office"])
    context = panel_context(response, BureauPanel)
    # School A: overdue 甲校学生王小明, 同事的学生, 无人结对生; school B: three plus the mispaired one.
    assert [(s.name, s.overdue) for s in context["by_overdue"]] == [("乙校", 4), ("甲校", 3)]
    assert [(s.name, s.dropout_risk) for s in context["by_dropout_risk"]] == [
        ("甲校", 6),
        ("乙校", 5),
    ]
    assert context["not_filed"] == 2
    assert "学校按逾期家访排序" in response.content.decode()


@pytest.mark.django_db
def test_editor_gets_no_casework_panel(client, work):
    response = dashboard(client, work["users"]["editor"])
    assert not [
        p
        for p in response.context["panels"]
        if isinstance(p, TeacherPanel | SchoolPanel | BureauPanel)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "office"])
def test_the_panels_take_as_many_queries_for_many_cases_as_for_few(client, work, role):
    user = work["users"][role]
    client.force_login(user)

    def count():
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(queries)

    before = count()
    for i in range(12):
        case = f.make_case(
            f.make_student(work["a"], name=f"加测{i}"),
            teacher=work["users"]["teacher_a"],
            next_visit_due=day(1 + i % 14),
        )
        with time_machine.travel(NOW, tick=False):
            f.make_visit(
                case,
                visited_on=day(1),
                child_state="suspected_dropout",
                next_visit_due=day(1 + i % 14),
            )
    assert count() == before
