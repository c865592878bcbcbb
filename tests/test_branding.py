"""The admin is the bureau's 四查四补 platform: its name, its emblem, its help; not Wagtail's."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HELP = "/admin/casework/help/"


def test_the_sign_in_names_the_platform_and_the_bureau(client):
    page = client.get("/admin/login/").content.decode()
    assert "四查四补工作平台" in page and "大武口区教育体育局" in page
    assert "casework/branding/emblem.svg" in page
    assert "登录到Wagtail" not in page and "Sign in to Wagtail" not in page


def test_the_admin_carries_the_emblem_and_the_sites_colours(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    page = client.get("/admin/").content.decode()
    assert "data-wagtail-sidebar-branding-logo><img" in page.replace("\n", "")
    assert 'rel="icon" type="image/svg+xml"' in page and "emblem.svg" in page
    assert "css/admin-theme.css" in page
    assert "<title>" in page and "大武口区教育体育局</title>" in page.replace("\n", "")


def test_the_help_menu_has_the_platforms_help_and_no_wagtail_notes(client, two_schools):
    client.force_login(two_schools["users"]["teacher_a"])
    page = client.get("/admin/").content.decode()
    # The sidebar's menu is JSON, its labels written with \u escapes.
    assert reverse("casework_help") in page and json.dumps("四查四补使用帮助")[1:-1] in page
    for wagtail_item in ("editor-guide", "whats-new-in-wagtail", "guide.wagtail.org"):
        assert wagtail_item not in page
    assert json.dumps("编辑指南")[1:-1] not in page


def test_no_whats_new_banner_on_the_dashboard(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    page = client.get("/admin/").content.decode()
    assert "whats_new" not in page and "wagtail.org/releases" not in page


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("teacher_a", ["帮扶教师", "登记重点关注学生"], ["责任领导", "网站编辑"]),
        ("manager_a", ["学校个案负责人", "控辍保学周报"], ["责任领导"]),
        ("leader_wan", ["责任领导"], ["网站编辑"]),
        ("office", ["教体局科室", "帮扶教师", "学校个案负责人", "责任领导"], ["网站编辑"]),
        ("editor", ["网站编辑"], ["帮扶教师"]),
    ],
)
def test_the_help_page_is_written_for_each_role(client, two_schools, role, shown, hidden):
    client.force_login(two_schools["users"][role])
    response = client.get(HELP)
    assert response.status_code == 200
    page = response.content.decode()
    for text in shown:
        assert text in page, text
    for text in hidden:
        assert f">{text}</h2>" not in page, text
