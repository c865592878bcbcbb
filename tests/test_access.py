"""Trying to break the access rules: every admin URL × every role × own and other school."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.log_actions import log

from casework.models import AccessLog, Case, Finding, HomeVisit, Student, SupportRecord
from tests import factories as f

MODELS = [Student, Case, HomeVisit, SupportRecord, Finding]
ROLES = ["teacher_a", "manager_a", "office", "leader_wan", "editor", "anonymous"]
SCHOOL_SIDE = {"teacher_a", "manager_a", "editor", "anonymous"}
SECRET_B = "乙校学生赵小红"  # school B's child; never shown to school A, the editor or the public
FINDING_B = "乙校暖气管道渗漏"


@pytest.fixture
def world(two_schools):
    d = dict(two_schools)
    for key, school, case in (("a", d["a"], d["case_a"]), ("b", d["b"], d["case_b"])):
        d[f"visit_{key}"] = f.make_visit(case)
        d[f"support_{key}"] = f.make_support(case)
        d[f"finding_{key}"] = Finding.unscoped.create(
            school=school,
            checklist_item=case.checklist_item,
            problem=FINDING_B if key == "b" else "甲校问题",
        )
    for key in ("a", "b"):
        for obj in (
            d[f"student_{key}"],
            d[f"case_{key}"],
            d[f"visit_{key}"],
            d[f"support_{key}"],
            d[f"finding_{key}"],
        ):
            obj.save_revision(user=d["users"]["office"])
            log(obj, "wagtail.edit", user=d["users"]["office"])
    return d


def obj_for(world, model, side):
    key = {
        Student: "student",
        Case: "case",
        HomeVisit: "visit",
        SupportRecord: "support",
        Finding: "finding",
    }[model]
    return world[f"{key}_{side}"]


def object_urls(obj):
    """Every URL of the model's view set and chooser that names this object."""
    viewset = type(obj).snippet_viewset
    revision = obj.revisions.order_by("pk").first()
    urls = {}
    for pattern in viewset.get_urlpatterns():
        name = pattern.name
        kwargs = {}
        route = str(pattern.pattern)
        if "pk" not in route:
            continue
        kwargs["pk"] = obj.pk
        if "revision_id_a" in route:
            kwargs.update(revision_id_a=revision.pk, revision_id_b="latest")
        elif "revision_id" in route:
            kwargs["revision_id"] = revision.pk
        urls[name] = reverse(viewset.get_url_name(name), kwargs=kwargs)
    chooser = viewset.chooser_viewset
    urls["chooser_chosen"] = reverse(chooser.get_url_name("chosen"), args=[obj.pk])
    urls["chooser_chosen_multiple"] = (
        reverse(chooser.get_url_name("chosen_multiple")) + f"?id={obj.pk}"
    )
    return urls


def list_urls(model):
    viewset = model.snippet_viewset
    chooser = viewset.chooser_viewset
    return {
        "list": reverse(viewset.get_url_name("list")),
        "list_results": reverse(viewset.get_url_name("list_results")),
        "search": reverse(viewset.get_url_name("list")) + "?q=赵小红",
        "add": reverse(viewset.get_url_name("add")),
        "choose": reverse(chooser.get_url_name("choose")),
        "choose_results": reverse(chooser.get_url_name("choose_results")) + "?q=赵",
    }


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def leaks(body):
    return SECRET_B in body or FINDING_B in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("side", ["a", "b"])
def test_every_object_url(client, world, role, model, side):
    login(client, world, role)
    obj = obj_for(world, model, side)
    for name, url in object_urls(obj).items():
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert response.status_code < 500, (name, url)
        if role == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"], name
        elif role in SCHOOL_SIDE and (side == "b" or role == "editor"):
            if name == "chooser_chosen_multiple":
                assert response.json()["result"] == [], name  # chosen nothing
            else:
                assert response.status_code == 404, (name, url, response.status_code)
        if role in SCHOOL_SIDE:
            assert not leaks(body), (name, url)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_list_search_and_chooser_url(client, world, role, model):
    login(client, world, role)
    for name, url in list_urls(model).items():
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert response.status_code < 500, (name, url)
        if role == "anonymous":
            assert response.status_code == 302, name
        if role in SCHOOL_SIDE:
            assert not leaks(body), (name, url)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "editor"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_posting_to_another_schools_object_changes_nothing(client, world, role, model):
    login(client, world, role)
    obj = obj_for(world, model, "b")
    urls = object_urls(obj)
    for name in ("delete", "lock", "unlock", "edit", "revisions_revert"):
        if name in urls:
            response = client.post(urls[name], {"name": "hijacked", "summary": "hijacked"})
            assert response.status_code == 404, (name, response.status_code)
    assert type(obj).unscoped.filter(pk=obj.pk).exists()
    if model is Case:
        obj.refresh_from_db()
        assert obj.summary != "hijacked" and obj.locked is False


