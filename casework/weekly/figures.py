"""The weekly dropout report's figures, taken from the ledger, and the district's view of them.

The definitions (also in the README):

- a child's *state as of a day* is the ``child_state`` of their latest home visit dated on or
  before that day (latest by date, then by entry), over all their cases, open or closed;
- suspected dropouts, dropouts, transferred out (destination known / unknown) and on long leave
  count the school's children whose state as of the week's Sunday is that state;
- returned this week counts the children with a visit dated Monday to Sunday of the week that
  records them as persuaded to return (劝返);
- enrolled cannot come from the ledger, which holds only the children the drive is about: it is
  carried over from the school's latest submitted report of the same term, or else taken from the
  term's 两清两明 figures, and the school manager corrects it;
- under the figures, the dropouts are counted by the 离校原因 of the visit that records them out
  of school, and 学困生 counts the flagged children with an open dropout-risk case.
"""

import datetime

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from casework.choices import ChildState, Concern, reason_counts_text
from casework.dates import is_known_year, week_label
from casework.models import (
    WEEKLY_FIGURES,
    Case,
    HomeVisit,
    School,
    Student,
    Term,
    TermFigures,
    WeeklyReport,
    out_of_school_by_reason,
    week_monday,
)

#: The figure each state as of the week's end counts towards.
STATE_FIGURES = {
    ChildState.SUSPECTED_DROPOUT: "suspected_dropouts",
    ChildState.DROPPED_OUT: "dropouts",
    ChildState.TRANSFERRED_KNOWN: "transferred_known",
    ChildState.TRANSFERRED_UNKNOWN: "transferred_unknown",
    ChildState.LONG_LEAVE: "long_leave",
}


def pupils_at_risk(school, week_start):
    """The words under the figures: dropouts by 离校原因 as of the week's Sunday, and the
    学困生 among the children with an open dropout-risk case."""
    week_end = week_start + datetime.timedelta(days=6)
    students = Student.objects.filter(school=school)
    reasons = out_of_school_by_reason(students, week_end)
    at_risk = (
        Case.objects.filter(concern=Concern.DROPOUT_RISK, opened_on__lte=week_end)
        .exclude(status=Case.Status.CLOSED, closed_on__lte=week_end)
        .values("student")
    )
    struggling = students.filter(is_struggling=True, pk__in=at_risk).count()
    return {
        "reasons": reasons,
        "reasons_text": reason_counts_text(reasons),
        "struggling": struggling,
    }


def week_of(year, week):
    """The Monday of ISO week ``week`` of ``year``; ValueError for a year the plan never knew."""
    if not is_known_year(year):
        raise ValueError(f"no week of the year {year}")
    return datetime.date.fromisocalendar(year, week, 1)


def latest_state(students, on):
    """Annotate students with their state as of the day ``on``."""
    latest = (
        HomeVisit.objects.filter(case__student=OuterRef("pk"), visited_on__lte=on)
        .order_by("-visited_on", "-created_at", "-id")
        .values("child_state")[:1]
    )
    return students.annotate(state=Subquery(latest))


