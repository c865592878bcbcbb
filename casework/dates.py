"""The school calendar: terms, ISO weeks and months, as every feature counts them."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from casework.conf import conf

# The sensible ranges of the dates and years people type, in one place (docs/configuration.md).
#: 建档立卡 began in 2014: no registered household left poverty before.
POVERTY_REGISTRATION_YEAR = 2014
#: A birth date further back than this many years is a typing error, not a pupil.
OLDEST_PUPIL_YEARS = 30


def first_year():
    """The first year the ledger knows: the plan's (``CASEWORK["FIRST_YEAR"]``)."""
    return conf.FIRST_YEAR


def last_year():
    """The last year a report or term may be for: next year (a school year starts in August)."""
    return timezone.localdate().year + 1


def known_years():
    return range(first_year(), last_year() + 1)


def is_known_year(year):
    return first_year() <= year <= last_year()


def known_year_or_404(year):
    """``year`` from a URL, or a 404 for a year the plan never knew."""
    if not is_known_year(year):
        raise Http404(_("No data for the year %(year)s.") % {"year": year})
    return year


def collect(errors, *checks):
    """Run each check (a function of no arguments) and add what it refuses to ``errors``."""
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, messages[0])


def validate_known_year(year, field):
    if year is not None and not is_known_year(year):
        raise ValidationError(
            {
                field: _("The year must be between %(first)s and %(last)s.")
                % {"first": first_year(), "last": last_year()}
            }
        )


def validate_not_future(day, field):
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


def validate_case_date(day, field):
    """A day of the ledger's work: from 1 January of the first year until today."""
    validate_not_future(day, field)
    if day is not None and day.year < first_year():
        raise ValidationError(
            {field: _("This date cannot be before %(year)s.") % {"year": first_year()}}
        )


def validate_birth_date(day, field="birth_date"):
    validate_not_future(day, field)
    if day is not None and day.year < timezone.localdate().year - OLDEST_PUPIL_YEARS:
        raise ValidationError(
            {
                field: _("A pupil born more than %(years)s years ago: check the date of birth.")
                % {"years": OLDEST_PUPIL_YEARS}
            }
        )


def validate_poverty_exit_year(year, field="poverty_exit_year"):
    if year is not None and not POVERTY_REGISTRATION_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            {
                field: _("The year the household left poverty is between %(first)s and %(last)s.")
                % {"first": POVERTY_REGISTRATION_YEAR, "last": timezone.localdate().year}
            }
        )


class Term(models.IntegerChoices):
    """The two terms of a school year: autumn (August–January) and spring (February–July)."""

    FIRST = 1, _("first term (autumn)")
    SECOND = 2, _("second term (spring)")

    @staticmethod
    def of(day):
        """The (school year, term) a day falls in; the school year is named by its first year."""
        if day.month >= 8:
            return day.year, Term.FIRST
        if day.month == 1:
            return day.year - 1, Term.FIRST
        return day.year - 1, Term.SECOND


def term_start(day=None):
    """The first day of the school term ``day`` (default today) falls in: 1 August or 1 February."""
    school_year, term = Term.of(day or timezone.localdate())
    if term == Term.FIRST:
        return datetime.date(school_year, 8, 1)
    return datetime.date(school_year + 1, 2, 1)


def term_label(school_year, term):
    """E.g. "2024–2025 first term (autumn)"."""
    return _("%(start)s–%(end)s %(term)s") % {
        "start": school_year,
        "end": school_year + 1,
        "term": Term(term).label,
    }


def week_monday(day):
    """The Monday of the ISO week ``day`` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def week_label(monday):
    """The ISO week of ``monday`` as staff write it, e.g. "2026年第49周"."""
    year, week, _weekday = monday.isocalendar()
    return _("%(year)s week %(week)s") % {"year": year, "week": week}


def week_param(monday):
    """The ISO week of ``monday`` as links and data keys name it, e.g. "2026-W49"."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def chinese_date(day):
    """A date as staff read it, e.g. "2026年11月15日" (the active language's DATE_FORMAT)."""
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def month_day(day):
    """A day of a week's span, e.g. "11月15日" (the active language's MONTH_DAY_FORMAT)."""
    return formats.date_format(day, "MONTH_DAY_FORMAT") if day else ""


def chinese_datetime(moment):
    """A moment in the site's time zone, e.g. "2026年11月15日 14:05"."""
    if not moment:
        return ""
    moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{chinese_date(moment.date())} {moment:%H:%M}"


def first_of_month(day):
    return day.replace(day=1)


def last_of_month(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
