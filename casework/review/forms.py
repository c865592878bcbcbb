from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import ChecklistItem, School
from casework.review.models import CaseReview


class ReviewForm(forms.ModelForm):
    """The reviewer's review of the file: four points, a score and comments."""

    class Meta:
        model = CaseReview
        fields = [*CaseReview.CHECKS, "score", "comments"]
        widgets = {name: forms.RadioSelect for name in CaseReview.CHECKS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CaseReview.CHECKS:
            field = self.fields[name]
            field.required = True
            field.choices = CaseReview.Check.choices
            field.error_messages["required"] = _("Answer this point of the review.")
        self.fields["score"].required = True
        self.fields["score"].error_messages["required"] = _("Give the file a score from 0 to 100.")
        self.fields["score"].widget.attrs.update(min=0, max=100)


class AnswerForm(forms.ModelForm):
    """The school's answer to the review, point by point."""

    class Meta:
        model = CaseReview
        fields = ["answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True
        self.fields["answer"].error_messages["required"] = _(
            "Write the school's answer to the review."
        )


class CloseForm(forms.ModelForm):
    """The reviewer closes the review, saying whether the answer settles it."""

    class Meta:
        model = CaseReview
        fields = ["closing_note"]


class ReviewFilterForm(forms.Form):
    """The review list's filters; every field may be left empty (then it does not filter)."""

    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Enter the month as year and month, like 2026-11.")},
    )
    item = forms.ModelChoiceField(
        label=_("Checklist item"), queryset=ChecklistItem.objects.order_by("number"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *CaseReview.Status.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only the schools whose reviews the user sees: one for a school's staff.
        self.fields["school"].queryset = School.objects.filter(
            pk__in=CaseReview.objects.for_user(user).values("school")
        ).order_by("name")

    def filter(self, reviews, today):
        """The reviews the valid filters leave; nothing if the filters are not valid."""
        if not self.is_valid():
            return reviews.none()
        data = self.cleaned_data
        if data["school"]:
            reviews = reviews.filter(school=data["school"])
        if data["month"]:
            reviews = reviews.for_month(data["month"])
        if data["item"]:
            reviews = reviews.filter(checklist_item=data["item"])
        if data["status"]:
            reviews = reviews.filter(status=data["status"])
        if data["overdue"]:
            reviews = reviews.overdue(today)
        if data["mine"]:
            reviews = reviews.filter(reviewer=self.user)
        return reviews

    def applied(self):
        """The filters in use, for the export's log."""
        if not self.is_valid():
            return {}
        return {
            name: str(getattr(value, "pk", value))
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        }
