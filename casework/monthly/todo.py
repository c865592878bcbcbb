"""To do (monthly checklist): rows to fill and submit (offices), reports to approve (leaders)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.access.rules import leader_name_of, office_of
from casework.dates import first_of_month
from casework.models import MonthlyReport, MonthlyReportRow
from casework.monthly.models import awaiting_leaders
from casework.todo.items import Todo


def url(view_name, *args):
    return reverse(MonthlyReport.snippet_viewset.get_url_name(view_name), args=args)


def rows_to_fill(user, today):
    """For office staff: this month's report to draft, and each unapproved report not under
    review that holds rows of their office (four queries)."""
    office = office_of(user)
    if not office or not user.has_perm("casework.change_monthlyreport"):
        return []
    month = first_of_month(today)
    # Not approved yet: a draft, or an approved month with a correction drafted.
    reports = list(
        MonthlyReport.objects.filter(month__lte=month)
        .exclude(live=True, has_unpublished_changes=False)
        .order_by("month")
    )
    in_review = set(awaiting_leaders(reports))
    waiting = [report for report in reports if report.pk not in in_review]
    items = []
    if (
        user.has_perm("casework.add_monthlyreport")
        and not MonthlyReport.objects.filter(month=month).exists()
    ):
        report = MonthlyReport(month=month)
        items.append(
            Todo(
                title=_("Draft %(report)s") % {"report": report},
                url=url("add"),
                action=pgettext("todo", "Create"),
                deadline=report.deadline,
            )
        )
    mine = {}
    rows = MonthlyReportRow.objects.filter(report__in=waiting).values_list(
        "report_id", "number", "offices"
    )
    for report_id, number, offices in rows:
        if office in offices.split():
            mine.setdefault(report_id, []).append(number)
    for report in waiting:
        if report.pk in mine:
            numbers = "、".join(str(n) for n in sorted(mine[report.pk]))
            items.append(
                Todo(
                    title=_("Fill items %(numbers)s of %(report)s and submit it for review")
                    % {"numbers": numbers, "report": report},
                    url=url("edit", report.pk),
                    action=pgettext("todo", "Fill in"),
                    deadline=report.deadline,
                )
            )
    return items


def reports_to_approve(user, today):
    """For a leader: the reports under review whose rows of theirs wait for them (three queries)."""
    name = leader_name_of(user)
    if not name:
        return []
    reports = list(MonthlyReport.objects.filter(rows__leader=name).distinct().order_by("month"))
    waiting = awaiting_leaders(reports)
    return [
        Todo(
            title=_("Approve your rows of %(report)s") % {"report": report},
            url=url("review", report.pk),
            action=pgettext("monthly review", "Review"),
            deadline=report.deadline,
        )
        for report in reports
        if name in waiting.get(report.pk, [])
    ]
