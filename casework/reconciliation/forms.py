"""Uploading a list for 数据比对."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from casework.access.scope import school_id_of, scope_for_user
from casework.conf import conf
from casework.models import School
from casework.reconciliation.models import ImportKind
from casework.reconciliation.permissions import can_import, import_kinds_for


class ImportUploadForm(forms.Form):
    """Upload a list: its kind, the school whose roll it is, and the .xlsx file."""

    kind = forms.ChoiceField(label=_("kind of list"))
    school = forms.ModelChoiceField(
        label=_("school"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("For a school roll: the school whose roll this is."),
    )
    township = forms.CharField(
        label=_("township or subdistrict"),
        max_length=50,
        required=False,
        help_text=_("For a school-age population list without a township column."),
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        validators=[FileExtensionValidator(["xlsx"], message=_("Upload an .xlsx file."))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(k.value, k.label) for k in import_kinds_for(user)]
        self.fields["school"].queryset = School.objects.for_user(user)
        if not scope_for_user(user).all_schools:
            self.fields["school"].initial = school_id_of(user)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > conf.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(conf.IMPORT_MAX_UPLOAD_BYTES)}
            )
        return file

    def clean(self):
        data = super().clean()
        kind, school = data.get("kind"), data.get("school")
        if kind == ImportKind.ROLL:
            if school is None:
                self.add_error("school", _("Choose the school whose roll this is."))
            elif not can_import(self.user, kind, school):
                self.add_error("school", _("You may import only your own school's roll."))
        elif kind:
            data["school"] = None
        return data
