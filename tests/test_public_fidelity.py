"""The public pages say what the seed document says, word for word, and the checklist shows
only text the responsible leaders approved."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from casework.models import ChecklistItem, MonthlyReport
from casework.monthly.figures import approved_checklist_text
from home.models import ChecklistPage
from tests import factories as f
from tests.monthly import MAY, may_data, rows_post_data, url

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_f9d25591e0b3555a.txt"
NOTICE_URL = "/tzgg/shidajiaotifa-2020-38/"
CHECKLIST_URL = NOTICE_URL + "checklist/"


def seed_text():
    path = SEED if SEED.exists() else Path("/work/shared/seed/000_f9d25591e0b3555a.txt")
    return path.read_text(encoding="utf-8")


def squeeze(text):
    """Whitespace is all the comparison ignores."""
    return re.sub(r"\s+", "", text)


class VisibleText(HTMLParser):
    """The text a reader sees inside the page's <article> (no scripts, styles or attributes)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hidden = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth and not self.hidden:
            self.parts.append(data)


def article_text(client, path):
    response = client.get(path)
    assert response.status_code == 200
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "".join(parser.parts)


def seed_parts():
    """The notice, attachment 1 (the plan) and attachment 2 (the checklist) of the seed."""
    text = seed_text()
    notice, rest = text.split("\n附件 1\n", 1)
    plan, checklist = rest.split("\n附件 2\n", 1)
    return notice, "附件 1\n" + plan, "附件 2\n" + checklist


def test_checklist_page_is_attachment_two_word_for_word(seed, client):
    checklist = seed_parts()[2]
    title = "大武口区教体系统教育扶贫攻坚“四查四补”挂牌督战责任清单"
    header = "类别\t排查内容\t发现的问题\t整改情况\t整改时限\t责任领导\t责任科室\t落实单位\t备注"
    # On paper the table breaks over two pages and repeats its title and header: once on screen.
    repeated = f"\n{title}\n\n{header}\n"
    assert checklist.count(repeated) == 2
    first = checklist.index(repeated)
    second = checklist.index(repeated, first + 1)
    expected = checklist[:second] + "\n" + checklist[second + len(repeated) :]

    assert squeeze(article_text(client, CHECKLIST_URL)) == squeeze(expected)


def test_notice_page_says_what_the_seed_says_in_its_order(seed, client):
    page = squeeze(article_text(client, NOTICE_URL))
    lines = [line.strip() for line in seed_parts()[0].splitlines() if line.strip()]
    # Not wording: "- " is the extraction's list marker, and "(此页无正文)" marks a printed
    # page left without body text, which a web page has no use for.
    lines = [line.removeprefix("- ") for line in lines if line != "(此页无正文)"]
    at = 0
    for line in lines:
        found = page.find(squeeze(line), at)
        assert found >= 0, f"not found in order: {line}"
        at = found + len(squeeze(line))
    # Attachments are numbered once (the list itself shows no number of its own).
    assert "附件：1.大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案" in page
    assert "2.大武口区教体系统教育扶贫攻坚“四查四补”挂牌督战责任清单" in page
    assert "1.1." not in page and "2.2." not in page
    body = client.get(NOTICE_URL).content.decode()
    assert "<ol" not in body.split('class="gov-doc__attachments"', 1)[1].split("</div>", 1)[0]


def test_plan_page_says_what_attachment_one_says(seed, client):
    page = squeeze(article_text(client, NOTICE_URL + "plan/"))
    # The page adds the checklist reference under each task ("对应责任清单项 N"): remove it.
    page = re.sub(r"对应责任清单项\d", "", page)
    expected = squeeze(seed_parts()[1])
    pairs = enumerate(zip(page, expected, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(page), len(expected)))
    # On a difference, show where: the page, then the seed.
    assert page == expected, (page[max(at - 40, 0) : at + 80], expected[max(at - 40, 0) : at + 80])


def test_plan_references_link_to_the_checklist_rows(seed, client):
    body = client.get(NOTICE_URL + "plan/").content.decode()
    for number in range(1, 8):
        assert f'href="{CHECKLIST_URL}#item-{number}"' in body, number
    checklist = client.get(CHECKLIST_URL).content.decode()
    for number in range(1, 8):
        assert f'id="item-{number}"' in checklist


# --- only approved text in public ---------------------------------------------------------


@pytest.fixture
def offices(two_schools):
    may_data(two_schools)
    users = two_schools["users"]
    users["planning"] = f.make_user("planning", "office", office="规划财务室")
    return users


def edit(client, report, user, changes, action=None):
    client.force_login(user)
    response = client.post(url("edit", report.pk), rows_post_data(report, changes, action=action))
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def approve_all(client, report, users, leaders=("leader_wan", "leader_lv")):
    for leader in leaders:
        state = MonthlyReport.objects.get(pk=report.pk).current_workflow_task_state
        client.force_login(users[leader])
        client.post(url("workflow_action", report.pk, "approve_rows", state.pk), {})
    return MonthlyReport.objects.get(pk=report.pk)


def public_page(client):
    client.logout()
    return client.get(CHECKLIST_URL).content.decode()


