"""To do (对账销号): close-offs waiting for the user's office; returned ones for the school."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.access.rules import is_bureau, office_of, works_at_a_school
from casework.closeoff import services
from casework.closeoff.models import CloseOff
from casework.models import ChecklistItem, Finding
from casework.todo.items import KIND_LIMIT, Todo


def _name(closeoff):
    return closeoff.case.student.name if closeoff.case_id else str(closeoff.finding)


def closeoffs_to_verify(user, today):
    """The pending close-offs of the items the user's office answers for (one query)."""
    if not is_bureau(user) or user.is_superuser:
        return []
    offices = services.verifying_offices(user)
    if not offices:
        return []
    pending = (
        CloseOff.objects.for_user(user)
        .for_offices(offices)
        .pending()
        .exclude(proposed_by=user)
        .select_related("case__student", "finding__school", "checklist_item")
        .order_by("proposed_at", "pk")
    )
    return [
        Todo(
            title=_("Verify the close-off: %(name)s (item %(item)s)")
            % {"name": _name(closeoff), "item": closeoff.checklist_item.number},
            url=reverse("casework_closeoff:decide", args=[closeoff.pk]),
            action=pgettext("todo", "Close off"),
            since=timezone.localdate(closeoff.proposed_at),
        )
        for closeoff in pending[:KIND_LIMIT]
    ]


def closeoffs_returned(user, today):
    """The school's close-offs the office returned and nobody has proposed again (one query)."""
    if not (works_at_a_school(user) and services.can_close_case(user)):
        return []
    returned = (
        CloseOff.objects.for_user(user)
        .returned_standing()
        .select_related("case__student", "finding__school")
        .order_by("decided_at", "pk")
    )
    items = []
    for closeoff in returned[:KIND_LIMIT]:
        kind = "case" if closeoff.case_id else "finding"
        target = closeoff.case_id or closeoff.finding_id
        items.append(
            Todo(
                title=_("Close-off returned: %(name)s") % {"name": _name(closeoff)},
                note=closeoff.comment,
                url=reverse("casework_closeoff:propose", args=[kind, target]),
                action=_("Propose close-off"),
                since=timezone.localdate(closeoff.decided_at) if closeoff.decided_at else None,
            )
        )
    return items


def findings_past_deadline(user, today):
    """Findings past their 整改时限: the school's for its manager, those of the items their
    office answers for for office staff (two queries)."""
    findings = (
        Finding.objects.for_user(user).overdue(today).select_related("checklist_item", "school")
    )
    if is_bureau(user):
        office = office_of(user)
        if not office:
            return []
        items = [i.pk for i in ChecklistItem.objects.all() if office in i.office_list]
        findings = findings.filter(checklist_item__in=items)
    elif not (works_at_a_school(user) and user.has_perm("casework.change_finding")):
        return []
    return [
        Todo(
            title=_("Past its deadline: %(finding)s") % {"finding": finding},
            url=reverse(Finding.snippet_viewset.get_url_name("edit"), args=[finding.pk]),
            action=pgettext("todo", "Rectify"),
            deadline=finding.deadline,
        )
        for finding in findings.order_by("deadline", "pk")[:KIND_LIMIT]
    ]
