"""挂牌督战: each figure of a leader's view, computed by hand from a small ledger."""

import datetime
import re

import pytest
from django.urls import reverse

from casework.access.scope import user_scope
from casework.choices import Concern
from casework.models import Case, ChecklistItem, Finding, week_monday
from casework.supervision import figures
from casework.supervision.charts import item_chart
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)  # a Wednesday
DAY = datetime.timedelta(days=1)


@pytest.fixture
def ledger(two_schools, monkeypatch):
    """Item 3 (dropout risk) and item 5 (findings) with figures known by hand, as of TODAY."""
    monkeypatch.setattr(figures, "today", lambda: TODAY)
    monkeypatch.setattr("casework.models.cases.today", lambda: TODAY)
    a, b = two_schools["a"], two_schools["b"]
    # case_a and case_b (item 3) were opened today (the fixture's default date): move them.
    Case.unscoped.filter(pk=two_schools["case_a"].pk).update(
        opened_on=TODAY - 100 * DAY, next_visit_due=TODAY - 3 * DAY
    )
    Case.unscoped.filter(pk=two_schools["case_b"].pk).update(
        opened_on=TODAY - 40 * DAY, next_visit_due=TODAY + 5 * DAY
    )
    s = f.make_student(a)
    closed = f.make_case(
        s,
        opened_on=TODAY - 20 * DAY,
        status=Case.Status.CLOSED,
        closed_on=TODAY - 2 * DAY,
        close_reason="返校",
        close_verification="核实",
    )
    old_closed = f.make_case(
        f.make_student(b),
        opened_on=TODAY - 200 * DAY,
        status=Case.Status.CLOSED,
        closed_on=datetime.date(2026, 10, 30),
        close_reason="返校",
        close_verification="核实",
    )
    # A visit to case_b in the last 30 days moves school B; school A moved by the close-off.
    f.make_visit(two_schools["case_b"], visited_on=TODAY - 10 * DAY, next_visit_due=TODAY + 5 * DAY)
    f.make_visit(two_schools["case_a"], visited_on=TODAY - 60 * DAY, next_visit_due=TODAY - 3 * DAY)
    # An item-1 case must not count for item 3.
    f.make_case(f.make_student(a), concern=Concern.ONLINE_LEARNING, opened_on=TODAY - 5 * DAY)
    item5 = ChecklistItem.objects.get(number=5)
    Finding.unscoped.create(
        school=a,
        checklist_item=item5,
        found_on=TODAY - 90 * DAY,
        problem="台账缺失",
        deadline=TODAY - DAY,
    )
    Finding.unscoped.create(
        school=b,
        checklist_item=item5,
        found_on=TODAY - 5 * DAY,
        problem="制度未上墙",
        deadline=TODAY + 10 * DAY,
    )
    return {**two_schools, "closed": closed, "old_closed": old_closed, "item5": item5}


def test_item_figures_match_the_ledger(ledger):
    item3 = ChecklistItem.objects.get(number=3)
    got = figures.item_figures(item3, TODAY)
    # By hand: open item-3 cases are case_a and case_b; closed in November: `closed` only
    # (old_closed was closed in October); overdue: case_a only (due 3 days ago).
    assert got["open"] == 2
    assert got["closed_this_month"] == 1
    assert got["overdue_visits"] == 1
    assert got["findings_past_deadline"] == 0
    # School A: open case_a, last visit 60 days ago, but `closed` was closed 2 days ago: moved.
    # School B: visit 10 days ago: moved. So none is stale.
    assert got["stale_schools"] == 0

    got5 = figures.item_figures(ledger["item5"], TODAY)
    assert got5["open"] == 2  # item 5 is about schools: its open findings
    assert got5["findings_past_deadline"] == 1
    assert got5["overdue_visits"] == 0
    # School A's finding was found 90 days ago and nothing else happened since: not moving.
    assert [s.name for s in got5["stale_school_list"]] == ["甲校"]


def test_a_school_without_news_for_30_days_is_stale(ledger):
    Case.unscoped.filter(pk=ledger["closed"].pk).update(
        opened_on=TODAY - 50 * DAY, closed_on=TODAY - 31 * DAY
    )
    item3 = ChecklistItem.objects.get(number=3)
    assert [s.name for s in figures.stale_schools(item3, TODAY)] == ["甲校"]


