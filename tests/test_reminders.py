"""Overdue visits: detected by the day in Asia/Shanghai, and reminded daily by django-q2."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_q.models import Schedule
from django_q.tasks import async_task, result

from casework.models import Case, Reminder
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DUE = datetime.date(2025, 3, 10)
# 23:59 on the day the visit is due, in Shanghai; in UTC it is still 15:59 the same day.
LAST_MINUTE = datetime.datetime(2025, 3, 10, 23, 59, 30, tzinfo=SHANGHAI)
# 00:00:30 the next day in Shanghai; in UTC still 16:00 on the 10th: a UTC date would miss it.
FIRST_MINUTE = datetime.datetime(2025, 3, 11, 0, 0, 30, tzinfo=SHANGHAI)


@pytest.fixture
def overdue(two_schools):
    d = two_schools
    for name in ("teacher_a", "teacher_b", "manager_a", "office"):
        d["users"][name].email = f"{name}@school.example.cn"
        d["users"][name].save()
    Case.unscoped.filter(pk=d["case_a"].pk).update(next_visit_due=DUE)
    Case.unscoped.filter(pk=d["case_b"].pk).update(next_visit_due=DUE + datetime.timedelta(days=5))
    # A colleague's case, also overdue at midnight: the manager hears of both.
    colleague = f.make_user("teacher_a2", "teacher", school=d["a"], email="a2@school.example.cn")
    f.make_case(f.make_student(d["a"], name="同事的学生"), teacher=colleague, next_visit_due=DUE)
    return d


def run_reminders():
    task_id = async_task("casework.daily.reminders.send_overdue_reminders")
    return result(task_id)


@pytest.mark.django_db
def test_a_visit_due_today_is_not_overdue_until_midnight_in_shanghai(overdue):
    with time_machine.travel(LAST_MINUTE, tick=False):
        assert not Case.objects.overdue().filter(pk=overdue["case_a"].pk).exists()
        assert Case.unscoped.get(pk=overdue["case_a"].pk).is_overdue is False
    with time_machine.travel(FIRST_MINUTE, tick=False):
        assert Case.objects.overdue().filter(pk=overdue["case_a"].pk).exists()
        assert Case.unscoped.get(pk=overdue["case_a"].pk).is_overdue is True


@pytest.mark.django_db
def test_the_dashboard_turns_red_at_midnight(client, overdue):
    client.force_login(overdue["users"]["teacher_a"])
    with time_machine.travel(LAST_MINUTE, tick=False):
        assert "cw-case--overdue" not in client.get(reverse("wagtailadmin_home")).content.decode()
    with time_machine.travel(FIRST_MINUTE, tick=False):
        assert "cw-case--overdue" in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.django_db
def test_no_one_is_reminded_before_midnight(overdue):
    with time_machine.travel(LAST_MINUTE, tick=False):
        assert run_reminders() == 0
    assert mail.outbox == []
    assert not Reminder.unscoped.exists()


@pytest.mark.django_db
def test_the_reminder_task_emails_each_teacher_and_manager_their_overdue_visits(overdue):
    with time_machine.travel(FIRST_MINUTE, tick=False):
        assert run_reminders() == 3

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "teacher_a@school.example.cn",
        "a2@school.example.cn",
        "manager_a@school.example.cn",
    }  # teacher_b's case is not due yet; bureau staff are not reminded
    assert "1 次家访已逾期" in by_recipient["teacher_a@school.example.cn"].subject
    assert "2 次家访已逾期" in by_recipient["manager_a@school.example.cn"].subject
    for message in mail.outbox:
        assert "2025年3月11日" in message.body
        assert "/admin/" in message.body
        # No child's name leaves the system by email.
        assert "王小明" not in message.body and "同事的学生" not in message.body
    counts = dict(Reminder.unscoped.values_list("user__username", "overdue_count"))
    assert counts == {"teacher_a": 1, "teacher_a2": 1, "manager_a": 2}


@pytest.mark.django_db
def test_running_the_task_twice_a_day_reminds_once(overdue):
    with time_machine.travel(FIRST_MINUTE, tick=False):
        run_reminders()
        run_reminders()
    assert len(mail.outbox) == 3
    with time_machine.travel(FIRST_MINUTE + datetime.timedelta(days=1), tick=False):
        run_reminders()
    assert len(mail.outbox) == 6


@pytest.mark.django_db
def test_a_user_without_an_email_address_is_still_reminded_in_the_admin(client, overdue):
    teacher = overdue["users"]["teacher_a"]
    teacher.email = ""
    teacher.save()
    with time_machine.travel(FIRST_MINUTE, tick=False):
        run_reminders()
        assert "teacher_a@school.example.cn" not in {m.to[0] for m in mail.outbox}
        client.force_login(teacher)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2025年3月11日的提醒：1 次家访已逾期" in html


@pytest.mark.django_db
def test_the_reminder_shows_on_the_dashboard_until_dismissed(client, overdue):
    with time_machine.travel(FIRST_MINUTE, tick=False):
        run_reminders()
        client.force_login(overdue["users"]["manager_a"])
        home = reverse("wagtailadmin_home")
        assert "2 次家访已逾期" in client.get(home).content.decode()
        reminder = Reminder.unscoped.get(user=overdue["users"]["manager_a"])
        # Another user's reminder cannot be dismissed.
        other = Reminder.unscoped.get(user=overdue["users"]["teacher_a"])
        dismiss = "casework_dismiss_reminder"
        assert client.post(reverse(dismiss, args=[other.pk])).status_code == 404
        response = client.post(reverse(dismiss, args=[reminder.pk]), {"next": home})
        assert response.status_code == 302 and response.url == home
        assert "2 次家访已逾期" not in client.get(home).content.decode()


@pytest.mark.django_db
def test_setup_schedules_creates_the_daily_schedule_once(overdue):
    with time_machine.travel(FIRST_MINUTE, tick=False):
        call_command("setup_schedules")
        schedule = Schedule.objects.get(func="casework.daily.reminders.send_overdue_reminders")
        call_command("setup_schedules")
    assert (
        Schedule.objects.filter(func="casework.daily.reminders.send_overdue_reminders").count() == 1
    )
    assert Schedule.objects.get(pk=schedule.pk).next_run == schedule.next_run
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
    # The first run is at 07:30 in Shanghai on the same morning.
    assert schedule.next_run == datetime.datetime(2025, 3, 11, 7, 30, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_setup_schedules_puts_back_a_schedule_changed_by_hand(overdue):
    call_command("setup_schedules")
    Schedule.objects.update(schedule_type=Schedule.WEEKLY)
    call_command("setup_schedules")
    assert (
        Schedule.objects.get(func="casework.daily.reminders.send_overdue_reminders").schedule_type
        == Schedule.DAILY
    )