@pytest.mark.django_db
def test_a_teacher_cannot_move_a_student_or_pick_another_schools_child(client, world):
    login(client, world, "teacher_a")
    student = world["student_a"]
    url = reverse(Student.snippet_viewset.get_url_name("edit"), args=[student.pk])
    data = {
        "name": student.name,
        "gender": student.gender,
        "birth_date": student.birth_date.isoformat(),
        "id_number": student.id_number,
        "school": world["b"].pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.school == world["a"]

    response = client.post(
        reverse(Case.snippet_viewset.get_url_name("add")),
        {
            "student": world["student_b"].pk,
            "concern": "dropout_risk",
            "risk": "high",
            "status": "open",
            "opened_on": "2026-11-01",
            "summary": "试图为乙校学生建档",
        },
    )
    assert response.status_code == 200
    assert not Case.unscoped.filter(summary="试图为乙校学生建档").exists()

    response = client.post(
        reverse(HomeVisit.snippet_viewset.get_url_name("add")),
        {
            "case": world["case_b"].pk,
            "visited_on": "2026-11-01",
            "mode": "home",
            "visitors": "李老师",
            "child_state": "in_school",
            "findings": "试图为乙校个案登记家访",
        },
    )
    assert response.status_code == 200
    assert not HomeVisit.unscoped.filter(findings="试图为乙校个案登记家访").exists()


@pytest.mark.django_db
def test_a_teacher_cannot_pair_a_case_with_another_schools_teacher(client, world):
    login(client, world, "manager_a")
    case = world["case_a"]
    response = client.post(
        reverse(Case.snippet_viewset.get_url_name("edit"), args=[case.pk]),
        {
            "student": case.student.pk,
            "concern": case.concern,
            "checklist_item": case.checklist_item.pk,
            "risk": case.risk,
            "status": case.status,
            "opened_on": case.opened_on.isoformat(),
            "teacher": world["users"]["teacher_b"].pk,
            "summary": case.summary,
        },
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.teacher == world["users"]["teacher_a"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "editor"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_school_roles_cannot_export(client, world, role, model):
    login(client, world, role)
    url = reverse(model.snippet_viewset.get_url_name("list"))
    for fmt in ("xlsx", "csv"):
        response = client.get(url, {"export": fmt})
        assert response.status_code in (302, 403)
        assert not response.get("Content-Disposition")
    assert not AccessLog.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_bureau_export_is_logged_and_neutralises_formulas(client, world):
    import io

    import openpyxl

    world["student_a"].__class__.unscoped.filter(pk=world["student_a"].pk).update(
        name="=HYPERLINK(1)"
    )
    login(client, world, "office")
    url = reverse(Student.snippet_viewset.get_url_name("list"))
    response = client.get(url, {"export": "xlsx", "school": world["a"].pk})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]  # under the title rows
    assert names == ["'=HYPERLINK(1)"]
    entry = AccessLog.objects.get(action="export")
    assert entry.user == world["users"]["office"]
    assert entry.row_count == 1 and entry.filters == {"school": str(world["a"].pk)}
    response = client.get(url, {"export": "csv"})
    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode()
    assert AccessLog.objects.filter(action="export").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "editor"])
def test_wagtail_pages_beyond_the_view_sets_do_not_leak(client, world, role):
    login(client, world, role)
    for url in (
        "/admin/",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/search/?q=赵小红",
        "/admin/snippets/",
        "/admin/snippets/casework/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
        "/admin/workflows/tasks/index/",
    ):
        response = client.get(url)
        assert response.status_code < 500, url
        assert not leaks(response.content.decode(errors="replace")), url