def test_weekly_series_count_each_week_by_hand(ledger):
    item3 = ChecklistItem.objects.get(number=3)
    series = figures.weekly_series(item3, TODAY)
    weeks = series["weeks"]
    assert len(weeks) == 26 and weeks[-1] == week_monday(TODAY)
    by_week = dict(
        zip(
            weeks,
            zip(series["opened"], series["closed"], series["visits"], strict=True),
            strict=True,
        )
    )
    expected = {m: [0, 0, 0] for m in weeks}
    for case in Case.unscoped.filter(checklist_item=item3):
        if week_monday(case.opened_on) in expected:
            expected[week_monday(case.opened_on)][0] += 1
        if case.closed_on and week_monday(case.closed_on) in expected:
            expected[week_monday(case.closed_on)][1] += 1
        for visit in case.visits.all():
            if week_monday(visit.visited_on) in expected:
                expected[week_monday(visit.visited_on)][2] += 1
    assert {m: list(v) for m, v in by_week.items()} == expected
    # 200 days ago is outside the 26 weeks: old_closed's opening is not drawn.
    assert sum(series["opened"]) == 3
    assert sum(series["closed"]) == 2
    assert sum(series["visits"]) == 2


def test_every_number_on_the_chart_is_in_its_table(ledger):
    item3 = ChecklistItem.objects.get(number=3)
    chart = item_chart(figures.weekly_series(item3, TODAY))
    drawn = [d["value"] for s in chart["series"] for d in s["dots"]]
    tabled = [v for i in range(3) for v in (row["values"][i] for row in chart["table"]["rows"])]
    assert drawn == tabled


def test_schools_ranked_by_what_is_overdue(ledger):
    f.make_case(f.make_student(ledger["b"]), next_visit_due=TODAY - DAY)
    f.make_case(f.make_student(ledger["b"]), next_visit_due=TODAY - DAY)
    item3 = ChecklistItem.objects.get(number=3)
    ranking = figures.schools_by_overdue(item3, TODAY)
    assert [(r["name"], r["total"]) for r in ranking] == [("乙校", 2), ("甲校", 1)]


def test_figures_are_scoped_to_what_the_user_sees(ledger):
    item3 = ChecklistItem.objects.get(number=3)
    with user_scope(f.reload(ledger["users"]["manager_a"])):
        assert figures.item_figures(item3, TODAY)["open"] == 1


def panel_figures(html, number):
    """The figures of item ``number`` as the page shows them."""
    block = html.split(f'<dl class="cw-sv-figures" data-item="{number}">')[1].split("</dl>")[0]
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)"[^>]*>(\d+)', block)}


