from django import forms
from django.utils.translation import gettext_lazy as _

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
