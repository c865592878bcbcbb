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
