"""Helpers shared by every spreadsheet the app writes: safe cells and the official page.

The sheets the bureau prints and files (the monthly checklist, the weekly report) follow
GB/T 9704 (党政机关公文格式) as far as a spreadsheet can: its fonts, its margins turned with the
page to A4 landscape, page numbers in the footer, and rows tall enough for their wrapped text.
"""

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: The fonts by the names an official document gives them. A reader without them gets the
#: nearest serif CJK face (宋体 for the title, 仿宋 for the body): ``family`` 1 asks for a serif
#: (roman) face and ``charset`` 134 for a GB2312 one.
TITLE_FONT_NAME = "方正小标宋简体"
BODY_FONT_NAME = "仿宋_GB2312"
TITLE_SIZE = 22  # 二号
BODY_SIZE = 12  # 小四: a table's cells; GB/T 9704 lets tables use a smaller size than 三号
_CJK = {"family": 1, "charset": 134}

#: GB/T 9704's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm) turned with the page.
MARGINS_MM = {"left": 37, "right": 35, "top": 28, "bottom": 26, "header": 10, "footer": 12}
PAGE_NUMBERS = "第 &P 页 共 &N 页"

#: Line height as a multiple of the font size (Excel gives 12-point 仿宋 a 15.6-point row),
#: and the cell's padding, in points.
LINE_SPACING = 1.3
CELL_PADDING = 6
#: Points per width unit of a column: one digit of the default 11-point font, 7 px at 96 dpi.
#: Excel's is the narrowest of the spreadsheets the bureau uses (LibreOffice fits a tenth
#: more on a line), so a row high enough there is high enough everywhere.
POINTS_PER_WIDTH_UNIT = 5.25

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTRED = Alignment(wrap_text=True, vertical="center", horizontal="center")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cn_date(day):
    """A date as official documents write it: 2026年11月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


def title_font(size=TITLE_SIZE):
    return Font(name=TITLE_FONT_NAME, size=size, **_CJK)


def body_font(size=BODY_SIZE, bold=False):
    return Font(name=BODY_FONT_NAME, size=size, bold=bold, **_CJK)


def text_width(text):
    """Width of a line in half-width characters: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def lines_needed(text, column_width, font_size=BODY_SIZE):
    """How many lines the text wraps to in a column of the given width (Excel's units)."""
    if text is None or text == "":
        return 1
    # A half-width character is half as wide as the font size.
    per_line = max(1, math.floor((column_width - 1) * POINTS_PER_WIDTH_UNIT / (font_size / 2)))
    return sum(max(1, math.ceil(text_width(par) / per_line)) for par in str(text).split("\n"))


def height_for(lines, font_size=BODY_SIZE):
    """Row height in points for so many lines of text."""
    return round(lines * font_size * LINE_SPACING + CELL_PADDING, 1)


def fit_row_heights(ws, first_row, last_row, widths, font_size=BODY_SIZE, skip_columns=()):
    """Make every row tall enough for its tallest wrapped cell; return the heights set."""
    heights = {}
    for row in range(first_row, last_row + 1):
        lines = max(
            lines_needed(ws.cell(row=row, column=col).value, width, font_size)
            for col, width in enumerate(widths, 1)
            if col not in skip_columns
        )
        heights[row] = height_for(lines, font_size)
        ws.row_dimensions[row].height = heights[row]
    return heights


def fit_merged_column(ws, column, start, end, width, font_size=BODY_SIZE):
    """Grow the rows start..end so the text of a cell merged over them fits.

    The extra height goes to the first row, the text is set at the top: where a page break
    falls inside the group, the text still prints whole on the first row's page.
    """
    needed = height_for(lines_needed(ws.cell(row=start, column=column).value, width, font_size))
    first = ws.row_dimensions[start].height or height_for(1, font_size)
    if needed > first:
        ws.row_dimensions[start].height = needed


def fit_merged_row(ws, row, total_width, font_size=BODY_SIZE):
    """The height of a row whose text is one cell merged across the sheet."""
    ws.row_dimensions[row].height = height_for(
        lines_needed(ws.cell(row=row, column=1).value, total_width, font_size), font_size
    )


def set_column_widths(ws, widths):
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def official_page_setup(ws, title_rows):
    """A4 landscape, fit to the width over as many pages as needed, GB/T 9704's margins,
    page numbers in the footer and the title and header rows on every printed page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**{k: mm / 25.4 for k, mm in MARGINS_MM.items()})
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_NUMBERS
    ws.oddFooter.center.font = f"{BODY_FONT_NAME},Regular"
    ws.oddFooter.center.size = BODY_SIZE
