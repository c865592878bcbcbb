"""The quick visit form, shared by the online page and the offline queue's sync."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from casework.choices import ChildState
from casework.evidence.forms import EvidenceFormMixin
from casework.models import HomeVisit
from casework.widgets import DateInput


class QuickVisitForm(EvidenceFormMixin, forms.ModelForm):
    with_signature = True

    # Without a blank choice: one tap picks the state.
    child_state = forms.ChoiceField(
        label=gettext_lazy("state of the child"),
        choices=ChildState.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = HomeVisit
        fields = [
            "visited_on",
            "child_state",
            "leave_reason",
            "leave_reason_other",
            "findings",
            "next_visit_due",
            "mode",
            "visitors",
        ]
        widgets = {
            "visited_on": DateInput(),
            "next_visit_due": DateInput(),
            "mode": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()
