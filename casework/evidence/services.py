"""Keeping and deleting evidence: the one path every form and view goes through."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from casework.evidence.models import Attachment

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
