"""Blank lists to fill in (下载模板): one header row of the columns each kind of list is read by."""

from io import BytesIO

from django.utils.translation import gettext as _

from casework.reconciliation.models import ImportKind
from casework.reconciliation.values import HEADER_SYNONYMS, KIND_FIELDS, REQUIRED_FIELDS

#: The header row's place: below a title row, as offices' own lists have one.
HEADER_ROW = 2


def template_headings(kind):
    """The first (the usual) name of each column read from ``kind``'s list."""
    return [HEADER_SYNONYMS[field][0] for field in KIND_FIELDS[kind]]


def template_workbook(kind):
    """The .xlsx bytes of a blank list of ``kind``: a title row, then the header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    kind = ImportKind(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label)[:31]
    sheet.append(
        [_("%(kind)s (one person a row; 姓名 and 身份证号 are required)") % {"kind": kind.label}]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    required = {HEADER_SYNONYMS[f][0] for f in REQUIRED_FIELDS}
    sheet.append(template_headings(kind))
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        if cell.value in required:
            cell.fill = PatternFill("solid", fgColor="FDE9D9")
        sheet.column_dimensions[cell.column_letter].width = 21 if cell.value == "身份证号" else 14
    # ID numbers and 学籍号 as text, so Excel does not turn them into 6.40202E+17.
    for cell in sheet[HEADER_ROW]:
        if cell.value in ("身份证号", "学籍号", "联系电话"):
            for row in range(HEADER_ROW + 1, HEADER_ROW + 501):
                sheet.cell(row=row, column=cell.column).number_format = "@"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def template_filename(kind):
    return f"{ImportKind(kind).label}_{_('template')}.xlsx"
