"""The home-visit campaign (全覆盖家访): every household of a school visited each term."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.choices import OUT_OF_SCHOOL, ChildState, LeaveReason, leave_reason_errors
from casework.dates import chinese_date, term_start
from casework.models.cases import HomeVisit, today


class HouseholdQuerySet(models.QuerySet):
    def in_class(self, grade, class_name):
        """Households with a child in the given class."""
        return self.filter(students__grade=grade, students__class_name=class_name).distinct()

    def visited_since(self, day):
        """Households visited at home on or after ``day`` (a campaign visit or a case's visit)."""
        return self.filter(
            models.Q(campaign_visits__visited_on__gte=day, campaign_visits__mode="home")
            | models.Q(
                students__cases__visits__visited_on__gte=day,
                students__cases__visits__mode=HomeVisit.Mode.HOME,
            )
        ).distinct()

    def not_visited_since(self, day):
        return self.exclude(pk__in=self.visited_since(day).values("pk"))

    def assigned_to(self, user):
        return self.filter(teacher=user)


class Household(ScopedModel):
    """A family (guardian and address, or registered village) with its children at one school."""

    school = models.ForeignKey(
        "casework.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    # What makes two children one household: the guardian and the address (or village).
    key = models.CharField(_("household key"), max_length=300)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    hukou_township = models.CharField(
        _("household registration township"), max_length=50, blank=True
    )
    hukou_village = models.CharField(_("household registration village"), max_length=50, blank=True)
    students = models.ManyToManyField(
        "casework.Student", verbose_name=_("children"), related_name="households"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned teacher"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_households",
    )

    school_path = "school_id"
    objects = ScopedManager.from_queryset(HouseholdQuerySet)()
    unscoped = UnscopedManager.from_queryset(HouseholdQuerySet)()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["hukou_township", "hukou_village", "guardian_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "key"], name="casework_household_unique_key")
        ]

    def __str__(self):
        return self.guardian_name or self.address or str(self.pk)

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def village(self):
        return f"{self.hukou_township}{self.hukou_village}"

    @staticmethod
    def key_for(student):
        """Children with the same guardian at the same address (or village) are one household."""
        guardian = "".join(student.guardian_name.split())
        place = (
            "".join(student.address.split()) or f"{student.hukou_township}{student.hukou_village}"
        )
        if not guardian and not place:
            return f"student:{student.pk}"
        return f"{guardian}|{place}"[:300]

    def last_visit(self, since=None):
        visits = self.campaign_visits.all()
        if since:
            visits = visits.filter(visited_on__gte=since)
        return visits.order_by("-visited_on", "-created_at").first()


def household_of(student):
    """The household of ``student``, made (and the child added) if it is not there yet."""
    found = student.households.first()
    if found:
        return found
    household, _created = Household.unscoped.get_or_create(
        school_id=student.school_id,
        key=Household.key_for(student),
        defaults={
            "guardian_name": student.guardian_name,
            "address": student.address,
            "hukou_township": student.hukou_township,
            "hukou_village": student.hukou_village,
        },
    )
    household.students.add(student)
    return household


def group_households(students):
    """Put every child of ``students`` not yet in a household into theirs; returns how many."""
    count = 0
    for student in students.filter(households__isnull=True):
        household_of(student)
        count += 1
    return count


class CampaignVisit(ScopedModel):
    """A visit to a household in the campaign, logged for one child; it covers their siblings."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="campaign_visits",
    )
    student = models.ForeignKey(
        "casework.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="campaign_visits",
    )
    visited_on = models.DateField(_("date of visit"), default=today)
    visitors = models.CharField(_("visitors"), max_length=100)
    mode = models.CharField(
        _("mode"), max_length=10, choices=HomeVisit.Mode.choices, default=HomeVisit.Mode.HOME
    )
    child_state = models.CharField(
        _("state of the child"), max_length=20, choices=ChildState.choices
    )
    leave_reason = models.CharField(
        _("reason for leaving school"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    leave_reason_other = models.CharField(_("other reason"), max_length=100, blank=True)
    findings = models.TextField(_("findings"))
    # Set when the visit found a concern and a case was opened from it.
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A visit typed on the phone's field page carries the id the phone made for it, so a retry,
    # a double tap or a second tab stores it once (as HomeVisit.client_id).
    client_id = models.UUIDField(_("offline entry id"), null=True, blank=True, editable=False)
    entered_offline_at = models.DateTimeField(
        _("entered offline at"), null=True, blank=True, editable=False
    )
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True, editable=False)

    school_path = "household__school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("campaign visit")
        verbose_name_plural = _("campaign visits")
        ordering = ["-visited_on", "-created_at"]
        indexes = [
            models.Index(fields=["household", "visited_on"], name="casework_campaign_hh_date")
        ]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="casework_campaign_client_id_once")
        ]

    def __str__(self):
        return f"{self.student.name} {chinese_date(self.visited_on)}"

    @property
    def log_school_id(self):
        return self.household.school_id

    @property
    def is_signed(self):
        return any(a.kind == "signature" and a.deleted_at is None for a in self.attachments.all())

    def clean(self):
        super().clean()
        errors = leave_reason_errors(self.child_state, self.leave_reason, self.leave_reason_other)
        if self.visited_on and self.visited_on > today():
            errors["visited_on"] = _("A visit cannot be dated in the future.")
        if self.child_state != OUT_OF_SCHOOL:
            self.leave_reason, self.leave_reason_other = "", ""
        if errors:
            raise ValidationError(errors)


def this_term():
    """The first day of the current term: coverage counts visits from then."""
    return term_start()
