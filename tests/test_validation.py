"""Bad input is refused with a Chinese message on the right field, and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.idnumbers import normalize_id_number, validate_id_number
from casework.models import Case, HomeVisit, Student, SupportRecord
from tests import factories as f

GOOD = f.valid_id_number(datetime.date(2012, 3, 5), seq=11)


def messages(exc):
    return " ".join(str(m) for m in exc.value.messages)


def test_a_correct_id_number_passes():
    validate_id_number(GOOD)


def test_full_width_digits_spaces_and_lower_case_x_are_normalised():
    x_number = next(n for n in (f.valid_id_number(seq=s) for s in range(1, 200)) if n.endswith("X"))
    typed = " ".join(x_number[i : i + 6] for i in range(0, 18, 6)).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in typed)
    assert normalize_id_number(full_width) == x_number
    validate_id_number(full_width)


@pytest.mark.parametrize(
    "value, expected",
    [
        (GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"), "校验位错误"),
        ("640202120305001", "15位旧身份证号"),
        (GOOD[:16], "应为18位"),
        ("640202" + "20120230" + "0011", "不是有效日期"),
        ("64020220120A05001X", "17位数字"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value, expected):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert expected in messages(exc)


@pytest.mark.django_db
def test_birth_date_must_match_the_id_number(seed):
    school = f.make_school()
    student = Student(
        name="某某", gender="M", birth_date=datetime.date(2012, 3, 6), id_number=GOOD, school=school
    )
    with pytest.raises(ValidationError) as exc:
        student.full_clean()
    assert "birth_date" in exc.value.message_dict
    assert "2012年3月5日" in exc.value.message_dict["birth_date"][0]


@pytest.mark.django_db
def test_visit_dates_cannot_be_in_the_future_nor_next_visit_before_the_visit(seed):
    case = f.make_case(f.make_student(f.make_school()))
    today = timezone.localdate()
    visit = HomeVisit(
        case=case,
        visited_on=today + datetime.timedelta(days=1),
        visitors="李老师",
        child_state="in_school",
        findings="x",
    )
    with pytest.raises(ValidationError) as exc:
        visit.full_clean()
    assert "家访日期不能晚于今天" in exc.value.message_dict["visited_on"][0]
    visit.visited_on = today
    visit.next_visit_due = today - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        visit.full_clean()
    assert "next_visit_due" in exc.value.message_dict


@pytest.mark.django_db
def test_money_cannot_be_negative_and_aid_needs_an_amount(seed):
    case = f.make_case(f.make_student(f.make_school()))
    record = SupportRecord(case=case, kind="grant", amount=-1, given_by="学校")
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    assert "金额不能为负数" in exc.value.message_dict["amount"][0]
    record.amount = None
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    assert "amount" in exc.value.message_dict


@pytest.mark.django_db
def test_a_closed_case_needs_date_reason_and_verification(seed):
    case = f.make_case(f.make_student(f.make_school()))
    case.status = Case.Status.CLOSED
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert set(exc.value.message_dict) >= {"closed_on", "close_reason", "close_verification"}


@pytest.mark.django_db
def test_checklist_item_defaults_from_the_concern(seed):
    student = f.make_student(f.make_school())
    case = Case(student=student, concern="dropout_risk", summary="x")
    case.full_clean()
    assert case.checklist_item.number == 3
    case = Case(student=student, concern="other", summary="x")
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "checklist_item" in exc.value.message_dict
