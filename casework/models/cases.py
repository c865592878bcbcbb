"""Cases (个案) with their home visits, support records and status changes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import LockableMixin, RevisionMixin

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.choices import (
    CONCERN_CHECKLIST_ITEM,
    NEXT_VISIT_DAYS,
    OUT_OF_SCHOOL,
    ChildState,
    Concern,
    LeaveReason,
    RiskLevel,
    leave_reason_errors,
)
from casework.dates import chinese_date, collect, validate_case_date
from casework.models.reference import ChecklistItem
from casework.models.students import Student
from casework.people import display_name


def today():
    return timezone.localdate()


class CaseQuerySet(models.QuerySet):
    def open(self):
        """Cases not yet closed off."""
        return self.exclude(status=Case.Status.CLOSED)

    def overdue(self, on=None):
        """Open cases whose next visit was due before the given day (default: today)."""
        return self.open().filter(next_visit_due__lt=on or today())

    def values_per_school(self, *fields):
        """``values()`` grouped by the child's school (as ``school``) and ``fields``.

        On SQLite the school is looked up by the child's key rather than joined: with a join it
        walks every school's students first, about 4× slower on 100,000 cases. PostgreSQL joins
        them by hash, where the lookup per case was 3× slower.
        """
        if connections[self.db].vendor == "postgresql":
            return self.order_by().values(*fields, school=models.F("student__school_id"))
        school = (
            Student.unscoped.filter(pk=models.OuterRef("student_id")).order_by().values("school_id")
        )
        return self.order_by().values(*fields, school=models.Subquery(school[:1]))

    def with_file(self):
        """Load what a list row shows in the same query."""
        return self.select_related("student", "student__school", "checklist_item", "teacher")


class Case(LockableMixin, RevisionMixin, ScopedModel):
    """A concern about one child, followed until it is closed off (销号)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FOLLOWING = "following", _("being followed")
        # 对账销号: the school proposes, the responsible office verifies (casework.closeoff).
        PENDING = "pending", _("close-off awaiting verification")
        CLOSED = "closed", _("closed off")

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="cases"
    )
    concern = models.CharField(_("concern"), max_length=20, choices=Concern.choices)
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="cases",
        blank=True,
        help_text=_("Left empty, the item follows from the concern."),
    )
    risk = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paired teacher"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paired_cases",
    )
    opened_on = models.DateField(_("opened on"), default=today)
    summary = models.TextField(_("summary"))
    next_visit_due = models.DateField(
        _("next visit due"),
        null=True,
        blank=True,
        help_text=_("Kept up to date from the latest home visit."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    close_verification = models.TextField(_("what was verified"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the retention period ran out and the free text was removed (casework.privacy).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    school_path = "student__school_id"
    objects = ScopedManager.from_queryset(CaseQuerySet)()
    unscoped = UnscopedManager.from_queryset(CaseQuerySet)()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["status", "next_visit_due"], name="casework_case_status_due"),
            # In the list's order too: a filtered page is read from the index, not sorted.
            models.Index(
                fields=["concern", "status", "-opened_on", "-id"],
                name="casework_case_concern_listed",
            ),
            models.Index(fields=["teacher", "status"], name="casework_case_teacher_status"),
            models.Index(fields=["-opened_on", "-id"], name="casework_case_opened"),
            models.Index(fields=["closed_on"], name="casework_case_closed"),  # the month's
        ]
        permissions = [
            ("close_case", _("Can close cases off")),
            ("assign_teacher", _("Can assign the paired teacher")),
        ]

    def __str__(self):
        return f"{self.student.name}·{self.get_concern_display()}"

    @property
    def school(self):
        return self.student.school

    @property
    def log_school_id(self):
        return self.student.school_id

    @property
    def teacher_name(self):
        return display_name(self.teacher)

    @property
    def is_overdue(self):
        return (
            self.status != self.Status.CLOSED
            and self.next_visit_due is not None
            and self.next_visit_due < today()
        )

    def default_checklist_item(self):
        number = CONCERN_CHECKLIST_ITEM.get(self.concern)
        return ChecklistItem.objects.filter(number=number).first() if number else None

    def clean(self):
        super().clean()
        errors = {}
        if not self.checklist_item_id:
            item = self.default_checklist_item()
            if item:
                self.checklist_item = item
            else:
                errors["checklist_item"] = _("Choose the checklist item this case answers.")
        if self.status == self.Status.CLOSED:
            if not self.closed_on:
                errors["closed_on"] = _("A case closed off needs the date it was closed.")
            if not self.close_reason.strip():
                errors["close_reason"] = _("A case closed off needs the reason.")
            if not self.close_verification.strip():
                errors["close_verification"] = _("Say what was verified before closing off.")
        collect(errors, lambda: validate_case_date(self.opened_on, "opened_on"))
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A case cannot be closed before it was opened.")
        if self.closed_on and self.closed_on > today():
            errors["closed_on"] = _("The closing date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def timeline(self):
        """Visits, support and status changes in one list, oldest first."""
        entries = [
            *(("visit", v.visited_on, v.created_at, v) for v in self.visits.all()),
            *(("support", s.given_on, s.created_at, s) for s in self.support_records.all()),
            *(
                # The case's opening is dated when it was opened, not when it was typed in.
                (
                    "status",
                    self.opened_on if not c.from_status else timezone.localdate(c.changed_at),
                    c.changed_at,
                    c,
                )
                for c in self.status_changes.all()
            ),
        ]
        entries.sort(key=lambda e: (e[1], e[2]))
        return [{"kind": kind, "date": day, "entry": obj} for kind, day, _at, obj in entries]

    def refresh_next_visit_due(self):
        """Take the next visit due from the latest visit (by date, then entry)."""
        latest = self.visits.order_by("-visited_on", "-created_at").first()
        due = latest.next_visit_due if latest else None
        Case.unscoped.filter(pk=self.pk).update(next_visit_due=due)
        self.next_visit_due = due


class HomeVisit(RevisionMixin, ScopedModel):
    """A home visit or other follow-up contact (家访/跟踪)."""

    class Mode(models.TextChoices):
        HOME = "home", _("in person at home")
        PHONE = "phone", _("phone")
        VIDEO = "video", _("video")
        AT_SCHOOL = "at_school", _("at school")
        VILLAGE = "village", _("checked with the village committee (村委会核实)")
        LETTER = "letter", _("checked by letter (致函核实)")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("date of visit"), default=today)
    visitors = models.CharField(_("visitors"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.HOME)
    child_state = models.CharField(
        _("state of the child"), max_length=20, choices=ChildState.choices
    )
    leave_reason = models.CharField(
        _("reason for leaving school"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    leave_reason_other = models.CharField(_("other reason"), max_length=100, blank=True)
    findings = models.TextField(_("findings"))
    actions = models.TextField(_("actions agreed"), blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A visit typed on the phone without a signal carries the id the phone made for it, so a
    # retry, a double tap or a second tab stores it once.
    client_id = models.UUIDField(_("offline entry id"), null=True, blank=True, editable=False)
    entered_offline_at = models.DateTimeField(
        _("entered offline at"), null=True, blank=True, editable=False
    )
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True, editable=False)

    school_path = "case__student__school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "visited_on"], name="casework_visit_case_date"),
            # The month's and the week's visits, and the children ever recorded out of school;
            # with the case, so that counting them per item reads the index alone.
            models.Index(fields=["visited_on", "case"], name="casework_visit_date"),
            models.Index(
                fields=["child_state", "visited_on", "case"], name="casework_visit_state_date"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="casework_visit_client_id_once")
        ]

    def __str__(self):
        return f"{self.case.student.name} {chinese_date(self.visited_on)} {self.get_mode_display()}"

    @property
    def log_school_id(self):
        return self.case.student.school_id

    def clean(self):
        super().clean()
        errors = {}
        if self.visited_on and self.visited_on > today():
            errors["visited_on"] = _("A visit cannot be dated in the future.")
        collect(errors, lambda: validate_case_date(self.visited_on, "visited_on"))
        if self.visited_on and self.next_visit_due and self.next_visit_due < self.visited_on:
            errors["next_visit_due"] = _("The next visit cannot be due before this visit.")
        errors.update(
            leave_reason_errors(self.child_state, self.leave_reason, self.leave_reason_other)
        )
        if self.child_state != OUT_OF_SCHOOL:
            # A reason counts only while the child is out of school.
            self.leave_reason, self.leave_reason_other = "", ""
        if errors:
            raise ValidationError(errors)


class SupportRecord(RevisionMixin, ScopedModel):
    """A measure of support or aid given to the child (帮扶措施)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("financial aid")
        BOARDING = "boarding", _("boarding subsidy")
        MEALS = "meals", _("nutritious meals")
        DEVICE = "device", _("device or network for the air classroom")
        TUTORING = "tutoring", _("one-to-one tutoring")
        HOME_TEACHING = "home_teaching", _("teaching at home")
        COUNSELLING = "counselling", _("psychological counselling")
        TRANSPORT = "transport", _("transport")
        OTHER = "other", _("other")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="support_records"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("An amount cannot be negative."))],
    )
    given_on = models.DateField(_("date"), default=today)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    given_by = models.CharField(_("given by"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    school_path = "case__student__school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    MONEY_KINDS = {Kind.GRANT, Kind.BOARDING}

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["-given_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "given_on"], name="casework_support_case_date"),
            # The month's aid, per item from the index alone.
            models.Index(fields=["given_on", "case"], name="casework_support_date"),
        ]

    def __str__(self):
        return f"{self.case.student.name} {self.get_kind_display()} {chinese_date(self.given_on)}"

    @property
    def log_school_id(self):
        return self.case.student.school_id

    def clean(self):
        super().clean()
        errors = {}
        if self.given_on and self.given_on > today():
            errors["given_on"] = _("Support cannot be dated in the future.")
        collect(errors, lambda: validate_case_date(self.given_on, "given_on"))
        if self.kind in self.MONEY_KINDS and self.amount is None:
            errors["amount"] = _("Give the amount in yuan for financial aid.")
        if errors:
            raise ValidationError(errors)


class CaseStatusChange(ScopedModel):
    """A change of a case's status, kept for the timeline."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=Case.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=Case.Status.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    school_path = "case__student__school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def next_visit_suggestion(risk, on=None):
    """The day a next visit should be due for a case of this risk level."""
    return (on or today()) + datetime.timedelta(days=NEXT_VISIT_DAYS.get(risk, 14))


def _out_of_school(queryset, student, on, group_by, count):
    """``queryset`` grouped by ``group_by`` (and the reason) with ``count`` of the children whose
    latest visit on or before ``on``, in any of their cases, records them out of school.

    One subquery gives the latest visit's state and reason together; only children with an
    out-of-school visit by then are looked at, which on real ledgers is a small minority."""
    latest = (
        HomeVisit.objects.filter(case__student=models.OuterRef(student), visited_on__lte=on)
        .order_by("-visited_on", "-created_at", "-id")
        .values(last=Concat("child_state", models.Value("|"), "leave_reason"))[:1]
    )
    ever_out = HomeVisit.objects.filter(child_state=OUT_OF_SCHOOL, visited_on__lte=on)
    rows = (
        queryset.filter(**{f"{student}__in": ever_out.values("case__student")})
        .annotate(last=models.Subquery(latest))
        .filter(last__startswith=f"{OUT_OF_SCHOOL}|")
        .values(*group_by, "last")
        .annotate(n=count)
        .order_by()
    )
    for row in rows:
        row["reason"] = row.pop("last").partition("|")[2]
        yield row


def out_of_school_by_reason(students, on):
    """``{reason: n}``: of ``students``, those whose latest visit on or before ``on`` records
    them out of school, by that visit's reason (the weekly and monthly reports' 离校原因)."""
    rows = _out_of_school(students, "pk", on, [], models.Count("id"))
    return {row["reason"]: row["n"] for row in rows}


def out_of_school_by_reason_per_item(cases, on):
    """``{checklist item pk: {reason: n}}``: the same count over the children of ``cases``, per
    case's item, in one query (a child followed under two items counts under each)."""
    result = {}
    rows = _out_of_school(
        cases, "student", on, ["checklist_item"], models.Count("student", distinct=True)
    )
    for row in rows:
        result.setdefault(row["checklist_item"], {})[row["reason"]] = row["n"]
    return result