def test_unapproved_text_never_appears_and_approved_text_does(client, offices):
    report = MonthlyReport.draft(MAY)
    # 规划财务室 writes into its own item 2; 基础教育室 into its item 3.
    edit(client, report, offices["planning"], {2: {"remarks": "资助台账已核对（待审）"}})
    edit(client, report, offices["office"], {3: {"rectification": "劝返两人（待审）"}})
    assert "待审" not in public_page(client)

    # Sent for review and approved by one of the two leaders: still not public.
    edit(client, report, offices["office"], {}, action="action-submit")
    state = MonthlyReport.objects.get(pk=report.pk).current_workflow_task_state
    client.force_login(offices["leader_lv"])
    client.post(url("workflow_action", report.pk, "approve_rows", state.pk), {})
    assert "待审" not in public_page(client)

    report = approve_all(client, report, offices, ["leader_wan"])
    assert report.live
    month, rows = approved_checklist_text()
    assert month == MAY
    assert (rows[2].remarks, rows[3].rectification) == (
        "资助台账已核对（待审）",
        "劝返两人（待审）",
    )
    page = public_page(client)
    row = page[page.find('id="item-2"') : page.find('id="item-3"')]
    assert "资助台账已核对（待审）" in page and "劝返两人（待审）" in page, row
    assert "发现的问题、整改情况、备注为2020年5月经责任领导审核的内容。" in page

    # A change begun after the approval stays out of public until it is approved in turn.
    edit(client, report, offices["office"], {3: {"rectification": "改后的文字"}})
    page = public_page(client)
    assert "改后的文字" not in page and "劝返两人（待审）" in page


def test_another_office_cannot_write_the_row(client, offices):
    report = MonthlyReport.draft(MAY)
    # 基础教育室 tries item 2, which is 规划财务室's.
    edit(client, report, offices["office"], {2: {"remarks": "越权填写"}})
    latest = MonthlyReport.objects.get(pk=report.pk).get_latest_revision_as_object()
    assert {row.number: row.remarks for row in latest.rows.all()}[2] == ""


def test_the_items_own_text_is_not_written_from_the_checklist_admin(client, offices):
    item2 = ChecklistItem.objects.get(number=2)
    edit_url = reverse("casework_checklistitem_modeladmin_edit", args=[item2.pk])
    # 基础教育室 may not open item 2 (规划财务室's) at all.
    client.force_login(offices["office"])
    response = client.get(edit_url)
    assert response.status_code in (302, 403)
    client.post(edit_url, {"title": item2.title, "remarks": "越权", "problems_found": "越权"})
    item2.refresh_from_db()
    assert item2.remarks == "" and item2.problems_found == ""
    # 规划财务室 opens its own item, but 发现的问题 / 整改情况 / 备注 are not on the form.
    client.force_login(offices["planning"])
    body = client.get(edit_url).content.decode()
    assert 'name="title"' in body
    for name in ("problems_found", "rectification", "remarks"):
        assert f'name="{name}"' not in body
    assert "越权" not in public_page(client)


def test_an_offices_change_to_its_items_wording_goes_public_only_through_the_workflow(
    client, offices
):
    """规划财务室 corrects item 2's units; the public reads the seed's wording until the checklist
    page has passed 信息发布审核 (科室负责人, then 责任领导)."""
    item2 = ChecklistItem.objects.get(number=2)
    seed_units = item2.units
    client.force_login(offices["planning"])
    form = {
        name: getattr(item2, name)
        for name in ("title", "content", "deadline_text", "leader", "offices", "units")
    }
    form |= {"deadline": item2.deadline.isoformat(), "units": "区属各中小学、幼儿园（含民办）"}
    edit_url = reverse("casework_checklistitem_modeladmin_edit", args=[item2.pk])
    assert client.post(edit_url, form).status_code == 302
    item2.refresh_from_db()
    assert item2.units == "区属各中小学、幼儿园（含民办）"
    assert "（含民办）" not in public_page(client) and seed_units in public_page(client)

    # The editor is told which item waits, on the page's edit screen.
    editor = f.make_user("web_editor", "editor")
    head = f.make_user("office_head")
    head.groups.add(Group.objects.get(name="科室负责人"))
    page = ChecklistPage.objects.get()
    client.force_login(editor)
    screen = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "第2项自本页面上次发布后已修改" in screen

    revision = page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    for reviewer in (head, offices["leader_lv"]):
        page.refresh_from_db()
        assert "（含民办）" not in public_page(client)
        client.force_login(reviewer)
        state = page.current_workflow_task_state
        action = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.pk))
        assert client.post(action, {"comment": ""}).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live_revision_id == revision.pk
    assert "区属各中小学、幼儿园（含民办）" in public_page(client)


def test_the_front_page_names_the_bureau_once_in_its_title(seed, client):
    body = client.get("/").content.decode()
    assert re.search(r"<title>\s*大武口区教育体育局\s*</title>", body)
    notice = client.get(NOTICE_URL).content.decode()
    assert re.search(r"<title>[^<]+ - 大武口区教育体育局</title>", notice)
