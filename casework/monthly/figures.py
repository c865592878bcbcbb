"""Figures drawn from the ledger: the monthly checklist's drafts and the progress overviews.

Items about children (1–4) count cases, home visits and support; items about schools (5–7)
count the findings ledger. Nothing here names a child.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.choices import reason_counts_text
from casework.dates import first_of_month, last_of_month
from casework.evidence.models import Attachment
from casework.models.cases import (
    Case,
    HomeVisit,
    SupportRecord,
    out_of_school_by_reason_per_item,
)
from casework.models.findings import Finding
from casework.models.reference import ChecklistItem
from casework.review.figures import NO_REVIEWS, month_review_figures
from casework.tallies import tally

PROBLEM_CHARS = 60

#: The checklist item about aid policy (教育资助政策落实情况): it reports every aid payment of the
#: month, whichever item the child's case answers, as the seed's item 2 covers all aid policies.
AID_ITEM_NUMBER = 2


def _visible(model, user):
    """The model's rows the drafting user may see; outside a request (tasks) every school."""
    return model.objects.for_user(user) if user is not None else model.objects.all()


def _open_at(queryset, day, opened_field):
    """Entries opened by the given day and not closed off by then."""
    return queryset.filter(**{f"{opened_field}__lte": day}).exclude(
        status="closed", closed_on__lte=day
    )


def _by_item_and_school_values(queryset, item_field, school_field, **values):
    """``{item pk: {school name: {value name: n}}}`` of several aggregates in one query, in
    school order."""
    result = defaultdict(dict)
    rows = (
        queryset.values(item_field, school_field)
        .annotate(**values)
        .order_by(item_field, school_field)
    )
    for row in rows:
        result[row[item_field]][row[school_field]] = row
    return result


def _split(by_item_and_school, name):
    """One value of ``_by_item_and_school_values``: ``{item pk: {school name: n}}``, leaving
    out the schools where it is nothing."""
    return {
        item: {school: row[name] for school, row in by_school.items() if row[name]}
        for item, by_school in by_item_and_school.items()
    }


def _by_item(queryset, item_field, value=None):
    """``{item pk: n}``; ``value`` is the aggregate (a count of rows by default)."""
    rows = queryset.values(item_field).annotate(n=value if value is not None else Count("id"))
    return {row[item_field]: row["n"] for row in rows.order_by()}


def _evidence(start, end, user):
    """Per item, the evidence kept (not deleted) in the given days on the item's records: the
    "附佐证材料 N 份" inspectors ask for. An attachment belongs to one record, so its item is
    the first of the paths that leads to one."""
    item = Coalesce(
        "home_visit__case__checklist_item",
        "support_record__case__checklist_item",
        "case__checklist_item",
        "finding__checklist_item",
    )
    kept = _visible(Attachment, user).kept().filter(uploaded_at__date__range=(start, end))
    return _by_item(kept.annotate(item=item), "item")


