"""Retention (PIPL): personal data past its time is removed; the records stay to be counted.

A closed case whose close-off is older than ``CASEWORK["RETENTION_YEARS"]`` loses its free
text and evidence files; a spreadsheet received before then is deleted (its rows are in the
ledger). A child is anonymised when every case of theirs is closed that long,
nothing about them changed since, no campaign visit saw them since, and no office's current
list still names them (the office still works from it). The rows are kept, with their school,
concern, status, dates and flags, so the monthly figures and the dashboards count them as before.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry, Revision

from casework.access.models import AccessLog, CaseworkLogEntry
from casework.campaign.models import CampaignVisit, Household
from casework.closeoff.models import CloseOff
from casework.conf import conf
from casework.evidence.models import Attachment
from casework.models.cases import Case, CaseStatusChange, HomeVisit, SupportRecord
from casework.models.students import Student
from casework.privacy.models import AnonymisationRun
from casework.reconciliation.models import (
    AgencyListEntry,
    ImportBatch,
    ImportRow,
    ProbableMatch,
)
from casework.review.models import CaseReview
from casework.tallies import ledger_changed

logger = logging.getLogger(__name__)


def removed_text():
    """What stands where free text was (stored in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("(removed when the retention period ended)")


def anonymised_name():
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("(anonymised)")


def cutoff_date(today=None):
    """Personal data last used before this day is past its time."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - conf.RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - conf.RETENTION_YEARS, day=28)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def cases_due(cutoff):
    """Closed cases closed off before ``cutoff`` and not yet anonymised."""
    return Case.unscoped.filter(
        status=Case.Status.CLOSED, closed_on__lt=cutoff, anonymised_at__isnull=True
    )


def students_due(cutoff):
    """Children with no case open or closed since ``cutoff`` and nothing recorded since."""
    recent_case = Case.unscoped.filter(student=OuterRef("pk")).filter(
        ~Q(status=Case.Status.CLOSED) | Q(closed_on__gte=cutoff) | Q(closed_on__isnull=True)
    )
    recent_campaign = CampaignVisit.unscoped.filter(student=OuterRef("pk"), visited_on__gte=cutoff)
    listed = AgencyListEntry.unscoped.current().filter(id_number=OuterRef("id_number"))
    return (
        Student.unscoped.filter(anonymised_at__isnull=True, updated_at__lt=_start_of(cutoff))
        .exclude(Exists(recent_case))
        .exclude(Exists(recent_campaign))
        .exclude(Q(id_number__isnull=False) & Exists(listed))
    )


def plan(today=None):
    """What a run would anonymise now: ``(cutoff, students, cases)`` (querysets)."""
    cutoff = cutoff_date(today)
    return cutoff, students_due(cutoff).select_related("school"), cases_due(cutoff)


def _attachments_of(case_ids=(), student_ids=()):
    return Attachment.unscoped.filter(
        Q(home_visit__case__in=case_ids)
        | Q(support_record__case__in=case_ids)
        | Q(case__in=case_ids)
        | Q(campaign_visit__student__in=student_ids)
    )


def _scrub_history(model, ids):
    """Revisions hold a copy of every field; log entries the record's title (often the name)."""
    if not ids:
        return
    str_ids = [str(pk) for pk in ids]
    content_type = ContentType.objects.get_for_model(model)
    Revision.objects.filter(base_content_type=content_type, object_id__in=str_ids).delete()
    Revision.objects.filter(content_type=content_type, object_id__in=str_ids).delete()
    for log_model in (CaseworkLogEntry, ModelLogEntry):
        for entry in log_model.objects.filter(content_type=content_type, object_id__in=str_ids):
            entry.label = f"{model._meta.verbose_name} #{entry.object_id}"[:255]
            entry.data = {}
            entry.save(update_fields=["label", "data"])


def _delete_files(attachments, now):
    """Remove the files from the evidence storage once the transaction has committed."""
    names = []
    for attachment in attachments:
        names += [f.name for f in (attachment.file, attachment.thumbnail) if f and f.name]
    attachments.update(file="", thumbnail="", original_name="", deleted_at=now)
    ledger_changed()  # the month's evidence counts what is kept; a bulk update sends no signal
    return _delete_on_commit(Attachment._meta.get_field("file").storage, names)


def _delete_import_files(cutoff):
    """The spreadsheets received before ``cutoff``: their rows are in the ledger, and the files
    name every child on them, anonymised or not."""
    batches = ImportBatch.unscoped.filter(
        uploaded_at__lt=_start_of(cutoff),
        status__in=[ImportBatch.Status.COMMITTED, ImportBatch.Status.FAILED],
    ).exclude(file="")
    names = list(batches.values_list("file", flat=True))
    batches.update(file="")
    return _delete_on_commit(ImportBatch._meta.get_field("file").storage, names)


def _delete_on_commit(storage, names):
    """Delete the files once the rows no longer point at them; a rolled-back run keeps them."""

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete file %s", name)

    transaction.on_commit(delete)
    return len(names)


def _anonymise_cases(case_ids, now):
    removed = removed_text()
    Case.unscoped.filter(pk__in=case_ids).update(
        summary=removed,
        close_reason=removed,
        close_verification=removed,
        latest_revision=None,
        anonymised_at=now,
    )
    visit_ids = list(HomeVisit.unscoped.filter(case__in=case_ids).values_list("pk", flat=True))
    HomeVisit.unscoped.filter(pk__in=visit_ids).update(
        findings=removed, actions="", visitors="", leave_reason_other="", latest_revision=None
    )
    support_ids = list(
        SupportRecord.unscoped.filter(case__in=case_ids).values_list("pk", flat=True)
    )
    SupportRecord.unscoped.filter(pk__in=support_ids).update(note="", latest_revision=None)
    CaseStatusChange.unscoped.filter(case__in=case_ids).update(note="")
    CloseOff.unscoped.filter(case__in=case_ids).update(
        reason=removed, verification=removed, comment=""
    )
    CaseReview.unscoped.filter(case__in=case_ids).update(comments="", answer="", closing_note="")
    AccessLog.objects.filter(case__in=case_ids).update(label=anonymised_name())
    _scrub_history(Case, case_ids)
    _scrub_history(HomeVisit, visit_ids)
    _scrub_history(SupportRecord, support_ids)


def _scrub_export_filters(words):
    """A search typed into a list before an export (a name, an ID) is kept with the export."""
    words = {w for w in words if w}
    if not words:
        return
    for log in AccessLog.objects.exclude(filters={}).iterator():
        changed = False
        for key, value in list(log.filters.items()):
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and any(w in v for w in words) for v in values):
                log.filters[key] = ""
                changed = True
        if changed:
            # The one change an audit record allows (its save() refuses any): the law's erasure.
            AccessLog.objects.filter(pk=log.pk).update(filters=log.filters)


