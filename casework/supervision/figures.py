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

from django.db import connection
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


def weekly_series(item, today, weeks=None):
    """Cases opened, cases closed and visits, per week, for the item's cases."""
    return weekly_series_of([item], today, weeks)[item.pk]


def weekly_series_of(items, today, weeks=None):
    """``weekly_series`` of each item, by the item's key."""
    mondays = weeks_until(today, weeks)
    first, last = mondays[0], mondays[-1] + datetime.timedelta(days=6)

    def per_week(queryset, item_field, field):
        counts = {item.pk: dict.fromkeys(mondays, 0) for item in items}
        # Counted per day in the database: half a year's visits are too many rows to bring into
        # Python, its days are not.
        days = (
            queryset.filter(**{f"{field}__range": (first, last)})
            .order_by()
            .values_list(item_field, field)
            .annotate(n=Count("pk"))
        )
        for item_pk, day, n in days:
            counts[item_pk][week_monday(day)] += n
        return {pk: [c[m] for m in mondays] for pk, c in counts.items()}

    cases = Case.objects.filter(checklist_item__in=items)
    opened = per_week(cases, "checklist_item", "opened_on")
    closed = per_week(cases.filter(status=Case.Status.CLOSED), "checklist_item", "closed_on")

    # On SQLite a query per item, not grouped by it: it then counts the visits from the (date,
    # case) index alone (grouping by the item too makes it sort half a year's visits).
    # PostgreSQL reads half a year's visits once for every item about as fast as for one.
    def visits_of(item):
        days = (
            HomeVisit.objects.filter(case__checklist_item=item, visited_on__range=(first, last))
            .order_by()
            .values_list("visited_on")
            .annotate(n=Count("pk"))
        )
        counts = dict.fromkeys(mondays, 0)
        for day, n in days:
            counts[week_monday(day)] += n
        return [counts[m] for m in mondays]

    if connection.vendor == "postgresql":
        visits = per_week(
            HomeVisit.objects.filter(case__checklist_item__in=items),
            "case__checklist_item",
            "visited_on",
        )
    else:
        visits = {item.pk: visits_of(item) for item in items}
    return {
        item.pk: {
            "weeks": mondays,
            "opened": opened[item.pk],
            "closed": closed[item.pk],
            "visits": visits[item.pk],
        }
        for item in items
    }


def _open_work(items, today):
    """Per item and school: open cases with their overdue visits, open findings with those past
    their deadline. Two grouped queries for all the items."""
    cases = (
        Case.objects.open()
        .filter(checklist_item__in=items)
        .values_per_school("checklist_item")
        .annotate(n=Count("id"), late=Count("id", filter=Q(next_visit_due__lt=today)))
    )
    findings = (
        Finding.objects.open()
        .filter(checklist_item__in=items)
        .order_by()
        .values("checklist_item", "school")
        .annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=today)))
    )
    return list(cases), list(findings)


def _pairs(queryset, item_field, school_field=None):
    """The distinct (item, school) pairs of the rows, found by the database."""
    if school_field is None:
        rows = queryset.values_per_school(item_field).distinct()
        return {(row[item_field], row["school"]) for row in rows}
    rows = queryset.order_by().values_list(item_field, school_field).distinct()
    return set(rows)


def _stale(items, today, cases, findings):
    """Per item, the schools with open work on it and nothing recorded on it for the stale
    period."""
    since = today - datetime.timedelta(days=conf.SUPERVISION_STALE_DAYS)
    with_open = {(r["checklist_item"], r["school"]) for r in cases} | {
        (r["checklist_item"], r["school"]) for r in findings
    }
    # A case moved if it was opened, closed or visited lately. The visits are looked up by date
    # and their cases by key: joining each visit to its case and child was 3× slower, and one
    # query for both conditions slower than two.
    visited = HomeVisit.objects.filter(visited_on__gte=since).values("case_id")
    of_items = Case.objects.filter(checklist_item__in=items)
    moved = (
        _pairs(of_items.filter(pk__in=visited), "checklist_item")
        | _pairs(
            of_items.filter(Q(opened_on__gte=since) | Q(closed_on__gte=since)), "checklist_item"
        )
        | _pairs(
            Finding.objects.filter(checklist_item__in=items).filter(
                Q(found_on__gte=since) | Q(closed_on__gte=since)
            ),
            "checklist_item",
            "school",
        )
    )
    stale = with_open - moved
    schools = School.objects.filter(pk__in={school for _item, school in stale}).order_by("name")
    return {
        item.pk: [school for school in schools if (item.pk, school.pk) in stale] for item in items
    }


