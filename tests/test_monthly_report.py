"""The monthly checklist: drafted from the data, reviewed by each leader, locked once approved."""

import datetime

import pytest
import time_machine
from django.core import mail

from casework.models import MonthlyReport
from tests.monthly import MAY, denied, may_data, rows_post_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def may(two_schools):
    return {**two_schools, **may_data(two_schools)}


def rows_of(report):
    return {row.number: row for row in report.rows.all()}


def latest(report):
    """The report as last saved, draft changes included."""
    return MonthlyReport.objects.get(pk=report.pk).get_latest_revision_as_object()


def test_drafted_rows_match_the_hand_counted_figures(may):
    rows = rows_of(MonthlyReport.draft(MAY))

    assert sorted(rows) == [1, 2, 3, 4, 5, 6, 7]
    assert rows[3].problems_found == "本月新发现需关注学生2人（甲校2人）；截至月末仍在跟踪2人。"
    assert rows[3].rectification == (
        "开展家访跟踪3次；劝返复学2人（乙校1人、甲校1人）；"
        "落实资助资金800.00元，惠及1人（乙校800.00元）；销号1人（甲校1人）。"
    )
    assert rows[2].problems_found == "本月新发现需关注学生1人（甲校1人）；截至月末仍在跟踪1人。"
    # Item 2 reports all the month's aid: item 3's 800.00 at 乙校 as well as its own 1500.00.
    assert (
        rows[2].rectification == "落实资助资金2300.00元，惠及2人（乙校800.00元、甲校1500.00元）。"
    )
    assert rows[5].problems_found == (
        "本月新发现问题2个（乙校1个、甲校1个）；截至月末未销号2个。"
        "\n1. 乙校：教室照明不足\n2. 甲校：运动场地面破损"
    )
    assert rows[5].rectification == "本月销号问题1个（乙校1个）。\n1. 乙校：更换照明灯具"
    assert rows[1].problems_found == "本月未发现新的需关注学生；截至月末仍在跟踪0人。"
    assert rows[1].rectification == "本月暂无整改记录。"
    assert rows[6].rectification == "本月无销号问题。"


def test_rows_keep_the_items_leader_offices_and_deadline(may):
    rows = rows_of(MonthlyReport.draft(MAY))
    assert (rows[1].leader, rows[1].offices, rows[1].deadline_text) == (
        "万东旺",
        "教研室 基础教育室",
        "2020年2月底",
    )
    assert (rows[5].leader, rows[5].offices) == ("吕志武", "规划财务室")
    assert rows[3].figures["returned"] == {"乙校": 1, "甲校": 1}
    assert rows[2].figures["aid_yuan"] == "2300.00"


def test_item_two_reports_all_aid_and_other_items_their_own(may):
    from tests import factories as f

    # A left-behind child (item 4) at 乙校 gets 650.50 in May and 99 in April.
    left_behind = f.make_case(
        f.make_student(may["b"], name="王五"),
        concern="left_behind",
        checklist_item=f.ChecklistItem.objects.get(number=4),
        opened_on=datetime.date(2020, 5, 2),
    )
    f.make_support(left_behind, amount="650.50", given_on=datetime.date(2020, 5, 9))
    f.make_support(left_behind, amount=99, given_on=datetime.date(2020, 4, 30))

    rows = rows_of(MonthlyReport.draft(MAY))

    # By hand: 1000 + 500 (item 2's own) + 800 (item 3) + 650.50 (item 4) = 2950.50 yuan,
    # to 3 children: 甲校 1500.00; 乙校 800 + 650.50 = 1450.50.
    assert rows[2].figures["aid_yuan"] == "2950.50"
    assert rows[2].figures["aided_children"] == 3
    assert rows[2].figures["aid_by_school"] == {"乙校": "1450.50", "甲校": "1500.00"}
    assert "落实资助资金2950.50元，惠及3人（乙校1450.50元、甲校1500.00元）" in rows[2].rectification
    # The other items still mention the aid of their own cases only.
    assert rows[3].figures["aid_yuan"] == "800.00"
    assert rows[4].figures["aid_yuan"] == "650.50"
    assert "落实资助资金650.50元，惠及1人（乙校650.50元）" in rows[4].rectification
    assert rows[1].figures["aid_yuan"] == "0.00"


