"""Builders for test data: schools, users in each role, students with valid ID numbers, cases."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from casework.access.roles import Role, group_for
from casework.choices import CONCERN_CHECKLIST_ITEM, Concern
from casework.idnumbers import check_digit, gender_from_id
from casework.models import (
    Case,
    ChecklistItem,
    HomeVisit,
    Office,
    Profile,
    School,
    Student,
    SupportRecord,
)

_seq = itertools.count(1)
PASSWORD = "test-pass-123"


def valid_id_number(birth_date=datetime.date(2012, 3, 5), region="640202", seq=None, gender=None):
    """A GB 11643 ID number with a correct check digit (640202: 大武口区).

    With ``gender`` ("M"/"F"), the 17th digit fits it: odd for male, even for female.
    """
    seq = next(_seq) if seq is None else seq
    seq %= 1000
    if gender is not None and (seq % 2 == 1) != (gender == Student.Gender.MALE):
        seq = seq + 1 if seq < 999 else seq - 1
    first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def make_school(name=None, **kwargs):
    kwargs.setdefault("kind", School.Kind.PRIMARY)
    kwargs.setdefault("area", School.Area.RURAL)
    return School.unscoped.create(name=name or f"测试学校{next(_seq)}", **kwargs)


def make_user(username, role=None, school=None, office="", leader_name="", **kwargs):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **kwargs)
    if role == "editor":
        user.groups.add(Group.objects.get(name="网站编辑"))
    elif role:
        user.groups.add(group_for(Role(role)))
    office = Office.objects.get_or_create(name=office)[0] if office else None
    Profile.objects.create(user=user, school=school, office=office, leader_name=leader_name)
    return user


def make_student(school, name=None, birth_date=datetime.date(2012, 3, 5), **kwargs):
    # The gender fits the ID number's 17th digit, as the student form requires.
    if "id_number" not in kwargs:
        kwargs["id_number"] = valid_id_number(birth_date, gender=kwargs.get("gender"))
    kwargs.setdefault("gender", gender_from_id(kwargs["id_number"] or "") or Student.Gender.MALE)
    return Student.unscoped.create(
        school=school, name=name or f"学生{next(_seq)}", birth_date=birth_date, **kwargs
    )


def make_case(student, concern=Concern.DROPOUT_RISK, **kwargs):
    kwargs.setdefault(
        "checklist_item", ChecklistItem.objects.get(number=CONCERN_CHECKLIST_ITEM.get(concern, 3))
    )
    kwargs.setdefault("summary", "测试个案")
    return Case.unscoped.create(student=student, concern=concern, **kwargs)


def make_visit(case, **kwargs):
    kwargs.setdefault("visitors", "测试教师")
    kwargs.setdefault("child_state", "in_school")
    kwargs.setdefault("findings", "孩子在校情况良好")
    visit = HomeVisit.unscoped.create(case=case, **kwargs)
    case.refresh_next_visit_due()
    return visit


def make_support(case, **kwargs):
    kwargs.setdefault("kind", SupportRecord.Kind.GRANT)
    kwargs.setdefault("amount", 500)
    kwargs.setdefault("given_by", "学校")
    return SupportRecord.unscoped.create(case=case, **kwargs)


def reload(user):
    """The user as a new request would load them (nothing cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)