def test_leader_wan_sees_items_1_3_4_first_with_charts(client, ledger):
    client.force_login(ledger["users"]["leader_wan"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert html.index("casework-leader-items") < html.index("casework-district-work")
    sections = re.findall(r'<section class="cw-sv-item" data-item="(\d)"', html)
    assert sections == ["1", "3", "4"]
    assert html.count('<svg class="cw-chart"') == 3
    shown = panel_figures(html, 3)
    assert shown["open"] == 2 and shown["overdue_visits"] == 1 and shown["closed_this_month"] == 1


def test_leader_lv_sees_items_2_5_6_7(client, ledger):
    client.force_login(ledger["users"]["leader_lv"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert re.findall(r'<section class="cw-sv-item" data-item="(\d)"', html) == ["2", "5", "6", "7"]
    assert panel_figures(html, 5)["findings_past_deadline"] == 1


def test_no_leader_panel_for_others(client, ledger):
    for name in ("office", "manager_a", "teacher_a"):
        client.force_login(ledger["users"][name])
        assert (
            "casework-leader-items" not in client.get(reverse("wagtailadmin_home")).content.decode()
        )


@pytest.mark.parametrize(
    ("username", "status"),
    [("leader_wan", 200), ("office", 200), ("manager_a", 302), ("teacher_a", 302)],
)
def test_item_page_and_overview_are_the_bureaus(client, ledger, username, status):
    client.force_login(ledger["users"][username])
    for url in (
        reverse("casework_supervision_item", args=[3]),
        reverse("casework_supervision_overview"),
    ):
        # Wagtail answers a refused admin page by sending the user back to the dashboard.
        assert client.get(url).status_code == status, url


def test_overview_has_a_health_row_per_school(client, ledger):
    client.force_login(ledger["users"]["office"])
    html = client.get(reverse("casework_supervision_overview")).content.decode()
    health = html.split('id="cw-sv-health"')[1]
    row_a = health.split(f'data-school="{ledger["a"].pk}"')[1].split("</tr>")[0]
    # School A: case_a overdue (1), the item-5 finding past its deadline (1), no weekly report.
    assert re.findall(r">(\d+)</a>", row_a)[:2] == ["1", "1"]
    assert "未报送" in row_a


def returned_closeoffs_ledger(ledger):
    """Close-offs of item 3 proposed by school A and returned by the office, and others."""
    from casework.closeoff import services
    from casework.closeoff.models import CloseOff

    users = {k: f.reload(u) for k, u in ledger["users"].items()}
    case_a = Case.unscoped.get(pk=ledger["case_a"].pk)
    first = services.propose(case_a, users["manager_a"], "已返校", "班主任核实")
    services.send_back(first, users["office"], "无返校佐证")
    # Returned once, proposed again and still pending: the school has answered it.
    case_b = Case.unscoped.get(pk=ledger["case_b"].pk)
    again = services.propose(case_b, users["manager_a"], "已返校", "核实")
    services.send_back(again, users["office"], "缺家访记录")
    services.propose(Case.unscoped.get(pk=case_b.pk), users["manager_a"], "已返校", "补家访记录")
    # Item 5 is 吕志武's: a finding's close-off returned by its office.
    finding = Finding.unscoped.get(checklist_item=ledger["item5"], school=ledger["a"])
    other = CloseOff.unscoped.create(
        finding=finding,
        school=ledger["a"],
        checklist_item=ledger["item5"],
        state=CloseOff.State.RETURNED,
        reason="已整改",
        verification="照片",
        proposed_by=users["manager_a"],
        comment="照片不清",
    )
    return first, other


def test_returned_closeoffs_wait_for_the_items_leader(client, ledger):
    first, other = returned_closeoffs_ledger(ledger)
    item3 = ChecklistItem.objects.get(number=3)
    # By hand: item 3 has two returned close-offs; case_b's was proposed again, so only
    # case_a's waits. Item 5's returned one is 吕志武's, not 万东旺's.
    assert figures.returned_closeoffs([item3]) == [first]
    assert figures.returned_closeoffs([ledger["item5"]]) == [other]

    client.force_login(ledger["users"]["leader_wan"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    waiting = html.split('class="cw-sv-waiting"')[1].split("</section>")[0]
    assert re.findall(r'data-closeoff="(\d+)"', waiting) == [str(first.pk)]
    assert reverse("casework_closeoff:decide", args=[first.pk]) in waiting
    assert "无返校佐证" in waiting

    page = client.get(reverse("casework_supervision_item", args=[3])).content.decode()
    assert re.findall(r'data-closeoff="(\d+)"', page) == [str(first.pk)]
    page5 = client.get(reverse("casework_supervision_item", args=[5])).content.decode()
    assert re.findall(r'data-closeoff="(\d+)"', page5) == [str(other.pk)]

    client.force_login(ledger["users"]["leader_lv"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert re.findall(r'data-closeoff="(\d+)"', html) == [str(other.pk)]


def test_a_verified_closeoff_no_longer_waits(ledger):
    from casework.closeoff import services

    first, _other = returned_closeoffs_ledger(ledger)
    office = f.reload(ledger["users"]["office"])
    manager = f.reload(ledger["users"]["manager_a"])
    again = services.propose(Case.unscoped.get(pk=ledger["case_a"].pk), manager, "返校", "核实")
    services.verify(again, office)
    assert figures.returned_closeoffs([ChecklistItem.objects.get(number=3)]) == []


def test_a_phone_shows_a_tick_every_eighth_week_and_the_last():
    weeks = figures.weeks_until(TODAY)
    chart = item_chart({"weeks": weeks, "opened": [0] * 26, "closed": [0] * 26, "visits": [0] * 26})
    ticks = [
        (weeks.index(m), t["minor"])
        for t in chart["ticks"]
        for m in weeks
        if t["label"] == f"{m.month}/{m.day}"
    ]
    # Screen: weeks 0, 4, ..., 20 and the last (25); phone: the ones not minor.
    assert [i for i, _minor in ticks] == [0, 4, 8, 12, 16, 20, 25]
    assert [i for i, minor in ticks if not minor] == [0, 8, 16, 25]


def test_the_health_row_shows_the_campaigns_households_visited_this_term(client, ledger):
    from casework.campaign.models import Household, group_households
    from casework.dates import term_start
    from casework.models import HomeVisit, Student

    group_households(Student.unscoped.filter(school=ledger["a"]))
    start = term_start()
    households = list(Household.unscoped.filter(school=ledger["a"]))
    visited = sum(
        1
        for h in households
        if HomeVisit.unscoped.filter(
            case__student__in=h.students.all(), mode="home", visited_on__gte=start
        ).exists()
        or h.campaign_visits.filter(mode="home", visited_on__gte=start).exists()
    )
    assert households
    client.force_login(ledger["users"]["office"])
    html = client.get(reverse("casework_supervision_overview")).content.decode()
    row_a = html.split('id="cw-sv-health"')[1].split(f'data-school="{ledger["a"].pk}"')[1]
    assert f">{visited} / {len(households)}</a>" in row_a.split("</tr>")[0]