@pytest.mark.django_db
def test_bureau_sees_the_site_history_of_every_school(client, world):
    login(client, world, "office")
    body = client.get("/admin/reports/site-history/").content.decode()
    assert SECRET_B in body


@pytest.mark.django_db
def test_a_teacher_sees_the_history_of_their_own_school(client, world):
    login(client, world, "teacher_a")
    body = client.get("/admin/reports/site-history/").content.decode()
    assert "甲校学生王小明" in body


@pytest.mark.django_db
def test_case_file_openings_are_logged_and_shown_to_the_bureau_only(client, world):
    case = world["case_a"]
    url = reverse(Case.snippet_viewset.get_url_name("inspect"), args=[case.pk])
    login(client, world, "teacher_a")
    body = client.get(url).content.decode()
    assert "查阅记录" not in body
    assert case.student.id_number in body
    client.logout()
    login(client, world, "office")
    body = client.get(url).content.decode()
    assert "查阅记录" in body and "teacher_a" in body
    assert list(
        AccessLog.objects.filter(case=case, action="view_case").values_list(
            "user__username", flat=True
        )
    ) == ["office", "teacher_a"]


@pytest.mark.django_db
def test_the_public_site_and_its_search_never_show_a_child(client, world):
    from wagtail.models import Page

    names = [world["student_a"].name, SECRET_B]
    id_numbers = [world["student_a"].id_number, world["student_b"].id_number]
    for page in Page.objects.live().filter(depth__gt=1):
        body = client.get(page.url).content.decode()
        assert not any(n in body for n in names + id_numbers), page.url
    # Partial queries, so that the page echoing the query back is not mistaken for a leak.
    for query in ["王小明", "赵小红", id_numbers[0][:10], id_numbers[1][6:14]]:
        body = client.get("/search/", {"query": query}).content.decode()
        assert not any(n in body for n in names + id_numbers), query
        assert 'class="search-result"' not in body  # no result listed
    from wagtail.search.models import IndexEntry

    indexed = " ".join(IndexEntry.objects.values_list("title", flat=True))
    assert not any(n in indexed for n in names)


@pytest.mark.django_db
def test_anonymous_admin_requests_go_to_login(client, world):
    response = client.get("/admin/snippets/casework/case/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert AnonymousUser().is_authenticated is False


@pytest.mark.django_db
def test_student_chooser_searches_by_name_and_id_within_the_school(client, world):
    login(client, world, "teacher_a")
    chooser = Student.snippet_viewset.chooser_viewset
    results = reverse(chooser.get_url_name("choose_results"))
    body = client.get(results, {"q": "王小明"}).content.decode()
    assert "甲校学生王小明" in body
    body = client.get(results, {"q": world["student_a"].id_number[-6:]}).content.decode()
    assert "甲校学生王小明" in body
    body = client.get(results, {"q": world["student_b"].id_number}).content.decode()
    assert SECRET_B not in body


@pytest.mark.django_db
def test_teacher_chooser_offers_only_the_schools_own_staff(client, world):
    login(client, world, "manager_a")
    body = client.get("/admin/casework/teachers/results/", {"q": "teacher"}).content.decode()
    assert "teacher_a" in body and "teacher_b" not in body
    other = world["users"]["teacher_b"]
    assert client.get(f"/admin/casework/teachers/chosen/{other.pk}/").status_code == 404
    # The bureau pairs across schools, but each case only with its own child's school's staff.
    login(client, world, "office")
    results = "/admin/casework/teachers/results/"
    body = client.get(results, {"student": world["student_b"].pk}).content.decode()
    assert "teacher_b" in body and "teacher_a" not in body


@pytest.mark.django_db
def test_bulk_delete_of_another_schools_cases_deletes_nothing(client, world):
    login(client, world, "manager_a")
    case_b = world["case_b"]
    url = f"/admin/bulk/casework/case/delete/?next=/admin/&id={case_b.pk}"
    client.get(url)
    client.post(url)
    assert Case.unscoped.filter(pk=case_b.pk).exists()
