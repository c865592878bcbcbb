"""Resident ID numbers (GB 11643-1999): normalising, checking and masking."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SPACES = re.compile(r"[\s\u3000\-]+")
# Only ASCII: str.isdigit() and int() also take Arabic-Indic, Devanagari, Ethiopic … digits,
# which would store a second copy of a child under a number no search finds.
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_STUDENT_NUMBER = re.compile(r"[0-9A-Z]+", re.ASCII)
# Full-width ASCII (U+FF01–U+FF5E), as Chinese input methods type it, to half-width.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _half_width(value):
    return unicodedata.normalize("NFC", str(value)).translate(_FULL_WIDTH)


def normalize_id_number(value):
    """Full-width to half-width, drop spaces and hyphens, upper-case the X."""
    if value is None:
        return ""
    return _SPACES.sub("", _half_width(value)).upper()


def normalize_student_number(value):
    """A 学籍号 as stored: half-width, without spaces, upper-case; "" when there is none."""
    return normalize_id_number(value)


def is_ascii_digits(value):
    """True for a non-empty string of 0–9 only (unlike str.isdigit)."""
    return bool(re.fullmatch(r"[0-9]+", value, re.ASCII))


def validate_student_number(value):
    """A 学籍号 (G + ID number, L …, J …) is ASCII letters and digits only."""
    value = normalize_student_number(value)
    if value and not _STUDENT_NUMBER.fullmatch(value):
        raise ValidationError(
            _("A student number is letters A–Z and digits 0–9 only."), code="characters"
        )


def check_digit(first17):
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date_from_id(value):
    """The date of birth encoded in an 18-character ID number, or None if it is not a date."""
    if not is_ascii_digits((value or "")[6:14]):
        return None
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_from_id(value):
    """ "M" or "F" (the student's gender codes): the 17th character is odd for a man.

    None when the value is not a valid ID number's shape.
    """
    value = normalize_id_number(value)
    if not _ID_NUMBER.fullmatch(value):
        return None
    return "M" if int(value[16]) % 2 else "F"


def validate_id_number(value):
    """Raise a ValidationError in Chinese saying exactly what is wrong with the number."""
    value = normalize_id_number(value)
    if len(value) == 15 and is_ascii_digits(value):
        raise ValidationError(
            _("This is an old 15-digit ID number; enter the 18-character number."),
            code="old_format",
        )
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(value)},
        )
    if not _ID_NUMBER.fullmatch(value):
        raise ValidationError(
            _("An ID number is 17 digits (0–9) followed by a digit or X."), code="characters"
        )
    born = birth_date_from_id(value)
    if born is None or born > datetime.date.today() or born.year < 1900:
        raise ValidationError(
            _("The date of birth inside the ID number (%(digits)s) is not a real date."),
            code="birth_date",
            params={"digits": value[6:14]},
        )
    expected = check_digit(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check digit is wrong (the last character should be %(expected)s)."),
            code="check_digit",
            params={"expected": expected},
        )


def mask_id_number(value):
    """Show the first 6 and last 4 characters only."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
