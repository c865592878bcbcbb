"""The monthly checklist as an Excel file in the layout of attachment 2, and its summaries.

A normal (not write-only) workbook: the category cells are merged over their items, which
openpyxl's write-only worksheets cannot do, and a checklist is a dozen rows.
"""

from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from casework.conf import GENERIC_CHECKLIST_TITLE, conf
from casework.spreadsheets import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMN_WIDTHS = [24, 42, 40, 40, 12, 10, 16, 14, 12]
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(wrap_text=True, vertical="center", horizontal="center")


def checklist_title():
    return conf.CHECKLIST_TITLE or str(GENERIC_CHECKLIST_TITLE)


def closing_note():
    return conf.CHECKLIST_CLOSING_NOTE


def headers():
    # In context: other catalogues translate "Deadline" as the plan's 完成时限.
    return [
        pgettext("checklist column", "Category"),
        pgettext("checklist column", "Content to check"),
        pgettext("checklist column", "Problems found"),
        pgettext("checklist column", "Rectification"),
        pgettext("checklist column", "Deadline"),
        pgettext("checklist column", "Responsible leader"),
        pgettext("checklist column", "Responsible offices"),
        pgettext("checklist column", "Implementing units"),
        pgettext("checklist column", "Remarks"),
    ]


def month_label(day):
    return _("%(month)s/%(year)s") % {"year": day.year, "month": day.month}


def item_text(row):
    """排查内容 as attachment 2 writes it: number, the item's title unless it names the category."""
    item = row.item
    if item.title and item.title != item.category.name:
        return f"{row.number}. {item.title}。{row.content}"
    return f"{row.number}. {row.content}"


def category_text(category):
    return f"{category.heading} {category.description}"


