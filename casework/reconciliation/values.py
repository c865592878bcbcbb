"""Values as offices type them: headers, names, dates, ID numbers, categories, normalised."""

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from casework.idnumbers import (
    gender_from_id,
    normalize_id_number,
    normalize_student_number,
    validate_id_number,
    validate_student_number,
)
from casework.models import AgencyListEntry, ImportKind, Student
from casework.models.students import gender_mismatch_message

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
    # The national student-roll system's circumstance columns (全国中小学生学籍信息管理系统).
    "left_behind": ["是否留守儿童", "留守儿童", "是否留守"],
    "orphan": ["是否孤儿", "孤儿"],
    "id_document_type": ["身份证件类型", "证件类型"],
    "migrant": ["是否进城务工人员随迁子女", "进城务工人员随迁子女", "随迁子女", "是否随迁子女"],
    "disabled": ["残疾人类型", "残疾类型", "残疾类别", "是否残疾"],
    "regular_class": ["随班就读", "是否随班就读"],
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
        "left_behind",
        "orphan",
        "id_document_type",
        "migrant",
        "disabled",
        "regular_class",
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
    "left_behind": "is_left_behind",
    "orphan": "is_orphan",
    "id_document_type": "id_document_type",
    "migrant": "is_migrant_child",
    "disabled": "is_disabled",
    "disability_category": "disability_category",
    "placement": "placement",
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


#: A coded value as the national student-roll system writes it: "2-女", "Z-其他", "1－是".
_CODED = re.compile(r"^([0-9A-Za-z]{1,2})\s*[-－—:：]\s*(.+)$")


def coded_value(value):
    """The plain name of a coded value ("2-女" is 女); a plain value as it is."""
    text = text_value(value)
    match = _CODED.match(text)
    return match.group(2).strip() if match else text


def gender_value(value, id_number):
    """The gender written, checked against the ID number's 17th digit; else the ID's."""
    text = coded_value(value).upper()
    gender = None
    if text in ("男", "男性", "M", "MALE"):
        gender = Student.Gender.MALE
    elif text in ("女", "女性", "F", "FEMALE"):
        gender = Student.Gender.FEMALE
    if gender is not None:
        expected = gender_from_id(id_number) if id_number else None
        if expected and expected != gender:
            raise ValueError(gender_mismatch_message(expected))
        return gender
    if not text and id_number:
        return gender_from_id(id_number)
    if not text:
        raise ValueError(_("The gender is missing; a child without an ID number needs it."))
    raise ValueError(_("“%(value)s” is not a gender: write 男 or 女.") % {"value": text})


_YES = ("是", "Y", "YES", "TRUE", "1")
_NO = ("否", "N", "NO", "FALSE", "0", "无")


def yes_no_value(value):
    """是否 columns: 是/否, and the national roll's "1-是" / "0-否"."""
    text = coded_value(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("“%(value)s” is neither 是 nor 否.") % {"value": text_value(value)})


def left_behind_value(value):
    """是否留守儿童: "0-非留守儿童", "1-单亲留守儿童", "2-双亲留守儿童", or 是/否."""
    text = coded_value(value)
    if text.startswith("非留守"):
        return False
    if "留守" in text:
        return True
    return yes_no_value(value)


def document_type_value(value):
    """身份证件类型: "1-居民身份证", "6-护照", "Z-其他" …; an empty cell is a resident ID."""
    text = coded_value(value)
    if not text or "居民身份证" in text or text == "身份证":
        return Student.DocumentType.RESIDENT_ID
    if any(place in text for place in ("香港", "澳门", "台湾", "港澳")):
        return Student.DocumentType.HK_MACAO_TAIWAN
    if "护照" in text:
        return Student.DocumentType.PASSPORT
    return Student.DocumentType.OTHER


def disabled_value(value):
    """残疾人类型: "0-非残疾" is "" (not disabled); "1-视力残疾" … is the category."""
    text = coded_value(value)
    if text.startswith("非") or text.upper() in _NO:
        return ""
    return disability_category_value(text)


def regular_class_value(value):
    """随班就读: "0-非随班就读" is no, "1-视力残疾随班就读" … yes, or 是/否."""
    text = coded_value(value)
    if text.startswith("非"):
        return False
    if "随班就读" in text:
        return True
    return yes_no_value(value)


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


def student_number_value(value):
    """The normalised 学籍号; raises ValueError when it holds other than letters and digits."""
    text = normalize_student_number(text_value(value))
    try:
        validate_student_number(text)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return text


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
