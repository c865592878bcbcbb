"""Chinese search: the words of the seed find their pages, in the public search and the admin's."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from casework.models import ChecklistItem
from home.chinese_search import excerpt, pairs, searchable_text, words
from home.seed import SeedLoader
from home.views import MAX_QUERY_LENGTH

#: Words of two to four characters drawn from the notice, the plan and the checklist, as a
#: citizen or an editor would type them (place names, terms of the plan, offices, leaders).
SEED_WORDS = """
资助 辍学 控辍保学 两清两明 空中课堂 挂牌督战 建档立卡 留守儿童 残疾儿童 教研室 信息中心
脱贫攻坚 四查四补 查漏补缺 查损补失 查短补齐 查弱补强 疫情防控 学困生 适龄儿童 去向不明
温馨关爱 师德师风 轮岗 互联网 特殊教育 住宿生 补助 漏报 错报 精准资助 扶贫办 民政 残联
台账 销号 督导 赵辉 吕志武 万东旺 责任清单 幼儿园 校车 安全隐患 维修 国培 事业编 编制 师资
学籍 长效机制 政治站位 阻击战 回头看 应助尽助 在线教育 复课 校舍 优质均衡 家校沟通 德育
摸底 周报告 动态管理 帮扶 专项辅导 健身器材 巡查 清零 学前教育 办学条件 大武口 教体 组长
实施方案 规划财务室 整改时限 责任领导 中小学 印发
""".split()

#: Words on no page of the site.
ABSENT_WORDS = ["足球", "高考志愿", "奥运会", "房地产", "疫苗接种", "人工智能"]


def public_text(page):
    return page.title + "\n" + searchable_text(page.specific)


def search(query):
    return set(Page.objects.live().public().search(query, operator="and"))


class SeedWordsTests(TestCase):
    """The seed is loaded once; each word is a subtest."""

    @classmethod
    def setUpTestData(cls):
        SeedLoader().run()

    def setUp(self):
        self.pages = list(Page.objects.live().filter(depth__gt=1).specific())

    def test_the_list_is_several_dozen_words_of_two_to_four_characters(self):
        self.assertGreaterEqual(len([w for w in SEED_WORDS if 2 <= len(w) <= 4]), 60)

    def test_every_word_of_the_seed_finds_the_pages_holding_it(self):
        for word in SEED_WORDS:
            with self.subTest(word=word):
                holding = {page for page in self.pages if word in public_text(page)}
                self.assertTrue(holding, f"{word} is on no page: the word list is wrong")
                found = {page.specific for page in search(word)}
                self.assertLessEqual(holding, found, [p.title for p in holding - found])

    def test_a_word_on_no_page_finds_nothing(self):
        for word in ABSENT_WORDS:
            with self.subTest(word=word):
                self.assertFalse(any(word in public_text(page) for page in self.pages))
                self.assertEqual(search(word), set())


@pytest.mark.django_db
def test_a_citizen_finds_the_plan_for_zizhu_and_kongchuobaoxue(seed, client):
    for word in ("资助", "控辍保学"):
        response = client.get("/search/", {"query": word})
        assert response.status_code == 200
        body = response.content.decode()
        assert "大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案" in body, word
        assert f"<mark>{word}</mark>" in body, word
        assert "未找到" not in body


@pytest.mark.django_db
def test_results_page_counts_and_links_each_result(seed, client):
    body = client.get("/search/", {"query": "挂牌督战"}).content.decode()
    assert re.search(r"找到 \d+ 条与“挂牌督战”相关的结果", body)
    assert 'href="/tzgg/shidajiaotifa-2020-38/checklist/"' in body


@pytest.mark.django_db
def test_nothing_found_is_said_in_chinese(seed, client):
    body = client.get("/search/", {"query": "足球"}).content.decode()
    assert "未找到与“足球”相关的内容" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ("", "请输入要搜索的词语"),
        ("   ", "请输入要搜索的词语"),
        ("资助" * 200, f"搜索词太长，请不要超过 {MAX_QUERY_LENGTH} 个字"),
        ("。，！？", "请用汉字、字母或数字搜索"),
        ('"', "请用汉字、字母或数字搜索"),
    ],
    ids=["empty", "spaces", "absurdly-long", "punctuation", "quote"],
)
def test_bad_queries_get_a_clear_chinese_message(seed, client, query, message):
    response = client.get("/search/", {"query": query})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        '资助" OR "x',
        "资助 AND NOT",
        "NEAR(资助)",
        "资助*",
        "a'b",
        "\\",
        "控辍保学 资助 2020",
        "石大教体发〔2020〕38号",
    ],
)
def test_query_syntax_of_the_database_is_only_text(seed, client, query):
    assert client.get("/search/", {"query": query}).status_code == 200


@pytest.mark.django_db
def test_paging_past_the_end_shows_the_last_page(seed, client):
    for page in ("abc", "999", "-1"):
        response = client.get("/search/", {"query": "资助", "page": page})
        assert response.status_code == 200
        assert "实施方案" in response.content.decode()


@pytest.mark.django_db
def test_the_document_number_finds_the_notice(seed):
    titles = {p.title for p in search("石大教体发〔2020〕38号")}
    assert "关于印发《大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案》的通知" in titles


@pytest.mark.django_db
def test_the_admin_page_search_finds_words_in_the_body(seed, client, django_user_model):
    from tests import factories as f

    client.force_login(f.make_user("web_editor", "editor"))
    for word, title in (
        ("资助", "大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案"),
        ("四查四补", "大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案"),
        ("38号", "关于印发《大武口区教体系统开展脱贫攻坚“四查四补”工作实施方案》的通知"),
    ):
        response = client.get("/admin/pages/search/", {"q": word})
        assert response.status_code == 200
        assert title in response.content.decode(), word


@pytest.mark.django_db
def test_a_checklist_row_filled_in_is_found_without_saving_the_page(seed):
    assert search("宽带提速") == set()
    item = ChecklistItem.objects.get(number=1)
    item.problems_found = "两名学生家中无网络，已协调宽带提速。"
    item.save()
    assert {p.specific.slug for p in search("宽带提速")} == {"checklist"}


@pytest.mark.django_db
def test_childrens_records_stay_out_of_the_index(two_schools, client):
    casework_types = ContentType.objects.filter(app_label="casework")
    assert not IndexEntry.objects.filter(content_type__in=casework_types).exists()
    for name in ("王小明", "甲校学生王小明", two_schools["student_a"].id_number):
        body = client.get("/search/", {"query": name}).content.decode()
        assert "未找到" in body, name
        assert 'class="search-result"' not in body, name


def test_words_and_pairs_of_a_sentence():
    assert "资助" in words("是否全部享受教育资助金")
    assert pairs("大武口区 2020") == ["大武", "武口", "口区", "2020"]
    assert pairs("号") == ["号"]
    assert words("。，") == [] and pairs("。，") == []


def test_excerpt_marks_the_word_and_escapes_the_text():
    text = (
        "<script>前文</script>"
        + "很长的前文" * 10
        + "认真排查在校家庭经济困难学生是否全部享受教育资助金"
        + "后文" * 40
    )
    html = excerpt(text, "资助")
    assert "<mark>资助</mark>" in html
    assert "<script>" not in html
    assert html.startswith("…") and html.endswith("…")


@pytest.mark.django_db
def test_the_configured_backend_cuts_chinese_words():
    backend = get_search_backend()
    assert type(backend).__name__.startswith("Chinese")
    assert type(backend).index_class.__name__.startswith("Segmenting") or not hasattr(
        backend, "index_class"
    )
