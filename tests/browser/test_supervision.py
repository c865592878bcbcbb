"""挂牌督战 and 督导抽查 in the browser: a leader's items with charts, and a sampled file
reviewed by the office, answered by the school and closed by the reviewer."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.browser

WIDE = {**DESKTOP, "width": 1400}


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1400", "375"])
def test_leader_wan_sees_items_1_3_4_with_charts(page, shot, viewport):
    login(page, "leader_wan")
    items = page.locator("section.cw-sv-item")
    expect(items).to_have_count(3)
    assert [items.nth(i).get_attribute("data-item") for i in range(3)] == ["1", "3", "4"]
    expect(page.locator("section.cw-sv-item svg.cw-chart")).to_have_count(3)
    expect(page.get_by_text("待我处理")).to_be_visible()
    # The leader's panel comes before the district lists every bureau user sees.
    html = page.content()
    assert html.index("cw-sv-item") < html.index("casework-district-work")
    shot(page, f"leader-dashboard-{viewport['width']}")
    page.locator("section.cw-sv-item[data-item='3'] h3 a").click()
    expect(page.locator("svg.cw-chart")).to_have_count(1)
    page.get_by_text("图表数据（表格）").click()
    expect(page.locator("table[data-chart-table='3'] tbody tr")).to_have_count(26)
    shot(page, f"leader-item-3-{viewport['width']}")


def test_a_sampled_file_is_reviewed_answered_and_closed(page, live_site, shot):
    # The month's draw, as the schedule makes it on the first of the month.
    review_id = live_site.python(
        "from django.utils import timezone\n"
        "from casework.access.scope import system_scope\n"
        "from casework.models import CaseReview, Profile\n"
        "from casework.review.sampling import draw\n"
        "with system_scope():\n"
        "    draw(timezone.localdate())\n"
        "    school = Profile.objects.get(user__username='manager_a').school_id\n"
        "    r = CaseReview.objects.filter(\n"
        "        school_id=school, reviewer__username='office', status='assigned'\n"
        "    ).first()\n"
        "    print(r.pk if r else '')"
    )
    assert review_id, "the draw gave school A no file for the office to review"

    login(page, "office")
    page.goto("/admin/casework/reviews/?mine=1")
    page.locator(f"a[href$='/reviews/{review_id}/']").click()
    page.click("button:has-text('保存抽查意见')")
    expect(page.locator(".error-message").first).to_contain_text("请回答这一项")
    for name, value in [
        ("visits_on_time", "no"),
        ("support_recorded", "yes"),
        ("evidence_present", "yes"),
        ("close_justified", "n/a"),
    ]:
        page.check(f"input[name={name}][value='{value}']")
    page.fill("input[name=score]", "75")
    page.fill("textarea[name=comments]", "家访记录两次超期，请补做。")
    shot(page, "review-filled")
    page.click("button:has-text('保存抽查意见')")
    expect(page.locator("#cw-review-status")).to_have_text("待学校答复")
    page.context.clear_cookies()

    login(page, "manager_a")
    page.goto(f"/admin/casework/reviews/{review_id}/")
    page.fill("textarea[name=answer]", "已于本周补做家访并录入系统。")
    page.click("button:has-text('提交答复')")
    expect(page.locator("#cw-review-status")).to_have_text("已答复，待办结")
    shot(page, "review-answered")
    page.context.clear_cookies()

    login(page, "office")
    page.goto(f"/admin/casework/reviews/{review_id}/")
    expect(page.locator("#cw-review-answer")).to_contain_text("补做家访")
    page.fill("textarea[name=closing_note]", "整改到位。")
    page.click("button:has-text('办结抽查')")
    expect(page.locator("#cw-review-status")).to_have_text(re.compile("^已办结$"))
    shot(page, "review-closed")
