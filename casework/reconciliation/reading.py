"""Reading a spreadsheet as offices send it: title rows, merged cells, the header found."""

import logging
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from casework.reconciliation.bounds import check_workbook
from casework.reconciliation.values import (
    HEADER_SEARCH_ROWS,
    KIND_FIELDS,
    REQUIRED_FIELDS,
    FileRefused,
    header_field,
    text_value,
)

logger = logging.getLogger(__name__)

# --- reading the sheet --------------------------------------------------------------------

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(worksheet):
    """The merged ranges of a read-only sheet, read from its XML without loading it whole."""
    # Read-only sheets do not expose merged cells; they sit after the rows in the sheet's XML.
    archive = getattr(worksheet.parent, "_archive", None)
    path = getattr(worksheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    refs, tail = set(), b""
    with archive.open(path) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            refs.update(m.group(1).decode() for m in _MERGE_CELL.finditer(data))
            tail = data[-120:]
    return [range_boundaries(ref) for ref in refs]


def _rows_with_merges_filled(worksheet):
    """(row number, values) for every row, each merged cell holding the merged value."""
    starting = defaultdict(list)
    for min_col, min_row, max_col, max_row in _merged_ranges(worksheet):
        if (min_col, min_row) != (max_col, max_row):
            starting[min_row].append((min_col, max_col, max_row))
    active = []
    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        values = list(row)
        for min_col, max_col, max_row in starting.pop(number, ()):
            top_left = values[min_col - 1] if len(values) >= min_col else None
            active.append((min_col, max_col, max_row, top_left))
        if active:
            active = [span for span in active if span[2] >= number]
            for min_col, max_col, _max_row, value in active:
                if len(values) < max_col:
                    values.extend([None] * (max_col - len(values)))
                for column in range(min_col, max_col + 1):
                    if values[column - 1] is None:
                        values[column - 1] = value
        yield number, values


@dataclass
class Sheet:
    """A sheet whose header row was found: which column holds which field."""

    title: str
    header_row: int
    columns: dict  # field -> 0-based column index
    headers: dict  # field -> the header as written in the file
    estimated_rows: int | None
    rows: object = field(repr=False)  # the iterator of (row number, values) after the header


def _find_header(rows, fields):
    """Look through the first rows for the one naming most of ``fields``, name and ID included."""
    best, seen = None, []
    for number, values in rows:
        seen.append((number, values))
        columns, headers = {}, {}
        for index, value in enumerate(values):
            name = header_field(value, fields)
            if name and name not in columns:
                columns[name] = index
                headers[name] = text_value(value)
        if all(f in columns for f in REQUIRED_FIELDS) and (
            best is None or len(columns) > len(best[1])
        ):
            best = (number, columns, headers)
        if number >= HEADER_SEARCH_ROWS:
            break
    return best, seen


def open_sheet(workbook, kind):
    """The first sheet with a recognisable header row; raises FileRefused when none has one."""
    fields = KIND_FIELDS[kind]
    for worksheet in workbook.worksheets:
        if not hasattr(worksheet, "iter_rows"):
            continue  # a chart sheet
        estimated = worksheet.max_row
        # Some programs write a wrong size into the file; read every row that is there.
        worksheet.reset_dimensions()
        rows = _rows_with_merges_filled(worksheet)
        found, seen = _find_header(rows, fields)
        if found is None:
            continue
        number, columns, headers = found

        def remaining(seen=seen, rows=rows, header=number):
            for item in seen:
                if item[0] > header:
                    yield item
            yield from rows

        return Sheet(
            title=worksheet.title,
            header_row=number,
            columns=columns,
            headers=headers,
            estimated_rows=(estimated - number) if estimated and estimated > number else None,
            rows=remaining(),
        )
    raise FileRefused(
        _(
            "No header row naming the columns 姓名 and 身份证号 was found in the first "
            "%(rows)d rows of any sheet."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def open_workbook(file):
    """The workbook, read-only; FileRefused when it is no workbook or passes a bound."""
    check_workbook(file)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(
            _(
                "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as "
                "“Excel workbook (*.xlsx)” and upload it again."
            )
        ) from None