def _scrub_access_labels(names):
    """The access records of a case deleted earlier keep its label, "name·concern"."""
    for name in {n for n in names if n}:
        AccessLog.objects.filter(case=None, label__startswith=f"{name}·").update(
            label=anonymised_name()
        )


def _anonymise_students(students, now):
    removed, nameless = removed_text(), anonymised_name()
    ids = [s.pk for s in students]
    old_ids = [s.id_number for s in students if s.id_number]
    words = [*old_ids, *(s.name for s in students), *(s.student_number for s in students)]
    for student in students:
        # The year of birth stays for the age counts; the day goes.
        Student.unscoped.filter(pk=student.pk).update(
            name=nameless,
            id_number=None,
            student_number=None,
            birth_date=student.birth_date.replace(month=1, day=1),
            guardian_name="",
            guardian_relation="",
            phone="",
            address="",
            hukou_village="",
            latest_revision=None,
            anonymised_at=now,
        )
    _scrub_history(Student, ids)
    CampaignVisit.unscoped.filter(student__in=ids).update(
        findings=removed, visitors="", leave_reason_other=""
    )
    # A household whose children are all anonymised has nobody left to visit.
    for household in Household.unscoped.filter(students__in=ids).distinct():
        if not household.students.filter(anonymised_at__isnull=True).exists():
            Household.unscoped.filter(pk=household.pk).update(
                key=f"anonymised-{household.pk}", guardian_name="", address="", hukou_village=""
            )
    ProbableMatch.unscoped.filter(student__in=ids).update(listed_name="", listed_id_number="")
    ImportRow.unscoped.filter(id_number__in=old_ids).update(id_number="", name="", data={})
    # Only entries already off their list: a current one keeps the child from being due.
    for entry in AgencyListEntry.unscoped.filter(id_number__in=old_ids):
        AgencyListEntry.unscoped.filter(pk=entry.pk).update(
            id_number=f"anon{entry.pk}"[:18],
            name=nameless,
            village="",
            household_head="",
            phone="",
            address="",
        )
    _scrub_access_labels([s.name for s in students])
    _scrub_export_filters(words)


def run(user=None, today=None):
    """Anonymise what is due, in one transaction, and record the run."""
    now = timezone.now()
    cutoff, students, cases = plan(today)
    with transaction.atomic():
        students = list(students.select_for_update())
        student_ids = [s.pk for s in students]
        # A child's closed cases go with the child, whatever their age.
        case_ids = list(
            Case.unscoped.filter(Q(pk__in=cases) | Q(student__in=student_ids))
            .filter(anonymised_at__isnull=True)
            .values_list("pk", flat=True)
        )
        files = _delete_files(_attachments_of(case_ids, student_ids).exclude(file=""), now)
        files += _delete_import_files(cutoff)
        _anonymise_cases(case_ids, now)
        _anonymise_students(students, now)
        record = AnonymisationRun.objects.create(
            started_at=now,
            finished_at=timezone.now(),
            cutoff=cutoff,
            user=user,
            students=len(student_ids),
            cases=len(case_ids),
            files_deleted=files,
            student_ids=student_ids,
            case_ids=case_ids,
        )
    logger.info(
        "Anonymised %s students and %s cases (cutoff %s), deleted %s files",
        record.students,
        record.cases,
        cutoff,
        files,
    )
    return record
