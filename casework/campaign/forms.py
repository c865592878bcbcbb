"""The campaign's visit form, shared by the online form and the field page's queue."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.campaign.models import CampaignVisit
from casework.choices import ChildState, Concern, RiskLevel
from casework.evidence.forms import EvidenceFormMixin
from casework.widgets import DateInput


class CampaignVisitForm(EvidenceFormMixin, forms.ModelForm):
    with_signature = True
    child_state = forms.ChoiceField(
        label=gettext_lazy("state of the child"),
        choices=ChildState.choices,
        widget=forms.RadioSelect,
    )
    open_case = forms.BooleanField(
        label=gettext_lazy("the visit found a concern: open a case for this child"), required=False
    )
    concern = forms.ChoiceField(
        label=gettext_lazy("concern"), choices=[("", "---------"), *Concern.choices], required=False
    )
    risk = forms.ChoiceField(
        label=gettext_lazy("risk level"),
        choices=RiskLevel.choices,
        initial=RiskLevel.MEDIUM,
        required=False,
    )

    class Meta:
        model = CampaignVisit
        fields = [
            "visited_on",
            "child_state",
            "leave_reason",
            "leave_reason_other",
            "findings",
            "mode",
            "visitors",
        ]
        widgets = {
            "visited_on": DateInput(),
            "mode": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_case") and not cleaned.get("concern"):
            self.add_error("concern", _("Choose the concern the case is about."))
        return cleaned
