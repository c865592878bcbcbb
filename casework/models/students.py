"""The student file (学生档案): one record per child."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import RevisionMixin

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.dates import chinese_date, collect, validate_birth_date, validate_poverty_exit_year
from casework.fields import IDNumberField
from casework.idnumbers import (
    birth_date_from_id,
    gender_from_id,
    mask_id_number,
    normalize_student_number,
    validate_student_number,
)
from casework.models.reference import School


class Student(RevisionMixin, ScopedModel):
    """A child the drive is about; a child may be in several circumstances at once."""

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class LivesWith(models.TextChoices):
        GRANDPARENTS = "grandparents", _("grandparents")
        RELATIVES = "relatives", _("other relatives")
        ONE_PARENT = "one_parent", _("one parent")
        ALONE = "alone", _("alone")
        OTHER = "other", _("other")

    class DisabilityCategory(models.TextChoices):
        VISUAL = "visual", _("visual")
        HEARING = "hearing", _("hearing")
        SPEECH = "speech", _("speech")
        PHYSICAL = "physical", _("physical")
        INTELLECTUAL = "intellectual", _("intellectual")
        MENTAL = "mental", _("mental")
        MULTIPLE = "multiple", _("multiple")

    class DisabilityGrade(models.IntegerChoices):
        FIRST = 1, _("grade 1")
        SECOND = 2, _("grade 2")
        THIRD = 3, _("grade 3")
        FOURTH = 4, _("grade 4")

    class DocumentType(models.TextChoices):
        # The national roll's 身份证件类型; only a resident ID goes into ``id_number``.
        RESIDENT_ID = "resident_id", _("resident ID card")
        HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan document")
        PASSPORT = "passport", _("passport")
        OTHER = "other", _("other document")

    class Placement(models.TextChoices):
        REGULAR_CLASS = "regular_class", _("regular class")
        SPECIAL_SCHOOL = "special_school", _("special school")
        HOME_TEACHING = "home_teaching", _("taught at home")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    id_number = IDNumberField(_("ID number"), blank=True, null=True)
    id_document_type = models.CharField(
        _("identity document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.RESIDENT_ID,
    )
    student_number = models.CharField(_("student number"), max_length=30, blank=True, null=True)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="students"
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("relation to the child"), max_length=20, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    hukou_township = models.CharField(
        _("household registration township"), max_length=50, blank=True
    )
    hukou_village = models.CharField(_("household registration village"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    is_registered_poor = models.BooleanField(_("registered poor household"), default=False)
    poverty_exit_year = models.PositiveSmallIntegerField(
        _("year the household left poverty"), null=True, blank=True
    )
    is_dibao = models.BooleanField(_("minimum living allowance"), default=False)
    is_tekun = models.BooleanField(_("extreme-hardship support"), default=False)
    is_left_behind = models.BooleanField(_("left-behind child"), default=False)
    # The national roll's 是否孤儿 column; set on import, like 留守.
    is_orphan = models.BooleanField(_("orphan"), default=False)
    # 学困生: the plan names pupils falling behind as a dropout risk of their own.
    is_struggling = models.BooleanField(_("falling behind (学困生)"), default=False)
    lives_with = models.CharField(
        _("lives with"), max_length=20, choices=LivesWith.choices, blank=True
    )
    # The national roll's 是否进城务工人员随迁子女 column; set on import.
    is_migrant_child = models.BooleanField(_("migrant worker's child (随迁子女)"), default=False)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    disability_category = models.CharField(
        _("disability category"), max_length=20, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    placement = models.CharField(
        _("placement"), max_length=20, choices=Placement.choices, blank=True
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the retention period ran out and the personal data was removed (casework.privacy).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    school_path = "school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["school", "grade", "class_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(id_number__isnull=False),
                name="casework_student_unique_id_number",
                violation_error_message=_("A child with this ID number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["student_number"],
                condition=models.Q(student_number__isnull=False),
                name="casework_student_unique_student_number",
                violation_error_message=_(
                    "A child with this student number is already registered."
                ),
            ),
        ]
        indexes = [models.Index(fields=["school", "name"], name="casework_student_school_name")]
        permissions = [("export_personal_data", _("Can export names and ID numbers"))]

    def __str__(self):
        return self.name

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    def circumstances(self):
        """The household and personal circumstances that apply, in words."""
        labels = []
        if self.is_registered_poor:
            labels.append(_("registered poor household"))
        if self.is_dibao:
            labels.append(_("minimum living allowance"))
        if self.is_tekun:
            labels.append(_("extreme-hardship support"))
        if self.is_left_behind:
            labels.append(_("left-behind child"))
        if self.is_orphan:
            labels.append(_("orphan"))
        if self.is_struggling:
            labels.append(_("falling behind (学困生)"))
        if self.is_disabled:
            labels.append(_("disabled"))
        return labels

    def clean(self):
        super().clean()
        self.student_number = normalize_student_number(self.student_number) or None
        errors = {}
        try:
            validate_student_number(self.student_number)
        except ValidationError as error:
            errors["student_number"] = error.messages[0]
        expected = gender_from_id(self.id_number) if self.id_number else None
        if expected and self.gender and self.gender != expected:
            errors["gender"] = gender_mismatch_message(expected)
        if not self.id_number and self.id_document_type == self.DocumentType.RESIDENT_ID:
            errors["id_number"] = _(
                "Give the ID number of a child registered with a resident ID card; only a "
                "child registered with another document may have none."
            )
        if self.id_number and self.birth_date:
            born = birth_date_from_id(self.id_number)
            if born and born != self.birth_date:
                errors["birth_date"] = _(
                    "The date of birth does not match the ID number, which says %(date)s."
                ) % {"date": chinese_date(born)}
        collect(
            errors,
            lambda: validate_birth_date(self.birth_date),
            lambda: validate_poverty_exit_year(self.poverty_exit_year),
        )
        if self.poverty_exit_year and not self.is_registered_poor:
            errors["poverty_exit_year"] = _(
                "Only a registered poor household has a year it left poverty."
            )
        if self.is_disabled and not self.disability_category:
            errors["disability_category"] = _("Give the disability category of a disabled child.")
        if self.lives_with and not self.is_left_behind:
            errors["lives_with"] = _("Only a left-behind child is recorded as living with others.")
        if errors:
            raise ValidationError(errors)

    def duplicate_of(self):
        """The student already registered with this ID number or student number, if any."""
        others = Student.unscoped.exclude(pk=self.pk)
        if self.id_number and (found := others.filter(id_number=self.id_number).first()):
            return "id_number", found
        if self.student_number and (
            found := others.filter(student_number=self.student_number).first()
        ):
            return "student_number", found
        return None, None


def gender_mismatch_message(expected):
    """Why a gender is refused: the ID number's 17th digit says the other one."""
    return _(
        "The gender does not match the ID number: its 17th digit says %(gender)s "
        "(odd for male, even for female)."
    ) % {"gender": Student.Gender(expected).label}
