"""Deadlines that bite: a finding past its 整改时限 counts on the dashboards and in the reminder."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_q.tasks import async_task, result

from casework.models import ChecklistItem, Finding, Reminder

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 3, 12, 9, 0, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


def a_finding(school, deadline, **kwargs):
    return Finding.unscoped.create(
        school=school,
        checklist_item=ChecklistItem.objects.get(number=5),
        problem="教室照明不达标",
        found_on=datetime.date(2025, 1, 5),
        deadline=deadline,
        **kwargs,
    )


@pytest.fixture
def late(two_schools):
    d = two_schools
    a_finding(d["a"], datetime.date(2025, 3, 1))  # past its deadline
    a_finding(d["a"], datetime.date(2025, 3, 20))  # not yet due
    a_finding(d["a"], None)  # no deadline set
    a_finding(d["b"], datetime.date(2025, 2, 1))
    a_finding(d["b"], datetime.date(2025, 2, 10))
    # Closed off before the deadline passed: never late.
    a_finding(
        d["b"],
        datetime.date(2025, 2, 1),
        status=Finding.Status.CLOSED,
        closed_on=datetime.date(2025, 1, 30),
        rectification="更换灯具",
        evidence="验收单",
    )
    for name in ("teacher_a", "manager_a"):
        d["users"][name].email = f"{name}@school.example.cn"
        d["users"][name].save()
    return d


def home(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_school_manager_sees_the_schools_late_findings_only(client, late):
    html = home(client, late["users"]["manager_a"])
    assert "1 项问题已过整改时限仍未整改" in html
    assert "past_deadline=true" in html


def test_the_findings_ledger_filters_the_late_ones(client, late):
    client.force_login(late["users"]["manager_a"])
    url = reverse(Finding.snippet_viewset.get_url_name("list"))
    with time_machine.travel(NOW, tick=False):
        response = client.get(url, {"past_deadline": "true"})
    assert [f.deadline for f in response.context["object_list"]] == [datetime.date(2025, 3, 1)]


def test_the_bureau_sees_the_district_total_and_schools_ranked(client, late):
    html = home(client, late["users"]["office"])
    assert "3 项问题已过整改时限仍未整改" in html
    ranking = html[html.index("学校按逾期未整改问题排序") :]
    assert ranking.index("乙校") < ranking.index("甲校")


def test_the_daily_reminder_tells_the_manager_of_late_findings(client, late):
    # No visit is overdue on the 12th: the late finding alone makes the reminder.
    with time_machine.travel(NOW, tick=False):
        assert result(async_task("casework.daily.reminders.send_overdue_reminders")) == 1
    [message] = mail.outbox
    assert message.to == ["manager_a@school.example.cn"]
    assert "1 项问题已过整改时限" in message.subject
    assert "家访" not in message.subject
    assert "教室照明" not in message.body  # what the problem is stays in the system
    reminder = Reminder.unscoped.get()
    assert (reminder.overdue_count, reminder.late_findings) == (0, 1)
    html = home(client, late["users"]["manager_a"])
    assert "2025年3月12日的提醒：1 项问题已过整改时限仍未整改" in html
