"""Lists received as spreadsheets: read them, check every row for the preview, then commit.

Files come from many offices, typed by hand: title rows above the header, merged cells,
full-width digits, spaces inside ID numbers, dates written four ways, phone numbers and ID
numbers stored as numbers, the same child twice. Reading never writes to the ledger: it keeps
each row with its verdict (``ImportRow``) so the user sees every refusal before committing,
and the commit writes the accepted rows in one transaction.
"""

import datetime
import hashlib
import logging
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from casework.access.audit import log_import
from casework.idnumbers import (
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    validate_id_number,
)
from casework.models import AgencyListEntry, ImportBatch, ImportKind, ImportRow, Student

logger = logging.getLogger(__name__)

#: How many rows are read, checked or written at a time.
CHUNK = 2000
#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 30

#: Header names as offices write them, after normalising (see ``normalize_header``).
HEADER_SYNONYMS = {
    "name": ["姓名", "学生姓名", "儿童姓名", "幼儿姓名", "子女姓名", "名字", "学生名字"],
    "id_number": [
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号",
        "公民身份证号码",
        "身份证",
        "身份证件号",
        "身份证件号码",
        "证件号",
        "证件号码",
        "学生身份证号",
        "学生身份证号码",
        "儿童身份证号",
        "儿童身份证号码",
    ],
    "gender": ["性别"],
    "birth_date": ["出生日期", "出生年月日", "出生年月", "生日"],
    "student_number": ["学籍号", "全国学籍号", "国家学籍号", "学籍编号"],
    "grade": ["年级", "就读年级"],
    "class_name": ["班级", "班别", "班"],
    "guardian_name": ["监护人", "监护人姓名", "家长姓名", "家长"],
    "guardian_relation": ["与学生关系", "监护人关系", "与监护人关系", "关系"],
    "household_head": ["户主", "户主姓名"],
    "phone": [
        "联系电话",
        "电话",
        "电话号码",
        "手机",
        "手机号",
        "手机号码",
        "联系方式",
        "家长电话",
        "监护人电话",
        "监护人联系电话",
    ],
    "township": ["乡镇", "乡", "镇", "乡镇街道", "街道", "所在乡镇", "户籍乡镇", "乡镇名称"],
    "village": ["村", "行政村", "村社区", "社区", "村居", "所在村", "户籍村", "村名"],
    "address": ["家庭住址", "住址", "家庭地址", "现住址", "户籍地址", "地址"],
    "exit_year": ["脱贫年份", "脱贫年度", "脱贫时间", "脱贫年"],
    "civil_category": ["类别", "救助类别", "保障类别", "救助类型", "人员类别", "低保类别"],
    "disability_category": ["残疾类别", "残疾类型", "类别"],
    "disability_grade": ["残疾等级", "残疾级别", "等级"],
}

_COMMON = ["name", "id_number", "gender", "birth_date", "phone", "township", "village", "address"]
#: The columns read from each kind of list; ``name`` and ``id_number`` are required in all.
KIND_FIELDS = {
    ImportKind.ROLL: [
        *_COMMON,
        "student_number",
        "grade",
        "class_name",
        "guardian_name",
        "guardian_relation",
    ],
    ImportKind.POVERTY: [*_COMMON, "household_head", "exit_year"],
    ImportKind.CIVIL_AFFAIRS: [*_COMMON, "household_head", "civil_category"],
    ImportKind.DISABILITY: [*_COMMON, "household_head", "disability_category", "disability_grade"],
    ImportKind.POPULATION: [*_COMMON, "household_head", "guardian_name"],
}
REQUIRED_FIELDS = ("name", "id_number")

#: What a roll row writes into the student file: row value -> Student field.
ROLL_TO_STUDENT = {
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "student_number": "student_number",
    "grade": "grade",
    "class_name": "class_name",
    "guardian_name": "guardian_name",
    "guardian_relation": "guardian_relation",
    "phone": "phone",
    "township": "hukou_township",
    "village": "hukou_village",
    "address": "address",
}
#: What an agency-list row writes into its entry.
ROW_TO_ENTRY = {
    "name": "name",
    "township": "township",
    "village": "village",
    "household_head": "household_head",
    "phone": "phone",
    "address": "address",
    "exit_year": "poverty_exit_year",
    "civil_category": "civil_category",
    "disability_category": "disability_category",
    "disability_grade": "disability_grade",
}
_MAX_LENGTH = {
    "name": 50,
    "student_number": 30,
    "grade": 20,
    "class_name": 20,
    "guardian_name": 50,
    "guardian_relation": 20,
    "household_head": 50,
    "phone": 30,
    "township": 50,
    "village": 50,
    "address": 200,
}

