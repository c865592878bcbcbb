"""The bureau's public pages: the notice, the plan and the checklist from the seed."""

import pytest
from wagtail.models import Page, Revision
from wagtail.test.utils import WagtailPageTestCase

from casework.models import ChecklistItem
from home.models import (
    ChecklistPage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    PlanPage,
    PrivacyNoticePage,
)
from home.seed import SeedLoader, read_seed

NOTICE_URL = "/tzgg/shidajiaotifa-2020-38/"


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_takes_only_the_notice_index_and_the_privacy_notice(self):
        self.assertAllowedSubpageTypes(HomePage, {NoticeIndexPage, PrivacyNoticePage})
        self.assertAllowedParentPageTypes(PrivacyNoticePage, {HomePage})
        self.assertAllowedSubpageTypes(PrivacyNoticePage, set())
        self.assertAllowedSubpageTypes(NoticeIndexPage, {NoticePage})

    def test_notice_lives_under_the_index_and_holds_its_attachments(self):
        self.assertAllowedParentPageTypes(NoticePage, {NoticeIndexPage})
        self.assertAllowedSubpageTypes(NoticePage, {PlanPage, ChecklistPage})

    def test_plan_and_checklist_only_under_a_notice(self):
        self.assertAllowedParentPageTypes(PlanPage, {NoticePage})
        self.assertAllowedParentPageTypes(ChecklistPage, {NoticePage})
        self.assertAllowedSubpageTypes(PlanPage, set())
        self.assertAllowedSubpageTypes(ChecklistPage, set())


@pytest.mark.django_db
def test_front_page_lists_the_notice(seed, client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "石大教体发〔2020〕38号" in body
    assert f'href="{NOTICE_URL}"' in body


@pytest.mark.django_db
def test_notice_page_shows_the_document(seed, client):
    body = client.get(NOTICE_URL).content.decode()
    for text in (
        "大武口区教育体育局",
        "石大教体发〔2020〕38号",
        "签发人",
        "赵辉",
        "区属各中小学、幼儿园，局机关各部门、各事业单位",
        "认真履职尽责，切实做好各项工作",
        "此件公开发布",
    ):
        assert text in body, text
    assert f'href="{NOTICE_URL}plan/"' in body
    assert f'href="{NOTICE_URL}checklist/"' in body


@pytest.mark.django_db
def test_plan_page_has_the_four_checks_with_their_tasks(seed, client):
    body = client.get(NOTICE_URL + "plan/").content.decode()
    for heading in ("（一）“查损补失”", "（二）“查漏补缺”", "（三）“查短补齐”", "（四）“查弱补强”"):
        assert heading in body, heading
    for section in ("一、总体要求", "三、工作方式与进度", "四、工作要求"):
        assert section in body
    for task in ("教育资助政策落实情况", "控辍保学情况", "排查学校师资短板", "两清两明"):
        assert task in body
    assert "区教研室、局基础教育室" in body
    assert "政工人事室、教研室、信息中心" in body
    for number in range(1, 8):
        assert f'data-checklist-item="{number}"' in body


@pytest.mark.django_db
def test_item_one_keeps_both_deadlines_the_seed_gives(seed, client):
    plan = PlanPage.objects.get()
    task = next(b for b in plan.body if b.block_type == "category").value["tasks"][0]
    assert task["checklist_item"] == 1
    assert task["deadline"] == "2020年4月底"
    assert ChecklistItem.objects.get(number=1).deadline_text == "2020年2月底"


@pytest.mark.django_db
def test_checklist_page_has_seven_rows_and_category_cells_spanning_them(seed, client):
    body = client.get(NOTICE_URL + "checklist/").content.decode()
    for number in range(1, 8):
        assert f'id="item-{number}"' in body
    assert 'rowspan="3"' in body  # 查漏补缺 spans items 2-4
    assert body.count('rowspan="2"') == 1  # 查短补齐 spans items 5-6
    assert "万东旺" in body and "吕志武" in body
    assert "每月25日前将挂牌督战责任清单经责任领导审核后上报教体局规划财务室" in body


@pytest.mark.django_db
def test_every_seeded_page_is_routable(seed, client):
    pages = list(Page.objects.live().filter(depth__gt=1).specific())
    # home, 通知公告, the notice, its plan and checklist, and the privacy notice (个人信息保护告知)
    assert len(pages) == 6
    for page in pages:
        assert client.get(page.url).status_code == 200, page.url


@pytest.mark.django_db
def test_loading_the_seed_twice_changes_nothing(seed):
    counts = (Page.objects.count(), Revision.objects.count(), ChecklistItem.objects.count())
    assert SeedLoader().run() == []
    assert (Page.objects.count(), Revision.objects.count(), ChecklistItem.objects.count()) == counts


@pytest.mark.django_db
def test_loading_again_keeps_an_editors_changes(seed):
    notice = NoticePage.objects.get()
    notice.signer = "某某"
    notice.save_revision().publish()
    SeedLoader().run()
    assert NoticePage.objects.get().signer == "某某"
    SeedLoader(reset=True).run()
    assert NoticePage.objects.get().signer == "赵辉"


def test_seed_file_holds_the_seven_items_of_attachment_2():
    data = read_seed()
    items = data["checklist_items"]
    assert [i["number"] for i in items] == list(range(1, 8))
    assert {i["leader"] for i in items} == {"万东旺", "吕志武"}
    assert [c["name"] for c in data["categories"]] == [
        "查损补失",
        "查漏补缺",
        "查短补齐",
        "查弱补强",
    ]
