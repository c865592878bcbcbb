"""Admin forms: the rules that depend on who is filling the form in."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from casework.access.rules import (
    ScopedManager,
    can_assign_teacher,
    can_close_case,
    teachers_for,
    teachers_of_school,
)
from casework.idnumbers import normalize_student_number
from casework.models import Case, Student
from casework.people import display_name


class CaseworkAdminForm(WagtailAdminModelForm):
    """Choice fields offer, and accept, only records in the user's scope.

    Form classes are built once, so the querysets of their choice fields must be scoped
    again for each form, to the user filling it in.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and isinstance(queryset.model._default_manager, ScopedManager):
                field.queryset = queryset.model._default_manager.for_user(self.for_user)


class StudentForm(CaseworkAdminForm):
    def clean(self):
        cleaned = super().clean()
        self.instance.id_number = cleaned.get("id_number")
        # The duplicate check compares the stored (normalised) forms, whatever was typed.
        self.instance.student_number = normalize_student_number(cleaned.get("student_number"))
        self.instance.student_number = self.instance.student_number or None
        field, first = self.instance.duplicate_of()
        if first is not None:
            self.add_error(field, duplicate_message(first, field, self.for_user))
        return cleaned

    def validate_unique(self):
        # Duplicates are found across all schools in clean(), with a message that does
        # not reveal another school's child; the scoped check would miss them.
        exclude = self._get_validation_exclusions() | {"id_number", "student_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            self._update_errors(e)


def duplicate_message(first, field, user):
    label = Student._meta.get_field(field).verbose_name
    if Student.objects.filter(pk=first.pk).exists():
        url = reverse(Student.snippet_viewset.get_url_name("inspect"), args=[first.pk])
        return format_html(
            _('This {} is already registered: <a href="{}">{} ({})</a>. Edit that record instead.'),
            label,
            url,
            first.name,
            first.school,
        )
    return _(
        "This %(field)s is already registered at another school. Ask the bureau to check a transfer."
    ) % {"field": label}


CLOSE_OFF_BY_BUTTON = _(
    "Close off with the “Propose close-off” button; the responsible office then verifies it."
)


def only_by_closeoff_choices(field, current):
    """The statuses a form may set: closed off and awaiting verification only by 对账销号."""
    by_closeoff = {"pending", "closed"} - {current}
    field.choices = [c for c in field.choices if c[0] not in by_closeoff]


class FindingForm(CaseworkAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            only_by_closeoff_choices(self.fields["status"], self.instance.status)

    def clean_status(self):
        status = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else None
        if status != was and {"pending", "closed"} & {status, was}:
            raise ValidationError(CLOSE_OFF_BY_BUTTON)
        return status


class CaseForm(CaseworkAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "teacher" in self.fields:
            self.fields["teacher"].queryset = teachers_for(user)
            if not can_assign_teacher(user) and self.instance.pk:
                self.fields["teacher"].disabled = True
        if "status" in self.fields:
            only_by_closeoff_choices(self.fields["status"], self.instance.status)
        # 对账销号 takes its own two steps (casework.closeoff), never the edit form; a case
        # being opened has nothing to show there yet.
        for name in ("closed_on", "close_reason", "close_verification"):
            if name in self.fields:
                if self.instance.pk:
                    self.fields[name].disabled = True
                else:
                    del self.fields[name]
        if "teacher" in self.fields and not self.instance.pk and "teacher" not in self.initial:
            if self.fields["teacher"].queryset.filter(pk=getattr(user, "pk", None)).exists():
                self.initial["teacher"] = user.pk

    def clean_status(self):
        status = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else None
        if status == was:
            return status
        if status in (Case.Status.PENDING, Case.Status.CLOSED) or was == Case.Status.PENDING:
            raise ValidationError(CLOSE_OFF_BY_BUTTON)
        if was == Case.Status.CLOSED and not can_close_case(self.for_user):
            raise ValidationError(
                _("Only the school's case manager can close a case off or reopen it.")
            )
        return status

    def clean_teacher(self):
        teacher = self.cleaned_data.get("teacher")
        if teacher is None and not self.instance.pk and not can_assign_teacher(self.for_user):
            # A teacher opening a case is paired with it.
            return self.for_user
        return teacher

    def clean(self):
        cleaned = super().clean()
        student, teacher = cleaned.get("student"), cleaned.get("teacher")
        if student is not None and teacher is not None:
            # Another school's teacher would never see the case they are paired with.
            staff = teachers_of_school(self.for_user, student.school_id)
            if not staff.filter(pk=teacher.pk).exists():
                self.add_error(
                    "teacher",
                    _("The paired teacher must work at the child's school (%(school)s).")
                    % {"school": student.school},
                )
        return cleaned


class CaseEntryForm(CaseworkAdminForm):
    """A visit or support entry: who entered it is recorded, and named in the form by default."""

    #: The field that names the person who visited or gave the support.
    person_field = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.person_field
        if field in self.fields and not self.instance.pk and not self.initial.get(field):
            self.initial[field] = display_name(self.for_user)

    def save(self, commit=True):
        if not self.instance.pk and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class HomeVisitForm(CaseEntryForm):
    person_field = "visitors"


class SupportRecordForm(CaseEntryForm):
    person_field = "given_by"
