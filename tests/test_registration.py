"""Registering an at-risk child in one form: the ID number fills and checks, the user's school."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Case, Student
from tests import factories as f

URL = "/admin/casework/register/"
BORN = datetime.date(2013, 6, 9)


def data(**overrides):
    values = {
        "id_number": f.valid_id_number(BORN, gender="F"),
        "name": "登记测试李小花",
        "concern": "dropout_risk",
        "risk": "high",
        "summary": "连续三天未到校，家长外出务工。",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def school_field(response):
    return response.context["form"]["school"]


@pytest.mark.django_db
def test_the_url_and_the_dashboard_link(client, two_schools):
    assert reverse("casework_register_child") == URL
    client.force_login(two_schools["users"]["teacher_a"])
    dashboard = client.get("/admin/").content.decode()
    assert URL in dashboard and "登记重点关注学生" in dashboard


@pytest.mark.django_db
def test_a_teacher_registers_with_the_id_number_only_and_lands_on_the_case_file(
    client, two_schools
):
    teacher = two_schools["users"]["teacher_a"]
    client.force_login(teacher)
    form_page = client.get(URL)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    # The school is the teacher's own: not a field to fill in, and no teacher to pick.
    assert "甲校" in html and 'name="school"' in html and 'type="hidden"' in html
    assert 'name="teacher"' not in html

    response = client.post(URL, data())

    student = Student.unscoped.get(name="登记测试李小花")
    assert (student.birth_date, student.gender, student.school) == (BORN, "F", two_schools["a"])
    case = Case.unscoped.get(student=student)
    assert (case.teacher, case.concern, case.risk) == (teacher, "dropout_risk", "high")
    assert case.checklist_item.number == 3  # from the concern
    assert response.status_code == 302
    assert response.url == reverse("wagtailsnippets_casework_case:inspect", args=[case.pk])
    case_file = client.get(response.url).content.decode()
    assert "登记测试李小花" in case_file
    assert reverse("casework_quick_visit", args=[case.pk]) in case_file  # the first visit, one tap
    assert "已登记" in case_file


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("birth_date", "2013-06-10", "出生日期"),
        ("gender", "M", "性别"),
    ],
)
def test_a_birth_date_or_gender_against_the_id_number_is_refused(
    client, two_schools, field, value, words
):
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.post(URL, data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert words in errors[0] and "身份证号" in errors[0]
    assert not Student.unscoped.filter(name="登记测试李小花").exists()


@pytest.mark.django_db
def test_a_bad_id_number_is_refused_in_chinese(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    number = f.valid_id_number(BORN)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post(URL, data(id_number=wrong))
    assert "校验位" in response.context["form"].errors["id_number"][0]
    assert not Student.unscoped.filter(name="登记测试李小花").exists()
    assert not Case.unscoped.filter(summary__startswith="连续三天").exists()


@pytest.mark.django_db
def test_a_duplicate_id_number_is_refused_with_a_link_to_the_child(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    existing = two_schools["student_a"]
    response = client.post(URL, data(id_number=existing.id_number))
    message = response.context["form"].errors["id_number"][0]
    url = reverse("wagtailsnippets_casework_student:inspect", args=[existing.pk])
    assert url in message and existing.name in message
    assert Student.unscoped.filter(id_number=existing.id_number).count() == 1


@pytest.mark.django_db
def test_a_duplicate_at_another_school_does_not_reveal_the_child(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    other = two_schools["student_b"]
    response = client.post(URL, data(id_number=other.id_number))
    message = response.context["form"].errors["id_number"][0]
    assert other.name not in message and "另一所学校" in message


@pytest.mark.django_db
def test_a_teacher_cannot_register_into_another_school(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    response = client.post(URL, data(school=two_schools["b"].pk))
    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not Student.unscoped.filter(name="登记测试李小花").exists()


@pytest.mark.django_db
def test_a_teacher_cannot_pair_another_teacher(client, two_schools):
    teacher = two_schools["users"]["teacher_a"]
    client.force_login(teacher)
    client.post(URL, data(teacher=two_schools["users"]["teacher_b"].pk))
    assert Case.unscoped.get(student__name="登记测试李小花").teacher == teacher


@pytest.mark.django_db
def test_a_manager_pairs_a_teacher_of_the_school_only(client, two_schools):
    users = two_schools["users"]
    client.force_login(users["manager_a"])
    response = client.post(URL, data(teacher=users["teacher_b"].pk))
    assert response.context["form"].errors["teacher"]
    response = client.post(URL, data(teacher=users["teacher_a"].pk))
    assert response.status_code == 302
    assert Case.unscoped.get(student__name="登记测试李小花").teacher == users["teacher_a"]


@pytest.mark.django_db
def test_the_bureau_chooses_the_school(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    page = client.get(URL)
    assert '<select name="school"' in page.content.decode()
    response = client.post(URL, data(school=two_schools["b"].pk))
    assert response.status_code == 302
    assert Student.unscoped.get(name="登记测试李小花").school == two_schools["b"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader_wan", "editor"])
def test_roles_that_do_not_register_children_are_refused(client, two_schools, role):
    client.force_login(two_schools["users"][role])
    # Wagtail answers a refusal in the admin by going back to the dashboard with a message.
    for response in (client.get(URL), client.post(URL, data(school=two_schools["a"].pk))):
        assert (response.status_code, response.url) == (302, "/admin/")
    assert not Student.unscoped.filter(name="登记测试李小花").exists()
    assert URL not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_a_teacher_without_a_school_registers_nowhere(client, two_schools):
    client.force_login(f.make_user("teacher_nowhere", "teacher"))
    response = client.post(URL, data(school=two_schools["a"].pk))
    assert (response.status_code, response.url) == (302, "/admin/")
    assert not Student.unscoped.filter(name="登记测试李小花").exists()


@pytest.mark.django_db
def test_the_case_form_pairs_the_teacher_and_hides_closing_off_when_opening(client, two_schools):
    teacher = two_schools["users"]["teacher_a"]
    client.force_login(teacher)
    response = client.get(reverse("wagtailsnippets_casework_case:add"))
    form = response.context["form"]
    assert form["teacher"].value() == teacher.pk
    assert "close_reason" not in form.fields and "closed_on" not in form.fields
    html = response.content.decode()
    assert 'name="close_reason"' not in html
