"""The suite runs on SQLite and on PostgreSQL (`make test`): what differs between the two."""

import datetime
import os

import pytest
from django.db import IntegrityError, connection, transaction

from casework.models import Case, Student
from tests import factories as f


def test_the_suite_runs_on_the_database_that_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_id_numbers_are_unique_but_many_students_may_have_none(two_schools):
    school = two_schools["a"]
    f.make_student(school, id_number=None)
    f.make_student(school, id_number=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_student(school, id_number=two_schools["student_a"].id_number)


@pytest.mark.django_db
def test_chinese_text_matches_the_same_way_on_both(two_schools):
    assert list(Student.objects.filter(name__icontains="王小明")) == [two_schools["student_a"]]
    assert Student.objects.filter(name__startswith="乙校").count() == 1


@pytest.mark.django_db
def test_open_cases_sort_newest_first_with_ties_broken_by_id(two_schools):
    day = datetime.date(2020, 3, 1)
    Case.unscoped.update(opened_on=day)
    ids = sorted([two_schools["case_a"].pk, two_schools["case_b"].pk], reverse=True)
    assert list(Case.objects.open().values_list("pk", flat=True)) == ids