def stale_schools(item, today):
    """Schools with open work on the item and nothing recorded on it for the stale period."""
    cases, findings = _open_work([item], today)
    return _stale([item], today, cases, findings)[item.pk]


def _per_item(queryset):
    return dict(queryset.order_by().values_list("checklist_item").annotate(n=Count("id")))


def item_figures(item, today):
    """The headline figures of one item."""
    return items_figures([item], today)[item.pk]


def items_figures(items, today, work=None):
    """The headline figures of each item, by the item's key, in a fixed number of queries."""
    start = month_start(today)
    cases, findings = work or _open_work(items, today)
    stale = _stale(items, today, cases, findings)

    def total(rows, key):
        sums = {}
        for row in rows:
            sums[row["checklist_item"]] = sums.get(row["checklist_item"], 0) + row[key]
        return sums

    open_cases, overdue = total(cases, "n"), total(cases, "late")
    open_findings, late_findings = total(findings, "n"), total(findings, "late")
    this_month = {"status": "closed", "closed_on__range": (start, today)}
    closed_cases = _per_item(Case.objects.filter(checklist_item__in=items, **this_month))
    closed_findings = _per_item(Finding.objects.filter(checklist_item__in=items, **this_month))
    reviews = CaseReview.objects.filter(checklist_item__in=items)
    monthly = {
        row["checklist_item"]: row
        for row in reviews.filter(month=start)
        .order_by()
        .values("checklist_item")
        .annotate(n=Count("id"), avg=Avg("score"))
    }
    unanswered = _per_item(reviews.unanswered())
    reviews_overdue = _per_item(reviews.overdue(today))
    result = {}
    for item in items:
        about_children = item.scope == ChecklistItem.Scope.CHILDREN
        avg = monthly.get(item.pk, {}).get("avg")
        result[item.pk] = {
            "open": (open_cases if about_children else open_findings).get(item.pk, 0),
            "closed_this_month": (closed_cases if about_children else closed_findings).get(
                item.pk, 0
            ),
            "overdue_visits": overdue.get(item.pk, 0),
            "findings_past_deadline": late_findings.get(item.pk, 0),
            "stale_schools": len(stale[item.pk]),
            "stale_school_list": stale[item.pk],
            "reviews_this_month": monthly.get(item.pk, {}).get("n", 0),
            "review_score": round(avg) if avg is not None else None,
            "reviews_unanswered": unanswered.get(item.pk, 0),
            "reviews_overdue": reviews_overdue.get(item.pk, 0),
        }
    return result


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
    return schools_by_overdue_of([item], today, limit)[item.pk]


def schools_by_overdue_of(items, today, limit=10, work=None):
    """``schools_by_overdue`` of each item, by the item's key."""
    cases, findings = work or _open_work(items, today)
    late = {}
    for key, rows in (("overdue_visits", cases), ("findings_past_deadline", findings)):
        for row in rows:
            if row["late"]:
                per_school = late.setdefault(row["checklist_item"], {})
                per_school.setdefault(row["school"], {})[key] = row["late"]
    names = dict(
        School.objects.filter(pk__in={pk for s in late.values() for pk in s}).values_list(
            "pk", "name"
        )
    )
    result = {}
    for item in items:
        rows = [
            {
                "school_id": pk,
                "name": names[pk],
                "overdue_visits": counts.get("overdue_visits", 0),
                "findings_past_deadline": counts.get("findings_past_deadline", 0),
                "total": sum(counts.values()),
            }
            for pk, counts in late.get(item.pk, {}).items()
        ]
        rows.sort(key=lambda r: (-r["total"], r["name"]))
        result[item.pk] = rows[:limit]
    return result


def items_context_figures(items, today):
    """What the 督战 pages show of each item (figures, series, ranking), by the item's key."""
    work = _open_work(items, today)
    return (
        items_figures(items, today, work),
        weekly_series_of(items, today),
        schools_by_overdue_of(items, today, work=work),
    )


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
