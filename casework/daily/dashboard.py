"""The "my work" panels of the admin dashboard, one per kind of user.

Each panel runs a fixed number of queries however many cases there are, and counts only what
the user's scoped managers let them see.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from casework.access.roles import Role
from casework.access.rules import (
    can_file_weekly_report,
    can_log_visit,
    can_view_district_reports,
    is_bureau,
    roles_of,
    works_at_a_school,
)
from casework.choices import ChildState, Concern
from casework.links import case_file_url, case_list_url, quick_visit_url
from casework.models import (
    Case,
    Finding,
    HomeVisit,
    Reminder,
    School,
    WeeklyReport,
    week_monday,
)
from casework.people import full_name
from casework.tallies import tally

#: Rows shown in each list of a panel; the counts above the lists are complete.
LIST_LIMIT = 15


def this_week(today):
    """Today and the six days after: "due this week" looks a full week ahead, even on Sunday."""
    return today, today + datetime.timedelta(days=6)


def with_last_state(cases):
    """Annotate cases with the child's state at their latest visit."""
    latest = (
        HomeVisit.objects.filter(case=OuterRef("pk"))
        .order_by("-visited_on", "-created_at", "-id")
        .values("child_state")[:1]
    )
    return cases.annotate(last_state=Subquery(latest))


def case_rows(cases, request):
    """List rows with the links a row needs."""
    here = request.get_full_path()
    rows = list(cases[:LIST_LIMIT])
    may_log = can_log_visit(request.user)
    for case in rows:
        case.file_url = case_file_url(case.pk)
        case.visit_url = quick_visit_url(case.pk, here) if may_log else None
    return rows


def work_summary(cases, request, today):
    """Counts and lists of the open cases given: overdue, due this week, suspected dropouts."""
    start, end = this_week(today)
    cases = with_last_state(cases.open())
    suspected = Q(last_state=ChildState.SUSPECTED_DROPOUT)
    counts = cases.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(next_visit_due__lt=today)),
        due=Count("id", filter=Q(next_visit_due__range=(start, end))),
        suspected=Count("id", filter=suspected),
    )
    rows = cases.with_file().order_by("next_visit_due", "pk")
    return {
        "today": today,
        "week_end": end,
        "counts": counts,
        "overdue": case_rows(rows.filter(next_visit_due__lt=today), request),
        "due": case_rows(rows.filter(next_visit_due__range=(start, end)), request),
        "suspected": case_rows(rows.filter(suspected), request),
        "limit": LIST_LIMIT,
        "case_list_url": case_list_url(),
    }


def finding_list_url(**params):
    """The findings ledger, filtered; None when its view set is not registered."""
    try:
        url = reverse("wagtailsnippets_casework_finding:list")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def late_findings(user, today):
    """Findings past their 整改时限 and not closed off, among those ``user`` sees."""
    return Finding.objects.for_user(user).overdue(today)


def unread_reminder(user):
    return (
        Reminder.objects.for_user(user)
        .filter(user=user, dismissed_at__isnull=True)
        .order_by("-sent_on")
        .first()
    )


class MyWorkPanel(Component):
    order = 50

    class Media:
        css = {"all": ["casework/casework.css"]}

    def __init__(self, user):
        self.user = user


class TeacherPanel(MyWorkPanel):
    """A teacher's own cases: paired with them, due this week, overdue, suspected dropouts."""

    name = "casework_my_cases"
    template_name = "casework/dashboard/teacher_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        today = timezone.localdate()
        cases = Case.objects.for_user(self.user).filter(teacher=self.user)
        context = work_summary(cases, request, today)
        context["paired"] = case_rows(
            with_last_state(cases.open()).with_file().order_by("next_visit_due", "pk"), request
        )
        context["reminder"] = unread_reminder(self.user)
        return context


