"""Exports of large lists, written in the background (django-q2) and downloaded from a link."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.dates import chinese_datetime
from casework.jobs import BackgroundJob, stale_before


def export_upload_to(instance, filename):
    # A random name: the file holds children's data and must not be guessable.
    extension = filename.rsplit(".", 1)[-1]
    return f"casework/exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ExportJobQuerySet(models.QuerySet):
    def stale(self, now=None):
        """Exports waiting or being written whose worker has shown no sign of life."""
        cutoff = stale_before(now)
        return self.filter(
            models.Q(heartbeat_at__lt=cutoff)
            | models.Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
            status__in=(ExportJob.Status.PENDING, ExportJob.Status.RUNNING),
        )


class ExportJob(BackgroundJob):
    """One export of a list that was too long to write while the user waited.

    Only the user who asked may see the job and download its file; the download is logged
    like any export (``casework.audit.log_export``).
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", "xlsx"
        CSV = "csv", "csv"

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        # The worker writing it died; no file is offered and it can be started again.
        INTERRUPTED = "interrupted", _("interrupted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: "app_label.model" of the listed model; its snippet view set says what a row holds.
    model = models.CharField(_("list"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="casework_export_created")]

    def __str__(self):
        return f"{self.model} {chinese_datetime(self.created_at)}"

    @property
    def is_running(self):
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def listed_model(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def filename(self):
        from casework.list_exports.workbook import dated_filename

        title = self.listed_model.snippet_viewset.export_filename
        return f"{dated_filename(title, timezone.localdate(self.created_at))}.{self.format}"
