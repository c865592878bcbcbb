"""Recording a campaign visit, online or from the field page's queue."""

from wagtail.actions.create import CreateAction

from casework.access.rules import is_bureau
from casework.choices import RiskLevel
from casework.models import Case, HomeVisit, next_visit_suggestion
from casework.services import open_case


def record_campaign_visit(form, student, user, *, entered_offline_at=None, synced_at=None):
    """Store the valid campaign visit ``form`` for ``student``, and the case it opens, if any,
    with its evidence; shared by the online form and the field page's queue (inside a
    transaction). Returns the visit."""
    visit = CreateAction(form.instance, user=user, form=form).execute(skip_permission_checks=True)
    record = visit
    if form.cleaned_data.get("open_case"):
        risk = form.cleaned_data.get("risk") or RiskLevel.MEDIUM
        case = open_case(
            Case(
                student=student,
                concern=form.cleaned_data["concern"],
                risk=risk,
                teacher=user if not is_bureau(user) else None,
                opened_on=visit.visited_on,
                summary=visit.findings,
            ),
            user,
        )
        # The visit opens the case file's timeline, with its evidence.
        record = CreateAction(
            HomeVisit(
                case=case,
                visited_on=visit.visited_on,
                visitors=visit.visitors,
                mode=visit.mode,
                child_state=visit.child_state,
                leave_reason=visit.leave_reason,
                leave_reason_other=visit.leave_reason_other,
                findings=visit.findings,
                next_visit_due=next_visit_suggestion(risk),
                created_by=user,
                entered_offline_at=entered_offline_at,
                synced_at=synced_at,
            ),
            user=user,
        ).execute(skip_permission_checks=True)
        case.refresh_next_visit_due()
        visit.case = case
        visit.save(update_fields=["case"])
    form.save_evidence(record, user)
    return visit
