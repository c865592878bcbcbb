"""Reminders of overdue home visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.dates import chinese_date
from casework.models.reference import School


class Reminder(ScopedModel):
    """A reminder of overdue home visits and late findings, sent to one teacher or school manager on one day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="casework_reminders",
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    overdue_count = models.PositiveIntegerField(_("overdue visits"))
    # A school manager answers for the school's findings (问题台账) as well as its visits.
    late_findings = models.PositiveIntegerField(_("findings past the deadline"), default=0)
    emailed = models.BooleanField(_("emailed"), default=False)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    school_path = "school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("overdue visit reminder")
        verbose_name_plural = _("overdue visit reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="casework_reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.user} {chinese_date(self.sent_on)} ({self.overdue_count})"
