"""Issue 16: aid-list children on no roll, list versions, probable matches."""

import datetime

import pytest

from casework.models import AgencyListEntry, ProbableMatch
from casework.reconciliation import committing
from casework.reconciliation.matching import decide, find_probable_matches
from casework.reconciliation.reconcile import FindingKind, open_cases, reconcile
from tests import factories as f
from tests import workbooks as wb
from tests.test_imports import batch_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

CHILD = datetime.date(2015, 4, 2)  # 11 on the reference dates used here
ADULT = datetime.date(2005, 4, 2)


def commit(kind, rows, office):
    content = wb.xlsx([["姓名", "身份证号", "乡镇", "村"], *rows])
    return committing.commit_batch(batch_of(kind, content, office), office)


def test_a_child_of_school_age_on_an_aid_list_and_on_no_roll_is_unaccounted(two_schools):
    d = two_schools
    d["b"].township = "星海镇"
    d["b"].save()
    office = d["users"]["office"]
    kid, grown = f.valid_id_number(CHILD, seq=1), f.valid_id_number(ADULT, seq=2)
    commit(
        "poverty", [["马小兰", kid, "星海镇", "沟口村"], ["马大兰", grown, "星海镇", ""]], office
    )

    report = reconcile(office, on=datetime.date(2026, 11, 30))
    (found,) = report.findings[FindingKind.UNACCOUNTED]
    assert (found.name, found.township, found.village) == ("马小兰", "星海镇", "沟口村")
    # On a reference date before the child was six, the older one is the one missing.
    earlier = reconcile(office, on=datetime.date(2020, 1, 1)).findings[FindingKind.UNACCOUNTED]
    assert [x.name for x in earlier] == ["马大兰"]

    result = open_cases(office, [found])
    (case,) = result.cases
    assert (case.student.school, case.checklist_item.number) == (d["b"], 3)
    assert case.student.hukou_village == "沟口村" and "去向不明" in case.summary


def test_next_months_list_marks_who_left_it_and_reconciliation_forgets_them(two_schools):
    office = two_schools["users"]["office"]
    stay, leave = f.valid_id_number(CHILD, seq=3), f.valid_id_number(CHILD, seq=4)
    first = commit("poverty", [["留下", stay, "", ""], ["离开", leave, "", ""]], office)
    second = commit("poverty", [["留下", stay, "", ""]], office)

    gone = AgencyListEntry.unscoped.get(id_number=leave)
    assert (gone.removed_on, gone.removed_by) == (datetime.date.today(), second)
    assert AgencyListEntry.unscoped.get(id_number=stay).removed_on is None
    first.refresh_from_db()
    assert first.replaced_by == second
    assert first.rows.count() == 2  # the earlier version stays readable
    names = [x.name for x in reconcile(office).findings[FindingKind.UNACCOUNTED]]
    assert names == ["留下"]


def test_mistyped_ids_and_homophone_names_are_offered_and_confirmed_by_a_person(two_schools):
    d = two_schools
    office = d["users"]["office"]
    zihan = f.make_student(d["a"], "王梓涵", CHILD, id_number=f.valid_id_number(CHILD, seq=5))
    wrong = f.make_student(d["a"], "李四", CHILD, id_number=f.valid_id_number(CHILD, seq=6))
    old = f.make_student(
        d["a"],
        "张三",
        datetime.date(1999, 1, 2),
        id_number=f.valid_id_number(datetime.date(1999, 1, 2), seq=7),
    )
    homophone_id = f.valid_id_number(CHILD, seq=58)  # on no roll: the list mistyped it
    old_15 = old.id_number[:6] + old.id_number[8:17]
    commit(
        "poverty",
        [
            ["王子涵", homophone_id, "", ""],
            ["李四", wb.with_wrong_check_digit(wrong.id_number), "", ""],
            ["张三", old_15, "", ""],
        ],
        office,
    )
    assert find_probable_matches() == 3
    assert find_probable_matches() == 0  # found once only
    by_reason = {m.reason: m for m in ProbableMatch.unscoped.all()}
    assert by_reason["name"].student == zihan
    assert by_reason["check_digit"].student == wrong
    assert by_reason["old_id"].student == old
    assert not AgencyListEntry.unscoped.filter(id_number=zihan.id_number).exists()

    assert decide(by_reason["name"], office, confirmed=True)
    entry = AgencyListEntry.unscoped.get(name="王子涵")
    assert entry.id_number == zihan.id_number
    assert decide(by_reason["old_id"], office, confirmed=True)
    assert AgencyListEntry.unscoped.filter(id_number=old.id_number, kind="poverty").exists()
    assert decide(by_reason["check_digit"], office, confirmed=False)
    assert not AgencyListEntry.unscoped.filter(id_number=wrong.id_number).exists()
    assert not decide(by_reason["check_digit"], office, confirmed=True)  # decided once


def test_probable_matches_page_is_the_bureaus_only(client, two_schools):
    from django.urls import reverse

    client.force_login(two_schools["users"]["teacher_a"])
    assert client.get(reverse("casework_imports:matches")).status_code in (302, 403)
    client.force_login(two_schools["users"]["office"])
    page = client.get(reverse("casework_imports:matches")).content.decode()
    assert "查找疑似同一人" in page
