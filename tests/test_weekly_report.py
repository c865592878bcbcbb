"""The weekly dropout report: pre-filled from the ledger, corrected, submitted, overseen."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from casework.models import Term, TermFigures, WeeklyReport
from casework.weekly import figures as weekly_report
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 3, 14, 10, 0, tzinfo=SHANGHAI)  # Friday of 2025-W11
W10 = datetime.date(2025, 3, 3)
W11 = datetime.date(2025, 3, 10)


def day(month, n):
    return datetime.date(2025, month, n)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ledger(two_schools):
    """School A's children with visits before and during 2025-W11 (10–16 March)."""
    d = two_schools
    a, b = d["a"], d["b"]

    def child(name, *visits, school=a, **case_kwargs):
        case = f.make_case(f.make_student(school, name=name), **case_kwargs)
        for visited_on, state in visits:
            f.make_visit(case, visited_on=visited_on, child_state=state)
        return case

    child("一直疑似", (day(3, 3), "suspected_dropout"))
    returned = child("本周劝返", (day(3, 4), "suspected_dropout"), (day(3, 11), "returned"))
    f.make_visit(returned, visited_on=day(3, 12), child_state="returned")  # still one child
    child("已辍学", (day(3, 5), "dropped_out"))
    child("转出去向明", (day(3, 12), "transferred_known"))
    child("转出去向不明", (day(3, 13), "transferred_unknown"))
    child("长期请假", (day(2, 20), "long_leave"))
    child(
        "销号后劝返",
        (day(3, 10), "returned"),
        status="closed",
        closed_on=day(3, 10),
        close_reason="返校",
        close_verification="核实",
    )
    # Two cases of one child: the latest visit over both counts, here back in school.
    two_cases = child("两个个案", (day(3, 2), "suspected_dropout"))
    f.make_visit(
        f.make_case(two_cases.student, concern="left_behind"),
        visited_on=day(3, 9),
        child_state="in_school",
    )
    # Two visits the same day: the one entered last counts.
    same_day = child("同日两访", (day(3, 11), "suspected_dropout"))
    f.make_visit(same_day, visited_on=day(3, 11), child_state="in_school")
    # Another school's children never count in school A.
    child("乙校疑似", (day(3, 11), "suspected_dropout"), school=b)
    child("乙校劝返", (day(3, 11), "returned"), school=b)
    TermFigures.unscoped.create(
        school=a,
        school_year=2024,
        term=Term.SECOND,
        school_age_population=520,
        enrolled=500,
        transferred_known=3,
        transferred_unknown=1,
        long_leave=2,
    )
    return d


def report_url(school, monday):
    year, week, _ = monday.isocalendar()
    return reverse("casework_weekly_report", args=[school.pk, year, week])


HAND_COUNTED_W11 = {
    "enrolled": 500,  # the term's 两清两明 figure
    "suspected_dropouts": 1,  # 一直疑似
    "dropouts": 1,  # 已辍学
    "returned": 2,  # 本周劝返 (twice, one child), 销号后劝返
    "transferred_known": 1,
    "transferred_unknown": 1,
    "long_leave": 1,
}
HAND_COUNTED_W10 = {
    "enrolled": 500,
    "suspected_dropouts": 2,  # 一直疑似, 本周劝返 (not yet returned by 9 March)
    "dropouts": 1,
    "returned": 0,
    "transferred_known": 0,  # 转出去向明 was visited only on 12 March
    "transferred_unknown": 0,
    "long_leave": 1,
}


@pytest.mark.django_db
@pytest.mark.parametrize("monday,expected", [(W11, HAND_COUNTED_W11), (W10, HAND_COUNTED_W10)])
def test_prefilled_figures_match_a_hand_count(ledger, monday, expected):
    assert weekly_report.prefill(ledger["a"], monday) == expected