def children_figures(items, start, end, user=None, evidence=None):
    """Per children's item (its pk): cases, visits and support in the given days, by school.
    A constant number of queries, whatever the number of items, cases or schools; figures over
    the same rows come from one query each (a school is a function of its child, so distinct
    children per school add up to distinct children per item)."""
    pks = [item.pk for item in items]
    cases = _visible(Case, user).filter(checklist_item__in=pks)
    visits = _visible(HomeVisit, user).filter(
        case__checklist_item__in=pks, visited_on__range=(start, end)
    )
    support = _visible(SupportRecord, user).filter(
        given_on__range=(start, end), amount__isnull=False
    )
    school, item = "student__school__name", "checklist_item"
    opened = Q(opened_on__range=(start, end))
    closed_off = Q(status="closed", closed_on__range=(start, end))
    month_cases = _by_item_and_school_values(
        cases.filter(opened | closed_off),
        item,
        school,
        found=Count("id", filter=opened),
        closed=Count("id", filter=closed_off),
    )
    found = _split(month_cases, "found")
    closed = _split(month_cases, "closed")
    followed = _open_at(cases, end, "opened_on")
    # 控辍保学: of the children still followed, those out of school by reason, and the 学困生.
    followed_counts = {
        row[item]: row
        for row in followed.values(item)
        .annotate(
            n=Count("id"),
            struggling=Count("student", distinct=True, filter=Q(student__is_struggling=True)),
        )
        .order_by()
    }
    out_by_reason = out_of_school_by_reason_per_item(followed, end)
    month_visits = _by_item_and_school_values(
        visits,
        "case__checklist_item",
        "case__student__school__name",
        n=Count("id"),
        returned=Count("case", distinct=True, filter=Q(child_state="returned")),
    )
    returned = _split(month_visits, "returned")
    # Aid under the case's item; item 2 (教育资助) reports every payment of the month.
    month_aid = _by_item_and_school_values(
        support,
        "case__checklist_item",
        "case__student__school__name",
        amount=Sum("amount"),
        children=Count("case__student", distinct=True),
    )
    aid = _split(month_aid, "amount")
    all_aid = defaultdict(Decimal)
    for by_school in aid.values():
        for name, total in by_school.items():
            all_aid[name] += total
    all_aided = support.order_by().values("case__student").distinct().count()
    if evidence is None:
        evidence = _evidence(start, end, user)

    figures = {}
    for it in items:
        every_aid = it.number == AID_ITEM_NUMBER
        item_aid = dict(sorted(all_aid.items())) if every_aid else aid.get(it.pk, {})
        counts = followed_counts.get(it.pk, {})
        figures[it.pk] = {
            "kind": "children",
            "found": found.get(it.pk, {}),
            "found_total": sum(found.get(it.pk, {}).values()),
            "open_at_end": counts.get("n", 0),
            "closed": closed.get(it.pk, {}),
            "closed_total": sum(closed.get(it.pk, {}).values()),
            "out_by_reason": out_by_reason.get(it.pk, {}),
            "struggling": counts.get("struggling", 0),
            "visits": sum(_split(month_visits, "n").get(it.pk, {}).values()),
            "returned": returned.get(it.pk, {}),
            "returned_total": sum(returned.get(it.pk, {}).values()),
            "aid_by_school": {name: f"{total:.2f}" for name, total in item_aid.items()},
            "aid_yuan": f"{sum(item_aid.values(), Decimal(0)):.2f}",
            "aided_children": all_aided
            if every_aid
            else sum(_split(month_aid, "children").get(it.pk, {}).values()),
            "evidence": evidence.get(it.pk, 0),
        }
    return figures


def school_figures(items, start, end, user=None, evidence=None):
    """Per schools' item (its pk): findings found and closed off in the given days, by school."""
    pks = [item.pk for item in items]
    findings = _visible(Finding, user).filter(checklist_item__in=pks)
    found = defaultdict(list)
    closed = defaultdict(list)
    found_in = Q(found_on__range=(start, end))
    closed_in = Q(status="closed", closed_on__range=(start, end))
    # Both lists in one query, each in its own order.
    entries = list(findings.filter(found_in | closed_in).select_related("school"))
    for f in sorted(entries, key=lambda f: (f.found_on, f.pk)):
        if start <= f.found_on <= end:
            found[f.checklist_item_id].append(f)
    for f in sorted(entries, key=lambda f: (f.closed_on or end, f.pk)):
        if f.status == "closed" and f.closed_on and start <= f.closed_on <= end:
            closed[f.checklist_item_id].append(f)
    # Past the 整改时限 and not closed off (verified): at the month's end, or today for the month
    # under way, where a deadline later in the month is not late yet.
    late_on = min(end, timezone.localdate())

    def open_at(day):
        return Q(found_on__lte=day) & ~Q(status="closed", closed_on__lte=day)

    counts = {
        row["checklist_item"]: row
        for row in findings.order_by()
        .values("checklist_item")
        .annotate(
            open_at_end=Count("id", filter=open_at(end)),
            overdue=Count("id", filter=open_at(late_on) & Q(deadline__lt=late_on)),
        )
    }
    open_at_end = {pk: row["open_at_end"] for pk, row in counts.items()}
    overdue = {pk: row["overdue"] for pk, row in counts.items()}
    if evidence is None:
        evidence = _evidence(start, end, user)

    def by_school(entries):
        counts = defaultdict(int)
        for f in entries:
            counts[f.school.name] += 1
        return dict(sorted(counts.items()))

    return {
        it.pk: {
            "kind": "schools",
            "found": by_school(found[it.pk]),
            "found_total": len(found[it.pk]),
            "found_list": [[f.school.name, f.problem] for f in found[it.pk]],
            "open_at_end": open_at_end.get(it.pk, 0),
            "overdue": overdue.get(it.pk, 0),
            "closed": by_school(closed[it.pk]),
            "closed_total": len(closed[it.pk]),
            "closed_list": [[f.school.name, f.rectification] for f in closed[it.pk]],
            "evidence": evidence.get(it.pk, 0),
        }
        for it in items
    }