# --- the admin: office staff draft and edit, leaders review -------------------------------


@pytest.fixture
def people(may):
    from django.contrib.auth import get_user_model

    from tests import factories as f

    users = may["users"]
    for name in ("office", "leader_wan", "leader_lv"):
        get_user_model().objects.filter(pk=users[name].pk).update(email=f"{name}@example.cn")
        users[name].refresh_from_db()
    users["planning"] = f.make_user(
        "planning", "office", office="规划财务室", email="planning@example.cn"
    )
    users["leader_zhao"] = f.make_user(
        "leader_zhao", "leader", leader_name="赵辉", email="zhao@example.cn"
    )
    return users


def test_office_creates_the_month_and_finds_every_row_drafted(client, people):
    client.force_login(people["office"])
    response = client.post(url("add"), {"month": "2020-05"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert report.month == MAY and not report.live
    assert len(rows_of(report)) == 7
    page = client.get(url("edit", report.pk)).content.decode()
    assert "本月新发现需关注学生2人（甲校2人）" in page
    assert report.get_state_display() == "填写中"


def test_office_edits_its_own_items_rows_only(client, people):
    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])  # 基础教育室: items 1, 3 and 4
    data = rows_post_data(
        report,
        {3: {"rectification": "已全部劝返。"}, 5: {"rectification": "科室越权修改"}},
    )
    response = client.post(url("edit", report.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = rows_of(latest(report))
    assert rows[3].rectification == "已全部劝返。"
    assert rows[5].rectification == "本月销号问题1个（乙校1个）。\n1. 乙校：更换照明灯具"


def test_rows_cannot_be_removed(client, people):
    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])
    data = rows_post_data(report)
    data["rows-0-DELETE"] = "on"
    client.post(url("edit", report.pk), data)
    assert len(rows_of(latest(report))) == 7


