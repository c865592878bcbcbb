"""对账销号: a close-off proposed by the school and verified (or returned) by the office."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.models.cases import Case
from casework.models.findings import Finding
from casework.models.reference import ChecklistItem, School
from casework.people import display_name


class CloseOffQuerySet(models.QuerySet):
    def pending(self):
        """Proposed and waiting for the responsible office."""
        return self.filter(state=CloseOff.State.PENDING)

    def returned_standing(self):
        """Returned, and not yet proposed again: the school still owes a new proposal."""
        later = CloseOff.unscoped.filter(
            models.Q(case=models.OuterRef("case")) | models.Q(finding=models.OuterRef("finding")),
            pk__gt=models.OuterRef("pk"),
        )
        return self.filter(state=CloseOff.State.RETURNED).exclude(models.Exists(later))

    def for_leader(self, name):
        """Close-offs under the checklist items the named leader answers for."""
        return self.filter(checklist_item__leader=name)

    def for_offices(self, offices):
        """Close-offs under checklist items that any of the given offices answers for."""
        query = models.Q(pk__in=[])
        for office in offices:
            # ``offices`` is a space-separated list of names; match whole names only.
            query |= models.Q(checklist_item__offices__regex=rf"(^|\s){office}(\s|$)")
        return self.filter(query)


class CloseOff(ScopedModel):
    """One proposal to close off a case or a finding, and the office's decision on it.

    A case or finding can have several: each returned proposal stays, so the history shows
    every round.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting verification")
        VERIFIED = "verified", _("verified")
        RETURNED = "returned", _("returned")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closeoffs",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closeoffs",
    )
    # Kept on the row so that scope and the office's queue need no join through case or finding.
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    status_before = models.CharField(_("status before"), max_length=12, blank=True)
    reason = models.TextField(_("reason for closing"))
    verification = models.TextField(_("what was verified"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("office's comment"), blank=True)

    school_path = "school_id"
    objects = ScopedManager.from_queryset(CloseOffQuerySet)()
    unscoped = UnscopedManager.from_queryset(CloseOffQuerySet)()

    class Meta:
        verbose_name = _("close-off")
        verbose_name_plural = _("close-offs")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, finding__isnull=True)
                | models.Q(case__isnull=True, finding__isnull=False),
                name="casework_closeoff_one_target",
            ),
            # One proposal at a time: a second click cannot propose twice.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="pending"),
                name="casework_closeoff_one_pending_case",
            ),
            models.UniqueConstraint(
                fields=["finding"],
                condition=models.Q(state="pending"),
                name="casework_closeoff_one_pending_finding",
            ),
        ]
        indexes = [models.Index(fields=["state", "checklist_item"], name="casework_closeoff_queue")]

    def __str__(self):
        return f"{self.target} · {self.get_state_display()}"

    @property
    def target(self):
        return self.case if self.case_id else self.finding

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def proposed_by_name(self):
        return display_name(self.proposed_by)

    @property
    def decided_by_name(self):
        return display_name(self.decided_by)
