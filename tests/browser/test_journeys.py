"""The web editor's journey, and the admin in Chinese on a phone, in headless Chromium.

The other journeys of issue 9 have files of their own: test_teacher.py (the quick visit on a
phone and the 404 on a school-B case), test_monthly.py (the month's checklist, its approval and
its Excel sheet) and test_import.py (a messy roster's preview and commit). Each is built from
``login``, ``shot`` and ``live_site.python`` (see conftest.py).
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

NOTICE_URL = "/tzgg/shidajiaotifa-2020-38/"


def test_editor_edits_the_notice_and_it_goes_public_after_review(page, live_site, shot):
    marker = f"浏览器测试修改{uuid.uuid4().hex[:6]}"
    notice_id = live_site.python(
        "from home.models import NoticePage; "
        "print(NoticePage.objects.get(slug='shidajiaotifa-2020-38').pk)"
    )

    login(page, "editor")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    shot(page, "dashboard")

    page.goto(f"/admin/pages/{notice_id}/edit/")
    body = page.locator("[data-contentpath='body'] [contenteditable='true']")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(f"特此通知。{marker}")
    # Draftail writes the field's hidden input a moment after the last keystroke.
    expect(page.locator("input[name='body']")).to_have_value(re.compile(marker))
    shot(page, "edited")

    # The editor has no 发布 button: the notice goes to 信息发布审核 (office head, then leader).
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    expect(page.locator("button[name='action-publish']")).to_have_count(0)
    page.locator("button[name='action-submit']").click()
    expect(page.locator(".messages")).to_contain_text("已经提交进行审核")
    shot(page, "submitted")
    page.goto(NOTICE_URL)
    expect(page.locator("body")).not_to_contain_text(marker)

    for reviewer, step in (("office_head", "科室负责人审核"), ("leader_lv", "责任领导审批")):
        page.context.clear_cookies()
        login(page, reviewer)
        page.goto(f"/admin/pages/{notice_id}/edit/")
        expect(page.locator("body")).to_contain_text(step)
        approve = page.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        )
        if not approve.is_visible():
            page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
        approve.click()
        expect(page.locator(".messages")).to_contain_text("已被更新")
        shot(page, f"approved-by-{reviewer}")
        state = live_site.python(
            "from home.models import NoticePage; "
            f"n = NoticePage.objects.get(pk={notice_id}); "
            "print(n.live and not n.workflow_in_progress, n.current_workflow_task)"
        )
        expected = "True None" if reviewer == "leader_lv" else "False 责任领导审批"
        assert state == expected, state
        if reviewer == "office_head":
            page.goto(NOTICE_URL)
            expect(page.locator("body")).not_to_contain_text(marker)

    page.goto(NOTICE_URL)
    expect(page.locator("body")).to_contain_text(marker)
    expect(page.locator("body")).to_contain_text("石大教体发〔2020〕38号")
    shot(page, "public-page")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_teacher_on_a_phone_sees_the_admin_in_chinese(page, shot):
    login(page, "teacher_a")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title(re.compile("控制面板"))  # "Dashboard" in Wagtail's catalogue
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dashboard scrolls sideways on a phone ({width}px)"
    shot(page, "dashboard")