def submit(client, report, user, changes=None):
    client.force_login(user)
    response = client.post(
        url("edit", report.pk), rows_post_data(report, changes, action="action-submit")
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return MonthlyReport.objects.get(pk=report.pk)


def act(client, report, user, action, comment=""):
    """A leader's click on a workflow action of the report under review."""
    task_state = MonthlyReport.objects.get(pk=report.pk).current_workflow_task_state
    client.force_login(user)
    return client.post(
        url("workflow_action", report.pk, action, task_state.pk), {"comment": comment}
    )


def test_each_leader_approves_only_their_own_rows(
    client, people, django_capture_on_commit_callbacks
):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    assert report.state == MonthlyReport.State.IN_REVIEW
    notified = sorted(m.to[0] for m in mail.outbox)
    assert notified == ["leader_lv@example.cn", "leader_wan@example.cn"]

    assert not denied(act(client, report, people["leader_lv"], "approve_rows"))
    report = MonthlyReport.objects.get(pk=report.pk)
    rows = rows_of(report)
    assert not report.live and report.state == MonthlyReport.State.IN_REVIEW
    assert rows[5].approval["user_id"] == people["leader_lv"].pk
    assert rows[3].approval is None  # 万东旺's rows stay his to approve

    # 吕志武 cannot approve again (万东旺's rows), nor can a leader named on no row.
    assert denied(act(client, report, people["leader_lv"], "approve_rows"))
    assert denied(act(client, report, people["leader_zhao"], "approve_rows"))
    assert denied(act(client, report, people["office"], "approve_rows"))
    assert not MonthlyReport.objects.get(pk=report.pk).live

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert not denied(act(client, report, people["leader_wan"], "approve_rows"))
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.live and report.state == MonthlyReport.State.SUBMITTED
    sent = [m for m in mail.outbox if m.to == ["planning@example.cn"] and m.attachments]
    assert len(sent) == 1
    assert sent[0].attachments[0][0].endswith("-2020-05.xlsx")


def test_a_rows_approval_names_the_leader_family_name_first(client, people):
    leader = people["leader_lv"]
    leader.last_name, leader.first_name = "吕", "志武"
    leader.save()
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    assert not denied(act(client, report, leader, "approve_rows"))
    assert rows_of(MonthlyReport.objects.get(pk=report.pk))[5].approval["user"] == "吕志武"
    client.force_login(people["office"])
    page = client.get(url("edit", report.pk)).content.decode()
    assert "吕志武已审核通过" in page and "志武 吕" not in page


def test_a_leader_sends_back_and_the_resubmission_keeps_unchanged_approvals(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    act(client, report, people["leader_wan"], "approve_rows")
    mail.outbox.clear()
    response = act(client, report, people["leader_lv"], "reject", "第5项请写明整改时限")
    assert response.status_code == 302

    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.state == MonthlyReport.State.DRAFTING and not report.live
    assert any(
        m.to == ["office@example.cn"] and "第5项请写明整改时限" in m.body for m in mail.outbox
    )

    # 规划财务室 fixes its row 5 and resubmits; 万东旺's rows did not change.
    report = submit(
        client, report, people["planning"], {5: {"rectification": "已更换照明灯具，5月25日验收。"}}
    )
    assert report.state == MonthlyReport.State.IN_REVIEW
    task_state = report.current_workflow_task_state
    assert task_state.pending_leaders() == ["吕志武"]
    assert task_state.approvals["万东旺"]["carried_over"] is True

    assert denied(act(client, report, people["leader_wan"], "approve_rows"))
    assert act(client, report, people["leader_lv"], "approve_rows").status_code == 302
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.live
    assert rows_of(report)[5].rectification == "已更换照明灯具，5月25日验收。"


def test_changing_a_leaders_rows_after_a_send_back_needs_their_approval_again(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    act(client, report, people["leader_wan"], "approve_rows")
    act(client, report, people["leader_lv"], "reject", "请核实")
    report = submit(client, report, people["office"], {3: {"remarks": "已核实"}})
    assert report.current_workflow_task_state.pending_leaders() == ["万东旺", "吕志武"]


def test_the_leaders_see_their_pending_reviews_on_the_dashboard(client, people):
    from wagtail.models import TaskState

    submit(client, MonthlyReport.draft(MAY), people["office"])
    assert TaskState.objects.reviewable_by(people["leader_wan"]).count() == 1
    assert TaskState.objects.reviewable_by(people["leader_zhao"]).count() == 0
    act(client, MonthlyReport.objects.get(), people["leader_wan"], "approve_rows")
    assert TaskState.objects.reviewable_by(people["leader_wan"]).count() == 0
    assert TaskState.objects.reviewable_by(people["leader_lv"]).count() == 1


def approve(client, people, report, changes=None):
    report = submit(client, report, people["office"], changes)
    act(client, report, people["leader_wan"], "approve_rows")
    act(client, report, people["leader_lv"], "approve_rows")
    return MonthlyReport.objects.get(pk=report.pk)


def test_an_approved_month_does_not_move_when_cases_change(client, people, may):
    from casework.monthly import tasks
    from casework.monthly.workbook import monthly_workbook
    from tests import factories as f

    report = approve(client, people, MonthlyReport.draft(MAY))
    before = {n: (r.problems_found, r.rectification) for n, r in rows_of(report).items()}
    workbook = monthly_workbook(report)

    c1 = may["cases"][0]
    c1.status, c1.closed_on = "closed", datetime.date(2020, 5, 30)
    c1.close_reason, c1.close_verification = "已复学", "核实"
    c1.save()
    f.make_support(c1, amount=2000, given_on=datetime.date(2020, 5, 29))
    f.make_case(f.make_student(may["a"]), opened_on=datetime.date(2020, 5, 31))
    tasks.remind_offices(today=datetime.date(2020, 5, 20))
    tasks.flag_overdue_reports(today=datetime.date(2020, 5, 27))

    report = MonthlyReport.objects.get(pk=report.pk)
    after = {n: (r.problems_found, r.rectification) for n, r in rows_of(report).items()}
    assert after == before
    assert monthly_workbook(report) == workbook or _same_cells(monthly_workbook(report), workbook)
    assert report.state == MonthlyReport.State.SUBMITTED
    # A fresh draft of the same month would now count differently.
    fresh = MonthlyReport(month=MAY)
    fresh.fill_rows()
    assert rows_of(fresh)[3].problems_found != before[3][0]

    client.force_login(people["office"])
    assert denied(client.post(url("redraft", report.pk)))


def _same_cells(a, b):
    from io import BytesIO

    from openpyxl import load_workbook

    def cells(data):
        return [[c.value for c in row] for row in load_workbook(BytesIO(data)).active.iter_rows()]

    return cells(a) == cells(b)


def test_a_correction_is_a_new_revision_with_the_difference_visible(client, people):
    report = approve(client, people, MonthlyReport.draft(MAY))
    live_revision = report.live_revision_id
    client.force_login(people["office"])
    client.post(
        url("edit", report.pk), rows_post_data(report, {3: {"remarks": "更正：劝返人数已核实"}})
    )

    report = MonthlyReport.objects.get(pk=report.pk)
    assert rows_of(report)[3].remarks == ""  # the approved month is unchanged until approved
    assert rows_of(latest(report))[3].remarks == "更正：劝返人数已核实"
    assert report.has_unpublished_changes and report.latest_revision_id != live_revision

    page = client.get(url("revisions_compare", report.pk, "live", "latest")).content.decode()
    assert "更正：劝返人数已核实" in page

    mail.outbox.clear()
    report = approve(client, people, report)
    assert rows_of(report)[3].remarks == "更正：劝返人数已核实"


def test_after_a_send_back_only_the_leaders_still_needed_are_notified(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])
    act(client, report, people["leader_wan"], "approve_rows")
    act(client, report, people["leader_lv"], "reject", "请核实")
    mail.outbox.clear()
    submit(client, report, people["planning"], {5: {"remarks": "已核实"}})
    assert [m.to for m in mail.outbox] == [["leader_lv@example.cn"]]


# --- access ----------------------------------------------------------------------------------

VIEWS = ["list", "add", "edit", "export", "redraft", "progress", "summary"]


def view_url(name, report):
    if name in ("list", "add", "progress"):
        return url(name)
    if name == "summary":
        return url("summary", 2020, "q2")
    return url(name, report.pk)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("role", ["teacher_a", "manager_a", "editor"])
def test_school_staff_and_editors_cannot_open_the_report_views(client, people, role, view):
    report = MonthlyReport.draft(MAY)
    client.force_login(people[role])
    response = client.get(view_url(view, report))
    # Refused (the dashboard with a message) or, where the scoped manager hides it, not found.
    assert denied(response) or response.status_code == 404
    assert "本月新发现" not in response.content.decode()


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("role", ["office", "leader_wan"])
def test_bureau_staff_and_leaders_open_the_report_views(client, people, role, view):
    report = MonthlyReport.draft(MAY)
    client.force_login(people[role])
    response = client.get(view_url(view, report))
    if view == "add" and role == "leader_wan":
        assert denied(response)  # leaders review a month; the offices start it
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(client, people, view):
    report = MonthlyReport.draft(MAY)
    response = client.get(view_url(view, report))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_downloading_the_sheet_is_logged(client, people):
    from casework.models import AccessLog

    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])
    response = client.get(url("export", report.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.row_count) == (people["office"], "export", 7)
    assert entry.what == "monthly checklist 2020-05"


def test_report_list_shows_each_months_state(client, people):
    MonthlyReport.draft(MAY)
    late = MonthlyReport.draft(datetime.date(2020, 4, 1))
    MonthlyReport.objects.filter(pk=late.pk).update(
        overdue_since=datetime.datetime(2020, 4, 26, tzinfo=datetime.UTC)
    )
    client.force_login(people["leader_wan"])
    page = client.get(url("list")).content.decode()
    assert "2020年5月挂牌督战责任清单" in page and "填写中" in page
    assert "2020年4月挂牌督战责任清单" in page and "逾期" in page


# --- progress -----------------------------------------------------------------------------------


def test_bureau_progress_overview_counts_open_and_closed_per_item_school_and_month(client, people):
    client.force_login(people["office"])
    response = client.get(url("progress"), {"year": 2020})
    table = {entry["item"].number: entry for entry in response.context["table"]}
    may_index = [m.month for m in response.context["months"]].index(5)
    item3 = {s["name"]: s["months"][may_index] for s in table[3]["schools"]}
    assert item3 == {"甲校": (1, 1), "乙校": (1, 0)}  # open at the end of May / closed off in May
    item5 = {s["name"]: s["months"][may_index] for s in table[5]["schools"]}
    assert item5 == {"甲校": (2, 0), "乙校": (0, 1)}
    assert table[6]["schools"] == []


def test_the_progress_grid_totals_each_item_and_hides_empty_cells(client, people):
    client.force_login(people["office"])
    response = client.get(url("progress"), {"year": 2020})
    table = {entry["item"].number: entry for entry in response.context["table"]}
    may_index = [m.month for m in response.context["months"]].index(5)
    assert table[3]["total"][may_index] == (2, 1)  # 甲校 (1, 1) + 乙校 (1, 0)
    assert table[5]["total"][may_index] == (2, 1)
    district = response.context["totals"][may_index]
    assert district == tuple(
        sum(entry["total"][may_index][k] for entry in table.values() if entry["total"])
        for k in (0, 1)
    )
    page = response.content.decode()
    assert "0 / 0" not in page
    assert "合计" in page and "全部条目" in page


def test_public_checklist_page_shows_counts_per_item_and_no_child(client, people):
    from home.models import ChecklistPage

    page = client.get(ChecklistPage.objects.get().url).content.decode()
    assert "工作进展" in page
    # item 3: the fixture's two cases and May's three; one closed off.
    assert '<tr id="progress-3">' in page
    row3 = page.split('<tr id="progress-3">')[1].split("</tr>")[0]
    assert "<td>5</td><td>1</td><td>4</td>" in row3
    row5 = page.split('<tr id="progress-5">')[1].split("</tr>")[0]
    assert "<td>3</td><td>1</td><td>2</td>" in row5
    for name in ("张一", "李三", "甲校学生王小明", "甲校", "乙校"):
        assert name not in page


# --- schedules: reminders on the 20th, late after the 25th (Asia/Shanghai) -----------------------

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def run_scheduler():
    from django_q.brokers import get_broker
    from django_q.scheduler import scheduler

    scheduler(broker=get_broker())


def test_setup_schedules_is_idempotent(db):
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("setup_schedules")
    call_command("setup_schedules")
    monthly = Schedule.objects.filter(name__startswith="casework.monthly_report")
    assert sorted(monthly.values_list("func", "cron")) == [
        ("casework.monthly.tasks.flag_overdue_reports", "5 0 * * *"),
        ("casework.monthly.tasks.remind_offices", "0 9 20 * *"),
    ]


def test_the_offices_are_reminded_on_the_20th_with_this_months_report_drafted(people):
    from django.core.management import call_command

    with time_machine.travel(
        datetime.datetime(2020, 5, 19, 12, 0, tzinfo=SHANGHAI), tick=False
    ) as t:
        call_command("setup_schedules")
        t.move_to(datetime.datetime(2020, 5, 20, 8, 59, tzinfo=SHANGHAI))
        run_scheduler()
        assert not MonthlyReport.objects.exists()

        t.move_to(datetime.datetime(2020, 5, 20, 9, 1, tzinfo=SHANGHAI))
        mail.outbox.clear()
        run_scheduler()

    report = MonthlyReport.objects.get()
    assert report.month == MAY and report.reminded_at is not None
    assert rows_of(report)[3].problems_found.startswith("本月新发现需关注学生2人")
    reminders = {m.to[0]: m.body for m in mail.outbox}
    assert sorted(reminders) == ["office@example.cn", "planning@example.cn"]
    assert "3. 控辍保学情况" in reminders["office@example.cn"]
    assert "5. 排查学校规划布局短板" in reminders["planning@example.cn"]
    assert "3. 控辍保学情况" not in reminders["planning@example.cn"]
    assert "2020年5月25日" in reminders["office@example.cn"]


def test_a_month_not_approved_by_the_25th_is_flagged_late_after_it(people):
    from django.core.management import call_command

    from casework.monthly import tasks

    report = MonthlyReport.draft(MAY)
    with time_machine.travel(
        datetime.datetime(2020, 5, 25, 12, 0, tzinfo=SHANGHAI), tick=False
    ) as t:
        call_command("setup_schedules")
        t.move_to(datetime.datetime(2020, 5, 25, 23, 59, tzinfo=SHANGHAI))
        assert tasks.flag_overdue_reports() == []
        assert MonthlyReport.objects.get().state == MonthlyReport.State.DRAFTING

        # 00:06 on the 26th in Shanghai is still the 25th in UTC.
        t.move_to(datetime.datetime(2020, 5, 25, 16, 6, tzinfo=datetime.UTC))
        mail.outbox.clear()
        run_scheduler()

    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.state == MonthlyReport.State.LATE
    assert report.get_state_display() == "逾期"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leader_lv@example.cn",
        "leader_wan@example.cn",
        "office@example.cn",
        "planning@example.cn",
    ]


