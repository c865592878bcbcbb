"""Uploading a list for 数据比对."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from casework.access.scope import school_id_of, scope_for_user
from casework.conf import conf
from casework.models import School
from casework.reconciliation import kept
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
        required=False,
        validators=[FileExtensionValidator(["xlsx"], message=_("Upload an .xlsx file."))],
    )
    #: The file chosen with a form that had another error, kept on the server (``kept``).
    kept_file = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kept_name = None
        self.fields["kind"].choices = [(k.value, k.label) for k in import_kinds_for(user)]
        self.fields["school"].queryset = School.objects.for_user(user)
        if not scope_for_user(user).all_schools:
            self.fields["school"].initial = school_id_of(user)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file is None:
            file = kept.take(self.data.get("kept_file"), self.user)
            if file is None:
                raise forms.ValidationError(_("Choose the file to upload."), code="required")
            self.kept_name = file.name
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

    def keep_file(self):
        """After another field's error: keep the chosen file, so it need not be chosen again."""
        file = self.cleaned_data.get("file") if "file" not in self.errors else None
        if file is None:
            return
        self.data = self.data.copy()
        self.data["kept_file"] = kept.keep(file, self.user)
        self.kept_name = file.name
