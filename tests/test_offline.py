"""The field pages offline, on the server's side: the queue's sync endpoint stores a visit once,
under the same rules and scope as the quick visit form, and answers conflicts in Chinese."""

import datetime
import io
import json
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from casework.models import Attachment, Case, CaseworkLogEntry, HomeVisit
from tests import factories as f

TODAY = datetime.date(2025, 3, 12)
NOON = datetime.datetime(2025, 3, 12, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SYNC = "/admin/casework/field/sync/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def teacher(client, two_schools, media_root):
    user = two_schools["users"]["teacher_a"]
    client.force_login(user)
    return user


def entry(case, user, **overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "case": str(case.pk),
        "entered_by": str(user.pk),
        "entered_at": "2025-03-12T09:30:00+08:00",
        "visited_on": TODAY.isoformat(),
        "child_state": "in_school",
        "findings": "离线登记：孩子在家，已答应明天返校。",
        "next_visit_due": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "mode": "home",
        "visitors": "李老师",
    }
    data.update(overrides)
    return data


def photo(name="IMG_0002.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "blue").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_the_sync_url_is_under_the_field_pages():
    # The service worker's scope is field/: everything it touches lives there.
    assert reverse("casework_offline_sync") == SYNC
    assert reverse("casework_offline_worker").startswith(reverse("casework_offline_field"))


@pytest.mark.django_db
def test_the_same_id_sent_twice_is_stored_once(client, teacher, two_schools):
    case = two_schools["case_a"]
    data = entry(case, teacher)

    first = client.post(SYNC, {**data, "photos": photo()})
    second = client.post(SYNC, {**data, "photos": photo()})

    assert first.status_code == 200, first.content
    assert first.json()["status"] == "stored"
    assert "2025年3月12日" in first.json()["message"]
    assert second.status_code == 200
    assert second.json()["status"] == "stored"
    assert second.json()["visit"] == first.json()["visit"]
    visits = HomeVisit.unscoped.filter(case=case)
    assert visits.count() == 1
    visit = visits.get()
    assert str(visit.client_id) == data["client_id"]
    assert Attachment.unscoped.filter(home_visit=visit).count() == 1  # the retry added no photo
    assert Case.unscoped.get(pk=case.pk).next_visit_due == TODAY + datetime.timedelta(days=7)


@pytest.mark.django_db
def test_the_history_says_it_was_entered_offline_and_when_it_was_synced(
    client, teacher, two_schools
):
    case = two_schools["case_a"]
    client.post(SYNC, entry(case, teacher))

    visit = HomeVisit.unscoped.get(case=case)
    assert visit.entered_offline_at == datetime.datetime(
        2025, 3, 12, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert visit.synced_at == NOON
    log = CaseworkLogEntry.objects.get(action="casework.offline_synced", object_id=str(visit.pk))
    assert log.user == teacher
    assert log.school_id == two_schools["a"].pk
    assert "2025年3月12日 09:30" in log.message and "2025年3月12日 12:00" in log.message

    # The case file's timeline shows it too.
    page = client.get(reverse("wagtailsnippets_casework_case:inspect", args=[case.pk]))
    assert "离线" in page.content.decode()
    assert "2025年3月12日 12:00" in page.content.decode()


@pytest.mark.django_db
def test_another_schools_case_is_refused_and_nothing_is_stored(client, teacher, two_schools):
    case_b = two_schools["case_b"]

    response = client.post(SYNC, entry(case_b, teacher))

    assert response.status_code == 404
    answer = response.json()
    assert answer["status"] == "conflict"
    assert answer["reason"] == "not_found"
    assert "不是本校" in answer["message"] or "本校" in answer["message"]
    assert two_schools["student_b"].name not in response.content.decode()
    assert not HomeVisit.unscoped.filter(case=case_b).exists()


@pytest.mark.django_db
def test_a_case_closed_meanwhile_is_a_conflict_and_nothing_is_stored(client, teacher, two_schools):
    case = two_schools["case_a"]
    Case.unscoped.filter(pk=case.pk).update(status=Case.Status.CLOSED)

    response = client.post(SYNC, entry(case, teacher))

    assert response.status_code == 409
    assert response.json()["status"] == "conflict"
    assert response.json()["reason"] == "closed"
    assert "销号" in response.json()["message"]
    assert not HomeVisit.unscoped.filter(case=case).exists()


@pytest.mark.django_db
def test_a_case_reassigned_meanwhile_is_stored_only_when_the_teacher_says_so(
    client, teacher, two_schools
):
    case = two_schools["case_a"]
    other = f.make_user("teacher_a2", "teacher", school=two_schools["a"])
    other.last_name, other.first_name = "张", "老师"
    other.save()
    Case.unscoped.filter(pk=case.pk).update(teacher=other)
    data = entry(case, teacher)

    refused = client.post(SYNC, data)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "reassigned"
    assert "张老师" in refused.json()["message"]
    assert not HomeVisit.unscoped.filter(case=case).exists()

    confirmed = client.post(SYNC, {**data, "confirm_reassigned": "1"})
    assert confirmed.json()["status"] == "stored"
    assert HomeVisit.unscoped.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_child_who_moved_school_is_a_conflict_that_names_no_school(client, teacher, two_schools):
    case = two_schools["case_a"]
    student = two_schools["student_a"]
    type(student).unscoped.filter(pk=student.pk).update(school=two_schools["b"])

    response = client.post(SYNC, entry(case, teacher))

    assert response.status_code == 409
    assert response.json()["reason"] == "moved"
    assert "转学" in response.json()["message"] or "其他学校" in response.json()["message"]
    assert two_schools["b"].name not in response.content.decode()
    assert not HomeVisit.unscoped.filter(case=case).exists()


@pytest.mark.django_db
def test_the_same_rules_as_online_with_the_errors_on_the_fields(client, teacher, two_schools):
    case = two_schools["case_a"]

    response = client.post(
        SYNC,
        entry(case, teacher, findings="", child_state="dropped_out", visited_on="2025-04-01"),
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"findings", "visited_on", "leave_reason"}
    assert errors["findings"]["label"] == "了解情况"
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in m) for e in errors.values() for m in e["messages"]
    )
    assert not HomeVisit.unscoped.filter(case=case).exists()


@pytest.mark.django_db
def test_an_entry_of_another_account_is_not_stored_under_this_one(client, teacher, two_schools):
    case = two_schools["case_a"]
    someone_else = two_schools["users"]["manager_a"]

    response = client.post(SYNC, entry(case, someone_else))

    assert response.status_code == 403
    assert response.json()["reason"] == "other_user"
    assert not HomeVisit.unscoped.filter(case=case).exists()


@pytest.mark.django_db
def test_an_id_used_by_another_account_is_neither_stored_nor_revealed(client, teacher, two_schools):
    case = two_schools["case_a"]
    data = entry(case, teacher)
    client.post(SYNC, data)
    manager = two_schools["users"]["manager_a"]
    client.force_login(manager)

    response = client.post(SYNC, {**data, "entered_by": str(manager.pk)})

    assert response.status_code == 409
    assert response.json()["reason"] == "id_taken"
    assert "visit" not in response.json()
    assert HomeVisit.unscoped.filter(case=case).count() == 1


@pytest.mark.django_db
def test_an_ended_session_is_sent_to_the_login_page_and_nothing_is_stored(client, two_schools):
    case = two_schools["case_a"]
    teacher = two_schools["users"]["teacher_a"]

    response = client.post(SYNC, entry(case, teacher))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not HomeVisit.unscoped.filter(case=case).exists()


@pytest.mark.django_db
def test_the_list_holds_only_the_teachers_own_cases_and_no_id_number(client, teacher, two_schools):
    other = f.make_user("teacher_a2", "teacher", school=two_schools["a"])
    f.make_case(f.make_student(two_schools["a"], name="甲校别的老师的学生"), teacher=other)

    response = client.get(reverse("casework_offline_data"))

    text = response.content.decode()
    data = json.loads(text)
    assert [c["name"] for c in data["cases"]] == [two_schools["student_a"].name]
    assert two_schools["student_b"].name not in text
    assert "甲校别的老师的学生" not in text
    assert two_schools["student_a"].id_number not in text
    assert "id_number" not in text and "address" not in text


@pytest.mark.django_db
def test_the_worker_is_scoped_to_the_field_pages_and_caches_only_their_files(client, teacher):
    shell = reverse("casework_offline_field")

    worker = client.get(reverse("casework_offline_worker"))
    manifest = client.get(reverse("casework_offline_manifest")).json()

    assert worker["Content-Type"].startswith("text/javascript")
    script = worker.content.decode()
    config = json.loads(script.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["shell"] == shell
    assert all(url.startswith("/static/casework/") for url in config["static"])
    assert manifest["scope"] == shell and manifest["start_url"] == shell
    assert manifest["name"] == "家访（可离线）"


@pytest.mark.django_db
def test_only_those_who_log_visits_open_the_field_pages(client, two_schools):
    client.force_login(two_schools["users"]["editor"])

    for name in ("casework_offline_field", "casework_offline_data", "casework_offline_worker"):
        assert client.get(reverse(name)).status_code in (302, 403), name
    assert client.post(SYNC, {}).status_code in (302, 403)


# --- campaign visits (全覆盖家访) through the same queue ----------------------------------------


def assigned_household(student, teacher, **student_fields):
    """``student``'s household, given to ``teacher`` for the term."""
    from casework.campaign.models import Household, household_of

    for name, value in student_fields.items():
        setattr(student, name, value)
    if student_fields:
        student.save()
    household = household_of(student)
    Household.unscoped.filter(pk=household.pk).update(teacher=teacher)
    household.refresh_from_db()
    return household


def campaign_entry(household, student, user, **overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "kind": "campaign",
        "household": str(household.pk),
        "student": str(student.pk),
        "entered_by": str(user.pk),
        "entered_at": "2025-03-12T09:30:00+08:00",
        "visited_on": TODAY.isoformat(),
        "child_state": "in_school",
        "findings": "全覆盖离线家访：家中情况良好。",
        "mode": "home",
        "visitors": "李老师",
        "risk": "medium",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_list_holds_the_teachers_unvisited_households_and_no_id_number_or_address(
    client, teacher, two_schools
):
    from casework.campaign.models import CampaignVisit

    a = two_schools["a"]
    home = dict(guardian_name="王大山", address="星海镇幸福村5号", hukou_village="幸福村")
    mine = assigned_household(two_schools["student_a"], teacher, **home)
    sibling = f.make_student(a, name="甲校学生王小花", grade="3年级", class_name="1班", **home)
    mine.students.add(sibling)
    visited = assigned_household(
        f.make_student(a, name="已家访的孩子", guardian_name="李", address="别处1号"), teacher
    )
    CampaignVisit.unscoped.create(
        household=visited,
        student=visited.students.first(),
        visitors="李老师",
        child_state="in_school",
        findings="本学期已去过",
        visited_on=TODAY,
    )
    other = f.make_user("teacher_a2", "teacher", school=a)
    assigned_household(f.make_student(a, name="别的老师的户", guardian_name="赵"), other)
    # A household of school B, even if wrongly given to this teacher, stays out of the list.
    assigned_household(two_schools["student_b"], teacher, guardian_name="乙校家长")

    response = client.get(reverse("casework_offline_data"))

    text = response.content.decode()
    households = json.loads(text)["households"]
    assert [h["id"] for h in households] == [mine.pk]
    assert households[0]["village"] == "幸福村"
    names = {c["name"]: c["class"] for c in households[0]["children"]}
    assert names == {
        "甲校学生王小明": f"{two_schools['student_a'].grade}{two_schools['student_a'].class_name}",
        "甲校学生王小花": "3年级1班",
    }
    for secret in ("已家访的孩子", "别的老师的户", two_schools["student_b"].name, "乙校家长"):
        assert secret not in text
    for secret in (two_schools["student_a"].id_number, sibling.id_number, "王大山", "幸福村5号"):
        assert secret not in text
    assert "id_number" not in text and "address" not in text and "guardian" not in text


@pytest.mark.django_db
def test_a_campaign_visit_sent_twice_is_stored_once_and_the_household_counts_as_visited(
    client, teacher, two_schools
):
    from casework.campaign.models import CampaignVisit, Household, this_term

    household = assigned_household(two_schools["student_a"], teacher)
    data = campaign_entry(household, two_schools["student_a"], teacher)

    first = client.post(SYNC, {**data, "photos": photo()})
    second = client.post(SYNC, {**data, "photos": photo()})

    assert first.status_code == 200, first.content
    assert first.json()["status"] == "stored"
    assert (
        "2025年3月12日" in first.json()["message"] and "覆盖该户1名子女" in first.json()["message"]
    )
    assert second.status_code == 200 and second.json()["reason"] == "again"
    assert second.json()["campaign_visit"] == first.json()["campaign_visit"]
    visit = CampaignVisit.unscoped.get(household=household)
    assert str(visit.client_id) == data["client_id"]
    assert Attachment.unscoped.filter(campaign_visit=visit).count() == 1
    assert household.pk in Household.unscoped.visited_since(this_term()).values_list(
        "pk", flat=True
    )
    assert client.get(reverse("casework_offline_data")).json()["households"] == []

    # The history: entered offline, synced, as for a case's visit; the online list shows it.
    assert visit.entered_offline_at.hour == 1 and visit.synced_at == NOON  # 09:30 +08 is 01:30 UTC
    log = CaseworkLogEntry.objects.get(action="casework.offline_synced", object_id=str(visit.pk))
    assert log.user == teacher and log.school_id == two_schools["a"].pk
    assert "2025年3月12日 09:30" in log.message and "2025年3月12日 12:00" in log.message
    page = client.get(reverse("casework_campaign_mine")).content.decode()
    assert "手机离线录入于2025年3月12日 09:30，同步于2025年3月12日 12:00" in page


@pytest.mark.django_db
def test_a_campaign_visit_follows_the_online_campaign_forms_rules(client, teacher, two_schools):
    from casework.campaign.models import CampaignVisit

    household = assigned_household(two_schools["student_a"], teacher)

    response = client.post(
        SYNC,
        campaign_entry(
            household,
            two_schools["student_a"],
            teacher,
            findings="",
            child_state="dropped_out",
            visited_on="2025-04-01",
            open_case="on",
            concern="",
        ),
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"findings", "visited_on", "leave_reason", "concern"}
    assert errors["concern"]["messages"] == ["请选择个案涉及的问题。"] or all(
        any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in errors["concern"]["messages"]
    )
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in m) for e in errors.values() for m in e["messages"]
    )
    assert not CampaignVisit.unscoped.exists()


@pytest.mark.django_db
def test_a_campaign_visit_that_finds_a_concern_opens_a_case_marked_as_entered_offline(
    client, teacher, two_schools
):
    from casework.campaign.models import CampaignVisit

    student = f.make_student(two_schools["a"], name="甲校新发现的孩子", guardian_name="孙")
    household = assigned_household(student, teacher)

    response = client.post(
        SYNC,
        campaign_entry(household, student, teacher, open_case="on", concern="left_behind"),
    )

    assert response.status_code == 200, response.content
    visit = CampaignVisit.unscoped.get(household=household)
    assert visit.case is not None and visit.case.teacher == teacher
    opened = HomeVisit.unscoped.get(case=visit.case)
    assert opened.synced_at == NOON and opened.entered_offline_at is not None
    assert response.json()["case_url"]


@pytest.mark.django_db
def test_another_schools_household_is_refused_and_nothing_is_revealed(client, teacher, two_schools):
    from casework.campaign.models import CampaignVisit, household_of

    household_b = household_of(two_schools["student_b"])

    response = client.post(SYNC, campaign_entry(household_b, two_schools["student_b"], teacher))

    assert response.status_code == 404
    assert response.json()["reason"] == "not_found"
    assert "本校" in response.json()["message"]
    assert two_schools["student_b"].name not in response.content.decode()
    assert not CampaignVisit.unscoped.exists()

    # A child of school A sent with school B's household is refused too.
    response = client.post(SYNC, campaign_entry(household_b, two_schools["student_a"], teacher))
    assert response.status_code == 404
    assert not CampaignVisit.unscoped.exists()


@pytest.mark.django_db
def test_a_household_moved_or_given_to_another_teacher_is_a_conflict(client, teacher, two_schools):
    from casework.campaign.models import CampaignVisit, Household

    household = assigned_household(two_schools["student_a"], teacher)
    other = f.make_user("teacher_a2", "teacher", school=two_schools["a"])
    other.last_name, other.first_name = "张", "老师"
    other.save()

    # Given to another teacher: 409, stored only when the teacher sends it anyway.
    Household.unscoped.filter(pk=household.pk).update(teacher=other)
    data = campaign_entry(household, two_schools["student_a"], teacher)
    refused = client.post(SYNC, data)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "reassigned"
    assert "张老师" in refused.json()["message"]
    assert not CampaignVisit.unscoped.exists()
    confirmed = client.post(SYNC, {**data, "confirm_reassigned": "1"})
    assert confirmed.json()["status"] == "stored"

    # Moved to another school: 409, naming no school, nothing stored.
    moved = assigned_household(f.make_student(two_schools["a"], name="转走的孩子"), teacher)
    student = moved.students.get()
    Household.unscoped.filter(pk=moved.pk).update(school=two_schools["b"])
    type(student).unscoped.filter(pk=student.pk).update(school=two_schools["b"])
    response = client.post(SYNC, campaign_entry(moved, student, teacher))
    assert response.status_code == 409
    assert response.json()["reason"] == "moved"
    assert "其他学校" in response.json()["message"]
    assert two_schools["b"].name not in response.content.decode()
    assert not CampaignVisit.unscoped.filter(household=moved).exists()


@pytest.mark.django_db
def test_a_campaign_id_used_by_another_account_is_neither_stored_nor_revealed(
    client, teacher, two_schools
):
    from casework.campaign.models import CampaignVisit

    household = assigned_household(two_schools["student_a"], teacher)
    data = campaign_entry(household, two_schools["student_a"], teacher)
    client.post(SYNC, data)
    manager = two_schools["users"]["manager_a"]
    client.force_login(manager)

    response = client.post(SYNC, {**data, "entered_by": str(manager.pk)})

    assert response.status_code == 409
    assert response.json()["reason"] == "id_taken"
    assert "campaign_visit" not in response.json() and "甲校学生" not in response.content.decode()
    assert CampaignVisit.unscoped.count() == 1