def test_a_month_approved_in_time_is_not_flagged(client, people):
    from casework.monthly import tasks

    with time_machine.travel(
        datetime.datetime(2020, 5, 24, 10, 0, tzinfo=SHANGHAI), tick=False
    ) as t:
        report = approve(client, people, MonthlyReport.draft(MAY))
        t.move_to(datetime.datetime(2020, 5, 27, 10, 0, tzinfo=SHANGHAI))
        assert tasks.flag_overdue_reports() == []
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.overdue_since is None and not report.approved_late


def test_during_review_the_leader_sees_their_actions_and_the_office_a_locked_form(client, people):
    report = submit(client, MonthlyReport.draft(MAY), people["office"])

    client.force_login(people["leader_wan"])
    page = client.get(url("edit", report.pk)).content.decode()
    assert "审核通过我负责的事项" in page and "退回并说明意见" in page
    assert "和发布" not in page

    client.force_login(people["leader_zhao"])
    assert "审核通过我负责的事项" not in client.get(url("edit", report.pk)).content.decode()

    client.force_login(people["office"])
    response = client.post(
        url("edit", report.pk), rows_post_data(report, {3: {"remarks": "审核中修改"}})
    )
    assert response.status_code == 200  # refused: the report is locked while in review
    assert rows_of(latest(report))[3].remarks == ""


