"""待办事项: one panel, first on every dashboard, with what waits for the user (issue 21)."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.closeoff import services
from casework.models import Case, ChecklistItem, Finding, MonthlyReport
from tests import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 3, 12, 9, 0, tzinfo=SHANGHAI)  # a Wednesday


def day(n, month=3):
    return datetime.date(2025, month, n)


def dashboard(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("wagtailadmin_home")).content.decode()
    return page


def todo_items(page):
    """The to-do panel's items, as text with tags and spaces removed."""
    panel = page[page.index('id="casework-todo-section"') :]
    panel = panel[: panel.index("</section>")] if "</section>" in panel else panel
    items = re.findall(r'<li class="cw-todo__item[^"]*">(.*?)</li>', panel, re.S)
    return ["".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


@pytest.fixture
def work(two_schools):
    d = two_schools
    Case.unscoped.filter(pk=d["case_a"].pk).update(next_visit_due=day(10))  # overdue
    Case.unscoped.filter(pk=d["case_b"].pk).update(next_visit_due=day(10))  # the other school's
    f.make_case(
        f.make_student(d["a"], name="下周到期生"),
        teacher=d["users"]["teacher_a"],
        next_visit_due=day(16),
    )
    f.make_case(
        f.make_student(d["a"], name="远期生"),
        teacher=d["users"]["teacher_a"],
        next_visit_due=day(30),
    )
    return d


@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "office", "leader_lv"])
def test_the_todo_panel_is_the_first_on_every_dashboard(client, work, role):
    page = dashboard(client, work["users"][role])
    assert "待办事项" in page
    panels = re.findall(r'<section[^>]*class="[^"]*w-panel[^"]*"[^>]*>', page)
    assert panels and 'id="casework-todo-section"' in panels[0], panels[:3]


def test_a_teacher_sees_their_visits_due_with_dates_and_overdue_and_no_other_school(client, work):
    items = todo_items(dashboard(client, work["users"]["teacher_a"]))
    assert items[0].startswith("家访：甲校学生王小明") and "截止2025年3月10日" in items[0]
    assert "逾期" in items[0] and "登记家访" in items[0]
    assert any("下周到期生" in i and "截止2025年3月16日" in i and "逾期" not in i for i in items)
    text = " ".join(items)
    assert "远期生" not in text  # due in more than a week
    assert "乙校学生赵小红" not in text  # another school's child, overdue too
    page = dashboard(client, work["users"]["teacher_b"])
    assert "甲校学生王小明" not in " ".join(todo_items(page))


def test_the_overdue_mark_is_red(client, work):
    page = dashboard(client, work["users"]["teacher_a"])
    assert '<strong class="cw-overdue cw-todo__late">逾期</strong>' in page


def test_the_school_manager_sees_the_weekly_report_findings_and_returned_close_offs(client, work):
    d = work
    finding = Finding.unscoped.create(
        school=d["a"],
        checklist_item=ChecklistItem.objects.get(number=5),
        problem="教室照明不达标",
        deadline=day(1),
    )
    Finding.unscoped.create(
        school=d["b"],
        checklist_item=ChecklistItem.objects.get(number=5),
        problem="乙校的问题",
        deadline=day(1),
    )
    closeoff = services.propose(d["case_a"], d["users"]["manager_a"], "已复学", "到校核实")
    services.send_back(closeoff, d["users"]["office"], "未见到校记录")
    items = todo_items(dashboard(client, d["users"]["manager_a"]))
    text = " ".join(items)
    # This week's report is due by Sunday the 16th; last week's, not filed, is overdue.
    assert any("2025年第11周" in i and "截止2025年3月16日" in i for i in items), items
    assert any("截止2025年3月9日" in i and "逾期" in i for i in items)
    assert any("整改逾期" in i and "教室照明不达标" in i and "逾期" in i for i in items)
    assert "乙校的问题" not in text
    assert any("销号被退回：甲校学生王小明" in i and "未见到校记录" in i for i in items)
    assert finding.pk


def test_the_office_sees_close_offs_to_verify_and_this_months_checklist(client, work):
    d = work
    services.propose(d["case_a"], d["users"]["manager_a"], "已复学", "到校核实")
    items = todo_items(dashboard(client, d["users"]["office"]))
    assert any("核验销号：甲校学生王小明（第3项）" in i and "销号" in i for i in items), items
    assert any("创建2025年3月挂牌督战责任清单" in i and "截止2025年3月25日" in i for i in items)

    with time_machine.travel(NOW, tick=False):
        MonthlyReport.draft(day(1))
    items = todo_items(dashboard(client, d["users"]["office"]))
    # 基础教育室 answers for items 1, 3 and 4.
    assert any("填写2025年3月挂牌督战责任清单第1、3、4项并提交审核" in i for i in items), items


def test_a_leader_sees_the_report_to_approve_until_they_have(client, work):
    from tests.test_monthly_report import submit

    d = work
    with time_machine.travel(NOW, tick=False):
        report = submit(client, MonthlyReport.draft(day(1)), d["users"]["office"])
    page = dashboard(client, d["users"]["leader_lv"])
    items = todo_items(page)
    assert any("审核2025年3月挂牌督战责任清单中您负责的各项" in i for i in items), items
    review = reverse(MonthlyReport.snippet_viewset.get_url_name("review"), args=[report.pk])
    assert f'href="{review}"' in page
    with time_machine.travel(NOW, tick=False):
        response = client.post(review, {"action": "approve"}, follow=True)
    assert "已同意" in response.content.decode(), response.content.decode()[-3000:]
    items = todo_items(dashboard(client, d["users"]["leader_lv"]))
    assert not any("审核2025年3月" in i for i in items)
    assert any(
        "审核2025年3月" in i for i in todo_items(dashboard(client, d["users"]["leader_wan"]))
    )


@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "office", "leader_lv"])
def test_the_todo_panel_takes_as_many_queries_for_much_data_as_for_little(client, work, role):
    from casework.todo.registry import todos_for

    d = work
    user = f.reload(d["users"][role])

    def count():
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            todos_for(f.reload(user), day(12))
        return len(queries)

    before = count()
    for i in range(8):
        case = f.make_case(
            f.make_student(d["a"], name=f"加测{i}"),
            teacher=d["users"]["teacher_a"],
            next_visit_due=day(1 + i),
        )
        services.propose(case, d["users"]["manager_a"], "已复学", "到校核实")
        Finding.unscoped.create(
            school=d["a"],
            checklist_item=ChecklistItem.objects.get(number=5),
            problem=f"问题{i}",
            deadline=day(1),
        )
    after = count()
    print(f"\n[queries] 待办事项 of {role}: {before} with little data, {after} with more")
    assert after == before
