"""The scoping rule itself: which rows each role's querysets hold."""

import pytest

from casework.models import Case, School, Student
from casework.permissions import reset_current_user, set_current_user


def as_user(user, fn):
    token = set_current_user(user)
    try:
        return fn()
    finally:
        reset_current_user(token)


@pytest.mark.django_db
def test_school_staff_see_only_their_school(two_schools):
    d = two_schools
    for name in ("teacher_a", "manager_a"):
        user = d["users"][name]
        assert as_user(user, lambda: list(Case.objects.all())) == [d["case_a"]]
        assert as_user(user, lambda: list(Student.objects.all())) == [d["student_a"]]
        assert as_user(user, lambda: list(School.objects.all())) == [d["a"]]


@pytest.mark.django_db
def test_bureau_roles_see_every_school(two_schools):
    for name in ("office", "leader_wan"):
        user = two_schools["users"][name]
        assert as_user(user, lambda: Case.objects.count()) == 2


@pytest.mark.django_db
def test_editor_and_anonymous_see_no_case_data(two_schools):
    from django.contrib.auth.models import AnonymousUser

    for user in (two_schools["users"]["editor"], AnonymousUser()):
        assert as_user(user, lambda: Case.objects.count()) == 0
        assert as_user(user, lambda: Student.objects.count()) == 0


@pytest.mark.django_db
def test_outside_a_request_everything_is_visible(two_schools):
    assert Case.objects.count() == 2
    assert Case.objects.for_user(two_schools["users"]["teacher_b"]).get() == two_schools["case_b"]
