"""The weekly dropout report (周报告) and the term's 两清两明 figures."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.dates import Term, term_label, validate_known_year, week_label, week_monday
from casework.models.reference import School

#: The figures of a weekly report, in the order the report shows them.
WEEKLY_FIGURES = [
    "enrolled",
    "suspected_dropouts",
    "dropouts",
    "returned",
    "transferred_known",
    "transferred_unknown",
    "long_leave",
]


class TermFiguresQuerySet(models.QuerySet):
    def for_day(self, day):
        """The figures of the term ``day`` falls in."""
        school_year, term = Term.of(day)
        return self.filter(school_year=school_year, term=term)


class TermFigures(ScopedModel):
    """A school's 两清两明 figures for one term, as the school manager states them."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="term_figures"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year starts, e.g. 2024 for 2024–2025.")
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    school_age_population = models.PositiveIntegerField(_("school-age population"))
    enrolled = models.PositiveIntegerField(_("enrolled"))
    transferred_known = models.PositiveIntegerField(_("transferred out, destination known"))
    transferred_unknown = models.PositiveIntegerField(_("transferred out, destination unknown"))
    long_leave = models.PositiveIntegerField(_("on long leave"))
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    school_path = "school_id"
    objects = ScopedManager.from_queryset(TermFiguresQuerySet)()
    unscoped = UnscopedManager.from_queryset(TermFiguresQuerySet)()

    class Meta:
        verbose_name = _("term figures (两清两明)")
        verbose_name_plural = _("term figures (两清两明)")
        ordering = ["-school_year", "-term", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "term"], name="casework_termfigures_unique"
            )
        ]

    def __str__(self):
        return f"{self.school} {self.term_label}"

    def clean(self):
        super().clean()
        validate_known_year(self.school_year, "school_year")

    @property
    def term_label(self):
        return term_label(self.school_year, self.term)

    @property
    def log_school_id(self):
        return self.school_id


class WeeklyReportQuerySet(models.QuerySet):
    def submitted(self):
        """Reports the school has filed."""
        return self.filter(status=WeeklyReport.Status.SUBMITTED)

    def for_week(self, day):
        """Reports of the ISO week ``day`` falls in."""
        return self.filter(week_start=week_monday(day))


class WeeklyReport(ScopedModel):
    """A school's weekly dropout report for one ISO week (Monday to Sunday)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="weekly_reports"
    )
    week_start = models.DateField(_("week starting"), help_text=_("The Monday of the ISO week."))
    enrolled = models.PositiveIntegerField(_("enrolled"))
    suspected_dropouts = models.PositiveIntegerField(_("suspected dropouts"))
    dropouts = models.PositiveIntegerField(_("dropouts"))
    returned = models.PositiveIntegerField(_("returned this week"))
    transferred_known = models.PositiveIntegerField(_("transferred out, destination known"))
    transferred_unknown = models.PositiveIntegerField(_("transferred out, destination unknown"))
    long_leave = models.PositiveIntegerField(_("on long leave"))
    computed = models.JSONField(
        _("figures from the ledger"),
        default=dict,
        blank=True,
        help_text=_("The figures the cases and visits gave when the report was last saved."),
    )
    note = models.TextField(
        _("note on corrections"),
        blank=True,
        help_text=_("Required when a figure differs from the one the ledger gives."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    school_path = "school_id"
    objects = ScopedManager.from_queryset(WeeklyReportQuerySet)()
    unscoped = UnscopedManager.from_queryset(WeeklyReportQuerySet)()

    class Meta:
        verbose_name = _("weekly dropout report")
        verbose_name_plural = _("weekly dropout reports")
        ordering = ["-week_start", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "week_start"], name="casework_weeklyreport_unique_week"
            )
        ]
        permissions = [("submit_weeklyreport", _("Can submit the weekly dropout report"))]

    def __str__(self):
        return f"{self.school} {self.week_label}"

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)

    @property
    def week_label(self):
        return week_label(self.week_start)

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    def figures(self):
        return {name: getattr(self, name) for name in WEEKLY_FIGURES}

    def corrected_figures(self):
        """Names of the figures that differ from what the ledger gave."""
        return [
            name
            for name in WEEKLY_FIGURES
            if name in self.computed and self.computed[name] != getattr(self, name)
        ]

    def clean(self):
        super().clean()
        if self.week_start:
            validate_known_year(self.week_start.year, "week_start")
        if self.week_start and self.week_start.weekday() != 0:
            raise ValidationError({"week_start": _("A report week starts on a Monday.")})
        if self.corrected_figures() and not self.note.strip():
            raise ValidationError(
                {"note": _("Say why the figures differ from those the ledger gives.")}
            )
