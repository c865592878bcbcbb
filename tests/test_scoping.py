"""The scoping rule: whose rows code sees, in a request, outside one, and where the two meet.

Each case below once showed another school's children (or crashed); each now shows only the
request's school, or nothing where nobody said whose data it is.
"""

import json
import threading

import pytest
from django.core.checks import run_checks
from django.forms import modelform_factory
from django.test import override_settings

from casework.access.roles import Role, group_for
from casework.access.scope import no_scope, system_scope, user_scope
from casework.models import Case, School, Student
from tests import factories as f

pytestmark = pytest.mark.django_db
scoping_urls = override_settings(ROOT_URLCONF="tests.scoping_urls")


def names_in(response):
    return json.loads(response.content)["names"]


def test_school_staff_see_only_their_school(two_schools):
    d = two_schools
    for name in ("teacher_a", "manager_a"):
        with user_scope(d["users"][name]):
            assert list(Case.objects.all()) == [d["case_a"]]
            assert list(Student.objects.all()) == [d["student_a"]]
            assert list(School.objects.all()) == [d["a"]]


def test_bureau_roles_see_every_school(two_schools):
    for name in ("office", "leader_wan"):
        with user_scope(two_schools["users"][name]):
            assert Case.objects.count() == 2


def test_editor_and_anonymous_see_no_case_data(two_schools):
    from django.contrib.auth.models import AnonymousUser

    for user in (two_schools["users"]["editor"], AnonymousUser()):
        with user_scope(user):
            assert Case.objects.count() == 0
            assert Student.objects.count() == 0


def test_where_nobody_said_whose_data_nothing_is_visible(two_schools):
    with no_scope():
        assert Case.objects.count() == 0
        assert Student.objects.count() == 0
    # A fresh thread has said nothing either.
    seen = []
    thread = threading.Thread(target=lambda: seen.append(Case.objects.count()))
    thread.start()
    thread.join()
    assert seen == [0]
    with system_scope():
        assert Case.objects.count() == 2


def test_a_queryset_built_outside_any_scope_stays_empty(two_schools):
    # As a module-level queryset built at import time would be.
    with no_scope():
        built_early = Case.objects.all()
    with system_scope():
        assert list(built_early) == []


@scoping_urls
def test_a_thread_started_in_a_request_sees_nothing(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    assert names_in(client.get("/scoping/thread/")) == []


@scoping_urls
def test_a_streamed_response_keeps_the_requests_scope(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.get("/scoping/stream/")
    assert b"".join(response.streaming_content).decode().split() == ["甲校学生王小明"]


@scoping_urls
def test_an_async_view_lists_its_own_school(client, two_schools):
    client.force_login(two_schools["users"]["teacher_b"])
    response = client.get("/scoping/async/")
    assert response.status_code == 200
    assert names_in(response) == ["乙校学生赵小红"]


@scoping_urls
def test_a_task_runs_in_the_scope_its_caller_states(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    assert names_in(client.get("/scoping/task/")) == ["甲校学生王小明"]
    assert names_in(client.get("/scoping/task-system/")) == ["乙校学生赵小红", "甲校学生王小明"]


def test_a_task_sees_the_same_in_the_worker_as_inline(two_schools):
    """The worker calls the task with no scope of its own; the result is what tests see."""
    from casework.access.tasks import run_scoped

    teacher = two_schools["users"]["teacher_b"]
    with no_scope():
        assert run_scoped("tests.scoping_urls.count_cases", teacher.pk) == ["乙校学生赵小红"]
    # A task inherits nothing from the request that queued it: a bureau request's scope does
    # not widen a teacher's task.
    with user_scope(two_schools["users"]["office"]):
        assert run_scoped("tests.scoping_urls.count_cases", teacher.pk) == ["乙校学生赵小红"]


def test_a_plain_model_form_refuses_another_schools_id_number(two_schools):
    d = two_schools
    Form = modelform_factory(Student, fields=["name", "id_number", "gender", "school"])
    data = {
        "name": "重复登记",
        "id_number": d["student_b"].id_number,
        "gender": d["student_b"].gender,
        "school": d["a"].pk,
    }
    with user_scope(d["users"]["teacher_a"]):
        form = Form(data)
        assert not form.is_valid()
    assert form.errors["__all__"] == ["此身份证号的学生已登记。"]
    assert Student.unscoped.filter(name="重复登记").count() == 0


def test_renaming_a_roles_group_changes_nobodys_access(two_schools):
    group = group_for(Role.TEACHER)
    group.name = "结对帮扶老师"
    group.save()
    teacher = f.reload(two_schools["users"]["teacher_a"])
    with user_scope(teacher):
        assert list(Case.objects.all()) == [two_schools["case_a"]]


@pytest.mark.parametrize(
    "middleware, error",
    [
        (lambda m: [x for x in m if "ScopeMiddleware" not in x], "casework.E001"),
        (
            lambda m: (
                ["casework.access.middleware.ScopeMiddleware"]
                + [x for x in m if "ScopeMiddleware" not in x]
            ),
            "casework.E002",
        ),
    ],
    ids=["missing", "before-authentication"],
)
def test_the_system_check_wants_the_middleware_after_authentication(settings, middleware, error):
    settings.MIDDLEWARE = middleware(settings.MIDDLEWARE)
    assert error in {m.id for m in run_checks()}


def test_a_command_says_whose_data_it_works_on(settings, seed):
    """The demo loader runs outside any request: it states the district's scope, so running it
    again finds what it made instead of making it twice."""
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    with no_scope():
        call_command("load_demo", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())
    assert School.unscoped.count() == 3