@pytest.mark.django_db
def test_the_manager_sees_the_ledger_figures_and_the_term_figures_beside_them(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    response = client.get(report_url(ledger["a"], W11))
    assert response.status_code == 200
    rows = {row["field"].name: row for row in response.context["rows"]}
    assert {name: row["ledger"] for name, row in rows.items()} == HAND_COUNTED_W11
    assert {name: row["field"].value() for name, row in rows.items()} == HAND_COUNTED_W11
    assert rows["enrolled"]["term"] == 500 and rows["transferred_known"]["term"] == 3
    html = response.content.decode()
    assert "2024–2025学年第二学期（春季）" in html
    assert "520" in html  # the school-age population, beside the weekly numbers


@pytest.mark.django_db
def test_a_correction_needs_a_note_and_nothing_is_saved_without_one(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    data = {**HAND_COUNTED_W11, "enrolled": 498, "note": "", "action": "submit"}
    response = client.post(report_url(ledger["a"], W11), data)
    assert response.status_code == 200
    assert "说明" in " ".join(response.context["form"].errors["note"])
    assert not WeeklyReport.unscoped.exists()


@pytest.mark.django_db
def test_the_manager_corrects_with_a_note_and_submits(client, ledger):
    manager = ledger["users"]["manager_a"]
    client.force_login(manager)
    data = {
        **HAND_COUNTED_W11,
        "enrolled": 498,
        "note": "两名学生转学手续本周办结",
        "action": "submit",
    }
    response = client.post(report_url(ledger["a"], W11), data)

    assert response.status_code == 302 and response.url == reverse("casework_weekly_index")
    report = WeeklyReport.unscoped.get()
    assert report.is_submitted and report.submitted_by == manager
    assert report.week_start == W11 and report.enrolled == 498
    assert report.computed == HAND_COUNTED_W11
    assert report.corrected_figures() == ["enrolled"]
    assert "2025年第11周" in str(list(get_messages(response.wsgi_request))[0])
    # Submitted, it can no longer be changed.
    response = client.post(report_url(ledger["a"], W11), {**data, "enrolled": 1})
    assert response.status_code == 302
    assert WeeklyReport.unscoped.get().enrolled == 498


@pytest.mark.django_db
def test_a_draft_is_kept_and_enrolled_carries_over_to_the_next_week(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    url = report_url(ledger["a"], W10)
    data = {**HAND_COUNTED_W10, "enrolled": 499, "note": "一人转入", "action": "save"}
    assert client.post(url, data).status_code == 302
    assert WeeklyReport.unscoped.get().status == WeeklyReport.Status.DRAFT
    # A draft is not a filed report: the next week still starts from the term's figure.
    assert weekly_report.prefill(ledger["a"], W11)["enrolled"] == 500
    assert client.post(url, {**data, "action": "submit"}).status_code == 302
    assert weekly_report.prefill(ledger["a"], W11)["enrolled"] == 499


@pytest.mark.django_db
def test_teachers_may_read_but_not_file(client, ledger):
    client.force_login(ledger["users"]["teacher_a"])
    url = report_url(ledger["a"], W11)
    response = client.get(url)
    assert response.status_code == 200 and not response.context["editable"]
    response = client.post(url, {**HAND_COUNTED_W11, "action": "submit"})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not WeeklyReport.unscoped.exists()


@pytest.mark.django_db
def test_another_schools_report_is_not_found_and_future_weeks_do_not_exist(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    assert client.get(report_url(ledger["b"], W11)).status_code == 404
    assert client.get(report_url(ledger["a"], W11 + datetime.timedelta(weeks=1))).status_code == 404


@pytest.mark.django_db
def test_the_bureau_sees_who_has_not_filed_and_the_district_totals(client, ledger):
    c = f.make_school("丙校")
    WeeklyReport.unscoped.create(
        school=ledger["a"], week_start=W11, status="submitted", **HAND_COUNTED_W11
    )
    WeeklyReport.unscoped.create(
        school=c, week_start=W11, status="draft", **{k: 1 for k in HAND_COUNTED_W11}
    )
    WeeklyReport.unscoped.create(
        school=ledger["b"], week_start=W10, status="submitted", **{k: 3 for k in HAND_COUNTED_W11}
    )
    WeeklyReport.unscoped.create(
        school=ledger["a"], week_start=W10, status="submitted", **HAND_COUNTED_W10
    )
    client.force_login(ledger["users"]["office"])

    response = client.get(reverse("casework_weekly_index"))

    assert response.status_code == 200
    assert [row["school"].name for row in response.context["not_filed"]] == ["丙校", "乙校"]
    totals = {row["label"]: row for row in response.context["totals"]}
    assert totals["2025年第11周"]["schools"] == 1
    assert totals["2025年第11周"]["suspected_dropouts"] == 1
    assert totals["2025年第10周"]["schools"] == 2
    assert totals["2025年第10周"]["suspected_dropouts"] == 2 + 3
    assert totals["2025年第9周"]["schools"] == 0
    html = response.content.decode()
    # Nothing is fetched from another site (no CDN): the chart is drawn in the page.
    section = html.split('<section id="district-totals">', 1)[1].split("</section>", 1)[0]
    assert "<svg" in section and "<polyline" in section
    assert section.replace('xmlns="http://www.w3.org/2000/svg"', "").count("http") == 0
    # The week before, school A and school B filed.
    response = client.get(reverse("casework_weekly_index"), {"week": "2025-W10"})
    assert [row["school"].name for row in response.context["not_filed"]] == ["丙校"]


@pytest.mark.django_db
def test_the_school_manager_sees_their_weeks_not_the_district(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    response = client.get(reverse("casework_weekly_index"))
    assert response.status_code == 200
    assert "not_filed" not in response.context
    weeks = response.context["weeks"]
    assert weeks[0]["label"] == "2025年第11周" and weeks[0]["report"] is None
    assert "乙校" not in response.content.decode()


@pytest.mark.django_db
def test_the_manager_keeps_the_terms_figures(client, ledger):
    client.force_login(ledger["users"]["manager_a"])
    url = reverse("casework_term_figures", args=[ledger["a"].pk, 2024, Term.SECOND])
    data = {
        "school_age_population": 530,
        "enrolled": 505,
        "transferred_known": 4,
        "transferred_unknown": 0,
        "long_leave": 2,
        "note": "",
    }
    assert client.post(url, data).status_code == 302
    figures = TermFigures.unscoped.get(school=ledger["a"], school_year=2024, term=Term.SECOND)
    assert figures.enrolled == 505 and figures.updated_by == ledger["users"]["manager_a"]
    assert weekly_report.prefill(ledger["a"], W11)["enrolled"] == 505
    # Not another school's, and not for teachers.
    other = reverse("casework_term_figures", args=[ledger["b"].pk, 2024, Term.SECOND])
    assert client.post(other, data).status_code == 302
    assert not TermFigures.unscoped.filter(school=ledger["b"]).exists()


@pytest.mark.django_db
def test_terms_run_from_august_and_february():
    assert Term.of(datetime.date(2024, 9, 1)) == (2024, Term.FIRST)
    assert Term.of(datetime.date(2025, 1, 20)) == (2024, Term.FIRST)
    assert Term.of(datetime.date(2025, 3, 10)) == (2024, Term.SECOND)
    assert Term.of(datetime.date(2025, 7, 31)) == (2024, Term.SECOND)