def test_an_approved_month_waits_as_approved_until_someone_in_the_office_can_receive_it(
    client, people, django_capture_on_commit_callbacks
):
    from casework.monthly import tasks

    people["planning"].is_active = False
    people["planning"].save()
    with django_capture_on_commit_callbacks(execute=True):
        report = approve(client, people, MonthlyReport.draft(MAY))
    assert report.state == MonthlyReport.State.APPROVED

    people["planning"].is_active = True
    people["planning"].save()
    tasks.flag_overdue_reports(today=datetime.date(2020, 6, 1))
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.state == MonthlyReport.State.SUBMITTED
    assert [m.to for m in mail.outbox if m.attachments] == [["planning@example.cn"]]


def test_a_leader_may_edit_the_rows_naming_them_only(client, people):
    report = MonthlyReport.draft(MAY)
    client.force_login(people["leader_lv"])
    changes = {5: {"remarks": "吕志武补充"}, 3: {"remarks": "越权"}}
    assert client.post(url("edit", report.pk), rows_post_data(report, changes)).status_code == 302
    rows = rows_of(latest(report))
    assert (rows[5].remarks, rows[3].remarks) == ("吕志武补充", "")


def test_refreshing_the_figures_keeps_what_an_office_wrote(client, people, may):
    from tests import factories as f

    report = MonthlyReport.draft(MAY)
    client.force_login(people["office"])
    client.post(url("edit", report.pk), rows_post_data(report, {3: {"rectification": "科室自填"}}))
    f.make_case(f.make_student(may["b"]), opened_on=datetime.date(2020, 5, 30))

    assert client.post(url("redraft", report.pk)).status_code == 302
    rows = rows_of(latest(report))
    assert (
        rows[3].problems_found
        == "本月新发现需关注学生3人（乙校1人、甲校2人）；截至月末仍在跟踪3人。"
    )
    assert rows[3].rectification == "科室自填"
    assert rows[3].figures["found_total"] == 3


