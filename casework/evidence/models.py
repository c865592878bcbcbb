"""Evidence (佐证材料): photos, signed forms, receipts and scans attached to a record."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.evidence.storage import evidence_storage


def evidence_upload_to(instance, filename):
    # A random name by school: nothing about the child can be read from the path.
    return f"{instance.school_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class AttachmentQuerySet(models.QuerySet):
    def kept(self):
        """Attachments not deleted."""
        return self.filter(deleted_at__isnull=True)

    def signatures(self):
        return self.kept().filter(kind=Attachment.Kind.SIGNATURE)


class Attachment(ScopedModel):
    """One file of evidence, belonging to exactly one record of one school."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        SIGNATURE = "signature", _("guardian's signature")
        SIGNED_FORM = "signed_form", _("signed visit form")
        DOCUMENT = "document", _("document or scan")

    #: The records evidence may belong to (exactly one is set; ``attach`` sees to it).
    TARGETS = ("home_visit", "support_record", "finding", "case", "campaign_visit")

    school = models.ForeignKey(
        "casework.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    home_visit = models.ForeignKey(
        "casework.HomeVisit",
        verbose_name=_("home visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    support_record = models.ForeignKey(
        "casework.SupportRecord",
        verbose_name=_("support record"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    finding = models.ForeignKey(
        "casework.Finding",
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    # Evidence of a close-off (销号依据).
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case closed off"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closing_evidence",
    )
    campaign_visit = models.ForeignKey(
        "casework.CampaignVisit",
        verbose_name=_("campaign visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to=evidence_upload_to, max_length=200
    )
    thumbnail = models.FileField(
        _("thumbnail"),
        storage=evidence_storage,
        upload_to=evidence_upload_to,
        max_length=200,
        blank=True,
    )
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    school_path = "school_id"
    objects = ScopedManager.from_queryset(AttachmentQuerySet)()
    unscoped = UnscopedManager.from_queryset(AttachmentQuerySet)()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["school", "uploaded_at"], name="casework_attach_school")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def record(self):
        for name in self.TARGETS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None
