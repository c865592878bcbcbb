"""What every list export carries: a name saying what it holds and when, a title row naming
the filter and the exporting unit, and a sheet named for the list."""

import re
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access.rules import office_of
from casework.conf import conf
from casework.dates import chinese_date

#: Rows above the column headings: the title, then the filter, unit and date.
TITLE_ROWS = 2
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title):
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    return _SHEET_FORBIDDEN.sub("", str(title))[:31] or "1"


def dated_filename(title, day=None):
    """个案台账_2026-11-30: what the file holds and the day it was written."""
    day = day or timezone.localdate()
    return f"{_SHEET_FORBIDDEN.sub('', str(title))}_{day:%Y-%m-%d}"


def exporting_unit(user):
    """The bureau (from ``REPORTING_UNIT``) and the user's office, as far as they are known."""
    unit, office = conf.REPORTING_UNIT, office_of(user)
    if unit and office:
        return f"{unit}（{office}）"
    return unit or office or ""


def describe_filters(view):
    """The list's filters and search in words ("状态：待跟进；搜索：王"), or "all records"."""
    parts = [f"{f.field_label}：{f.value}" for f in getattr(view, "active_filters", []) or []]
    query = getattr(view, "search_query", None)
    if query:
        parts.append(_("search: %(query)s") % {"query": query})
    return "；".join(parts) or _("all records")


def title_rows(title, view, user, day=None):
    """The two rows above the headings."""
    day = day or timezone.localdate()
    details = _("Filter: %(filter)s  Exported by: %(unit)s  Date: %(date)s") % {
        "filter": describe_filters(view),
        "unit": exporting_unit(user) or "—",
        "date": chinese_date(day),
    }
    return [[str(title)], [details]]


#: Column widths (in characters) by the last part of an export column's name; others get
#: room for their heading. Set before the rows, as a write-only sheet requires.
WIDTHS = {
    "id_number": 21,
    "student_number": 22,
    "school": 24,
    "name": 12,
    "problem": 40,
    "rectification": 40,
    "evidence": 30,
}


def column_width(field, heading):
    key = field.rsplit(".", 1)[0] if field.endswith(".name") else field.rsplit(".", 1)[-1]
    return WIDTHS.get(key.rsplit(".", 1)[-1], max(10, len(str(heading)) * 2 + 2))


def new_titled_sheet(workbook, title, view, user):
    """A write-only sheet named for the list, its title rows written, A4 landscape one page
    wide when printed."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=sheet_name(title))
    listed = SimpleNamespace(model=view.model)  # what get_heading reads of a queryset
    for index, field in enumerate(view.list_export, start=1):
        heading = view.get_heading(listed, field)
        sheet.column_dimensions[get_column_letter(index)].width = column_width(field, heading)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{TITLE_ROWS + 1}:{TITLE_ROWS + 1}"
    (heading,), (details,) = title_rows(title, view, user)
    cell = WriteOnlyCell(sheet, value=heading)
    cell.font = Font(bold=True, size=14)
    sheet.append([cell])
    sheet.append([details])
    return sheet