def test_a_month_approved_after_the_25th_is_listed_as_submitted_late(
    client, people, django_capture_on_commit_callbacks
):
    when = datetime.datetime(2020, 5, 27, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        report = approve(client, people, MonthlyReport.draft(MAY))
    report = MonthlyReport.objects.get(pk=report.pk)  # as sent on, once the approval committed
    assert report.state == MonthlyReport.State.SUBMITTED and report.approved_late
    client.force_login(people["office"])
    assert "已报送（逾期）" in client.get(url("list")).content.decode()


def test_the_months_case_file_reviews_close_the_rectification_text(may):
    from casework.models import CaseReview

    c1, c2, c3, _c4 = may["cases"]
    item3 = c1.checklist_item
    d = datetime.date

    def review(case, month=MAY, **values):
        return CaseReview.unscoped.create(
            case=case,
            school=case.student.school,
            checklist_item=item3,
            month=month,
            seed="test",
            due_on=d(2020, 6, 30),
            **values,
        )

    # Reviewed, answered and closed in May.
    review(
        c1,
        status="closed",
        score=70,
        reviewed_on=d(2020, 5, 10),
        answered_on=d(2020, 5, 15),
        closed_on=d(2020, 5, 20),
        answer="已补",
    )
    # Reviewed in May, answered only in June: unanswered at the month's end.
    review(
        c3,
        status="answered",
        score=86,
        reviewed_on=d(2020, 5, 12),
        answered_on=d(2020, 6, 2),
        answer="已补",
    )
    # Drawn in May, reviewed in June: drawn, but neither scored nor unanswered in May.
    review(c2, status="reviewed", score=40, reviewed_on=d(2020, 6, 3))
    # April's sample, closed in May: not May's.
    review(
        c1,
        month=d(2020, 4, 1),
        status="closed",
        score=10,
        reviewed_on=d(2020, 4, 10),
        answered_on=d(2020, 4, 12),
        closed_on=d(2020, 5, 2),
        answer="已补",
    )

    rows = rows_of(MonthlyReport.draft(MAY))
    # By hand: drawn 3 (c1, c3, c2 of May); closed by 05-31: c1 only; average of the scores
    # given by 05-31: (70 + 86) / 2 = 78; reviewed by 05-31 and not answered by then: c3.
    assert rows[3].figures["reviews"] == {"drawn": 3, "closed": 1, "score": 78, "unanswered": 1}
    assert rows[3].rectification.endswith(
        "销号1人（甲校1人）。\n督导抽查案卷3份，已办结1份，平均得分78分，1份待学校答复。"
    )
    # Item 2 had no file drawn: no review sentence.
    # Item 2 reports all the month's aid: item 3's 800.00 at 乙校 as well as its own 1500.00.
    assert (
        rows[2].rectification == "落实资助资金2300.00元，惠及2人（乙校800.00元、甲校1500.00元）。"
    )
    assert rows[2].figures["reviews"]["drawn"] == 0


def test_drafting_a_month_asks_the_same_few_queries_whatever_the_ledger_holds(two_schools):
    """The figures of all seven items come from grouped queries, not a round per item and
    school: a bigger ledger (a third school, more children, visits and aid) costs nothing more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.models import ChecklistItem
    from casework.monthly.figures import month_figures
    from tests import factories as f

    may_data(two_schools)
    items = list(ChecklistItem.objects.all())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            month_figures(items, MAY)
        return len(captured)

    before = queries()
    c = f.make_school("丙校")
    for n in range(6):
        case = f.make_case(f.make_student(c, name=f"王{n}"), opened_on=datetime.date(2020, 5, 2))
        f.make_visit(case, visited_on=datetime.date(2020, 5, 9), child_state="returned")
        f.make_support(case, amount=100, given_on=datetime.date(2020, 5, 9))
    assert queries() == before <= 20
    assert month_figures(items, MAY)[items[2].pk]["found"]["丙校"] == 6
