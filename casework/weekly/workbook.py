"""The week's dropout report as an Excel file in a plain upward-reporting layout."""

import datetime
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from casework.choices import ChildState
from casework.models import WEEKLY_FIGURES, Student, WeeklyReport
from casework.spreadsheets import (
    BORDER,
    CENTRED,
    body_font,
    cn_date,
    fit_row_heights,
    height_for,
    official_page_setup,
    safe_cell,
    set_column_widths,
    title_font,
)
from casework.weekly.figures import latest_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3
#: Children out of school, for the names sheet: their state as of the week's Sunday.
OUT_OF_SCHOOL = [ChildState.SUSPECTED_DROPOUT, ChildState.DROPPED_OUT]
NAME_WIDTHS = [28, 16, 12, 16]


def title(week_start):
    year, week, _weekday = week_start.isocalendar()
    return _("Dawukou district dropout weekly report (week %(week)s of %(year)s)") % {
        "year": year,
        "week": week,
    }


def filename(week_start):
    year, week, _weekday = week_start.isocalendar()
    return _("dropout-weekly-report_%(year)s-week-%(week)s.xlsx") % {"year": year, "week": week}


def _frame(ws, heading, subtitle, headers, widths):
    last = get_column_letter(len(headers))
    ws.append([safe_cell(heading)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = title_font(18)
    ws["A1"].alignment = CENTRED
    ws.row_dimensions[1].height = height_for(1, 18) + 8
    ws.append([safe_cell(subtitle)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].font = body_font()
    ws.append([safe_cell(str(h)) for h in headers])
    set_column_widths(ws, widths)
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.font = body_font(bold=True)
        cell.alignment = CENTRED
        cell.border = BORDER
    fit_row_heights(ws, HEADER_ROW, HEADER_ROW, widths)
    official_page_setup(ws, f"1:{HEADER_ROW}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _border_rows(ws, first, widths):
    """Borders and the body font on the rows below the header, each as tall as its text."""
    for row in ws.iter_rows(min_row=first, max_col=len(widths)):
        for cell in row:
            cell.border = BORDER
            cell.font = body_font(bold=cell.font.bold)
    fit_row_heights(ws, first, ws.max_row, widths)


def out_of_school(week_start):
    """The children (in the request's scope) out of school as of the week's Sunday."""
    sunday = week_start + datetime.timedelta(days=6)
    return (
        latest_state(Student.objects.select_related("school"), sunday)
        .filter(state__in=OUT_OF_SCHOOL)
        .order_by("school__name", "name")
    )


def weekly_workbook(week_start, reports, unit, with_names):
    """One row per school's submitted report and a total; the names sheet if ``with_names``."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Weekly report")
        labels = [WeeklyReport._meta.get_field(n).verbose_name for n in WEEKLY_FIGURES]
        subtitle = _("Reporting unit: %(unit)s    Date: %(date)s") % {
            "unit": unit,
            "date": cn_date(timezone.localdate()),
        }
        headers = [_("School"), *labels]
        widths = [28, *[13] * len(labels)]
        _frame(ws, title(week_start), subtitle, headers, widths)
        for report in reports:
            ws.append([safe_cell(report.school.name), *report.figures().values()])
        ws.append([_("Total"), *[sum(getattr(r, n) for r in reports) for n in WEEKLY_FIGURES]])
        ws.cell(row=ws.max_row, column=1).font = body_font(bold=True)
        _border_rows(ws, HEADER_ROW + 1, widths)
        if with_names:
            names = wb.create_sheet(_("Children out of school"))
            _frame(
                names,
                title(week_start),
                _("Children whose latest visit up to the week's Sunday records them out of school"),
                [_("School"), _("Name"), _("Grade"), _("State")],
                NAME_WIDTHS,
            )
            states = dict(ChildState.choices)
            for student in out_of_school(week_start):
                names.append(
                    [
                        safe_cell(student.school.name),
                        safe_cell(student.name),
                        safe_cell(student.grade),
                        str(states[student.state]),
                    ]
                )
            _border_rows(names, HEADER_ROW + 1, NAME_WIDTHS)
        out = BytesIO()
        wb.save(out)
        return out.getvalue()