DISABILITY_CATEGORIES = {
    "视力": "visual",
    "视": "visual",
    "听力": "hearing",
    "听": "hearing",
    "言语": "speech",
    "语言": "speech",
    "肢体": "physical",
    "智力": "intellectual",
    "精神": "mental",
    "多重": "multiple",
}
_GRADES = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
FIRST_POVERTY_EXIT_YEAR = 2013  # targeted poverty registration (建档立卡) began in 2014


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class RowProblem(Exception):
    """What is wrong with one row: the field (column) and the reason."""

    field: str
    reason: str


# --- normalising values -------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PHONE_JUNK = re.compile(r"[^\d+\-/,、]")


def half_width(value):
    """Full-width letters and digits to half-width (NFKC), without surrounding spaces."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_header(value):
    """A header cell as a synonym key: half-width, without spaces, stars or colons."""
    if value is None:
        return ""
    text = half_width(value)
    return _WHITESPACE.sub("", text).replace("*", "").replace(":", "")


def header_field(value, fields):
    """The field a header cell names, among ``fields``, or None."""
    text = normalize_header(value)
    if not text:
        return None
    for candidate in (text, _PARENTHESES.sub("", text)):
        for name in fields:
            if candidate in HEADER_SYNONYMS[name]:
                return name
    return None


def text_value(value):
    """Any cell as text: numbers without a trailing .0, dates as ISO, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _WHITESPACE.sub(" ", half_width(value))


def name_value(value):
    """A person's name: half-width, no spaces at all (王 小明 is 王小明)."""
    return _WHITESPACE.sub("", text_value(value))


