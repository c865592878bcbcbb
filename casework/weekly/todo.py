"""To do (weekly report): this week's and last week's dropout report, until it is submitted."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from casework.access.rules import can_file_weekly_report, school_id_of
from casework.dates import week_label, week_monday
from casework.models import WeeklyReport
from casework.todo.items import Todo


def weekly_report_to_file(user, today):
    """A school manager's report of this week (due by its Sunday) and of last week if still
    not submitted (overdue); one query."""
    if not can_file_weekly_report(user):
        return []
    school_id = school_id_of(user)
    monday = week_monday(today)
    weeks = [monday - datetime.timedelta(days=7), monday]
    submitted = set(
        WeeklyReport.objects.for_user(user)
        .submitted()
        .filter(school_id=school_id, week_start__in=weeks)
        .values_list("week_start", flat=True)
    )
    items = []
    for week in weeks:
        if week in submitted:
            continue
        year, number, _weekday = week.isocalendar()
        items.append(
            {
                "title": _("Submit the weekly dropout report for %(week)s")
                % {"week": week_label(week)},
                "url": reverse("casework_weekly_report", args=[school_id, year, number]),
                "deadline": week + datetime.timedelta(days=6),
            }
        )
    return [Todo(action=_("Fill in and submit"), **item) for item in items]
