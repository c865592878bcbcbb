"""The figures of 挂牌督战: per checklist item, per school, per week, all from the ledger.

Every figure counts only the rows the caller's scoped managers let them see. The definitions
(also in docs/supervision.md):

- *open*: an item about children counts its cases not closed off; an item about schools counts
  its findings not closed off;
- *closed this month*: cases (or findings) of the item closed off with a date in this month (a
  close-off always records what was verified, so every one counts as verified);
- *overdue visits*: open cases of the item whose next visit was due before today;
- *findings past deadline*: open findings of the item whose deadline is before today;
- *schools not moving*: schools with open cases or findings of the item and, in the last
  ``SUPERVISION_STALE_DAYS`` days, no visit to a case of the item, no case of the item opened or
  closed, and no finding of the item found or closed;
- the weekly series count cases opened (``opened_on``), cases closed (``closed_on``) and visits
  (``visited_on``) of the item's cases, Monday to Sunday.
"""

import datetime

from django.db.models import Avg, Count, Q
from django.utils import timezone

from casework.campaign.models import Household
from casework.closeoff.models import CloseOff
from casework.conf import conf
from casework.dates import term_start
from casework.models import Case, ChecklistItem, Finding, HomeVisit, School, week_monday
from casework.review.models import CaseReview


def month_start(day):
    return day.replace(day=1)


def weeks_until(today, weeks=None):
    """The Mondays of the ``weeks`` weeks up to the one holding ``today``, oldest first."""
    weeks = weeks or conf.SUPERVISION_WEEKS
    last = week_monday(today)
    return [last - datetime.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _per_week(queryset, field, mondays):
    first, last = mondays[0], mondays[-1] + datetime.timedelta(days=6)
    days = queryset.filter(**{f"{field}__range": (first, last)}).values_list(field, flat=True)
    counts = dict.fromkeys(mondays, 0)
    for day in days:
        counts[week_monday(day)] += 1
    return [counts[m] for m in mondays]


def weekly_series(item, today, weeks=None):
    """Cases opened, cases closed and visits, per week, for the item's cases."""
    mondays = weeks_until(today, weeks)
    cases = Case.objects.filter(checklist_item=item)
    return {
        "weeks": mondays,
        "opened": _per_week(cases, "opened_on", mondays),
        "closed": _per_week(cases.filter(status=Case.Status.CLOSED), "closed_on", mondays),
        "visits": _per_week(
            HomeVisit.objects.filter(case__checklist_item=item), "visited_on", mondays
        ),
    }


def stale_schools(item, today):
    """Schools with open work on the item and nothing recorded on it for the stale period."""
    since = today - datetime.timedelta(days=conf.SUPERVISION_STALE_DAYS)
    with_open = set(
        Case.objects.open().filter(checklist_item=item).values_list("student__school", flat=True)
    ) | set(Finding.objects.open().filter(checklist_item=item).values_list("school", flat=True))
    moved = (
        set(
            HomeVisit.objects.filter(case__checklist_item=item, visited_on__gte=since).values_list(
                "case__student__school", flat=True
            )
        )
        | set(
            Case.objects.filter(checklist_item=item)
            .filter(Q(opened_on__gte=since) | Q(closed_on__gte=since))
            .values_list("student__school", flat=True)
        )
        | set(
            Finding.objects.filter(checklist_item=item)
            .filter(Q(found_on__gte=since) | Q(closed_on__gte=since))
            .values_list("school", flat=True)
        )
    )
    return list(School.objects.filter(pk__in=with_open - moved).order_by("name"))


def item_figures(item, today):
    """The headline figures of one item."""
    start = month_start(today)
    cases = Case.objects.filter(checklist_item=item)
    findings = Finding.objects.filter(checklist_item=item)
    about_children = item.scope == ChecklistItem.Scope.CHILDREN
    work = cases if about_children else findings
    reviews = CaseReview.objects.filter(checklist_item=item)
    scores = reviews.filter(score__isnull=False, month=start).aggregate(avg=Avg("score"))
    stale = stale_schools(item, today)
    return {
        "open": work.open().count(),
        "closed_this_month": work.filter(status="closed", closed_on__range=(start, today)).count(),
        "overdue_visits": cases.overdue(today).count(),
        "findings_past_deadline": findings.open().filter(deadline__lt=today).count(),
        "stale_schools": len(stale),
        "stale_school_list": stale,
        "reviews_this_month": reviews.filter(month=start).count(),
        "review_score": round(scores["avg"]) if scores["avg"] is not None else None,
        "reviews_unanswered": reviews.unanswered().count(),
        "reviews_overdue": reviews.overdue(today).count(),
    }


def returned_closeoffs(items):
    """Close-offs the items' offices returned that the school has not proposed again.

    What waits for the leader: each is a case or finding its school claimed done and the office
    found not done. Newest decision first.
    """
    return list(
        CloseOff.objects.returned_standing()
        .filter(checklist_item__in=items)
        .select_related("case__student", "finding", "school", "checklist_item", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def schools_by_overdue(item, today, limit=10):
    """Schools ranked by the item's overdue visits plus findings past deadline."""
    overdue = dict(
        Case.objects.overdue(today)
        .filter(checklist_item=item)
        .values_list("student__school")
        .annotate(n=Count("id"))
    )
    late = dict(
        Finding.objects.open()
        .filter(checklist_item=item, deadline__lt=today)
        .values_list("school")
        .annotate(n=Count("id"))
    )
    names = dict(School.objects.filter(pk__in={*overdue, *late}).values_list("pk", "name"))
    rows = [
        {
            "school_id": pk,
            "name": name,
            "overdue_visits": overdue.get(pk, 0),
            "findings_past_deadline": late.get(pk, 0),
            "total": overdue.get(pk, 0) + late.get(pk, 0),
        }
        for pk, name in names.items()
    ]
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    return rows[:limit]


def school_health(today):
    """One row per school: overdue visits, findings past deadline, weekly report, reviews, and
    the visit campaign's households visited this term out of those grouped so far."""
    from casework.models import WeeklyReport

    open_case = ~Q(students__cases__status=Case.Status.CLOSED)
    open_finding = ~Q(findings__status=Finding.Status.CLOSED)
    schools = School.objects.annotate(
        overdue_visits=Count(
            "students__cases",
            filter=open_case & Q(students__cases__next_visit_due__lt=today),
            distinct=True,
        ),
        findings_past_deadline=Count(
            "findings", filter=open_finding & Q(findings__deadline__lt=today), distinct=True
        ),
    ).order_by("name")
    filed = set(
        WeeklyReport.objects.submitted()
        .filter(week_start=week_monday(today))
        .values_list("school_id", flat=True)
    )
    reviews_overdue = dict(
        CaseReview.objects.overdue(today).values_list("school").annotate(n=Count("id"))
    )
    households = Household.objects.all()
    totals = dict(households.values_list("school").annotate(n=Count("id")).order_by())
    visited = dict(
        Household.objects.filter(pk__in=households.visited_since(term_start(today)).values("pk"))
        .values_list("school")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "school": school,
            "overdue_visits": school.overdue_visits,
            "findings_past_deadline": school.findings_past_deadline,
            "weekly_filed": school.pk in filed,
            "reviews_overdue": reviews_overdue.get(school.pk, 0),
            "households": totals.get(school.pk, 0),
            "households_visited": visited.get(school.pk, 0),
        }
        for school in schools
    ]


def today():
    return timezone.localdate()