def date_value(value):
    """A date as offices write it; raises ValueError naming what is wrong."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            raise ValueError(_("“%(value)s” is not a date.") % {"value": value})
        if 19000101 <= number <= 21001231:
            return date_value(str(number))
        if 1 <= number < 80000:  # an Excel serial day number (1 is 1900-01-01)
            return from_excel(number).date()
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value})
    text = _WHITESPACE.sub("", half_width(value))
    match = _DATE_PARTS.match(text) or _DATE_DIGITS.match(text)
    if not match:
        if text.isdigit() and 1 <= len(text) <= 5:
            return date_value(int(text))
        raise ValueError(_("“%(value)s” is not a date.") % {"value": text})
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a real date (there is no such day).") % {"value": text}
        ) from None


def phone_value(value):
    """A phone number, also when Excel stored it as a number."""
    text = text_value(value)
    return _PHONE_JUNK.sub("", text)


def gender_value(value, id_number):
    text = text_value(value).upper()
    if text in ("男", "男性", "M", "MALE"):
        return Student.Gender.MALE
    if text in ("女", "女性", "F", "FEMALE"):
        return Student.Gender.FEMALE
    if not text:
        return gender_from_id(id_number)
    raise ValueError(_("“%(value)s” is not a gender: write 男 or 女.") % {"value": text})


def year_value(value):
    """The year a household left poverty, or None when it has not (未脱贫)."""
    if isinstance(value, datetime.date | datetime.datetime):
        year = value.year
    else:
        text = text_value(value).replace("年度", "").replace("年", "")
        if not text or text in ("未脱贫", "无", "-", "/"):
            return None
        if not (text.isdigit() and len(text) == 4):
            raise ValueError(_("“%(value)s” is not a year.") % {"value": text_value(value)})
        year = int(text)
    this_year = timezone.localdate().year
    if not FIRST_POVERTY_EXIT_YEAR <= year <= this_year:
        raise ValueError(
            _("%(year)d is not a year a household could have left poverty (%(first)d–%(last)d).")
            % {"year": year, "first": FIRST_POVERTY_EXIT_YEAR, "last": this_year}
        )
    return year


def civil_category_value(value):
    text = text_value(value)
    if not text:
        return ""
    if "特困" in text or "五保" in text:
        return AgencyListEntry.CivilCategory.TEKUN
    if "低保" in text:
        return AgencyListEntry.CivilCategory.DIBAO
    raise ValueError(_("“%(value)s” is neither 低保 nor 特困.") % {"value": text})


def disability_category_value(value):
    text = text_value(value).replace("残疾", "").replace("类", "")
    if not text:
        return ""
    for prefix, category in DISABILITY_CATEGORIES.items():
        if text.startswith(prefix):
            return category
    raise ValueError(
        _("“%(value)s” is not a disability category (视力, 听力, 言语, 肢体, 智力, 精神, 多重).")
        % {"value": text_value(value)}
    )


def disability_grade_value(value):
    text = text_value(value).replace("级", "").replace("等", "")
    if not text:
        return None
    if text in _GRADES:
        return _GRADES[text]
    raise ValueError(
        _("“%(value)s” is not a disability grade (一级 to 四级).") % {"value": text_value(value)}
    )


def id_number_value(value):
    """The normalised ID number; raises ValueError with the reason it cannot be used."""
    if value is None or text_value(value) == "":
        raise ValueError(_("The ID number is missing."))
    stored_as_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_id_number(value)
    if "E+" in text or "." in text:
        stored_as_number = True
    try:
        validate_id_number(text)
    except ValidationError as error:
        if stored_as_number and len(text) != 15:
            raise ValueError(
                _(
                    "Excel stored this ID number as a number and lost its last digits; "
                    "format the column as text and enter it again."
                )
            ) from None
        raise ValueError(error.messages[0]) from None
    return text


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


def open_workbook(path_or_file):
    try:
        return load_workbook(path_or_file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(
            _(
                "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as "
                "“Excel workbook (*.xlsx)” and upload it again."
            )
        ) from None


# --- checking rows ------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int
    accepted: bool
    id_number: str = ""
    name: str = ""
    data: dict = field(default_factory=dict)
    field: str = ""
    reason: str = ""
    action: str = ""


_READERS = {
    "birth_date": date_value,
    "phone": phone_value,
    "exit_year": year_value,
    "civil_category": civil_category_value,
    "disability_category": disability_category_value,
    "disability_grade": disability_grade_value,
}


def check_values(raw, kind, batch):
    """The row's values, normalised; raises RowProblem for the first thing that is wrong."""
    if not name_value(raw.get("name")):
        raise RowProblem("name", _("The name is missing."))
    try:
        id_number = id_number_value(raw.get("id_number"))
    except ValueError as error:
        raise RowProblem("id_number", str(error)) from None
    data = {"name": name_value(raw["name"])}
    for name in KIND_FIELDS[kind]:
        if name in ("name", "id_number", "gender") or name not in raw:
            continue
        value = raw[name]
        if value is None or text_value(value) == "":
            continue
        reader = _READERS.get(name, text_value)
        try:
            data[name] = reader(value)
        except ValueError as error:
            raise RowProblem(name, str(error)) from None
    try:
        data["gender"] = gender_value(raw.get("gender"), id_number)
    except ValueError as error:
        raise RowProblem("gender", str(error)) from None
    born = birth_date_from_id(id_number)
    if "birth_date" in data and data["birth_date"] != born:
        raise RowProblem(
            "birth_date",
            _("The date of birth does not match the ID number, which says %(date)s.")
            % {"date": born.isoformat()},
        )
    data["birth_date"] = born
    for name, limit in _MAX_LENGTH.items():
        if len(str(data.get(name, ""))) > limit:
            raise RowProblem(name, _("Too long: at most %(limit)d characters.") % {"limit": limit})
    if kind == ImportKind.POPULATION and not data.get("township") and batch.township:
        data["township"] = batch.township
    return id_number, data


class RollContext:
    """What a school roll is checked against: every child already on any school's roll."""

    def __init__(self, batch):
        self.batch = batch
        # Unscoped on purpose: a roll must not take a child off another school's roll, and the
        # refusal says only that, never whose roll or which child.
        self.school_of = dict(
            Student.unscoped.exclude(id_number=None).values_list("id_number", "school_id")
        )
        self.owner_of_number = dict(
            Student.unscoped.exclude(student_number=None).values_list("student_number", "id_number")
        )

    def problem(self, id_number, data):
        school_id = self.school_of.get(id_number)
        if school_id is not None and school_id != self.batch.school_id:
            return RowProblem(
                "id_number",
                _(
                    "A child with this ID number is on another school's roll; a school imports "
                    "only its own students. Ask the bureau to confirm the transfer first."
                ),
            )
        number = data.get("student_number")
        if number and self.owner_of_number.get(number, id_number) != id_number:
            return RowProblem(
                "student_number", _("This student number belongs to another student.")
            )
        return None

    def remember(self, id_number, data):
        self.school_of[id_number] = self.batch.school_id
        if data.get("student_number"):
            self.owner_of_number[data["student_number"]] = id_number


