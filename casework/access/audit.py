"""Recording who opened a case file or took children's data out of the system, and every
deletion; the records outlive what they name and expire after ``AUDIT_KEEP_DAYS``."""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_delete
from django.utils import timezone
from wagtail.log_actions import log

from casework.access.models import AccessLog, CaseworkLogEntry
from casework.access.scope import acting_user
from casework.conf import conf

#: Records whose every deletion, one by one, in bulk or by cascade, leaves a history entry.
AUDITED_MODELS = [
    "casework.Student",
    "casework.Case",
    "casework.HomeVisit",
    "casework.SupportRecord",
    "casework.Finding",
    "casework.School",
    "casework.Attachment",
    "casework.Household",
    "casework.CampaignVisit",
]


def _label(obj):
    return str(obj)[:255] if obj is not None else ""


def log_case_view(user, case):
    """Every opening of a case file, for the case's history."""
    return AccessLog.objects.create(
        user=user, action=AccessLog.Action.VIEW_CASE, case=case, label=_label(case)
    )


def log_export(user, what, filters=None, row_count=None):
    """Every export of a list: who, when, with which filter, how many rows."""
    return AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.EXPORT,
        what=str(what)[:200],
        filters=dict(filters or {}),
        row_count=row_count,
    )


def log_import(user, what, row_count=None):
    return AccessLog.objects.create(
        user=user, action=AccessLog.Action.IMPORT, what=str(what)[:200], row_count=row_count
    )


def log_download(user, attachment):
    """Every download of a file of evidence: who, when, which file of which record."""
    record = attachment.record
    case = attachment.case if attachment.case_id else getattr(record, "case", None)
    what = f"attachment {attachment.pk}"
    if record is not None:
        what += f" of {record._meta.model_name} {record.pk}"
    return AccessLog.objects.create(
        user=user, action=AccessLog.Action.DOWNLOAD, case=case, what=what, label=_label(case)
    )


def log_deletion(sender, instance, **kwargs):
    """A ``wagtail.delete`` history entry for each record deleted, however it was deleted.

    Wagtail's delete view logs its object itself (before deleting it); bulk deletes and the
    records a cascade takes with it are logged here. Primary keys are never reused, so an
    existing delete entry means this record's deletion is already written.
    """
    if instance.pk is None:
        return
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    if CaseworkLogEntry.objects.filter(
        content_type=content_type, object_id=str(instance.pk), action="wagtail.delete"
    ).exists():
        return
    user = acting_user()
    log(
        instance=instance,
        action="wagtail.delete",
        user=user if user is not None and user.is_authenticated else None,
        deleted=True,
    )


def connect_deletion_log():
    for label in AUDITED_MODELS:
        pre_delete.connect(
            log_deletion, sender=apps.get_model(label), dispatch_uid=f"casework_audit_{label}"
        )


def keep_days():
    """Audit records are kept this many days (``CASEWORK["AUDIT_KEEP_DAYS"]``)."""
    return conf.AUDIT_KEEP_DAYS


def purge_old_audit(days=None, now=None):
    """Delete access records and casework history older than ``days``; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=keep_days() if days is None else days
    )
    accesses, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    history, _ = CaseworkLogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return accesses + history


def log_guardian_copy(user, what, row_count=None):
    """A copy of everything held about one child, made for the guardian who asked (查阅复制)."""
    return log_export(user, what, row_count=row_count)
