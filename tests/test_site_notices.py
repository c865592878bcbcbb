"""通知公告: the index, a notice's attachments, the old address, sitemap.xml, the feed, robots.txt."""

import datetime

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from home.models import HomePage, NoticeAttachment, NoticeIndexPage, NoticePage
from home.seed import SeedLoader

INDEX_URL = "/tzgg/"
NOTICE_URL = "/tzgg/shidajiaotifa-2020-38/"


def add_notice(number, issued_on, title=None, **fields):
    index = NoticeIndexPage.objects.get()
    notice = NoticePage(
        title=title or f"关于测试事项的通知（{number}）",
        slug=f"test-{number}",
        issuer="大武口区教育体育局",
        document_number=f"石大教体发〔{issued_on.year}〕{number}号",
        issued_on=issued_on,
        recipients="区属各中小学",
        body="<p>测试正文。</p>",
        **fields,
    )
    index.add_child(instance=notice)
    notice.save_revision().publish()
    return notice


@pytest.mark.django_db
def test_index_lists_notices_newest_first_with_number_and_date(seed, client):
    add_notice(1, datetime.date(2026, 3, 2))
    add_notice(2, datetime.date(2026, 11, 15))
    body = client.get(INDEX_URL).content.decode()
    assert body.index("（2）") < body.index("（1）") < body.index("石大教体发〔2020〕38号")
    assert "石大教体发〔2026〕2号" in body
    assert "2026年11月15日" in body and "2026年3月2日" in body
    for heading in ("文号", "发文日期"):
        assert heading in body


@pytest.mark.django_db
def test_index_filters_by_year_the_undated_seed_notice_by_its_number(seed, client):
    add_notice(5, datetime.date(2026, 5, 1))
    body = client.get(INDEX_URL, {"year": "2020"}).content.decode()
    assert "石大教体发〔2020〕38号" in body
    assert "石大教体发〔2026〕5号" not in body
    body = client.get(INDEX_URL, {"year": "2026"}).content.decode()
    assert "石大教体发〔2026〕5号" in body
    assert "石大教体发〔2020〕38号" not in body
    assert 'href="?year=2026"' in body and 'href="?year=2020"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "1999", "2026<script>", "9" * 40])
def test_a_year_without_notices_gets_a_chinese_message_and_the_whole_list(seed, client, year):
    response = client.get(INDEX_URL, {"year": year})
    assert response.status_code == 200
    body = response.content.decode()
    assert "年的通知公告，下面列出全部年份" in body
    assert "石大教体发〔2020〕38号" in body
    assert "<script>" not in body.split("<main", 1)[1]


@pytest.mark.django_db
def test_index_is_paginated(seed, client):
    for number in range(1, 17):
        add_notice(number, datetime.date(2026, 1, number))
    first = client.get(INDEX_URL).content.decode()
    assert "第 1 页，共 2 页" in first
    assert "石大教体发〔2020〕38号" not in first
    second = client.get(INDEX_URL, {"page": "2"}).content.decode()
    assert "石大教体发〔2020〕38号" in second
    for page in ("0", "abc", "99"):
        assert client.get(INDEX_URL, {"page": page}).status_code == 200


@pytest.mark.django_db
def test_home_page_lists_the_latest_notices_and_links_the_index(seed, client):
    add_notice(9, datetime.date(2026, 11, 15))
    body = client.get("/").content.decode()
    assert body.index("石大教体发〔2026〕9号") < body.index("石大教体发〔2020〕38号")
    assert f'href="{INDEX_URL}"' in body
    assert "2026年11月15日" in body


