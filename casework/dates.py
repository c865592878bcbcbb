"""The school calendar: terms, ISO weeks and months, as every feature counts them."""

import calendar
import datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


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
