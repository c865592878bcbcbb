"""Reconciliation by ID number and the cases it opens."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.dates import term_start
from casework.models import AgencyListEntry, Case, ImportBatch, Student, SupportRecord
from casework.reconciliation import committing
from casework.reconciliation.reconcile import FindingKind, open_cases, reconcile
from tests import factories as f
from tests import workbooks as wb
from tests.test_imports import batch_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

BORN = datetime.date(2010, 9, 1)


def an_id(seq):
    return f.valid_id_number(BORN, seq=seq)


def on_list(kind, id_number, name, office, **values):
    batch = ImportBatch.unscoped.filter(kind=kind).first() or ImportBatch.unscoped.create(
        kind=kind, file="casework/imports/x.xlsx", original_name="x.xlsx", uploaded_by=office
    )
    return AgencyListEntry.unscoped.create(
        kind=kind, id_number=id_number, name=name, batch=batch, **values
    )


def supported(student, kind=SupportRecord.Kind.GRANT, on=None):
    case = f.make_case(student)
    return f.make_support(case, kind=kind, given_on=on or datetime.date.today())


@pytest.fixture
def district(two_schools):
    """Children of school A and B, and the lists that say who should get aid or be at school."""
    d = two_schools
    d["a"].township, d["b"].township = "长胜街道", "星海镇"
    d["a"].save()
    d["b"].save()
    d["users"]["manager_a"].email = "manager_a@example.cn"
    d["users"]["manager_a"].save()
    office = d["users"]["office"]
    kids = {
        "missed": f.make_student(d["a"], "甲漏报", BORN, id_number=an_id(1)),
        "supported": f.make_student(d["a"], "甲已资助", BORN, id_number=an_id(2)),
        "last_term": f.make_student(d["a"], "甲上学期", BORN, id_number=an_id(3)),
        "wrong": f.make_student(d["a"], "甲错报", BORN, id_number=an_id(4)),
        "counselled": f.make_student(d["a"], "甲心理辅导", BORN, id_number=an_id(5)),
        "exited": f.make_student(d["b"], "乙早脱贫", BORN, id_number=an_id(6)),
        "exited_2019": f.make_student(d["b"], "乙2019脱贫", BORN, id_number=an_id(7)),
    }
    on_list("poverty", an_id(1), "甲漏报", office)
    on_list("civil_affairs", an_id(2), "甲已资助", office, civil_category="dibao")
    supported(kids["supported"], kind=SupportRecord.Kind.TUTORING)
    on_list("disability", an_id(3), "甲上学期", office, disability_category="physical")
    supported(kids["last_term"], on=term_start() - datetime.timedelta(days=1))
    supported(kids["wrong"])
    supported(kids["counselled"], kind=SupportRecord.Kind.COUNSELLING)
    on_list("poverty", an_id(6), "乙早脱贫", office, poverty_exit_year=2017)
    supported(kids["exited"])
    on_list("poverty", an_id(7), "乙2019脱贫", office, poverty_exit_year=2019)
    on_list("poverty", an_id(8), "不在校的成人", office)  # on a list but at no school
    on_list("population", an_id(1), "甲漏报", office, township="长胜街道")
    on_list("population", an_id(20), "星海失学", office, township="星海镇", village="沟口村")
    on_list("population", an_id(21), "无校乡儿童", office, township="无学校乡")
    return {**d, "kids": kids, "office": office}


def names(report, kind):
    return sorted(finding.name for finding in report.findings[kind])


def test_each_kind_of_finding_is_found_and_nothing_else(district):
    report = reconcile(district["office"])
    assert names(report, FindingKind.MISSED) == ["乙2019脱贫", "甲上学期", "甲漏报"]
    assert names(report, FindingKind.WRONG) == ["甲错报"]
    assert names(report, FindingKind.UNACCOUNTED) == ["无校乡儿童", "星海失学"]
    assert names(report, FindingKind.EXITED) == ["乙早脱贫"]
    (exited,) = report.findings[FindingKind.EXITED]
    assert (exited.exit_year, exited.supported) == (2017, True)
    (missed,) = [x for x in report.findings[FindingKind.MISSED] if x.name == "甲漏报"]
    assert (missed.lists, missed.school_id) == (("poverty",), district["a"].pk)


def test_support_before_the_chosen_date_does_not_count(district):
    earlier = term_start() - datetime.timedelta(days=30)
    report = reconcile(district["office"], since=earlier)
    assert "甲上学期" not in names(report, FindingKind.MISSED)


def test_school_staff_get_nothing_from_the_reconciliation(district):
    report = reconcile(district["users"]["teacher_a"])
    assert report.counts() == dict.fromkeys(FindingKind, 0)


def test_reconciliation_takes_the_same_few_queries_for_a_bigger_district(district):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            reconcile(district["office"])
        return len(captured)

    reconcile(district["office"])  # the user's roles are looked up once, then remembered
    small = queries()
    for i in range(60):
        child = f.make_student(district["a"], f"学生{i}", BORN, id_number=an_id(100 + i))
        on_list("poverty", child.id_number, child.name, district["office"])
        if i % 2:
            supported(child)
    assert queries() == small


def test_findings_become_cases_under_items_2_and_3_and_the_manager_is_told(district):
    office = district["office"]
    report = reconcile(office)
    chosen = report.findings[FindingKind.MISSED] + report.findings[FindingKind.UNACCOUNTED]
    result = open_cases(office, chosen)

    assert len(result.cases) == 4 and result.without_school == 1
    cases = Case.unscoped.filter(summary__startswith="数据比对")
    by_name = {c.student.name: c for c in cases}
    assert set(by_name) == {"甲漏报", "甲上学期", "乙2019脱贫", "星海失学"}
    assert (by_name["甲漏报"].concern, by_name["甲漏报"].checklist_item.number) == ("aid_missed", 2)
    assert "建档立卡" in by_name["甲漏报"].summary and "漏报" in by_name["甲漏报"].summary
    lost = by_name["星海失学"]
    assert (lost.concern, lost.checklist_item.number, lost.risk) == ("dropout_risk", 3, "high")
    assert (lost.student.school, lost.student.hukou_village) == (district["b"], "沟口村")
    assert lost.status_changes.get().to_status == "open"

    # School A has a manager with an e-mail address; school B has none.
    assert result.notified == 1
    (message,) = mail.outbox
    assert message.to == ["manager_a@example.cn"]
    assert message.subject == "【四查四补】数据比对新建个案2个"
    assert "甲漏报" not in message.body and an_id(1) not in message.body


def test_opening_again_opens_nothing_twice(district):
    office = district["office"]
    open_cases(office, reconcile(office).findings[FindingKind.MISSED])
    report = reconcile(office)
    assert all(x.has_open_case for x in report.findings[FindingKind.MISSED])
    result = open_cases(office, report.findings[FindingKind.MISSED])
    assert (len(result.cases), result.already_open) == (0, 3)


def test_a_child_both_missed_and_exited_gets_one_case(district):
    office = district["office"]
    AgencyListEntry.unscoped.filter(id_number=an_id(7)).update(poverty_exit_year=2018)
    report = reconcile(office)
    both = [x for found in report.findings.values() for x in found if x.name == "乙2019脱贫"]
    assert {x.kind for x in both} == {FindingKind.MISSED, FindingKind.EXITED}
    result = open_cases(office, both)
    assert (len(result.cases), result.already_open) == (1, 1)


def test_the_chosen_school_takes_a_child_whose_township_has_no_single_school(district):
    office = district["office"]
    (child,) = [
        x for x in reconcile(office).findings[FindingKind.UNACCOUNTED] if x.name == "无校乡儿童"
    ]
    result = open_cases(office, [child], school=district["a"])
    assert len(result.cases) == 1
    student = Student.unscoped.get(id_number=an_id(21))
    assert (student.school, student.birth_date, student.hukou_township) == (
        district["a"],
        BORN,
        "无学校乡",
    )
    assert "无校乡儿童" not in names(reconcile(office), FindingKind.UNACCOUNTED)


# --- through the admin ---------------------------------------------------------------------


def test_report_page_lists_findings_with_tabs_and_open_cases(client, district):
    client.force_login(district["users"]["leader_wan"])
    page = client.get(reverse("casework_imports:reconcile")).content.decode()
    assert "疑似漏报" in page and "(3)" in page
    assert "甲漏报" in page and an_id(1) in page
    page = client.get(reverse("casework_imports:reconcile") + "?kind=unaccounted").content.decode()
    assert "星海失学" in page and "甲漏报" not in page


def test_office_opens_cases_for_all_findings_of_a_kind_in_one_click(client, district):
    client.force_login(district["office"])
    response = client.post(
        reverse("casework_imports:open_cases"), {"kind": "missed", "all": "1"}, follow=True
    )
    page = response.content.decode()
    assert "已建立3个个案；已通过邮件通知1所学校的负责人。" in page
    assert Case.unscoped.filter(concern="aid_missed").count() == 3
    assert page.count("已有个案") == 3  # the report again, each child now marked


def test_office_opens_a_case_for_one_chosen_child(client, district):
    client.force_login(district["office"])
    key = f"wrong:{an_id(4)}"
    client.post(reverse("casework_imports:open_cases"), {"kind": "wrong", "key": [key]})
    case = Case.unscoped.get(concern="aid_wrong")
    assert (case.student.name, case.checklist_item.number) == ("甲错报", 2)


@pytest.mark.parametrize("username", ["teacher_a", "manager_a", "editor"])
def test_school_staff_cannot_open_cases_from_the_reconciliation(client, district, username):
    client.force_login(district["users"][username])
    response = client.post(reverse("casework_imports:open_cases"), {"kind": "missed", "all": "1"})
    assert response.url == reverse("wagtailadmin_home")
    assert not Case.unscoped.filter(concern="aid_missed").exists()


def test_bureau_uploads_lists_and_rolls_commits_and_opens_cases_in_two_clicks(client, two_schools):
    """The issue's "done when": lists as they come, refusals seen, cases opened."""
    d = two_schools
    d["users"]["manager_a"].email = "manager_a@example.cn"
    d["users"]["manager_a"].save()
    office = d["users"]["office"]
    client.force_login(office)

    poverty = wb.xlsx(
        [
            ["2020年建档立卡在校生名单"] + [None] * 3,
            ["姓名", "公民身份号码", "户主姓名", "脱贫年份"],
            ["田小禾", wb.full_width(an_id(50)), "田大禾", "2018年"],
            ["苗小苗", an_id(51).lower(), "苗大苗", "未脱贫"],
            ["错号码", wb.with_wrong_check_digit(an_id(52)), "某", ""],
        ],
        merges=["A1:D1"],
    )
    roll_a = wb.xlsx(
        [
            ["学生姓名", "身份证号", "年级"],
            ["田小禾", an_id(50), "五年级"],
            ["苗小苗", an_id(51), "二年级"],
        ]
    )
    for kind, content, school in (("poverty", poverty, ""), ("roll", roll_a, d["a"].pk)):
        response = client.post(
            reverse("casework_imports:upload"),
            {"kind": kind, "school": school, "file": wb.upload(content)},
            follow=True,
        )
        batch = ImportBatch.unscoped.latest("pk")
        if kind == "poverty":
            assert "校验位错误" in response.content.decode()
            assert batch.refused_rows == 1
        client.post(reverse("casework_imports:commit", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.COMMITTED

    page = client.get(reverse("casework_imports:reconcile")).content.decode()
    assert "田小禾" in page and "苗小苗" in page
    # Click one: open cases for all of them.
    client.post(reverse("casework_imports:open_cases"), {"kind": "missed", "all": "1"})
    cases = Case.unscoped.filter(concern="aid_missed", student__school=d["a"])
    assert sorted(c.student.name for c in cases) == ["田小禾", "苗小苗"]
    assert mail.outbox[0].to == ["manager_a@example.cn"]
    # The manager of school A sees the new cases; a teacher of school B does not.
    from casework.access.scope import user_scope

    for user, expected in ((d["users"]["manager_a"], 3), (d["users"]["teacher_b"], 1)):
        with user_scope(user):
            assert Case.objects.count() == expected


def test_committed_poverty_list_feeds_the_reconciliation_by_normalised_id(two_schools):
    d = two_schools
    office = d["users"]["office"]
    child = f.make_student(d["a"], "全角号码", BORN, id_number=an_id(60))
    content = wb.xlsx([["姓名", "身份证号"], ["全角号码", " " + wb.full_width(an_id(60)) + " "]])
    committing.commit_batch(batch_of("poverty", content, office), office)
    report = reconcile(office)
    assert [x.student_id for x in report.findings[FindingKind.MISSED]] == [child.pk]


def test_the_message_after_opening_cases_links_to_each_new_case(client, district):
    client.force_login(district["office"])
    response = client.post(
        reverse("casework_imports:open_cases"), {"kind": "missed", "all": "1"}, follow=True
    )
    page = response.content.decode()
    for case in Case.unscoped.filter(concern="aid_missed"):
        url = reverse("wagtailsnippets_casework_case:inspect", args=[case.pk])
        assert f'<a href="{url}">{case.student.name}·' in page
