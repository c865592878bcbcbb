"""One child per ID number whatever digits are typed; the gender fits the ID's 17th digit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from casework.idnumbers import gender_from_id, normalize_id_number, validate_id_number
from casework.models import ImportRow, Student
from tests import factories as f
from tests import workbooks as wb
from tests.test_casework_admin import student_data
from tests.test_imports import batch_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

BORN = datetime.date(2012, 3, 5)
ASCII_ID = f.valid_id_number(BORN, seq=41)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
# Ethiopic has no zero; str.isdigit() is True for ፩ … ፱, int() refuses them.
ETHIOPIC = str.maketrans("123456789", "፩፪፫፬፭፮፯፰፱")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

FOREIGN_DIGITS = {
    "arabic-indic": ASCII_ID.translate(ARABIC_INDIC),
    "devanagari": ASCII_ID.translate(DEVANAGARI),
    "ethiopic": ASCII_ID.translate(ETHIOPIC),
    "one digit mathematical bold": ASCII_ID[:-2] + "\U0001d7ce" + ASCII_ID[-1],
    "superscript": ASCII_ID[:-1] + "¹",
}


@pytest.mark.parametrize("value", FOREIGN_DIGITS.values(), ids=FOREIGN_DIGITS.keys())
def test_an_id_number_in_other_digits_is_refused_with_the_reason(value):
    assert not value.isascii()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_id_number(value)
    assert refused.value.messages[0] in (
        "身份证号应为17位数字（0–9）加1位数字或X，不能含其他字符。",
        "身份证号应为18位，这里是17位。",
    )


def test_full_width_digits_are_still_taken():
    typed = ASCII_ID.translate(FULL_WIDTH)
    assert normalize_id_number(typed) == ASCII_ID
    validate_id_number(typed)


def test_the_gender_read_from_an_id_number_needs_ascii_digits():
    assert gender_from_id(ASCII_ID) in ("M", "F")
    assert gender_from_id(ASCII_ID.translate(ETHIOPIC)) is None


# --- the student form -----------------------------------------------------------------------


@pytest.fixture
def office(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    return client


def add_url():
    return reverse(Student.snippet_viewset.get_url_name("add"))


@pytest.mark.parametrize("script", [ARABIC_INDIC, ETHIOPIC], ids=["arabic-indic", "ethiopic"])
def test_the_form_refuses_another_schools_child_typed_in_other_digits(office, two_schools, script):
    other = two_schools["student_b"]
    data = student_data(two_schools["a"], id_number=other.id_number.translate(script))
    data.update(birth_date=other.birth_date.isoformat(), gender=other.gender)
    response = office.post(add_url(), data)
    assert response.status_code == 200
    assert "身份证号应为17位数字（0–9）加1位数字或X" in response.content.decode()
    assert Student.unscoped.filter(id_number=other.id_number).count() == 1
    assert not Student.unscoped.filter(name="新登记学生").exists()


def test_the_form_finds_the_duplicate_typed_in_full_width_digits(office, two_schools):
    other = two_schools["student_b"]
    data = student_data(two_schools["a"], id_number=other.id_number.translate(FULL_WIDTH))
    data.update(birth_date=other.birth_date.isoformat(), gender=other.gender)
    response = office.post(add_url(), data)
    assert "该身份证号已登记" in response.content.decode()
    assert Student.unscoped.filter(id_number=other.id_number).count() == 1


def test_the_form_refuses_a_student_number_in_other_characters(office, two_schools):
    data = student_data(two_schools["a"], student_number="G" + ASCII_ID.translate(ARABIC_INDIC))
    response = office.post(add_url(), data)
    assert "学籍号只能由字母A–Z和数字0–9组成" in response.content.decode()
    assert not Student.unscoped.filter(name="新登记学生").exists()


def test_the_form_finds_a_duplicate_student_number_typed_differently(office, two_schools):
    Student.unscoped.filter(pk=two_schools["student_b"].pk).update(student_number="G1234")
    data = student_data(two_schools["a"], student_number="ｇ１２３４ ")
    response = office.post(add_url(), data)
    assert "该学籍号已登记" in response.content.decode()
    assert not Student.unscoped.filter(name="新登记学生").exists()


def test_the_form_refuses_a_gender_the_id_number_contradicts(office, two_schools):
    id_number = f.valid_id_number(BORN, seq=43, gender="M")
    response = office.post(
        add_url(), student_data(two_schools["a"], id_number=id_number, gender="F")
    )
    body = response.content.decode()
    assert "性别与身份证号不符：身份证号第17位表示男（奇数为男，偶数为女）。" in body
    assert not Student.unscoped.filter(name="新登记学生").exists()

    response = office.post(
        add_url(), student_data(two_schools["a"], id_number=id_number, gender="M")
    )
    assert response.status_code == 302
    assert Student.unscoped.get(name="新登记学生").gender == "M"


# --- the roll import -------------------------------------------------------------------------

HEADER = ["姓名", "身份证号", "性别", "学籍号"]


def roll(rows):
    return wb.xlsx([HEADER, *rows])


def refused(batch):
    return {
        r.row_number: (r.column, r.reason)
        for r in ImportRow.unscoped.filter(batch=batch, accepted=False)
    }


def test_the_roll_refuses_ids_in_other_digits_and_finds_full_width_duplicates(two_schools):
    other = two_schools["student_b"]
    sex = "男" if other.gender == "M" else "女"
    content = roll(
        [
            ["甲", other.id_number.translate(ARABIC_INDIC), sex, None],
            ["乙", other.id_number.translate(ETHIOPIC), sex, None],
            ["丙", other.id_number.translate(FULL_WIDTH), sex, None],
        ]
    )
    batch = batch_of("roll", content, two_schools["users"]["manager_a"], school=two_schools["a"])
    reasons = refused(batch)
    assert set(reasons) == {2, 3, 4}
    for row in (2, 3):
        assert reasons[row][0] == "身份证号"
        assert "身份证号应为17位数字（0–9）加1位数字或X" in reasons[row][1]
    assert reasons[4][0] == "身份证号" and "其他学校" in reasons[4][1]


def test_the_roll_refuses_a_gender_the_id_number_contradicts(two_schools):
    boy = f.valid_id_number(BORN, seq=51, gender="M")
    girl = f.valid_id_number(BORN, seq=52, gender="F")
    content = roll([["甲", boy, "女", None], ["乙", girl, "2-女", None]])
    batch = batch_of("roll", content, two_schools["users"]["manager_a"], school=two_schools["a"])
    reasons = refused(batch)
    assert reasons[2] == (
        "性别",
        "性别与身份证号不符：身份证号第17位表示男（奇数为男，偶数为女）。",
    )
    assert 3 not in reasons


def test_the_roll_refuses_a_student_number_in_other_characters(two_schools):
    content = roll([["甲", f.valid_id_number(BORN, seq=61), "", "G١٢٣"]])
    batch = batch_of("roll", content, two_schools["users"]["manager_a"], school=two_schools["a"])
    assert refused(batch)[2] == ("学籍号", "学籍号只能由字母A–Z和数字0–9组成，不能含其他字符。")


def test_an_agency_list_refuses_ids_in_other_digits(two_schools):
    content = wb.xlsx([["姓名", "身份证号"], ["甲", ASCII_ID.translate(ARABIC_INDIC)]])
    batch = batch_of("poverty", content, two_schools["users"]["office"])
    assert refused(batch)[2][0] == "身份证号"


# --- the demo data ---------------------------------------------------------------------------


@override_settings(DEBUG=True)
def test_the_demo_children_fit_their_ids_and_their_schools(seed, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("load_demo")
    children = Student.unscoped.select_related("school")
    assert children.count() >= 8
    for child in children:
        assert child.gender == gender_from_id(child.id_number), child.name
        grade = int(child.grade.removesuffix("年级"))
        if child.school.kind == child.school.Kind.PRIMARY:
            assert 1 <= grade <= 6, child.name
