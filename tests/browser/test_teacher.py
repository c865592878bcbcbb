"""A teacher's day on a phone: the dashboard, the quick visit form, the case file, school B shut."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, goto_expecting, login

pytestmark = pytest.mark.browser

CHILD = "王晨阳"  # a demo child at school A, paired with teacher_a (home/demo_ledger.py)


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_teacher_logs_a_visit_on_a_phone(page, live_site, shot):
    marker = f"浏览器测试家访{uuid.uuid4().hex[:6]}"
    school_b_case = live_site.python(
        "from casework.models import Case; "
        "print(Case.unscoped.filter(student__school__name__contains='演示B校')"
        ".order_by('pk').values_list('pk', flat=True).first())"
    )
    school_b_child = live_site.python(
        f"from casework.models import Case; print(Case.unscoped.get(pk={school_b_case}).student.name)"
    )

    # The dashboard: the "my work" panel lists the cases paired with the teacher.
    login(page, "teacher_a")
    panel = page.locator("section", has=page.get_by_role("heading", name="我的工作")).last
    expect(panel).to_be_visible()
    paired = panel.locator("h3:has-text('我结对的个案') + ul.cw-cases")
    expect(paired.get_by_role("link", name=CHILD)).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "dashboard")

    # Open the case from the dashboard: its case file.
    paired.get_by_role("link", name=CHILD).click()
    page.wait_for_url(re.compile(r"/admin/snippets/casework/case/inspect/\d+/$"))
    expect(page.locator("#student-heading")).to_contain_text(CHILD)
    case_file_url = page.url

    # The quick visit form, from the case file's header button.
    page.get_by_role("link", name="登记家访").first.click()
    page.wait_for_url(re.compile(r"/admin/casework/cases/\d+/quick-visit/"))
    expect(page.locator(".cw-quick__student")).to_contain_text(CHILD)
    no_sideways_scroll(page)
    # Big choices for the child's state: a whole labelled box is the tap target.
    state = page.locator(".cw-choices--big label", has_text="已劝返")
    box = state.bounding_box()
    assert box["height"] >= 44, f"the state choice is too small to tap ({box['height']}px)"
    state.click()
    expect(state.locator("input[type=radio]")).to_be_checked()
    page.fill("textarea[name=findings]", f"入户家访，孩子已返校上课。{marker}")
    shot(page, "quick-visit-form")

    page.get_by_role("button", name="保存家访").click()
    # Back to the case file (the form's ?next=), with the confirmation and the new entry.
    page.wait_for_url(case_file_url)
    expect(page.locator(".messages")).to_contain_text(f"对 {CHILD} 的家访")
    entry = page.locator(".timeline__item--visit", has_text=marker)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("已劝返")
    expect(entry).to_contain_text("李老师")  # the visitor defaults to the user
    shot(page, "case-timeline")

    # Another school's case is simply not found, neither its file nor its visit form.
    response = page.request.get(f"/admin/casework/cases/{school_b_case}/quick-visit/")
    assert response.status == 404, response.status
    goto_expecting(page, f"/admin/snippets/casework/case/inspect/{school_b_case}/", 404)
    expect(page.locator("body")).not_to_contain_text(school_b_child)
    shot(page, "school-b-case-404")
