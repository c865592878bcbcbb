from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from casework.models import Office, Profile, School


class ProfileFieldsMixin(forms.Form):
    """The casework profile's fields on the user form, saved to the user's Profile."""

    school = forms.ModelChoiceField(
        label=_("school"),
        queryset=School.unscoped.all(),
        required=False,
        help_text=_("For teachers and school case managers: the school whose cases they see."),
    )
    office = forms.ModelChoiceField(
        label=_("office"), queryset=Office.objects.all(), required=False
    )
    leader_name = forms.CharField(
        label=_("name as responsible leader"),
        required=False,
        max_length=20,
        help_text=_("For a responsible leader: the name as the checklist gives it."),
    )
    profile_fields = ["school", "office", "leader_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = (
            Profile.objects.filter(user_id=self.instance.pk).first() if self.instance.pk else None
        )
        if profile:
            for name in self.profile_fields:
                self.initial[name] = getattr(
                    profile, "leader_name" if name == "leader_name" else f"{name}_id"
                )

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    name: self.cleaned_data.get(name) or ("" if name == "leader_name" else None)
                    for name in self.profile_fields
                },
            )
        return user


class CaseworkUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    pass


class CaseworkUserEditForm(ProfileFieldsMixin, UserEditForm):
    pass
