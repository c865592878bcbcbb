"""The monthly checklist as an Excel file in the layout of attachment 2, and its summaries.

A normal (not write-only) workbook: the category cells are merged over their items, which
openpyxl's write-only worksheets cannot do, and a checklist is a dozen rows.
"""

import datetime
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from casework.conf import GENERIC_CHECKLIST_TITLE, conf
from casework.people import display_name
from casework.spreadsheets import (
    BORDER,
    CENTRED,
    body_font,
    cn_date,
    fit_merged_column,
    fit_merged_row,
    fit_row_heights,
    height_for,
    official_page_setup,
    safe_cell,
    set_column_widths,
    title_font,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Widths (Excel's units) in which every header word stays on one line at the body size and
#: the sheet fits A4 landscape between GB/T 9704's margins at about four fifths of full size.
COLUMN_WIDTHS = [14, 26, 24, 24, 11.5, 11.5, 12, 11.5, 10]
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1

WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")


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
    """Title, subtitle, column headers, widths and the official A4 landscape print setup."""
    columns = len(COLUMN_WIDTHS)
    last = get_column_letter(columns)
    ws.append([safe_cell(checklist_title())])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = title_font()
    ws["A1"].alignment = CENTRED
    ws.row_dimensions[1].height = height_for(1, 22) + 8
    ws.append([safe_cell(subtitle)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].font = body_font()
    ws["A2"].alignment = CENTRED
    ws.row_dimensions[2].height = height_for(1)
    ws.append([safe_cell(h) for h in headers()])
    set_column_widths(ws, COLUMN_WIDTHS)
    for col in range(1, columns + 1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.font = body_font(bold=True)
        cell.alignment = CENTRED
        cell.border = BORDER
    fit_row_heights(ws, HEADER_ROW, HEADER_ROW, COLUMN_WIDTHS)
    # The seed repeats the title with the header row on its second page.
    official_page_setup(ws, f"1:{HEADER_ROW}")
    ws.freeze_panes = f"A{FIRST_ROW}"


def _write_rows(ws, lines, footer=()):
    """One line per item (category, item, problems, rectification, remarks); merge categories.

    Below the closing note, the ``footer`` lines (approvals, who filled it in), each a row.
    """
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
            cell.font = body_font()
            cell.alignment = WRAP_TOP if col in (1, 3, 4, 9) else WRAP
        row_number += 1
    # Every row as tall as its wrapped text; a category merged over its items is fitted after.
    fit_row_heights(ws, FIRST_ROW, row_number - 1, COLUMN_WIDTHS, skip_columns=(1,))
    for _pk, start, end in groups:
        if end > start:
            ws.merge_cells(f"A{start}:A{end}")
        fit_merged_column(ws, 1, start, end, COLUMN_WIDTHS[0])
    last = get_column_letter(len(COLUMN_WIDTHS))
    total_width = sum(COLUMN_WIDTHS)
    for text in [closing_note(), *footer]:
        ws.append([safe_cell(text)])
        ws.merge_cells(f"A{row_number}:{last}{row_number}")
        cell = ws.cell(row=row_number, column=1)
        cell.alignment = LEFT
        cell.font = body_font()
        fit_merged_row(ws, row_number, total_width)
        row_number += 1
    ws.print_area = f"A1:{last}{row_number - 1}"


def approval_text(report, rows):
    """Who approved each row and when, in the row order: "第1项：万东旺 2020年5月24日审核"."""
    approvals = report.leader_approvals() if report.pk else {}
    parts = []
    for row in rows:
        approval = approvals.get(row.leader)
        if approval:
            day = timezone.localdate(datetime.datetime.fromisoformat(approval["at"]))
            said = _("%(leader)s, approved on %(date)s") % {
                "leader": approval["user"],
                "date": cn_date(day),
            }
        else:
            said = _("%(leader)s, not yet approved") % {"leader": row.leader}
        parts.append(_("item %(number)s: %(said)s") % {"number": row.number, "said": said})
    return _("Approved by the responsible leaders: %(rows)s") % {
        "rows": pgettext("list separator", "; ").join(parts)
    }


def filled_in_by(report):
    """The user and day the report was last sent for review, or else last saved."""
    state = report.workflow_states.order_by("-created_at", "-id").first() if report.pk else None
    if state is not None:
        return state.requested_by, timezone.localdate(state.created_at)
    revision = report.latest_revision if report.pk else None
    if revision is not None:
        return revision.user, timezone.localdate(revision.created_at)
    return None, timezone.localdate()


def filled_in_line(report=None, user=None):
    """填报单位 / 填报人 / 填报日期, as an upward report carries them: for a month, who sent it;
    for a summary, who compiled it, today."""
    user, day = filled_in_by(report) if report is not None else (user, timezone.localdate())
    return _("Reporting unit: %(unit)s    Filled in by: %(user)s    Date: %(date)s") % {
        "unit": conf.REPORTING_UNIT,
        "user": display_name(user),
        "date": cn_date(day),
    }


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
        rows = _rows_of(report)
        _write_rows(
            ws,
            [(r.item.category, r, r.problems_found, r.rectification, r.remarks) for r in rows],
            footer=[approval_text(report, rows), filled_in_line(report)],
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


def summary_workbook(year, period, reports, months, user=None):
    """一季度一汇报，半年一总结: the approved months of a quarter or half-year in one sheet,
    closed by each month's approvals and by who compiled it (``user``)."""
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
        approvals = [
            _("%(month)s: %(approvals)s")
            % {
                "month": month_label(month),
                "approvals": approval_text(approved[month], rows_by_month[month]),
            }
            for month in months
            if month in approved
        ]
        _write_rows(ws, lines, footer=[*approvals, filled_in_line(user=user)])
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
        cell.font = body_font(bold=True)
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
    for col, width in enumerate([30, 12, 12, 14, 12, 14, 14, 14], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    official_page_setup(ws, "1:1")