def _join(parts):
    return pgettext("list separator", ", ").join(parts)


def _sentences(parts):
    return pgettext("sentence separator", "; ").join(parts) + pgettext("sentence end", ".")


def _schools(counts, fragment):
    return _join(fragment % {"school": name, "count": n} for name, n in counts.items())


def _numbered(entries):
    return "".join(
        f"\n{i}. "
        + pgettext("finding at a school", "%(school)s: %(text)s")
        % {"school": school, "text": _shorten(text)}
        for i, (school, text) in enumerate(entries, 1)
    )


def _shorten(text):
    text = " ".join(text.split())
    return text if len(text) <= PROBLEM_CHARS else text[: PROBLEM_CHARS - 1] + "…"


def _evidence_sentence(fig):
    # Rows drafted before evidence existed have no count; a month without evidence says nothing.
    count = fig.get("evidence") or 0
    return [_("%(count)s pieces of evidence attached") % {"count": count}] if count else []


def children_text(fig):
    """发现的问题 and 整改情况 of a children's item, in words."""
    children = pgettext("children at a school", "%(school)s %(count)s")
    if fig["found_total"]:
        problems = [
            _("%(count)s children found at risk this month (%(by_school)s)")
            % {"count": fig["found_total"], "by_school": _schools(fig["found"], children)}
        ]
    else:
        problems = [_("no new children found at risk this month")]
    problems.append(
        _("%(count)s still followed at the end of the month") % {"count": fig["open_at_end"]}
    )
    if fig.get("out_by_reason"):
        problems.append(
            _("out of school: %(reasons)s") % {"reasons": reason_counts_text(fig["out_by_reason"])}
        )
    if fig.get("struggling"):
        problems.append(
            _("%(count)s of them falling behind (学困生)") % {"count": fig["struggling"]}
        )

    done = []
    if fig["visits"]:
        done.append(_("%(count)s home visits and follow-ups") % {"count": fig["visits"]})
    if fig["returned_total"]:
        done.append(
            _("%(count)s persuaded to return to school (%(by_school)s)")
            % {"count": fig["returned_total"], "by_school": _schools(fig["returned"], children)}
        )
    if fig["aided_children"]:
        yuan = pgettext("yuan at a school", "%(school)s %(count)s yuan")
        done.append(
            _("%(amount)s yuan of aid given to %(children)s children (%(by_school)s)")
            % {
                "amount": fig["aid_yuan"],
                "children": fig["aided_children"],
                "by_school": _schools(fig["aid_by_school"], yuan),
            }
        )
    if fig["closed_total"]:
        done.append(
            _("%(count)s closed off (%(by_school)s)")
            % {"count": fig["closed_total"], "by_school": _schools(fig["closed"], children)}
        )
    if not done:
        done.append(_("no rectification recorded this month"))
    done.extend(_evidence_sentence(fig))
    return _sentences(problems), _sentences(done)


