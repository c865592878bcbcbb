"""The case list's quicker rendering writes what Django and Wagtail would have written."""

import pytest
from django import forms
from django.urls import reverse

from casework.models import Case, ChecklistItem, Student
from casework.widgets import QuickSelect


def same(a, b):
    return a.replace("\n\n", "\n") == b


@pytest.mark.parametrize(
    "choices, value",
    [
        ([("", "---------"), (1, "甲<校>"), (2, "b")], 1),
        ([("g", [(1, "x"), (2, "y")]), (3, "z")], None),
        ([(1, "x"), (2, "y")], "2"),
    ],
)
def test_quick_select_writes_djangos_markup(choices, value):
    attrs = {"id": "id_school", "data-x": "1"}
    assert same(
        forms.Select(choices=choices).render("school", value, attrs),
        QuickSelect(choices=choices).render("school", value, attrs),
    )


@pytest.mark.django_db
def test_quick_select_of_a_model_choice_field(seed):
    item = ChecklistItem.objects.first()
    plain = forms.ModelChoiceField(queryset=ChecklistItem.objects.all())
    quick = forms.ModelChoiceField(queryset=ChecklistItem.objects.all(), widget=QuickSelect)
    assert same(
        plain.widget.render("item", item.pk, {"id": "i"}),
        quick.widget.render("item", item.pk, {"id": "i"}),
    )


@pytest.mark.django_db
def test_the_case_list_searches_children_by_name_and_id_number(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    url = reverse(Case.snippet_viewset.get_url_name("list"))
    student = two_schools["student_a"]
    spaced = f"{student.id_number[:6]} {student.id_number[6:14]} {student.id_number[14:]}".lower()
    for query in ("王小明", spaced, student.id_number[-8:]):
        body = client.get(url, {"q": query}).content.decode()
        assert student.name in body, query
        assert two_schools["student_b"].name not in body, query
    body = client.get(url, {"q": "没有这个孩子"}).content.decode()
    assert student.name not in body and two_schools["student_b"].name not in body


@pytest.mark.django_db
def test_a_student_number_is_found_whatever_the_case_it_is_typed_in(client, two_schools):
    # Chinese names and digits are matched as typed; letters still in either case.
    student = two_schools["student_a"]
    Student.unscoped.filter(pk=student.pk).update(student_number="G6402021234")
    client.force_login(two_schools["users"]["office"])
    url = reverse(Case.snippet_viewset.get_url_name("list"))
    for query in ("g640202", "G640202", "6402021234", "小明"):
        body = client.get(url, {"q": query}).content.decode()
        assert student.name in body, query
        assert two_schools["student_b"].name not in body, query


@pytest.mark.django_db
@pytest.mark.parametrize("value, shown", [("true", "是"), ("false", "否")])
def test_an_active_yes_no_filter_reads_in_chinese_above_the_list(client, two_schools, value, shown):
    client.force_login(two_schools["users"]["office"])
    url = reverse(Case.snippet_viewset.get_url_name("list"))
    html = client.get(url, {"overdue": value}).content.decode()
    assert f'<b class="w-ml-1">{shown}</b>' in html
    assert "True" not in html and "False" not in html