def _sheet_frame(ws: Worksheet, subtitle):
    """Title, subtitle, column headers, widths and the A4 landscape print setup."""
    columns = len(COLUMN_WIDTHS)
    last = get_column_letter(columns)
    ws.append([safe_cell(checklist_title())])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = CENTRED
    ws.row_dimensions[1].height = 36
    ws.append([safe_cell(subtitle)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = CENTRED
    ws.append([safe_cell(h) for h in headers()])
    for col, width in enumerate(COLUMN_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.font = Font(bold=True)
        cell.alignment = CENTRED
        cell.border = BORDER
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = f"A{FIRST_ROW}"


def _write_rows(ws, lines):
    """One line per item (category, item, problems, rectification, remarks); merge categories."""
    row_number = FIRST_ROW
    groups = []
    for category, row, problems, rectification, remarks in lines:
        if not groups or groups[-1][0] != category.pk:
            groups.append([category.pk, row_number, row_number])
            first = category_text(category)
        else:
            groups[-1][2] = row_number
            first = None
        values = [
            first,
            item_text(row),
            problems,
            rectification,
            row.deadline_text,
            row.leader,
            row.offices,
            row.units,
            remarks,
        ]
        ws.append([safe_cell(v) for v in values])
        for col in range(1, len(values) + 1):
            cell = ws.cell(row=row_number, column=col)
            cell.border = BORDER
            cell.alignment = WRAP_TOP if col in (3, 4, 9) else WRAP
        row_number += 1
    for _pk, start, end in groups:
        if end > start:
            ws.merge_cells(f"A{start}:A{end}")
    last = get_column_letter(len(COLUMN_WIDTHS))
    ws.append([safe_cell(closing_note())])
    ws.merge_cells(f"A{row_number}:{last}{row_number}")
    ws.cell(row=row_number, column=1).alignment = WRAP
    ws.row_dimensions[row_number].height = 30
    ws.print_area = f"A1:{last}{row_number}"


def _rows_of(report):
    return list(report.rows.select_related("item__category").order_by("number"))


def _save(wb):
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def monthly_workbook(report):
    """The month's checklist as attachment 2: the approved version once approved, else the draft."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Checklist")
        subtitle = _("Month: %(month)s") % {"month": month_label(report.month)}
        if not report.live:
            subtitle += " " + _("(draft, not yet approved by the responsible leaders)")
        _sheet_frame(ws, subtitle)
        _write_rows(
            ws,
            [
                (r.item.category, r, r.problems_found, r.rectification, r.remarks)
                for r in _rows_of(report)
            ],
        )
        return _save(wb)


PERIODS = {
    "q1": (1, 2, 3),
    "q2": (4, 5, 6),
    "q3": (7, 8, 9),
    "q4": (10, 11, 12),
    "h1": (1, 2, 3, 4, 5, 6),
    "h2": (7, 8, 9, 10, 11, 12),
}


def period_label(year, period):
    names = {
        "q1": _("first quarter"),
        "q2": _("second quarter"),
        "q3": _("third quarter"),
        "q4": _("fourth quarter"),
        "h1": _("first half-year"),
        "h2": _("second half-year"),
    }
    return _("%(period)s of %(year)s") % {"year": year, "period": names[period]}


def _by_month(entries):
    """Each month's text on its own paragraph, headed by the month."""
    return "\n\n".join(f"【{label}】{text}" for label, text in entries if text)


def summary_workbook(year, period, reports, months):
    """一季度一汇报，半年一总结: the approved months of a quarter or half-year in one sheet."""
    with translation.override(settings.LANGUAGE_CODE):
        approved = {r.month: r for r in reports if r.live}
        rows_by_month = {month: _rows_of(report) for month, report in approved.items()}
        missing = _("no approved checklist for this month")
        wb = Workbook()
        ws = wb.active
        ws.title = _("Summary")
        subtitle = _("Summary of %(period)s (%(first)s to %(last)s)") % {
            "period": period_label(year, period),
            "first": month_label(months[0]),
            "last": month_label(months[-1]),
        }
        _sheet_frame(ws, subtitle)
        # The item's particulars are taken from the latest approved month of the period.
        latest = {}
        for month in months:
            for row in rows_by_month.get(month, []):
                latest[row.number] = row
        lines = []
        for number in sorted(latest):
            row = latest[number]
            texts = []
            for month in months:
                match = [r for r in rows_by_month.get(month, []) if r.number == number]
                texts.append(
                    (month_label(month), match[0] if match else None),
                )
            lines.append(
                (
                    row.item.category,
                    row,
                    _by_month((label, r.problems_found if r else missing) for label, r in texts),
                    _by_month((label, r.rectification if r else missing) for label, r in texts),
                    _by_month((label, r.remarks) for label, r in texts if r),
                )
            )
        _write_rows(ws, lines)
        _figures_sheet(wb.create_sheet(_("Figures")), months, rows_by_month)
        return _save(wb)


FIGURE_COLUMNS = [
    ("found_total", gettext_lazy("Found this month")),
    ("open_at_end", gettext_lazy("Open at the end of the month")),
    ("closed_total", gettext_lazy("Closed off this month")),
    ("visits", gettext_lazy("Home visits and follow-ups")),
    ("returned_total", gettext_lazy("Persuaded to return")),
    ("aid_yuan", gettext_lazy("Aid given (yuan)")),
]


def _figures_sheet(ws, months, rows_by_month):
    """Item × month figures behind the summary, as drafted from the ledger."""
    ws.append([_("Item"), _("Month"), *[str(label) for _key, label in FIGURE_COLUMNS]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = CENTRED
    numbers = sorted({r.number for rows in rows_by_month.values() for r in rows})
    for number in numbers:
        for month in months:
            match = [r for r in rows_by_month.get(month, []) if r.number == number]
            if not match:
                continue
            row = match[0]
            figures = row.figures
            values = [figures.get(key) for key, _label in FIGURE_COLUMNS]
            if values[-1] is not None:
                values[-1] = float(values[-1])
            ws.append([safe_cell(f"{number}. {row.item.title}"), month_label(month), *values])
    for col, width in enumerate([30, 12, 12, 14, 12, 14, 12, 14], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
