"""One visit sent from the phone's queue: checked by the same form and scope as online, stored once.

The answer says what the phone should do with its entry: drop it (stored, or stored before),
show the errors on the fields (invalid), or keep it and show the conflict.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction
from wagtail.log_actions import log

from casework.campaign.models import CampaignVisit, Household
from casework.daily.forms import QuickVisitForm
from casework.links import case_file_url
from casework.models import Case, HomeVisit, Student
from casework.people import display_name

SYNCED_ACTION = "casework.offline_synced"


@dataclass
class Outcome:
    """What the sync endpoint answers: a status the phone acts on, and a message in Chinese."""

    status: str
    http_status: int
    message: str
    reason: str = ""
    errors: dict = field(default_factory=dict)
    visit: HomeVisit | None = None
    campaign_visit: "CampaignVisit | None" = None

    def as_json(self):
        data = {"status": self.status, "message": self.message}
        if self.reason:
            data["reason"] = self.reason
        if self.errors:
            data["errors"] = self.errors
        if self.visit is not None:
            data["visit"] = {"id": self.visit.pk, "case": self.visit.case_id}
            data["case_url"] = case_file_url(self.visit.case_id)
        if self.campaign_visit is not None:
            data["campaign_visit"] = {
                "id": self.campaign_visit.pk,
                "household": self.campaign_visit.household_id,
            }
            if self.campaign_visit.case_id:
                data["case_url"] = case_file_url(self.campaign_visit.case_id)
        return data


def long_date(day):
    return date_format(day, "Y年n月j日")


def stored(visit, *, again=False):
    case = visit.case
    if case.next_visit_due:
        message = _("Visit to %(name)s on %(date)s saved. Next visit due %(due)s.") % {
            "name": case.student.name,
            "date": long_date(visit.visited_on),
            "due": long_date(case.next_visit_due),
        }
    else:
        message = _("Visit to %(name)s on %(date)s saved.") % {
            "name": case.student.name,
            "date": long_date(visit.visited_on),
        }
    return Outcome("stored", 200, message, reason="again" if again else "", visit=visit)


def conflict(reason, message, http_status=409):
    return Outcome("conflict", http_status, message, reason=reason)


def parse_client_id(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def entered_at_from(value):
    """The phone's clock when the visit was saved there; ignored if it is not a sensible time."""
    moment = parse_datetime(value or "")
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment if moment <= timezone.now() + datetime.timedelta(minutes=10) else None


def already_stored(client_id, user):
    """The visit stored before under this id, as the answer for the phone; None if there is none."""
    earlier = HomeVisit.unscoped.filter(client_id=client_id).select_related("case__student").first()
    if earlier is None:
        campaign = CampaignVisit.unscoped.filter(client_id=client_id).first()
        if campaign is None:
            return None
        if campaign.created_by_id != user.pk:
            return conflict(
                "id_taken", _("This entry was made by another account; it was not stored.")
            )
        return campaign_stored(campaign, again=True)
    if earlier.created_by_id != user.pk:
        # Never say whose visit it is: an id is the phone's, not a way to look around.
        return conflict("id_taken", _("This entry was made by another account; it was not stored."))
    # The case the earlier answer named: the next visit due as it stands now.
    earlier.case.next_visit_due = (
        Case.unscoped.filter(pk=earlier.case_id).values_list("next_visit_due", flat=True).first()
    )
    return stored(earlier, again=True)


def case_conflict(case_pk, user, data):
    """The case, or why a visit to it from the phone's list cannot be stored as it is."""
    case = Case.objects.with_file().filter(pk=case_pk).first()  # scoped: the user's school only
    if case is None:
        was_mine = Case.unscoped.filter(pk=case_pk, teacher=user).exists() if case_pk else False
        if was_mine:
            return None, conflict(
                "moved",
                _(
                    "The child has moved to another school since the list was saved; "
                    "the visit was not stored. Tell your school's case manager."
                ),
            )
        return None, conflict(
            "not_found",
            _("This case is not among your school's cases; the visit was not stored."),
            http_status=404,
        )
    if case.status == Case.Status.CLOSED:
        return case, conflict("closed", _("This case is closed off; reopen it to log a visit."))
    if case.teacher_id != user.pk and not data.get("confirm_reassigned"):
        teacher = display_name(case.teacher) if case.teacher else _("no teacher")
        return case, conflict(
            "reassigned",
            _(
                "This case has been reassigned to %(teacher)s since the list was saved. "
                "Send the visit anyway, or discard it."
            )
            % {"teacher": teacher},
        )
    return case, None


def entry_problem(user, data):
    """Why an entry cannot be looked at at all: no id, or another account's."""
    if parse_client_id(data.get("client_id")) is None:
        return Outcome(
            "invalid", 400, _("The entry has no valid offline id; it was not stored."), "no_id"
        )
    if str(data.get("entered_by", "")) != str(user.pk):
        return conflict(
            "other_user",
            _(
                "This entry was made by another account on this phone; log in as that account to send it."
            ),
            http_status=403,
        )
    return None


