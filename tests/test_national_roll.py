"""A roll exported from the national student-roll system (全国中小学生学籍信息管理系统), as it comes."""

import datetime
import io

import pytest
from openpyxl import Workbook

from casework.models import Student
from casework.reconciliation import committing
from tests import factories as f
from tests.test_imports import batch_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

BORN = datetime.date(2015, 4, 2)
HEADERS = ["姓名", "性别", "出生日期", "身份证件类型", "身份证件号", "是否留守儿童", "是否孤儿"]


def an_id(seq):
    return f.valid_id_number(BORN, seq=seq)


def national_roll(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["王小明", "1-男", "2015-04-02", "1-居民身份证", an_id(11), "0-非留守儿童", "0-否"],
    ["李小红", "2-女", "2015-04-02", "1-居民身份证", an_id(22), "1-单亲留守儿童", "0-否"],
    ["张小芳", "2-女", "20150402", "1-居民身份证", an_id(32), "2-双亲留守儿童", "1-是"],
    ["赵小丽", "2-女", "2015-04-02", "1-居民身份证", an_id(42), "0-非留守儿童", "1-是"],
]


def test_coded_values_are_read_and_set_the_flags(two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    batch = batch_of("roll", national_roll(ROWS), manager, school=d["a"])
    assert (batch.accepted_rows, batch.refused_rows) == (4, 0)
    committing.commit_batch(batch, manager)
    flags = {
        s.name: (s.gender, s.is_left_behind, s.is_orphan)
        for s in Student.unscoped.filter(school=d["a"], birth_date=BORN)
    }
    assert flags == {
        "王小明": ("M", False, False),
        "李小红": ("F", True, False),
        "张小芳": ("F", True, True),
        "赵小丽": ("F", False, True),
    }


def test_the_preview_says_which_flags_change(client, two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    f.make_student(d["a"], "李小红", BORN, id_number=an_id(22), gender="F")
    batch = batch_of("roll", national_roll(ROWS[1:2]), manager, school=d["a"])
    client.force_login(manager)
    from django.urls import reverse

    html = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
    assert "留守儿童：是" in html
    assert Student.unscoped.get(id_number=an_id(22)).is_left_behind is False  # not yet committed


def test_an_unknown_code_is_refused_with_the_column_named(two_schools):
    d = two_schools
    rows = [["王小明", "1-男", "2015-04-02", "1-居民身份证", an_id(11), "0-非留守儿童", "9-不详"]]
    batch = batch_of("roll", national_roll(rows), d["users"]["manager_a"], school=d["a"])
    [row] = batch.rows.all()
    assert not row.accepted
    assert row.column == "是否孤儿" and "不详" in row.reason


FULL_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证件类型",
    "身份证件号",
    "监护人",
    "是否进城务工人员随迁子女",
    "残疾人类型",
    "随班就读",
]
FULL_ROWS = [
    ["王小明", "1-男", "2015-04-02", "1-居民身份证", an_id(11), "王大", "1-是", "0-非残疾", ""],
    ["马小军", "1-男", "2015-04-02", "Z-其他", "", "马大", "0-否", "1-视力残疾", "1-是"],
    ["陈小雨", "2-女", "2015-04-02", "6-护照", None, "陈大", "是", "", ""],
]


def full_roll(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(FULL_HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_child_without_an_id_number_is_kept_and_not_duplicated(two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    batch = batch_of("roll", full_roll(FULL_ROWS), manager, school=d["a"])
    assert (batch.accepted_rows, batch.refused_rows) == (3, 0)
    committing.commit_batch(batch, manager)
    ma = Student.unscoped.get(name="马小军")
    assert ma.id_number is None and ma.id_document_type == Student.DocumentType.OTHER
    assert Student.unscoped.get(name="陈小雨").id_document_type == Student.DocumentType.PASSPORT

    again = batch_of("roll", full_roll(FULL_ROWS), manager, school=d["a"])
    assert (again.created_count, again.unchanged_count) == (0, 3)
    committing.commit_batch(again, manager)
    assert Student.unscoped.filter(school=d["a"], birth_date=BORN).count() == 3


def test_the_migrant_and_disability_columns_set_the_flags(two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    committing.commit_batch(batch_of("roll", full_roll(FULL_ROWS), manager, school=d["a"]), manager)
    flags = {
        s.name: (s.is_migrant_child, s.is_disabled, s.disability_category, s.placement)
        for s in Student.unscoped.filter(school=d["a"], birth_date=BORN)
    }
    assert flags == {
        "王小明": (True, False, "", ""),
        "马小军": (False, True, "visual", "regular_class"),
        "陈小雨": (True, False, "", ""),
    }


def test_the_preview_says_the_migrant_flag_changes(client, two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    f.make_student(d["a"], "王小明", BORN, id_number=an_id(11), gender="M")
    batch = batch_of("roll", full_roll(FULL_ROWS[:1]), manager, school=d["a"])
    assert batch.updated_count == 1
    client.force_login(manager)
    from django.urls import reverse

    html = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
    assert "进城务工人员随迁子女：是" in html


def test_a_resident_id_child_without_an_id_number_is_still_refused(two_schools):
    d = two_schools
    rows = [["王小明", "1-男", "2015-04-02", "1-居民身份证", "", "王大", "0-否", "0-非残疾", ""]]
    batch = batch_of("roll", full_roll(rows), d["users"]["manager_a"], school=d["a"])
    [row] = batch.rows.all()
    assert not row.accepted
    assert row.column == "身份证件号" and row.reason == "身份证号缺失。"


def test_the_same_child_twice_without_an_id_number_is_refused(two_schools):
    d = two_schools
    batch = batch_of(
        "roll", full_roll([FULL_ROWS[1], FULL_ROWS[1]]), d["users"]["manager_a"], school=d["a"]
    )
    assert (batch.accepted_rows, batch.refused_rows) == (1, 1)
    refused = batch.rows.get(accepted=False)
    assert "与第2行重复" in refused.reason


def test_the_model_refuses_a_resident_id_child_without_an_id_number(two_schools):
    from django.core.exceptions import ValidationError

    student = Student(name="王小明", gender="M", birth_date=BORN, school=two_schools["a"])
    with pytest.raises(ValidationError) as refused:
        student.full_clean()
    assert "证件类型为居民身份证的学生须填写身份证号" in str(
        refused.value.message_dict["id_number"]
    )
    student.id_document_type = Student.DocumentType.OTHER
    student.full_clean()


def test_the_no_id_number_filter_lists_only_the_schools_own(client, two_schools):
    from django.urls import reverse

    d = two_schools
    f.make_student(d["a"], "马小军", BORN, id_number=None, id_document_type="other")
    f.make_student(d["b"], "白小兰", BORN, id_number=None, id_document_type="other")
    f.make_student(d["a"], "王小明", BORN, id_number=an_id(11))
    client.force_login(d["users"]["manager_a"])
    url = reverse(Student.snippet_viewset.get_url_name("list"))
    html = client.get(url, {"no_id_number": "true"}).content.decode()
    assert "马小军" in html
    assert "白小兰" not in html and "王小明" not in html
