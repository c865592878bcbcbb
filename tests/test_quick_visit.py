"""The quick visit form: one tap from the dashboard, defaults, validation, back where one came from."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from casework.models import Case, HomeVisit
from tests import factories as f

TODAY = datetime.date(2025, 3, 12)  # a Wednesday
NOON = datetime.datetime(2025, 3, 12, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def url(case, next_url=None):
    base = reverse("casework_quick_visit", args=[case.pk])
    return f"{base}?next={next_url}" if next_url else base


def valid_data(**overrides):
    data = {
        "visited_on": TODAY.isoformat(),
        "child_state": "in_school",
        "findings": "孩子已按时到校，家长表示支持。",
        "next_visit_due": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "mode": "home",
        "visitors": "李老师",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_form_opens_with_today_the_teacher_and_a_due_date_from_the_risk(client, two_schools):
    teacher = two_schools["users"]["teacher_a"]
    teacher.last_name, teacher.first_name = "李", "老师"
    teacher.save()
    case = two_schools["case_a"]
    Case.unscoped.filter(pk=case.pk).update(risk="high")
    client.force_login(teacher)

    response = client.get(url(case))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["visited_on"].value() == TODAY
    assert form["visitors"].value() == "李老师"
    assert form["next_visit_due"].value() == TODAY + datetime.timedelta(days=7)  # high: a week
    assert form["child_state"].value() == "in_school"
    html = response.content.decode()
    assert "甲校学生王小明" in html
    assert 'type="radio"' in html and 'name="child_state"' in html
    assert "casework/casework.css" in html
    assert 'name="viewport"' in html  # the admin's own viewport: usable at 375 px


@pytest.mark.django_db
def test_a_low_risk_case_suggests_a_visit_in_a_month(client, two_schools):
    case = two_schools["case_a"]
    Case.unscoped.filter(pk=case.pk).update(risk="low")
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.get(url(case))
    assert response.context["form"]["next_visit_due"].value() == TODAY + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_the_last_state_recorded_is_preselected(client, two_schools):
    case = two_schools["case_a"]
    f.make_visit(case, visited_on=TODAY - datetime.timedelta(days=10), child_state="long_leave")
    client.force_login(two_schools["users"]["teacher_a"])
    assert client.get(url(case)).context["form"]["child_state"].value() == "long_leave"


@pytest.mark.django_db
def test_saving_records_the_visit_updates_the_case_and_returns_to_the_dashboard(
    client, two_schools
):
    teacher = two_schools["users"]["teacher_a"]
    case = two_schools["case_a"]
    client.force_login(teacher)
    dashboard = reverse("wagtailadmin_home")

    response = client.post(url(case, dashboard), valid_data(next_visit_due="2025-03-20"))

    assert response.status_code == 302
    assert response.url == dashboard
    visit = HomeVisit.unscoped.get(case=case)
    assert visit.created_by == teacher
    assert visit.visited_on == TODAY
    assert visit.findings == "孩子已按时到校，家长表示支持。"
    case.refresh_from_db()
    assert case.next_visit_due == datetime.date(2025, 3, 20)
    assert [e["entry"] for e in case.timeline() if e["kind"] == "visit"] == [visit]
    [message] = list(get_messages(response.wsgi_request))
    assert "甲校学生王小明" in str(message) and "2025年3月20日" in str(message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/admin/", "javascript:alert(1)"]
)
def test_an_outside_next_address_is_not_followed(client, two_schools, next_url):
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.post(url(two_schools["case_a"], next_url), valid_data())
    assert response.status_code == 302
    assert "evil" not in response.url and not response.url.startswith("javascript")
    assert HomeVisit.unscoped.count() == 1


@pytest.mark.django_db
def test_another_schools_case_is_not_found(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    assert client.get(url(two_schools["case_b"])).status_code == 404
    assert client.post(url(two_schools["case_b"]), valid_data()).status_code == 404
    assert not HomeVisit.unscoped.exists()


# Office staff may log a visit (they visit with the schools during 数据比对 follow-ups);
# leaders review, and the web editor has no case data.
CANNOT_LOG = ["leader_wan", "editor"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", CANNOT_LOG)
def test_who_may_not_add_visits_cannot_use_the_quick_form(client, two_schools, role):
    client.force_login(two_schools["users"][role])
    # Wagtail turns PermissionDenied into a redirect to the dashboard with an error message.
    response = client.post(url(two_schools["case_a"]), valid_data())
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert "权限" in str(list(get_messages(response.wsgi_request))[0])
    assert not HomeVisit.unscoped.exists()


@pytest.mark.django_db
def test_the_school_manager_may_log_a_visit_too(client, two_schools):
    client.force_login(two_schools["users"]["manager_a"])
    response = client.post(url(two_schools["case_a"]), valid_data())
    assert response.status_code == 302
    assert HomeVisit.unscoped.get().created_by == two_schools["users"]["manager_a"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"visited_on": "2025-03-13"}, "visited_on", "家访日期不能晚于今天"),
        (
            {"visited_on": "2025-03-10", "next_visit_due": "2025-03-09"},
            "next_visit_due",
            "下次家访日期不能早于本次家访",
        ),
        ({"findings": ""}, "findings", "必需字段"),
        ({"child_state": ""}, "child_state", "必需字段"),
        ({"child_state": "fine"}, "child_state", "选择一个有效的选项"),
    ],
)
def test_errors_are_shown_in_chinese_on_the_field_and_nothing_is_saved(
    client, two_schools, overrides, field, message
):
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.post(url(two_schools["case_a"]), valid_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not HomeVisit.unscoped.exists()
    two_schools["case_a"].refresh_from_db()
    assert two_schools["case_a"].next_visit_due is None


@pytest.mark.django_db
def test_a_closed_case_sends_the_teacher_back(client, two_schools):
    case = two_schools["case_a"]
    Case.unscoped.filter(pk=case.pk).update(
        status="closed", closed_on=TODAY, close_reason="已返校", close_verification="核实"
    )
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.get(url(case, "/admin/"))
    assert response.status_code == 302 and response.url == "/admin/"
    assert not HomeVisit.unscoped.exists()


@pytest.mark.django_db
def test_the_case_list_offers_a_log_a_visit_button_to_who_may_add_visits(two_schools):
    from casework.daily.wagtail_hooks import quick_visit_listing_button

    case = two_schools["case_a"]
    [button] = quick_visit_listing_button(case, two_schools["users"]["teacher_a"], "/admin/list/")
    assert button.url == url(case, "%2Fadmin%2Flist%2F")
    assert button.label == "登记家访"
    assert list(quick_visit_listing_button(case, two_schools["users"]["leader_wan"], "/x/")) == []
