import pytest
from django.db import connections
from django.test import Client

from casework import tallies
from casework.access.scope import system_scope
from home.seed import SeedLoader


@pytest.fixture(scope="module")
def migrated_data_back_after_this_module(django_db_blocker):
    """Transactional tests empty the database after each test; the rows the migrations made
    (Wagtail's root page, the default site) come back only for a next test that asks for them
    (``serialized_rollback``). After this module they come back for the next file too, whose
    tests may run in the same worker."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _no_figures_kept_from_another_test():
    """Each test's database starts again at the same ledger version: what an earlier test
    counted (casework.tallies) must not be read back as this one's."""
    tallies.forget()


@pytest.fixture(autouse=True)
def _tests_act_as_the_system():
    """Test code builds and checks data across schools, as a command would; requests made
    through the test client get their own scope from the middleware, as in production."""
    with system_scope():
        yield


@pytest.fixture
def seed(db):
    """The seed document loaded into pages and checklist items."""
    SeedLoader().run()


@pytest.fixture
def client():
    # The login throttle (django-axes) needs a request on authenticate(); force_login skips it.
    return Client()


@pytest.fixture
def two_schools(seed):
    """School A and school B, each with a teacher, a student and an open case; plus bureau users."""
    from tests import factories as f

    a = f.make_school("甲校")
    b = f.make_school("乙校")
    users = {
        "teacher_a": f.make_user("teacher_a", "teacher", school=a),
        "teacher_b": f.make_user("teacher_b", "teacher", school=b),
        "manager_a": f.make_user("manager_a", "manager", school=a),
        "office": f.make_user("office", "office", office="基础教育室"),
        "leader_wan": f.make_user("leader_wan", "leader", leader_name="万东旺"),
        "leader_lv": f.make_user("leader_lv", "leader", leader_name="吕志武"),
        "editor": f.make_user("editor", "editor"),
    }
    student_a = f.make_student(a, name="甲校学生王小明")
    student_b = f.make_student(b, name="乙校学生赵小红")
    case_a = f.make_case(student_a, teacher=users["teacher_a"])
    case_b = f.make_case(student_b, teacher=users["teacher_b"])
    return {
        "a": a,
        "b": b,
        "users": users,
        "student_a": student_a,
        "student_b": student_b,
        "case_a": case_a,
        "case_b": case_b,
    }


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
