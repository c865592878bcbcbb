"""Form fields for evidence: photos from the camera, files from the phone, a drawn signature.

A refused file is a field error like any other, so the form comes back with everything else the
user typed; nothing is stored until the whole form is valid.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.conf import conf
from casework.evidence.models import Attachment
from casework.evidence.processing import process_signature, process_upload
from casework.evidence.services import attach, attachments_of


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several uploaded files, each checked and re-encoded; cleans to a list of ``Processed``."""

    def __init__(self, *, capture=False, **kwargs):
        attrs = {"accept": "image/*" if capture else "image/*,application/pdf", "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        processed, errors = [], []
        for upload in uploads:
            try:
                processed.append(process_upload(upload))
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        return processed


class EvidenceFormMixin(forms.Form):
    """Adds photos, files and (optionally) the guardian's signature to a form."""

    photos = EvidenceFilesField(
        capture=True,
        label=gettext_lazy("take photos"),
        help_text=gettext_lazy("Opens the phone's camera."),
    )
    files = EvidenceFilesField(
        label=gettext_lazy("attach photos, scans or PDFs"),
        help_text=gettext_lazy("JPEG, PNG or PDF, at most 10 MB each."),
    )
    signed_form = forms.BooleanField(
        label=gettext_lazy("the photos include the signed visit form (家访记录表)"), required=False
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    #: Whether the form shows the signature canvas (visits only).
    with_signature = False

    def existing_evidence_count(self):
        record = getattr(self, "evidence_record", None)
        return attachments_of(record).count() if record is not None and record.pk else 0

    def clean_signature(self):
        value = self.cleaned_data.get("signature") or ""
        # Kept as typed (drawn) so a refused form still shows it; decoded in clean().
        return value

    def clean(self):
        cleaned = super().clean()
        self.evidence = [
            *(
                (
                    p,
                    Attachment.Kind.SIGNED_FORM
                    if cleaned.get("signed_form")
                    else Attachment.Kind.PHOTO,
                )
                for p in cleaned.get("photos") or []
            ),
            *(
                (p, Attachment.Kind.PHOTO if p.is_image else Attachment.Kind.DOCUMENT)
                for p in cleaned.get("files") or []
            ),
        ]
        if cleaned.get("signature"):
            try:
                self.evidence.append(
                    (process_signature(cleaned["signature"]), Attachment.Kind.SIGNATURE)
                )
            except ValidationError as e:
                self.add_error("signature", e)
        limit = conf.EVIDENCE_MAX_PER_RECORD
        if self.existing_evidence_count() + len(self.evidence) > limit:
            self.add_error(
                "files",
                _("A record may have at most %(limit)s attachments; choose fewer files.")
                % {"limit": limit},
            )
        return cleaned

    def save_evidence(self, record, user):
        """Store the checked files as evidence of ``record`` (after the record is saved)."""
        return [attach(record, processed, user, kind=kind) for processed, kind in self.evidence]


class AddEvidenceForm(EvidenceFormMixin):
    """Evidence added to a record that already exists (support, a finding, a close-off)."""

    def __init__(self, *args, record=None, **kwargs):
        self.evidence_record = record
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.evidence:
            raise ValidationError(_("Choose at least one photo or file to attach."))
        return cleaned
