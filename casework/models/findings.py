"""The findings ledger (问题台账): school-level problems and how they were fixed."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import RevisionMixin

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.models.cases import today
from casework.models.reference import ChecklistItem, School


class FindingQuerySet(models.QuerySet):
    def open(self):
        """Findings not yet closed off."""
        return self.exclude(status=Finding.Status.CLOSED)

    def overdue(self, on=None):
        """Findings not closed off whose 整改时限 passed before the given day (default: today)."""
        return self.open().filter(deadline__lt=on or today())


class Finding(RevisionMixin, ScopedModel):
    """A problem found at a school under a checklist item, closed off with evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RECTIFYING = "rectifying", _("being rectified")
        # 对账销号: the school proposes, the responsible office verifies (casework.closeoff).
        PENDING = "pending", _("close-off awaiting verification")
        CLOSED = "closed", _("closed off")

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="findings"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    found_on = models.DateField(_("found on"), default=today)
    problem = models.TextField(_("problem found"))
    rectification = models.TextField(_("rectification"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    school_path = "school_id"
    objects = ScopedManager.from_queryset(FindingQuerySet)()
    unscoped = UnscopedManager.from_queryset(FindingQuerySet)()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["checklist_item", "status"], name="casework_finding_item_status")
        ]

    def __str__(self):
        return f"{self.school} · {self.problem[:30]}"

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def is_overdue(self):
        return (
            self.status != self.Status.CLOSED
            and self.deadline is not None
            and self.deadline < today()
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.found_on and self.found_on > today():
            errors["found_on"] = _("A finding cannot be dated in the future.")
        if self.status == self.Status.CLOSED:
            if not self.closed_on:
                errors["closed_on"] = _("A finding closed off needs the date it was closed.")
            if not self.evidence.strip():
                errors["evidence"] = _("A finding closed off needs its evidence.")
            if not self.rectification.strip():
                errors["rectification"] = _("Say how the problem was rectified.")
        if errors:
            raise ValidationError(errors)