@pytest.mark.django_db
def test_a_draft_notice_is_listed_nowhere(seed, client):
    index = NoticeIndexPage.objects.get()
    draft = NoticePage(
        title="草稿通知",
        slug="draft",
        issuer="大武口区教育体育局",
        document_number="石大教体发〔2026〕99号",
        recipients="区属各中小学",
        body="<p>草稿。</p>",
        live=False,
    )
    index.add_child(instance=draft)
    for url in ("/", INDEX_URL, "/feeds/notices.xml", "/sitemap.xml"):
        assert "石大教体发〔2026〕99号" not in client.get(url).content.decode(), url
        assert "/tzgg/draft/" not in client.get(url).content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old, new",
    [
        ("/shidajiaotifa-2020-38/", NOTICE_URL),
        ("/shidajiaotifa-2020-38/plan/", NOTICE_URL + "plan/"),
        ("/shidajiaotifa-2020-38/checklist/", NOTICE_URL + "checklist/"),
    ],
)
def test_old_addresses_redirect_permanently(seed, client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"].endswith(new)


@pytest.mark.django_db
def test_a_site_loaded_before_the_index_gets_its_notice_moved_and_redirected(client):
    """The layout of main before 通知公告: the notice directly under the home page."""
    SeedLoader().run()
    home = HomePage.objects.get()
    notice = NoticePage.objects.get()
    # Back to the old layout, as a database loaded by the earlier seed loader has it.
    notice.move(home, pos="last-child")
    NoticeIndexPage.objects.get().delete()
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.all().delete()
    assert client.get("/shidajiaotifa-2020-38/").status_code == 200

    changed = SeedLoader().run()
    assert any("moved" in line for line in changed)
    assert NoticePage.objects.get().get_parent().specific_class is NoticeIndexPage
    response = client.get("/shidajiaotifa-2020-38/plan/")
    assert response.status_code == 301
    assert response["Location"].endswith(NOTICE_URL + "plan/")
    assert SeedLoader().run() == []


@pytest.mark.django_db
def test_a_notice_shows_uploaded_files_and_pages_as_attachments_with_type_and_size(
    seed, client, media_root
):
    Document = get_document_model()
    document = Document(title="报名表")
    document.file.save("报名表.docx", ContentFile(b"x" * 2048))
    document.save()
    notice = add_notice(7, datetime.date(2026, 11, 15))
    plan = Page.objects.get(slug="plan")
    notice.attachments = [
        NoticeAttachment(sort_order=0, document=document),
        NoticeAttachment(sort_order=1, title="2.实施方案", page=plan),
    ]
    notice.save_revision().publish()
    body = client.get(notice.url).content.decode()
    assert f'href="{document.url}"' in body
    assert "1.<a" in body and "报名表</a>" in body
    assert "（DOCX，2.0\xa0KB）" in body
    assert "2.<a" in body and ">实施方案</a>" in body
    assert "（实施方案）" in body
    assert "2026年11月15日" in body


@pytest.mark.django_db
def test_an_attachment_is_a_file_or_a_page(seed):
    from django.core.exceptions import ValidationError

    notice = NoticePage.objects.get()
    with pytest.raises(ValidationError) as neither:
        NoticeAttachment(notice=notice, title="空").clean()
    assert "请选择或上传一个文件" in str(neither.value)
    document = get_document_model().objects.create(title="x", file="x.pdf")
    with pytest.raises(ValidationError):
        NoticeAttachment(
            notice=notice, document=document, page=Page.objects.get(slug="plan")
        ).clean()


@pytest.mark.django_db
def test_the_notice_form_lets_the_editor_upload_an_attachment(seed, client):
    from tests import factories as f

    client.force_login(f.make_user("web_editor", "editor"))
    index = NoticeIndexPage.objects.get()
    response = client.get(f"/admin/pages/add/home/noticepage/{index.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    # The document chooser, whose modal has an upload tab, and a page chooser for any page.
    assert "attachments-__prefix__-document" in body
    assert "attachments-__prefix__-page" in body
    assert "或在此上传" in body


@pytest.mark.django_db
def test_sitemap_lists_the_notices_and_pages(seed, client):
    notice = add_notice(3, datetime.date(2026, 11, 15))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    site_root = Site.objects.get(is_default_site=True).root_url
    for path in ("/", INDEX_URL, NOTICE_URL, NOTICE_URL + "plan/", notice.url):
        assert f"<loc>{site_root}{path}</loc>" in body, path


@pytest.mark.django_db
def test_feed_lists_the_notices_newest_first(seed, client):
    add_notice(4, datetime.date(2026, 11, 15), title="关于做好冬季校园安全工作的通知")
    response = client.get("/feeds/notices.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "<title>大武口区教育体育局 通知公告</title>" in body
    assert body.index("关于做好冬季校园安全工作的通知") < body.index("石大教体发〔2020〕38号")
    assert "http://testserver/tzgg/test-4/" in body
    assert "<pubDate>Sun, 15 Nov 2026 00:00:00 +0800</pubDate>" in body


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(seed, client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
def test_pages_link_the_feed_and_the_print_stylesheet(seed, client):
    body = client.get(NOTICE_URL).content.decode()
    assert 'type="application/rss+xml"' in body and 'href="/feeds/notices.xml"' in body
    assert 'media="print"' in body