def ledger_figures(school, week_start):
    """The week's figures as the cases and visits give them (enrolled excepted)."""
    week_end = week_start + datetime.timedelta(days=6)
    figures = dict.fromkeys(STATE_FIGURES.values(), 0)
    rows = (
        latest_state(Student.objects.filter(school=school), week_end)
        .filter(state__in=list(STATE_FIGURES))
        .values("state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        figures[STATE_FIGURES[row["state"]]] = row["n"]
    figures["returned"] = (
        HomeVisit.objects.filter(
            case__student__school=school,
            visited_on__range=(week_start, week_end),
            child_state=ChildState.RETURNED,
        )
        .values("case__student")
        .distinct()
        .count()
    )
    return figures


def enrolled_figure(school, week_start):
    """Enrolled: from the latest submitted report of the same term, else the term's figures."""
    school_year, term = Term.of(week_start)
    earlier = (
        WeeklyReport.objects.submitted()
        .filter(school=school, week_start__lt=week_start)
        .order_by("-week_start")
        .first()
    )
    if earlier and Term.of(earlier.week_start) == (school_year, term):
        return earlier.enrolled
    figures = TermFigures.objects.filter(school=school, school_year=school_year, term=term).first()
    return figures.enrolled if figures else 0


def prefill(school, week_start):
    """Every figure of the week's report, as the ledger gives it."""
    return {"enrolled": enrolled_figure(school, week_start), **ledger_figures(school, week_start)}


def term_figures(school, day):
    """The school's 两清两明 figures of the term ``day`` falls in, or None."""
    return TermFigures.objects.for_day(day).filter(school=school).first()


def not_filed(week_start):
    """Schools (as the user may see them) without a submitted report for the week."""
    filed = WeeklyReport.objects.submitted().filter(week_start=week_start).values("school_id")
    return School.objects.exclude(pk__in=filed).order_by("name")


def district_totals(weeks=12, until=None):
    """Sums of the submitted reports, per week, for the ``weeks`` weeks up to ``until``."""
    last = week_monday(until or timezone.localdate())
    first = last - datetime.timedelta(weeks=weeks - 1)
    rows = (
        WeeklyReport.objects.submitted()
        .filter(week_start__range=(first, last))
        .values("week_start")
        .annotate(schools=Count("id"), **{name: Sum(name) for name in WEEKLY_FIGURES})
    )
    by_week = {row["week_start"]: row for row in rows}
    totals = []
    for i in range(weeks):
        monday = first + datetime.timedelta(weeks=i)
        row = by_week.get(monday, {})
        totals.append(
            {
                "week_start": monday,
                "label": week_label(monday),
                "schools": row.get("schools", 0),
                **{name: row.get(name) or 0 for name in WEEKLY_FIGURES},
            }
        )
    return totals


#: The series the district chart draws, with their colours.
CHART_SERIES = [
    ("suspected_dropouts", "#cd4444"),
    ("dropouts", "#2e1f5e"),
    ("returned", "#1b8666"),
]


def chart(totals, width=640, height=220, pad=32):
    """Coordinates for a small server-rendered SVG line chart of the district totals."""
    top = max([1, *(row[name] for row in totals for name, _c in CHART_SERIES)])
    step = (width - 2 * pad) / max(1, len(totals) - 1)

    def y(value):
        return round(height - pad - value * (height - 2 * pad) / top, 1)

    series = []
    for name, colour in CHART_SERIES:
        points = [(round(pad + i * step, 1), y(row[name])) for i, row in enumerate(totals)]
        series.append(
            {
                "label": WeeklyReport._meta.get_field(name).verbose_name,
                "colour": colour,
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": [
                    {"x": px, "y": py, "value": row[name], "week": row["label"]}
                    for (px, py), row in zip(points, totals, strict=True)
                ],
            }
        )
    ticks = [
        {"x": round(pad + i * step, 1), "label": row["label"][-3:]} for i, row in enumerate(totals)
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "top": top,
        "top_y": y(top),
        "base_y": height - pad,
        "right_x": width - pad,
        "series": series,
        "ticks": ticks,
    }


#: States that take a child off the school's roll for the proposed enrolled figure.
OFF_ROLL = [ChildState.TRANSFERRED_KNOWN, ChildState.TRANSFERRED_UNKNOWN, ChildState.DROPPED_OUT]


def proposed_term_figures(school, day):
    """两清两明 figures as the rolls and the ledger give them on ``day`` (系统测算).

    enrolled: the school's Student records less those whose latest visit records them as
    transferred out or dropped out; the transferred and long-leave figures: children whose state
    as of ``day`` is that state. The school-age population is not in the system (None).
    """
    students = latest_state(Student.objects.filter(school=school), day)
    counted = {row["state"]: row["n"] for row in students.values("state").annotate(n=Count("id"))}
    return {
        "school_age_population": None,
        "enrolled": sum(counted.values()) - sum(counted.get(s, 0) for s in OFF_ROLL),
        "transferred_known": counted.get(ChildState.TRANSFERRED_KNOWN, 0),
        "transferred_unknown": counted.get(ChildState.TRANSFERRED_UNKNOWN, 0),
        "long_leave": counted.get(ChildState.LONG_LEAVE, 0),
    }
