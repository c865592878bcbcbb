"""Spreadsheets made the way offices make them, for the import tests."""

import datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from casework.idnumbers import check_digit
from tests.factories import valid_id_number

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def id_ending_in_x(birth_date=datetime.date(2012, 3, 5), region="640221", gender=None):
    """A valid ID number whose check character is X (of a boy "男" or a girl "女" if given)."""
    for seq in range(1000):
        if gender is not None and seq % 2 != (1 if gender == "男" else 0):
            continue
        first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X")


def with_wrong_check_digit(id_number):
    wrong = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + wrong


def full_width(text):
    return text.translate(FULL_WIDTH)


def xlsx(rows, merges=(), title="Sheet1", extra_sheets=()):
    """An .xlsx file (bytes) with the rows as given (None is an empty cell) and merged ranges."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for name, sheet_rows in extra_sheets:
        other = workbook.create_sheet(name, 0)
        for row in sheet_rows:
            other.append(list(row))
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content, name="名单.xlsx"):
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def ids(n, birth_date=datetime.date(2012, 3, 5), start=100):
    return [valid_id_number(birth_date, seq=start + i) for i in range(n)]
