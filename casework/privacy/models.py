"""The record of each anonymisation run (PIPL: personal data is not kept past its time)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AnonymisationRun(models.Model):
    """One run of the retention job: when, by whom (empty: the schedule), what it removed."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cutoff = models.DateField(_("personal data last used before"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    students = models.PositiveIntegerField(_("students anonymised"), default=0)
    cases = models.PositiveIntegerField(_("cases anonymised"), default=0)
    files_deleted = models.PositiveIntegerField(_("files deleted"), default=0)
    # The ids only (never a name), so an inspector can see which records the run touched.
    student_ids = models.JSONField(_("student ids"), default=list, blank=True)
    case_ids = models.JSONField(_("case ids"), default=list, blank=True)

    class Meta:
        verbose_name = _("anonymisation run")
        verbose_name_plural = _("anonymisation runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"
