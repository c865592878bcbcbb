"""督导抽查: the bureau's monthly review of a sample of each school's case files."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.models.cases import Case, today
from casework.models.reference import ChecklistItem, School


class CaseReviewQuerySet(models.QuerySet):
    def open(self):
        """Reviews not yet closed by their reviewer."""
        return self.exclude(status=CaseReview.Status.CLOSED)

    def overdue(self, on=None):
        """Open reviews whose current step was due before the given day (default: today)."""
        return self.open().filter(due_on__lt=on or today())

    def unanswered(self):
        """Reviews written and waiting for the school's answer."""
        return self.filter(status=CaseReview.Status.REVIEWED)

    def for_month(self, day):
        """The reviews of the sample drawn for the month ``day`` falls in."""
        return self.filter(month=day.replace(day=1))


class CaseReview(ScopedModel):
    """One sampled case file, its review, the school's answer and the reviewer's close."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("waiting for review")
        REVIEWED = "reviewed", _("waiting for the school's answer")
        ANSWERED = "answered", _("answered, waiting to be closed")
        CLOSED = "closed", _("closed")

    class Check(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        NOT_APPLICABLE = "n/a", _("not applicable")

    #: The points of a review, each answered yes, no or not applicable.
    CHECKS = ("visits_on_time", "support_recorded", "evidence_present", "close_justified")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reviews"
    )
    # Kept on the review: the school and item as they were when the sample was drawn.
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="case_reviews"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="case_reviews",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the sample's month."))
    seed = models.CharField(_("seed of the draw"), max_length=100)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_reviews",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    due_on = models.DateField(_("due on"), help_text=_("When the current step is due."))
    visits_on_time = models.CharField(
        _("visits on time"), max_length=3, choices=Check.choices, blank=True
    )
    support_recorded = models.CharField(
        _("support recorded"), max_length=3, choices=Check.choices, blank=True
    )
    evidence_present = models.CharField(
        _("evidence present"), max_length=3, choices=Check.choices, blank=True
    )
    close_justified = models.CharField(
        _("close-off justified"), max_length=3, choices=Check.choices, blank=True
    )
    comments = models.TextField(_("comments"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("A score is between 0 and 100.")),
            MaxValueValidator(100, message=_("A score is between 0 and 100.")),
        ],
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    answer = models.TextField(_("the school's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    school_path = "school_id"
    objects = ScopedManager.from_queryset(CaseReviewQuerySet)()
    unscoped = UnscopedManager.from_queryset(CaseReviewQuerySet)()

    class Meta:
        verbose_name = _("case file review")
        verbose_name_plural = _("case file reviews")
        ordering = ["-month", "school__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="casework_review_case_month")
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="casework_review_status_due"),
            models.Index(fields=["month", "school"], name="casework_review_month_school"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.case}"

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def is_overdue(self):
        return self.status != self.Status.CLOSED and self.due_on < today()

    def points(self):
        """The review's points as (label, answer shown) pairs."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, f"get_{name}_display")())
            for name in self.CHECKS
        ]

    def clean(self):
        super().clean()
        if self.status == self.Status.ASSIGNED:
            return
        errors = {}
        for name in self.CHECKS:
            if not getattr(self, name):
                errors[name] = _("Answer this point of the review.")
        if self.score is None:
            errors["score"] = _("Give the file a score from 0 to 100.")
        if self.status in (self.Status.ANSWERED, self.Status.CLOSED) and not self.answer.strip():
            errors["answer"] = _("Write the school's answer to the review.")
        if errors:
            raise ValidationError(errors)


def step_deadline(on):
    """The day a review step started on ``on`` is due (``REVIEW_STEP_DAYS`` later)."""
    from casework.conf import conf

    return on + datetime.timedelta(days=conf.REVIEW_STEP_DAYS)