def school_text(fig):
    """发现的问题 and 整改情况 of a schools' item, in words."""
    problems_at = pgettext("problems at a school", "%(school)s %(count)s")
    if fig["found_total"]:
        problems = [
            _("%(count)s problems found this month (%(by_school)s)")
            % {"count": fig["found_total"], "by_school": _schools(fig["found"], problems_at)}
        ]
    else:
        problems = [_("no new problems found this month")]
    problems.append(
        _("%(count)s not yet closed off at the end of the month") % {"count": fig["open_at_end"]}
    )
    if fig.get("overdue"):
        problems.append(
            _("%(count)s past the deadline and not rectified") % {"count": fig["overdue"]}
        )
    if fig["closed_total"]:
        done = [
            _("%(count)s problems closed off this month (%(by_school)s)")
            % {"count": fig["closed_total"], "by_school": _schools(fig["closed"], problems_at)}
        ]
    else:
        done = [_("no problem closed off this month")]
    done.extend(_evidence_sentence(fig))
    return (
        _sentences(problems) + _numbered(fig["found_list"]),
        _sentences(done) + _numbered(fig["closed_list"]),
    )


def review_text(fig):
    """The 督查 sentence: the month's sampled case files of the item, or nothing if none."""
    reviews = fig.get("reviews") or {}
    if not reviews.get("drawn"):
        return ""
    parts = [
        _("%(count)s case files drawn for supervisory review") % {"count": reviews["drawn"]},
        _("%(count)s reviews closed") % {"count": reviews["closed"]},
    ]
    if reviews["score"] is not None:
        parts.append(_("average score %(score)s") % {"score": reviews["score"]})
    parts.append(_("%(count)s awaiting the school's answer") % {"count": reviews["unanswered"]})
    return pgettext("clause separator", ", ").join(parts) + pgettext("sentence end", ".")


def month_figures(items, month, user=None):
    """``{item pk: figures}`` of the given items for a month, in a constant number of queries
    (none while the ledger has not changed since they were last counted)."""
    items = list(items)
    return tally(
        "month figures",
        lambda: count_month_figures(items, month, user),
        first_of_month(month),
        timezone.localdate(),  # a deadline passes, and the month under way grows
        [item.pk for item in items],
        user=user,
    )


def count_month_figures(items, month, user=None):
    """``month_figures``, counted."""
    start, end = first_of_month(month), last_of_month(month)
    children = [i for i in items if i.scope == ChecklistItem.Scope.CHILDREN]
    schools = [i for i in items if i.scope != ChecklistItem.Scope.CHILDREN]
    evidence = _evidence(start, end, user)
    figures = {
        **children_figures(children, start, end, user, evidence),
        **school_figures(schools, start, end, user, evidence),
    }
    reviews = month_review_figures(start, end, user=user)
    for pk, fig in figures.items():
        fig["reviews"] = reviews.get(pk, NO_REVIEWS)
    return figures


def item_figures(item, month, user=None):
    """One item's figures for a month."""
    return month_figures([item], month, user=user)[item.pk]


def draft_row(row, item, figures):
    """Fill a report row from the item and its figures of the month (the text in the site
    language)."""
    row.item = item
    row.number = item.number
    row.content = item.content
    row.deadline_text = item.deadline_text
    row.leader = item.leader
    row.offices = item.offices
    row.units = item.units
    row.figures = figures
    # The checklist is an official document in the site's language, whoever drafts it.
    with translation.override(settings.LANGUAGE_CODE):
        text = children_text if row.figures["kind"] == "children" else school_text
        row.drafted_problems, row.drafted_rectification = text(row.figures)
        # 一月一督查: the month's sampled files close the rectification text.
        if reviews := review_text(row.figures):
            row.drafted_rectification = f"{row.drafted_rectification}\n{reviews}"
    row.problems_found = row.drafted_problems
    row.rectification = row.drafted_rectification
    return row