def _students_by_id(school_id, id_numbers):
    fields = ["pk", "id_number", *ROLL_TO_STUDENT.values()]
    return {
        row["id_number"]: row
        for row in Student.unscoped.filter(school_id=school_id, id_number__in=id_numbers).values(
            *fields
        )
    }


def _entries_by_id(kind, id_numbers):
    fields = ["pk", "id_number", *AgencyListEntry.DATA_FIELDS]
    return {
        row["id_number"]: row
        for row in AgencyListEntry.unscoped.filter(kind=kind, id_number__in=id_numbers).values(
            *fields
        )
    }


def _changes(existing, data, mapping):
    """The fields whose file value differs from the record; empty cells never erase."""
    changes = {}
    for key, model_field in mapping.items():
        if key not in data or data[key] in ("", None):
            continue
        if existing.get(model_field) != data[key]:
            changes[model_field] = data[key]
    return changes


def _json_ready(data):
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}


def _from_json(data):
    data = dict(data)
    if data.get("birth_date"):
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    return data


# --- reading a batch (the preview) --------------------------------------------------------


def file_sha256(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def read_batch(batch):
    """Read the uploaded file into checked rows (the preview); writes nothing else."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _read_batch(batch)
        except FileRefused as refusal:
            ImportRow.unscoped.filter(batch=batch).delete()
            _update(batch, status=ImportBatch.Status.FAILED, message=str(refusal), progress=100)
        except Exception:
            logger.exception("Reading import %s failed", batch.pk)
            ImportRow.unscoped.filter(batch=batch).delete()
            _update(
                batch,
                status=ImportBatch.Status.FAILED,
                progress=100,
                message=_(
                    "The file could not be read. It is kept; tell the site's administrators."
                ),
            )
    batch.refresh_from_db()
    return batch


def _update(batch, **values):
    ImportBatch.unscoped.filter(pk=batch.pk).update(**values)
    for key, value in values.items():
        setattr(batch, key, value)


def _read_batch(batch):
    ImportRow.unscoped.filter(batch=batch).delete()
    with batch.file.open("rb") as file:
        workbook = open_workbook(file)
        try:
            sheet = open_sheet(workbook, batch.kind)
            _update(
                batch,
                sheet_name=sheet.title[:100],
                header_row=sheet.header_row,
                columns=sheet.headers,
            )
            counts = _check_rows(batch, sheet)
        finally:
            workbook.close()
    _update(batch, status=ImportBatch.Status.PREVIEW, progress=100, message="", **counts)


def _raw_rows(sheet):
    """(row number, {field: cell value}) for the data rows; blank and repeated header rows skipped."""
    for number, values in sheet.rows:
        raw = {
            name: (values[index] if index < len(values) else None)
            for name, index in sheet.columns.items()
        }
        filled = [v for v in raw.values() if v is not None and text_value(v) != ""]
        if not filled:
            continue
        if len(filled) >= 2 and len({text_value(v) for v in filled}) == 1:
            continue  # one merged cell across the table: a title, a total or a note
        if header_field(raw.get("id_number"), ["id_number"]):
            continue  # the header repeated (two lists pasted one under the other)
        if len(filled) == 1 and raw.get("name") is None and raw.get("id_number") is None:
            continue  # a note under the table (制表人, 审核人) or a lone row number
        yield number, raw


def _check_rows(batch, sheet):
    roll = RollContext(batch) if batch.kind == ImportKind.ROLL else None
    first_row_of_id, first_row_of_number = {}, {}
    counts = {"total_rows": 0, "accepted_rows": 0, "refused_rows": 0}
    effect = {"created_count": 0, "updated_count": 0, "unchanged_count": 0}
    pending = []

    def flush():
        accepted = [row for row in pending if row.accepted]
        _decide_actions(batch, accepted)
        for row in accepted:
            effect[_EFFECT_COUNT[row.action]] += 1
        ImportRow.unscoped.bulk_create(
            [
                ImportRow(
                    batch=batch,
                    row_number=row.number,
                    accepted=row.accepted,
                    column=sheet.headers.get(row.field, "")[:100],
                    reason=row.reason,
                    action=row.action,
                    id_number=row.id_number[:40],
                    name=row.name[:100],
                    data=_json_ready(row.data),
                )
                for row in pending
            ],
            batch_size=500,
        )
        done = counts["total_rows"]
        progress = min(99, done * 100 // sheet.estimated_rows) if sheet.estimated_rows else 50
        _update(batch, progress=progress, **counts, **effect)
        pending.clear()

    for number, raw in _raw_rows(sheet):
        counts["total_rows"] += 1
        row = CheckedRow(number=number, accepted=True, name=name_value(raw.get("name")))
        try:
            row.id_number, row.data = check_values(raw, batch.kind, batch)
            first = first_row_of_id.get(row.id_number)
            if first:
                raise RowProblem(
                    "id_number",
                    _("Duplicate of row %(row)d (the same ID number).") % {"row": first},
                )
            number_of_student = row.data.get("student_number")
            if number_of_student and number_of_student in first_row_of_number:
                raise RowProblem(
                    "student_number",
                    _("The same student number as row %(row)d.")
                    % {"row": first_row_of_number[number_of_student]},
                )
            if roll and (problem := roll.problem(row.id_number, row.data)):
                raise problem
        except RowProblem as problem:
            row.accepted = False
            row.field, row.reason = problem.field, problem.reason
            if not row.id_number:
                row.id_number = text_value(raw.get("id_number"))
            if not row.data:
                row.data = {k: text_value(v) for k, v in raw.items()}
            counts["refused_rows"] += 1
        else:
            first_row_of_id[row.id_number] = number
            if row.data.get("student_number"):
                first_row_of_number[row.data["student_number"]] = number
            counts["accepted_rows"] += 1
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return {**counts, **effect}


_EFFECT_COUNT = {
    ImportRow.Action.CREATE: "created_count",
    ImportRow.Action.UPDATE: "updated_count",
    ImportRow.Action.UNCHANGED: "unchanged_count",
}


def _decide_actions(batch, rows):
    """Say for each accepted row what committing it would do to the ledger."""
    if not rows:
        return
    ids = [row.id_number for row in rows]
    if batch.kind == ImportKind.ROLL:
        existing, mapping = _students_by_id(batch.school_id, ids), ROLL_TO_STUDENT
    else:
        existing, mapping = _entries_by_id(batch.kind, ids), ROW_TO_ENTRY
    for row in rows:
        record = existing.get(row.id_number)
        if record is None:
            row.action = ImportRow.Action.CREATE
        elif _changes(record, row.data, mapping):
            row.action = ImportRow.Action.UPDATE
        else:
            row.action = ImportRow.Action.UNCHANGED


# --- committing ---------------------------------------------------------------------------


class CommitRefused(Exception):
    """The batch cannot be committed now; the message says why."""


def claim_commit(batch):
    """Mark the batch as being committed, so that a second click cannot commit it twice."""
    claimed = ImportBatch.unscoped.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.COMMITTING, progress=0, message=""
    )
    if not claimed:
        raise CommitRefused(_("This import is not waiting to be committed."))
    batch.status = ImportBatch.Status.COMMITTING


def commit_batch(batch, user):
    """Claim the batch and write its accepted rows into the ledger, all or none."""
    claim_commit(batch)
    return run_commit(batch, user)


def run_commit(batch, user):
    """Write the accepted rows of a claimed batch, all of them or none; returns the batch."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                counts = _commit(batch)
                now = timezone.now()
                _update(
                    batch,
                    status=ImportBatch.Status.COMMITTED,
                    committed_by=user,
                    committed_at=now,
                    progress=100,
                    message="",
                    **counts,
                )
                log_import(
                    user,
                    f"{batch.get_kind_display()} {batch.original_name} (#{batch.pk})",
                    row_count=counts["accepted_rows"],
                )
        except Exception:
            logger.exception("Committing import %s failed", batch.pk)
            _update(
                batch,
                status=ImportBatch.Status.PREVIEW,
                progress=0,
                message=_(
                    "The commit failed and nothing was written. Try again; if it fails again, "
                    "tell the site's administrators."
                ),
            )
    batch.refresh_from_db()
    return batch


def _commit(batch):
    counts = {"created_count": 0, "updated_count": 0, "unchanged_count": 0, "refused_now": 0}
    roll = RollContext(batch) if batch.kind == ImportKind.ROLL else None
    rows = ImportRow.unscoped.filter(batch=batch, accepted=True).order_by("row_number")
    chunk = []
    for row in rows.values("pk", "id_number", "data").iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _commit_chunk(batch, roll, chunk, counts)
            chunk = []
    if chunk:
        _commit_chunk(batch, roll, chunk, counts)
    refused_now = counts.pop("refused_now")
    accepted = ImportRow.unscoped.filter(batch=batch, accepted=True).count()
    return {
        **counts,
        "accepted_rows": accepted,
        "refused_rows": batch.refused_rows + refused_now,
    }


def _commit_chunk(batch, roll, rows, counts):
    """Write one chunk of accepted rows; rows refused now (since the preview) are marked."""
    refused, actions = [], {}
    if roll is not None:
        existing = _students_by_id(batch.school_id, [r["id_number"] for r in rows])
        creates, updates = [], []
        for row in rows:
            data = _from_json(row["data"])
            problem = roll.problem(row["id_number"], data)
            if problem:
                refused.append((row["pk"], problem))
                continue
            record = existing.get(row["id_number"])
            if record is None:
                creates.append(
                    Student(
                        school_id=batch.school_id,
                        id_number=row["id_number"],
                        **{ROLL_TO_STUDENT[k]: v for k, v in data.items() if k in ROLL_TO_STUDENT},
                    )
                )
                actions[row["pk"]] = ImportRow.Action.CREATE
            elif changes := _changes(record, data, ROLL_TO_STUDENT):
                updates.append((record["pk"], changes))
                actions[row["pk"]] = ImportRow.Action.UPDATE
            else:
                actions[row["pk"]] = ImportRow.Action.UNCHANGED
            roll.remember(row["id_number"], data)
        write_students(creates, updates)
    else:
        existing = _entries_by_id(batch.kind, [r["id_number"] for r in rows])
        creates, updates = [], []
        now = timezone.now()
        for row in rows:
            data = row["data"]
            record = existing.get(row["id_number"])
            values = {ROW_TO_ENTRY[k]: v for k, v in data.items() if k in ROW_TO_ENTRY}
            if record is None:
                creates.append(
                    AgencyListEntry(
                        kind=batch.kind,
                        id_number=row["id_number"],
                        batch=batch,
                        updated_at=now,
                        **values,
                    )
                )
                existing[row["id_number"]] = {"pk": None, **values}
                actions[row["pk"]] = ImportRow.Action.CREATE
            elif changes := _changes(record, data, ROW_TO_ENTRY):
                updates.append((record["pk"], {**changes, "batch_id": batch.pk, "updated_at": now}))
                actions[row["pk"]] = ImportRow.Action.UPDATE
            else:
                actions[row["pk"]] = ImportRow.Action.UNCHANGED
        write_entries(creates, updates)
    for pk, problem in refused:
        ImportRow.unscoped.filter(pk=pk).update(
            accepted=False,
            action="",
            column=batch.columns.get(problem.field, "")[:100],
            reason=problem.reason,
        )
    counts["refused_now"] += len(refused)
    by_action = defaultdict(list)
    for pk, action in actions.items():
        by_action[action].append(pk)
    for action, pks in by_action.items():
        ImportRow.unscoped.filter(pk__in=pks).update(action=action)
        counts[_EFFECT_COUNT[action]] += len(pks)


def write_students(creates, updates):
    """Create and update students of one chunk (a separate function so a test can break it)."""
    Student.unscoped.bulk_create(creates, batch_size=500)
    _bulk_update(Student, updates, extra={"updated_at": timezone.now()})


def write_entries(creates, updates):
    AgencyListEntry.unscoped.bulk_create(creates, batch_size=500)
    _bulk_update(AgencyListEntry, updates)


def _bulk_update(model, updates, extra=None):
    """Apply {field: value} changes per pk, grouping rows that change the same fields."""
    groups = defaultdict(list)
    for pk, changes in updates:
        changes = {**changes, **(extra or {})}
        groups[tuple(sorted(changes))].append(model(pk=pk, **changes))
    for fields, objects in groups.items():
        model.unscoped.bulk_update(objects, list(fields), batch_size=500)