class SchoolPanel(MyWorkPanel):
    """The school manager's view of the whole school, with the teachers who are behind."""

    name = "casework_school_work"
    template_name = "casework/dashboard/school_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        today = timezone.localdate()
        cases = Case.objects.for_user(self.user)
        context = work_summary(cases, request, today)
        behind = (
            cases.overdue(today)
            .values("teacher_id", "teacher__first_name", "teacher__last_name", "teacher__username")
            .annotate(n=Count("id"))
            .order_by("-n", "teacher__username")
        )
        context["teachers_behind"] = [
            {
                "name": full_name(
                    row["teacher__first_name"],
                    row["teacher__last_name"],
                    row["teacher__username"] or "",
                ),
                "has_teacher": row["teacher_id"] is not None,
                "overdue": row["n"],
            }
            for row in behind
        ]
        context["reminder"] = unread_reminder(self.user)
        context["late_findings"] = late_findings(self.user, today).count()
        context["late_findings_url"] = finding_list_url(past_deadline="true")
        if can_file_weekly_report(self.user):
            monday = week_monday(today)
            context["weekly"] = {
                "report": WeeklyReport.objects.for_user(self.user)
                .filter(week_start=monday)
                .first(),
                "url": reverse("casework_weekly_index"),
                "week": monday,
            }
        return context


class BureauPanel(MyWorkPanel):
    """Schools ranked by overdue visits and by open dropout-risk cases; who has not filed."""

    name = "casework_district_work"
    template_name = "casework/dashboard/bureau_panel.html"

    def school_counts(self, today):
        """Per school: open cases overdue and at risk of dropping out; findings past deadline."""
        counts = {
            row["school"]: row
            for row in Case.objects.for_user(self.user)
            .open()
            .values_per_school()
            .annotate(
                overdue=Count("id", filter=Q(next_visit_due__lt=today)),
                dropout_risk=Count("id", filter=Q(concern=Concern.DROPOUT_RISK)),
            )
        }
        # A separate grouped query: a second join in the annotation above would multiply counts.
        late = dict(
            late_findings(self.user, today)
            .order_by()
            .values_list("school_id")
            .annotate(n=Count("id"))
        )
        return counts, late

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        schools = list(School.objects.for_user(self.user))
        counts, late = tally(
            "bureau panel", lambda: self.school_counts(today), today, user=self.user
        )
        for school in schools:
            row = counts.get(school.pk, {})
            school.overdue = row.get("overdue", 0)
            school.dropout_risk = row.get("dropout_risk", 0)
            school.late_findings = late.get(school.pk, 0)
        context = {
            "by_late_findings": sorted(
                (s for s in schools if s.late_findings), key=lambda s: (-s.late_findings, s.name)
            )[:LIST_LIMIT],
            "late_findings": sum(late.values()),
            "late_findings_url": finding_list_url(past_deadline="true"),
            "by_overdue": sorted(
                (s for s in schools if s.overdue), key=lambda s: (-s.overdue, s.name)
            )[:LIST_LIMIT],
            "by_dropout_risk": sorted(
                (s for s in schools if s.dropout_risk), key=lambda s: (-s.dropout_risk, s.name)
            )[:LIST_LIMIT],
            "school_count": len(schools),
            "today": today,
        }
        if can_view_district_reports(self.user):
            monday = week_monday(today)
            filed = set(
                WeeklyReport.objects.for_user(self.user)
                .submitted()
                .filter(week_start=monday)
                .values_list("school_id", flat=True)
            )
            context["not_filed"] = sum(1 for s in schools if s.pk not in filed)
            context["weekly_url"] = reverse("casework_weekly_index")
        return context


def panels_for(user):
    """The "my work" panel a user sees, if any."""
    roles = roles_of(user)
    if is_bureau(user):
        return [BureauPanel(user)]
    if Role.MANAGER in roles and works_at_a_school(user):
        return [SchoolPanel(user)]
    if Role.TEACHER in roles and works_at_a_school(user):
        return [TeacherPanel(user)]
    return []
