"""Keeping and deleting evidence: the one path every form and view goes through."""

import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from casework.access.tasks import system_task
from casework.evidence.models import Attachment
from casework.evidence.storage import evidence_root

#: The field of ``Attachment`` that points to a record of each model.
TARGET_FIELD = {
    "homevisit": "home_visit",
    "supportrecord": "support_record",
    "finding": "finding",
    "case": "case",
    "campaignvisit": "campaign_visit",
}


def school_id_of_record(record):
    return record.log_school_id


def attachments_of(record):
    """The kept attachments of ``record``."""
    field = TARGET_FIELD[record._meta.model_name]
    return Attachment.unscoped.kept().filter(**{field: record})


def attach(record, processed, user, kind=Attachment.Kind.PHOTO):
    """Store one checked file (``processing.Processed``) as evidence of ``record``."""
    attachment = Attachment(
        school_id=school_id_of_record(record),
        kind=kind
        if processed.is_image or kind == Attachment.Kind.DOCUMENT
        else Attachment.Kind.DOCUMENT,
        content_type=processed.content_type,
        size=len(processed.content),
        original_name=processed.original_name,
        uploaded_by=user,
        **{TARGET_FIELD[record._meta.model_name]: record},
    )
    # The stored name is random; only its ending says what the file is.
    attachment.file.save(f"x.{processed.extension}", ContentFile(processed.content), save=False)
    if processed.thumbnail:
        attachment.thumbnail.save("t.jpg", ContentFile(processed.thumbnail), save=False)
    attachment.save()
    log(
        instance=record,
        action="casework.evidence_added",
        user=user,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


@transaction.atomic
def delete_attachment(attachment, user):
    """Mark ``attachment`` deleted (kept, with who and when, in the record's history)."""
    attachment.deleted_at = timezone.now()
    attachment.deleted_by = user
    attachment.save(update_fields=["deleted_at", "deleted_by"])
    record = attachment.record
    if record is not None:
        log(
            instance=record,
            action="casework.evidence_deleted",
            user=user,
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )


#: A file younger than this may belong to a transaction still under way.
ORPHAN_AFTER_SECONDS = 60 * 60


def delete_orphan_files(older_than=ORPHAN_AFTER_SECONDS, now=None):
    """Delete files in the evidence folder that no attachment names; returns how many.

    ``attach`` writes the file before the attachment's row, inside the caller's transaction:
    a transaction that never commits (the request's process killed, the database stopped, a
    duplicate offline sync refused) leaves the file without a record. Nothing lists or serves
    it, but it holds a child's photo or a signed form, so it does not stay.
    """
    root = evidence_root()
    if not root.is_dir():
        return 0
    named = set()
    for file, thumbnail in Attachment.unscoped.values_list("file", "thumbnail").iterator():
        named.update((file, thumbnail))
    cutoff = (now or time.time()) - older_than
    deleted = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.relative_to(root).as_posix() in named:
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


@system_task
def delete_orphan_evidence():
    """Daily: evidence files left without a record by a transaction that never committed."""
    return delete_orphan_files()