def months_of(year, until=None):
    """The first days of the months of a year, up to the month of ``until`` if in that year."""
    last = 12 if until is None or until.year > year else until.month
    return [datetime.date(year, m, 1) for m in range(1, last + 1)]


def progress_overview(months, user):
    """Per item and school, per month: entries open at the month's end and closed off in it."""
    cells = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    sources = [
        (_visible(Case, user), "opened_on", "student__school__name"),
        (_visible(Finding, user), "found_on", "school__name"),
    ]
    for queryset, opened_field, school_field in sources:
        annotations = {}
        for i, month in enumerate(months):
            end = last_of_month(month)
            annotations[f"open_{i}"] = Count(
                "id",
                filter=Q(**{f"{opened_field}__lte": end}) & ~Q(status="closed", closed_on__lte=end),
            )
            annotations[f"closed_{i}"] = Count(
                "id", filter=Q(status="closed", closed_on__range=(month, end))
            )
        rows = (
            queryset.order_by()
            .values("checklist_item__number", school_field)
            .annotate(**annotations)
        )
        for row in rows:
            key = (row["checklist_item__number"], row[school_field])
            for i in range(len(months)):
                cells[key][i][0] += row[f"open_{i}"]
                cells[key][i][1] += row[f"closed_{i}"]
    table = []
    for item in ChecklistItem.objects.all():
        schools = sorted(school for number, school in cells if number == item.number)
        table.append(
            {
                "item": item,
                "schools": [
                    {
                        "name": school,
                        "months": [
                            tuple(cells[(item.number, school)][i]) for i in range(len(months))
                        ],
                    }
                    for school in schools
                ],
            }
        )
    for entry in table:
        entry["total"] = _column_totals(s["months"] for s in entry["schools"])
    return table


def _column_totals(rows):
    """(open, closed) summed month by month over ``rows`` of such pairs."""
    totals = None
    for months in rows:
        pairs = list(months)
        totals = totals or [(0, 0)] * len(pairs)
        totals = [(a + c, b + d) for (a, b), (c, d) in zip(totals, pairs, strict=True)]
    return totals or []


def progress_totals(table):
    """Every item's totals added up: the district's month by month."""
    return _column_totals(entry["total"] for entry in table if entry["total"])


def public_progress():
    """Per checklist item: how many entries were recorded, closed off, and are still open.

    For the public checklist page, whose visitors see no case through ``objects``; these are
    counts across every school and never show a record.
    """
    counts = {}
    for queryset in (Case.unscoped.all(), Finding.unscoped.all()):
        rows = (
            queryset.order_by()
            .values("checklist_item_id")
            .annotate(total=Count("id"), closed=Count("id", filter=Q(status="closed")))
        )
        for row in rows:
            entry = counts.setdefault(row["checklist_item_id"], {"total": 0, "closed": 0})
            entry["total"] += row["total"]
            entry["closed"] += row["closed"]
    result = []
    for item in ChecklistItem.objects.all():
        entry = counts.get(item.pk, {"total": 0, "closed": 0})
        result.append({"item": item, **entry, "open": entry["total"] - entry["closed"]})
    return result


def approved_checklist_text():
    """发现的问题 / 整改情况 / 备注 of the latest month the responsible leaders approved.

    The month and, per item number, its row as approved (the published revision, so a draft
    begun after the approval never shows); ``(None, {})`` when no month is approved. Only the
    leaders' approval publishes a report, so nothing an office writes reaches the public before.
    """
    from casework.monthly.models import MonthlyReport

    report = (
        MonthlyReport.unscoped.filter(live=True, live_revision__isnull=False)
        .order_by("-month")
        .select_related("live_revision")
        .first()
    )
    if report is None:
        return None, {}
    # Restoring the rows checks their report through its scoped manager, which sees nothing
    # for a visitor: the approved checklist is published text, read across every school.
    from casework.access.scope import system_scope

    with system_scope():
        approved = report.live_revision.as_object()
        rows = {row.number: row for row in approved.rows.all()}
    return report.month, rows
