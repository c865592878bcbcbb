"""The two steps of 对账销号, and who may take them.

The school proposes a close-off (the case or finding becomes "awaiting verification"); an office
responsible for the checklist item verifies it (only then is it closed off, dated that day) or
returns it with a comment (it goes back to the status it had). Each step is a row here and, for
cases, a status change on the timeline.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access.rules import can_close_case, is_bureau, office_of
from casework.closeoff.models import CloseOff
from casework.models.cases import Case
from casework.models.findings import Finding


def can_propose(user, target):
    """The school's case manager (or an office) for a case; whoever may change the finding."""
    if isinstance(target, Case):
        return can_close_case(user)
    return user.has_perm("casework.change_finding")


def can_verify(user, closeoff):
    """Staff of an office responsible for the checklist item, never the one who proposed it."""
    if closeoff.proposed_by_id == user.pk:
        return False
    if user.is_superuser:
        return True
    office = office_of(user)
    return is_bureau(user) and bool(office) and office in closeoff.checklist_item.office_list


def verifying_offices(user):
    """The offices whose queue ``user`` works through: their own, or every one (superuser)."""
    office = office_of(user)
    return [office] if office else []


def pending_for(target):
    return target.closeoffs.filter(state=CloseOff.State.PENDING).first()


def _save_target(target, **values):
    for name, value in values.items():
        setattr(target, name, value)
    # save() and not update(): a case's status change is recorded by its post_save signal.
    target.save()


def propose(target, user, reason, verification):
    """Propose closing off ``target``; it waits for the office's verification."""
    if not can_propose(user, target):
        raise PermissionDenied
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for closing off.")
    if not (verification or "").strip():
        errors["verification"] = _("Say what was verified before closing off.")
    if target.status in (target.Status.PENDING, target.Status.CLOSED):
        errors["__all__"] = _("This is already closed off or awaiting verification.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        closeoff = CloseOff.objects.create(
            case=target if isinstance(target, Case) else None,
            finding=target if isinstance(target, Finding) else None,
            school_id=target.student.school_id if isinstance(target, Case) else target.school_id,
            checklist_item_id=target.checklist_item_id,
            status_before=target.status,
            reason=reason.strip(),
            verification=verification.strip(),
            proposed_by=user,
        )
        target._status_note = _("Close-off proposed: %(reason)s") % {"reason": closeoff.reason}
        if isinstance(target, Case):
            _save_target(
                target,
                status=Case.Status.PENDING,
                close_reason=closeoff.reason,
                close_verification=closeoff.verification,
            )
        else:
            _save_target(
                target,
                status=Finding.Status.PENDING,
                rectification=target.rectification or closeoff.reason,
                evidence=closeoff.verification,
            )
    return closeoff


def _decide(closeoff, user, state, comment=""):
    if not can_verify(user, closeoff):
        raise PermissionDenied
    # Claimed by a conditional update, so two offices deciding at once decide only once.
    claimed = CloseOff.unscoped.filter(pk=closeoff.pk, state=CloseOff.State.PENDING).update(
        state=state, decided_by=user, decided_at=timezone.now(), comment=comment
    )
    if not claimed:
        raise ValidationError(_("This close-off has already been decided."))
    closeoff.refresh_from_db()


def verify(closeoff, user, comment=""):
    """核验通过: the case or finding is closed off (已销号) today."""
    with transaction.atomic():
        _decide(closeoff, user, CloseOff.State.VERIFIED, (comment or "").strip())
        target = closeoff.target
        target._status_note = _("Close-off verified by %(office)s") % {
            "office": office_of(user) or user.get_username()
        }
        _save_target(target, status=target.Status.CLOSED, closed_on=timezone.localdate())
    return closeoff


def send_back(closeoff, user, comment):
    """退回: the close-off is refused with a comment; the case or finding is open again."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the close-off is returned.")})
    with transaction.atomic():
        _decide(closeoff, user, CloseOff.State.RETURNED, comment.strip())
        target = closeoff.target
        target._status_note = _("Close-off returned: %(comment)s") % {"comment": closeoff.comment}
        before = closeoff.status_before or target.Status.OPEN
        if isinstance(target, Case):
            _save_target(target, status=before, close_reason="", close_verification="")
        else:
            _save_target(target, status=before)
    return closeoff


def closeoff_buttons(target, user):
    """The header buttons of a case file: propose a close-off, or verify the pending one."""
    from django.urls import reverse
    from wagtail.admin.widgets.button import HeaderButton

    if target.status == target.Status.CLOSED:
        return []
    pending = pending_for(target) if target.status == target.Status.PENDING else None
    if pending is not None:
        label = _("Verify close-off") if can_verify(user, pending) else _("Close-off pending")
        url = reverse("casework_closeoff:decide", args=[pending.pk])
        return [HeaderButton(label, url=url, icon_name="tick-inverse", priority=40)]
    if can_propose(user, target):
        kind = "case" if isinstance(target, Case) else "finding"
        url = reverse("casework_closeoff:propose", args=[kind, target.pk])
        return [
            HeaderButton(_("Propose close-off"), url=url, icon_name="tick-inverse", priority=40)
        ]
    return []