def refused(form):
    """The form's own errors, by field, in Chinese: the phone shows them on the fields."""
    return Outcome(
        "invalid",
        422,
        _("The visit was not stored: correct the fields marked."),
        errors={
            name: {
                "label": str(form.fields[name].label) if name in form.fields else "",
                "messages": [str(m) for m in messages],
            }
            for name, messages in form.errors.items()
        },
    )


def synced_log(visit, user, now):
    log(
        visit,
        SYNCED_ACTION,
        user=user,
        data={
            "entered_at": visit.entered_offline_at.isoformat()
            if visit.entered_offline_at
            else None,
            "synced_at": now.isoformat(),
        },
    )


def sync_visit(user, data, files):
    """Store one queued visit of ``user`` (the POST ``data`` and ``files`` the phone sent)."""
    problem = entry_problem(user, data)
    if problem:
        return problem
    if data.get("kind") == "campaign":
        return sync_campaign_visit(user, data, files)
    client_id = parse_client_id(data.get("client_id"))
    earlier = already_stored(client_id, user)
    if earlier:
        return earlier
    case, problem = case_conflict(data.get("case"), user, data)
    if problem:
        return problem
    now = timezone.now()
    form = QuickVisitForm(
        data=data,
        files=files,
        instance=HomeVisit(
            case=case,
            created_by=user,
            client_id=client_id,
            entered_offline_at=entered_at_from(data.get("entered_at")),
            synced_at=now,
        ),
    )
    if not form.is_valid():
        return refused(form)
    try:
        with transaction.atomic():
            visit = CreateAction(form.instance, user=user, form=form).execute(
                skip_permission_checks=True
            )
            form.save_evidence(visit, user)
            synced_log(visit, user, now)
    except IntegrityError:
        # Two tabs sent the same entry at once: the other one stored it.
        earlier = already_stored(client_id, user)
        if earlier:
            return earlier
        raise
    case.refresh_next_visit_due()
    visit.case = case
    return stored(visit)


# --- campaign visits (全覆盖家访): a household's child, not a case ------------------------------


def campaign_stored(visit, *, again=False):
    covered = visit.household.students.filter(school_id=visit.household.school_id).count()
    message = _(
        "Visit to %(name)s's home on %(date)s saved; it covers %(count)s children of the household."
    ) % {"name": visit.student.name, "date": long_date(visit.visited_on), "count": covered}
    return Outcome("stored", 200, message, reason="again" if again else "", campaign_visit=visit)


def campaign_conflict(household_pk, student_pk, user, data):
    """The household and child, or why a visit to them from the phone's list cannot be stored."""

    def as_pk(value):
        value = str(value or "")
        return int(value) if value.isascii() and value.isdigit() else None

    household_pk, student_pk = as_pk(household_pk), as_pk(student_pk)
    household = (
        Household.objects.filter(pk=household_pk).first() if household_pk else None
    )  # scoped: the user's school only
    student = (
        Student.objects.filter(pk=student_pk, school_id=household.school_id)
        .filter(households=household)
        .first()
        if household and student_pk
        else None
    )
    if household is None or student is None:
        was_mine = (
            Household.unscoped.filter(pk=household_pk, teacher=user).exists()
            if household_pk
            else False
        )
        if was_mine:
            return (
                None,
                None,
                conflict(
                    "moved",
                    _(
                        "The household has moved to another school since the list was saved; "
                        "the visit was not stored. Tell your school's case manager."
                    ),
                ),
            )
        return (
            None,
            None,
            conflict(
                "not_found",
                _(
                    "This household is not among your school's households; the visit was not stored."
                ),
                http_status=404,
            ),
        )
    if household.teacher_id != user.pk and not data.get("confirm_reassigned"):
        teacher = display_name(household.teacher) if household.teacher else _("no teacher")
        return (
            household,
            student,
            conflict(
                "reassigned",
                _(
                    "This household has been assigned to %(teacher)s since the list was saved. "
                    "Send the visit anyway, or discard it."
                )
                % {"teacher": teacher},
            ),
        )
    return household, student, None


def sync_campaign_visit(user, data, files):
    """Store one queued campaign visit, by the online campaign form's rules, once per id."""
    from casework.campaign.forms import CampaignVisitForm
    from casework.campaign.services import record_campaign_visit

    client_id = parse_client_id(data.get("client_id"))
    earlier = already_stored(client_id, user)
    if earlier:
        return earlier
    household, student, problem = campaign_conflict(
        data.get("household"), data.get("student"), user, data
    )
    if problem:
        return problem
    now = timezone.now()
    entered = entered_at_from(data.get("entered_at"))
    form = CampaignVisitForm(
        data=data,
        files=files,
        instance=CampaignVisit(
            household=household,
            student=student,
            created_by=user,
            client_id=client_id,
            entered_offline_at=entered,
            synced_at=now,
        ),
    )
    if not form.is_valid():
        return refused(form)
    try:
        with transaction.atomic():
            visit = record_campaign_visit(
                form, student, user, entered_offline_at=entered, synced_at=now
            )
            synced_log(visit, user, now)
    except IntegrityError:
        earlier = already_stored(client_id, user)
        if earlier:
            return earlier
        raise
    return campaign_stored(visit)
