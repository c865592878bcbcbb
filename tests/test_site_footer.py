"""The footer of a government site, filled in by the web editor as site settings."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from home.models import GovernmentSiteFooter
from tests import factories as f

FILLED = {
    "sponsor": "大武口区教育体育局",
    "address": "宁夏石嘴山市大武口区测试路1号",
    "postcode": "753000",
    "telephone": "0952-1234567",
    "email": "jtj@example.cn",
    "site_code": "6402020001",
    "icp_number": "宁ICP备12345678号-1",
    "public_security_number": "宁公网安备 64020202000123号",
}


def footer_html(client):
    body = client.get("/").content.decode()
    return body[body.index('<footer class="site-footer">') :]


@pytest.mark.django_db
def test_the_seed_fills_the_sponsor_and_leaves_the_numbers_empty(seed, client):
    footer = footer_html(client)
    assert "主办单位" in footer and "大武口区教育体育局" in footer
    for label in ("网站标识码", "ICP", "公网安备", "地址", "电话", "电子邮箱"):
        assert label not in footer, label


@pytest.mark.django_db
def test_the_footer_shows_every_value_the_editor_filled_in(seed, client):
    GovernmentSiteFooter.objects.filter(site=Site.objects.get()).update(**FILLED)
    footer = footer_html(client)
    for value in FILLED.values():
        assert value in footer, value
    assert '<a href="https://beian.miit.gov.cn/"' in footer
    assert "beian.mps.gov.cn/#/query/webSearch?code=64020202000123" in footer
    assert 'href="tel:0952-1234567"' in footer
    body = client.get("/tzgg/shidajiaotifa-2020-38/").content.decode()
    assert '<meta name="SiteCode" content="6402020001">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("empty", ["site_code", "icp_number", "public_security_number", "address"])
def test_an_empty_field_is_simply_not_shown(seed, client, empty):
    GovernmentSiteFooter.objects.filter(site=Site.objects.get()).update(**{**FILLED, empty: ""})
    footer = footer_html(client)
    label = {
        "site_code": "网站标识码",
        "icp_number": "beian.miit.gov.cn",
        "public_security_number": "beian.mps.gov.cn",
        "address": "地址",
    }[empty]
    assert label not in footer
    assert FILLED["telephone"] in footer


@pytest.mark.django_db
def test_the_web_editor_fills_in_the_footer_in_the_admin(seed, client):
    client.force_login(f.make_user("web_editor", "editor"))
    site = Site.objects.get()
    url = reverse("wagtailsettings:edit", args=("home", "governmentsitefooter", site.pk))
    form = client.get(url)
    assert form.status_code == 200
    assert "网站标识码" in form.content.decode() and "ICP备案号" in form.content.decode()
    response = client.post(url, FILLED)
    assert response.status_code == 302
    client.logout()
    assert "宁ICP备12345678号-1" in footer_html(client)


@pytest.mark.django_db
def test_a_teacher_cannot_change_the_footer(two_schools, client):
    client.force_login(two_schools["users"]["teacher_a"])
    site = Site.objects.get()
    url = reverse("wagtailsettings:edit", args=("home", "governmentsitefooter", site.pk))
    response = client.post(url, FILLED)
    assert response.status_code in (302, 403)
    assert GovernmentSiteFooter.objects.get(site=site).icp_number == ""
