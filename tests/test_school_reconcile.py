"""A school reconciles its own roll against the lists, and never sees another school's child."""

import datetime

import pytest
from django.urls import reverse

from casework.models import ImportKind
from tests import factories as f
from tests.test_reconcile import BORN, an_id, on_list, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def township(two_schools):
    d = two_schools
    # Both schools serve the same township: a child at B is "listed here" for A too.
    d["a"].township = d["b"].township = "长胜街道"
    d["a"].save()
    d["b"].save()
    office = d["users"]["office"]
    ours = f.make_student(d["a"], "甲校漏报生", BORN, id_number=an_id(1))
    aided = f.make_student(d["a"], "甲校已资助", BORN, id_number=an_id(2))
    theirs = f.make_student(d["b"], "乙校低保生", BORN, id_number=an_id(3))
    supported(aided)
    on_list(ImportKind.POVERTY, an_id(1), "甲校漏报生", office, township="长胜街道")
    on_list(ImportKind.POVERTY, an_id(2), "甲校已资助", office, township="长胜街道")
    # Enrolled at the other school, on an aid list, no aid: school B's business, not A's.
    on_list(ImportKind.CIVIL_AFFAIRS, an_id(3), "乙校低保生", office, township="长胜街道")
    young = f.valid_id_number(datetime.date.today() - datetime.timedelta(days=365 * 9), seq=4)
    on_list(ImportKind.POVERTY, young, "无学籍儿童", office, township="长胜街道", village="富民村")
    on_list(ImportKind.POPULATION, an_id(5), "人口名单儿童", office, township="长胜街道")
    # Another township's unknown child: not this school's to follow.
    on_list(ImportKind.POVERTY, an_id(6), "外乡镇儿童", office, township="星海镇")
    # Too old for compulsory school on an aid list: not counted.
    on_list(
        ImportKind.POVERTY,
        f.valid_id_number(datetime.date(2000, 1, 1), seq=7),
        "成年人",
        office,
        township="长胜街道",
    )
    return {**d, "ours": ours, "theirs": theirs}


def page(client, user):
    client.force_login(user)
    return client.get(reverse("casework_imports:school_reconcile"))


def test_a_manager_sees_their_children_without_aid_and_the_townships_unknowns(client, township):
    response = page(client, township["users"]["manager_a"])
    assert response.status_code == 200
    report = response.context["report"]
    assert [m.name for m in report.missed] == ["甲校漏报生"]
    assert sorted(u.name for u in report.unaccounted) == ["人口名单儿童", "无学籍儿童"]
    html = response.content.decode()
    assert "富民村" in html and "甲校漏报生" in html


def test_a_child_enrolled_at_another_school_is_never_shown(client, township):
    theirs = township["theirs"]
    html = page(client, township["users"]["manager_a"]).content.decode()
    # Not as "no aid" (it is B's child), nor as "on no roll" (it is on B's roll).
    assert theirs.name not in html
    assert theirs.id_number not in html
    # Asking for school B's report by a parameter changes nothing: the page is the user's own.
    client.force_login(township["users"]["manager_a"])
    url = reverse("casework_imports:school_reconcile")
    html = client.get(url, {"school": township["b"].pk}).content.decode()
    assert theirs.name not in html and "甲校漏报生" in html


def test_the_other_schools_manager_sees_their_own_child(client, township):
    manager_b = f.make_user("manager_b", "manager", school=township["b"])
    report = page(client, manager_b).context["report"]
    assert [m.name for m in report.missed] == ["乙校低保生"]
    assert "甲校漏报生" not in [m.name for m in report.missed]


def test_teachers_and_the_bureau_use_other_screens(client, township):
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    for user in (township["users"]["teacher_a"], township["users"]["office"]):
        response = page(client, user)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
