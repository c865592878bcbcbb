"""The actions people came for are buttons in sight, labelled for what they do (issue 21)."""

import pytest
from django.urls import reverse

from casework.models import Case, Student
from tests import factories as f

pytestmark = pytest.mark.django_db


def case_file(case):
    return reverse(Case.snippet_viewset.get_url_name("inspect"), args=[case.pk])


def reassign_url(case):
    return reverse(Case.snippet_viewset.get_url_name("reassign"), args=[case.pk])


def header_of(response):
    page = response.content.decode()
    return page[page.index("<header") : page.index("</header>")]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("teacher_a", ["登记家访", "登记帮扶"], ["改派", "申请销号"]),
        ("manager_a", ["登记家访", "登记帮扶", "改派", "申请销号"], []),
        ("office", ["登记家访", "登记帮扶", "改派", "申请销号"], []),
    ],
)
def test_the_case_file_header_names_each_action_of_the_role(
    client, two_schools, role, shown, hidden
):
    client.force_login(two_schools["users"][role])
    header = header_of(client.get(case_file(two_schools["case_a"])))
    for label in shown:
        assert label in header, label
    for label in hidden:
        assert label not in header, label


def test_reassign_offers_the_schools_staff_only_and_returns_to_the_case_file(client, two_schools):
    d = two_schools
    other_teacher = f.make_user(
        "teacher_a2", "teacher", school=d["a"], first_name="芳", last_name="李"
    )
    client.force_login(d["users"]["manager_a"])
    page = client.get(reassign_url(d["case_a"])).content.decode()
    assert "李芳" in page
    assert d["users"]["teacher_b"].username not in page  # another school's teacher

    # Another school's teacher posted by hand is refused with the field named.
    response = client.post(reassign_url(d["case_a"]), {"teacher": d["users"]["teacher_b"].pk})
    assert "请选择本校的教师" in response.content.decode()
    d["case_a"].refresh_from_db()
    assert d["case_a"].teacher == d["users"]["teacher_a"]

    response = client.post(reassign_url(d["case_a"]), {"teacher": other_teacher.pk}, follow=True)
    assert response.redirect_chain[-1][0] == case_file(d["case_a"])
    assert "已改派：李芳" in response.content.decode()
    d["case_a"].refresh_from_db()
    assert d["case_a"].teacher == other_teacher


@pytest.mark.parametrize("role", ["teacher_a", "teacher_b", "leader_wan"])
def test_reassign_is_refused_to_those_who_may_not_assign(client, two_schools, role):
    client.force_login(two_schools["users"][role])
    assert client.get(reassign_url(two_schools["case_a"])).status_code in (403, 404, 302)


def test_a_school_manager_cannot_reassign_another_schools_case(client, two_schools):
    client.force_login(two_schools["users"]["manager_a"])
    assert client.get(reassign_url(two_schools["case_b"])).status_code == 404


def test_export_to_excel_is_a_header_button_on_the_case_list(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    response = client.get(reverse(Case.snippet_viewset.get_url_name("list")))
    header = header_of(response)
    assert "导出Excel" in header and "export=xlsx" in header


def test_saving_a_case_says_what_was_saved_not_a_bare_updated(client, two_schools):
    from tests.test_pairing import case_data

    d = two_schools
    case = d["case_a"]
    client.force_login(d["users"]["manager_a"])
    edit = reverse(Case.snippet_viewset.get_url_name("edit"), args=[case.pk])
    response = client.post(edit, case_data(case, d["users"]["teacher_a"]), follow=True)
    page = response.content.decode()
    assert f"已保存对“{case}”的修改" in page
    assert "已更新" not in page


def row_of(page, name):
    """The list row (``<tr>…</tr>``) naming ``name``."""
    start = page.rindex("<tr", 0, page.index(name))
    return page[start : page.index("</tr>", start)]


def test_each_act_on_a_case_list_row_is_a_button_in_sight(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["teacher_a"])
    page = client.get(reverse(Case.snippet_viewset.get_url_name("list"))).content.decode()
    row = row_of(page, d["case_a"].student.name)
    # No "⋯" menu to open: the visit and the edit are links on the row itself.
    assert "w-dropdown" not in row
    assert f'href="{case_file(d["case_a"])}"' in row  # the name opens the case file
    for label, url in (
        ("登记家访", reverse("casework_quick_visit", args=[d["case_a"].pk])),
        ("编辑", reverse(Case.snippet_viewset.get_url_name("edit"), args=[d["case_a"].pk])),
    ):
        assert label in row
        assert url in row
    # The case file itself is not offered twice.
    assert "检查" not in row


def test_a_closed_case_offers_no_visit_on_its_row(client, two_schools):
    d = two_schools
    Case.unscoped.filter(pk=d["case_a"].pk).update(
        status=Case.Status.CLOSED, closed_on=d["case_a"].opened_on
    )
    client.force_login(d["users"]["teacher_a"])
    page = client.get(reverse(Case.snippet_viewset.get_url_name("list"))).content.decode()
    row = row_of(page, d["case_a"].student.name)
    assert "登记家访" not in row
    assert "编辑" in row


def test_a_student_row_offers_the_record_to_view_in_words_staff_use(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["office"])
    page = client.get(reverse(Student.snippet_viewset.get_url_name("list"))).content.decode()
    row = row_of(page, d["student_a"].name)
    inspect = reverse(Student.snippet_viewset.get_url_name("inspect"), args=[d["student_a"].pk])
    assert f'href="{inspect}"' in row
    assert "查看" in row and "检查" not in row  # Wagtail's "Inspect" reads as an inspection
