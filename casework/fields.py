"""Model fields with the normalisation the ledger needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.idnumbers import normalize_id_number, validate_id_number


class IDNumberField(models.CharField):
    """An 18-character resident ID number, normalised and checked (GB 11643)."""

    default_validators = [validate_id_number]
    description = _("Resident ID number")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = normalize_id_number(super().to_python(value))
        return value or None

    def formfield(self, **kwargs):
        # Accept what people type (spaces, full-width digits) and normalise it in to_python.
        kwargs.setdefault("max_length", 40)
        field = super().formfield(**kwargs)
        field.max_length = 40
        field.widget.attrs["maxlength"] = "40"
        return field

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize_id_number(value) or None
