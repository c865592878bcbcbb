"""Each user's school, office and leader name are kept on a profile edited in the user form."""

import pytest
from django.contrib.auth import get_user_model

from casework.access.roles import Role, group_for
from casework.access.scope import Scope, scope_for_user
from casework.models import Profile
from tests import factories as f


@pytest.mark.django_db
def test_an_administrator_gives_a_new_teacher_a_school_in_the_user_form(client, seed):
    school = f.make_school("丙校")
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x-pass-123")
    client.force_login(admin)
    assert "丙校" in client.get("/admin/users/new/").content.decode()
    response = client.post(
        "/admin/users/new/",
        {
            "username": "new_teacher",
            "email": "t@example.org",
            "first_name": "老师",
            "last_name": "新",
            "password1": "Long-enough-pass-987",
            "password2": "Long-enough-pass-987",
            "groups": [group_for(Role.TEACHER).pk],
            "school": school.pk,
            "office": "",
            "leader_name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="new_teacher")
    assert Profile.objects.get(user=user).school == school
    assert scope_for_user(user) == Scope(school_id=school.pk)

    edit_url = f"/admin/users/edit/{user.pk}/"
    assert f'value="{school.pk}" selected' in client.get(edit_url).content.decode()


@pytest.mark.django_db
def test_weak_passwords_are_refused(client, seed):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x-pass-123")
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {
            "username": "weak",
            "email": "w@example.org",
            "first_name": "弱",
            "last_name": "密码",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client, seed):
    f.make_user("target", "teacher")
    for _ in range(5):
        client.post("/admin/login/", {"username": "target", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "target", "password": f.PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429)
