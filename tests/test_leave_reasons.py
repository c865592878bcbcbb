"""离校原因 and 学困生: visit forms ask why a child left school, lists filter, reports count."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from casework.models import Case, ChecklistItem, HomeVisit, Student
from casework.monthly.figures import children_figures, children_text
from casework.weekly.figures import pupils_at_risk, week_monday
from tests import factories as f

TODAY = datetime.date(2025, 3, 12)  # a Wednesday
NOON = datetime.datetime(2025, 3, 12, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def quick_visit(client, case, **overrides):
    data = {
        "visited_on": TODAY.isoformat(),
        "child_state": "dropped_out",
        "findings": "孩子已两周未到校。",
        "next_visit_due": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "mode": "village",
        "visitors": "李老师",
        **overrides,
    }
    return client.post(reverse("casework_quick_visit", args=[case.pk]), data)


@pytest.mark.django_db
def test_a_dropout_without_a_reason_is_refused_on_the_field(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    response = quick_visit(client, two_schools["case_a"])
    assert response.status_code == 200
    assert response.context["form"].errors["leave_reason"] == ["请选择离校原因。"]
    assert not HomeVisit.unscoped.exists()


@pytest.mark.django_db
def test_other_needs_the_words_then_the_visit_keeps_them(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    case = two_schools["case_a"]
    response = quick_visit(client, case, leave_reason="other")
    assert response.context["form"].errors["leave_reason_other"] == [
        "离校原因选“其他”时，请填写具体原因。"
    ]
    assert not HomeVisit.unscoped.exists()

    response = quick_visit(client, case, leave_reason="other", leave_reason_other="在家照顾弟妹")
    assert response.status_code == 302
    visit = HomeVisit.unscoped.get()
    assert (visit.leave_reason, visit.leave_reason_other) == ("other", "在家照顾弟妹")


@pytest.mark.django_db
def test_a_reason_given_for_a_child_in_school_is_not_kept(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    quick_visit(client, two_schools["case_a"], child_state="in_school", leave_reason="work")
    assert HomeVisit.unscoped.get().leave_reason == ""


@pytest.mark.django_db
def test_the_case_visit_form_refuses_a_dropout_without_a_reason(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    case = two_schools["case_a"]
    url = reverse(HomeVisit.snippet_viewset.get_url_name("add"))
    data = {
        "case": case.pk,
        "visited_on": TODAY.isoformat(),
        "mode": "letter",
        "visitors": "李老师",
        "child_state": "dropped_out",
        "leave_reason": "",
        "leave_reason_other": "",
        "findings": "致函家长核实。",
        "actions": "",
        "next_visit_due": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请选择离校原因。" in response.content.decode()
    assert not HomeVisit.unscoped.exists()

    response = client.post(url, {**data, "leave_reason": "aversion"})
    assert response.status_code == 302
    assert HomeVisit.unscoped.get().leave_reason == "aversion"


def dropouts(school, reasons, day):
    """A child per reason, each with a case and a visit recording them dropped out."""
    for i, reason in enumerate(reasons):
        student = f.make_student(school, name=f"辍学{reason}{i}")
        case = f.make_case(student)
        f.make_visit(case, visited_on=day, child_state="dropped_out", leave_reason=reason)


@pytest.mark.django_db
def test_the_case_list_filters_by_the_latest_visits_reason_and_by_struggling(client, two_schools):
    a = two_schools["a"]
    dropouts(a, ["work"], TODAY)
    # Worked away once, back in school since: not counted under 外出务工.
    back = f.make_case(f.make_student(a, name="已返校学生"))
    f.make_visit(
        back,
        visited_on=TODAY - datetime.timedelta(days=9),
        child_state="dropped_out",
        leave_reason="work",
    )
    f.make_visit(back, visited_on=TODAY, child_state="returned")
    Student.unscoped.filter(pk=two_schools["student_a"].pk).update(is_struggling=True)
    client.force_login(two_schools["users"]["office"])
    cases = reverse(Case.snippet_viewset.get_url_name("list"))

    html = client.get(cases, {"leave_reason": "work"}).content.decode()
    assert "辍学work0" in html and "已返校学生" not in html

    html = client.get(cases, {"is_struggling": "true"}).content.decode()
    assert "甲校学生王小明" in html and "辍学work0" not in html

    students = reverse(Student.snippet_viewset.get_url_name("list"))
    html = client.get(students, {"is_struggling": "true"}).content.decode()
    assert "甲校学生王小明" in html and "乙校学生赵小红" not in html


@pytest.mark.django_db
def test_the_weekly_report_counts_dropouts_by_reason_and_the_struggling(two_schools):
    a = two_schools["a"]
    monday = week_monday(TODAY)
    dropouts(a, ["work", "work", "aversion"], monday)
    dropouts(two_schools["b"], ["illness"], monday)  # another school
    # The case of 王小明 is a dropout-risk case, open: a 学困生 at risk. A flagged child
    # without a case is not.
    Student.unscoped.filter(pk=two_schools["student_a"].pk).update(is_struggling=True)
    f.make_student(a, name="无个案学困生", is_struggling=True)

    figures = pupils_at_risk(a, monday)

    assert figures["reasons"] == {"work": 2, "aversion": 1}
    assert figures["reasons_text"] == "外出务工2人，厌学1人"
    assert figures["struggling"] == 1


@pytest.mark.django_db
def test_the_monthly_draft_of_item_3_counts_dropouts_by_reason(two_schools):
    a = two_schools["a"]
    dropouts(a, ["work", "aversion", "work"], datetime.date(2025, 3, 3))
    Student.unscoped.filter(pk=two_schools["student_a"].pk).update(is_struggling=True)
    item = ChecklistItem.objects.get(number=3)

    fig = children_figures([item], datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))[item.pk]
    problems, _done = children_text(fig)

    assert fig["out_by_reason"] == {"work": 2, "aversion": 1}
    assert "外出务工2人，厌学1人" in problems
    assert "其中学困生1人" in problems


@pytest.mark.django_db
def test_the_campaign_visit_asks_the_reason_and_passes_it_to_the_case_it_opens(client, two_schools):
    from casework.campaign.models import CampaignVisit

    client.force_login(two_schools["users"]["teacher_a"])
    student = f.make_student(two_schools["a"], name="走访学生")
    url = reverse("casework_campaign_visit", args=[student.pk])
    data = {
        "visited_on": TODAY.isoformat(),
        "child_state": "dropped_out",
        "findings": "孩子随父母外出打工。",
        "mode": "home",
        "visitors": "李老师",
        "open_case": "on",
        "concern": "dropout_risk",
        "risk": "high",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["leave_reason"] == ["请选择离校原因。"]
    assert not CampaignVisit.unscoped.exists() and not HomeVisit.unscoped.exists()

    response = client.post(url, {**data, "leave_reason": "work"})
    assert response.status_code == 302
    assert CampaignVisit.unscoped.get().leave_reason == "work"
    assert HomeVisit.unscoped.get(case__student=student).leave_reason == "work"
