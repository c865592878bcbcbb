"""The registration form: the ID number first, the rest defaulted from it and from the user."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.access.rules import can_assign_teacher, teachers_of_school
from casework.choices import CONCERN_CHECKLIST_ITEM, Concern, RiskLevel
from casework.forms import duplicate_message
from casework.idnumbers import (
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    validate_id_number,
)
from casework.models import Case, School, Student
from casework.people import display_name
from casework.widgets import DateInput

#: Errors of the models' own checks that this form shows beside one of its fields.
FORM_FIELDS = {
    "name",
    "id_number",
    "birth_date",
    "gender",
    "school",
    "grade",
    "class_name",
    "concern",
    "risk",
    "teacher",
    "summary",
}


class RegistrationForm(forms.Form):
    """A child and the case opened for them, validated by the models' own ``clean()``."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        help_text=_("The date of birth and the gender are read from it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "data-cw-id-number": ""}
        ),
    )
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    birth_date = forms.DateField(
        label=_("date of birth"),
        required=False,
        widget=DateInput(),
    )
    gender = forms.ChoiceField(
        label=_("gender"),
        required=False,
        choices=Student.Gender.choices,
        widget=forms.RadioSelect,
    )
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    grade = forms.CharField(label=_("grade"), max_length=20, required=False)
    class_name = forms.CharField(label=_("class"), max_length=20, required=False)
    # A concern of its own ("other") needs its checklist item chosen: the full case form.
    concern = forms.ChoiceField(
        label=_("concern"),
        choices=[(c.value, c.label) for c in Concern if c in CONCERN_CHECKLIST_ITEM],
        widget=forms.RadioSelect,
    )
    risk = forms.ChoiceField(
        label=_("risk level"),
        choices=RiskLevel.choices,
        initial=RiskLevel.MEDIUM,
        widget=forms.RadioSelect,
    )
    teacher = forms.ModelChoiceField(label=_("paired teacher"), queryset=None, required=False)
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was found, in a sentence or two."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = School.objects.for_user(user)
        self.fields["school"].queryset = schools
        # A school's staff register into their own school: nothing to choose.
        self.own_school = schools.first() if schools.count() == 1 else None
        if self.own_school is not None:
            self.fields["school"].initial = self.own_school.pk
            self.fields["school"].widget = forms.HiddenInput()
            self.fields["school"].required = False
        school_id = self.own_school.pk if self.own_school else self.data.get("school")
        staff = teachers_of_school(user, school_id if str(school_id or "").isdigit() else None)
        self.fields["teacher"].queryset = staff
        self.fields["teacher"].label_from_instance = self.teacher_label
        if can_assign_teacher(user):
            self.fields["teacher"].initial = user.pk if staff.filter(pk=user.pk).exists() else None
        else:
            # A teacher registering a child is paired with them.
            del self.fields["teacher"]

    @staticmethod
    def teacher_label(user):
        return display_name(user)

    def clean_school(self):
        # Another school's id is refused by the scoped choices; none at all means one's own.
        return self.cleaned_data.get("school") or self.own_school

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        field, first = Student(id_number=value).duplicate_of()
        if first is not None:
            raise ValidationError(duplicate_message(first, field, self.user))
        return value

    def clean(self):
        cleaned = super().clean()
        id_number = cleaned.get("id_number")
        if id_number:
            # Filled from the ID number when left empty; checked against it when given.
            cleaned["birth_date"] = cleaned.get("birth_date") or birth_date_from_id(id_number)
            cleaned["gender"] = cleaned.get("gender") or gender_from_id(id_number)
        if self.errors:
            return cleaned
        self.student = Student(
            name=cleaned["name"].strip(),
            id_number=id_number,
            birth_date=cleaned["birth_date"],
            gender=cleaned["gender"],
            school=cleaned["school"],
            grade=cleaned.get("grade", ""),
            class_name=cleaned.get("class_name", ""),
        )
        teacher = cleaned.get("teacher") if "teacher" in self.fields else self.user
        self.case = Case(
            student=self.student,
            concern=cleaned["concern"],
            risk=cleaned["risk"],
            teacher=teacher,
            summary=cleaned["summary"].strip(),
        )
        self.check_model(self.student, exclude=["id_number"])
        self.check_model(self.case, exclude=["student"])
        return cleaned

    def check_model(self, instance, exclude):
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in FORM_FIELDS else None, message)
