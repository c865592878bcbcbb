"""A teacher registers an at-risk child on a phone and reaches the first visit: taps counted."""

import datetime
import random
import re

import pytest
from playwright.sync_api import expect

from casework.idnumbers import check_digit

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

#: The issue's budget for registering a child and opening a case on a phone (typing apart).
MAX_TAPS = 10


def fresh_id_number(born, female):
    seq = random.randrange(100, 999)
    if (seq % 2 == 1) == female:
        seq += 1 if seq < 998 else -1
    first17 = f"640202{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


class Taps:
    """Every click and every focus of a field before typing is a tap."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def type(self, locator, text):
        self.tap(locator)
        locator.press_sequentially(text)


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_teacher_registers_a_child_and_reaches_the_first_visit(page, shot):
    born = datetime.date(2014, 9, 21)
    id_number = fresh_id_number(born, female=True)
    name = f"浏览器登记{id_number[-4:]}"
    login(page, "teacher_a")
    taps = Taps(page)

    taps.tap(page.get_by_role("link", name="登记重点关注学生"))
    page.wait_for_url(re.compile(r"/admin/casework/register/$"))
    no_sideways_scroll(page)
    shot(page, "form")

    taps.type(page.get_by_label("身份证号"), id_number)
    # Read from the ID number as it is typed: nothing to pick in a date picker.
    expect(page.locator("input[name=birth_date]")).to_have_value(born.isoformat())
    expect(page.locator("input[name=gender][value=F]")).to_be_checked()
    taps.type(page.get_by_label("姓名"), name)
    taps.tap(page.locator(".cw-choices--big label", has_text="辍学风险"))
    taps.type(page.get_by_label("概述"), "连续三天未到校，电话联系不上家长。")
    no_sideways_scroll(page)
    shot(page, "filled")
    taps.tap(page.get_by_role("button", name="登记并开案"))

    page.wait_for_url(re.compile(r"/admin/snippets/casework/case/inspect/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(f"已登记{name}")
    expect(page.locator("#student-heading")).to_contain_text(name)
    no_sideways_scroll(page)
    shot(page, "case-file")

    taps.tap(page.get_by_role("link", name="登记家访").first)
    page.wait_for_url(re.compile(r"/admin/casework/cases/\d+/quick-visit/"))
    expect(page.locator(".cw-quick__student")).to_contain_text(name)
    shot(page, "first-visit")

    print(f"\nregister a child and open a case, to the first visit form: {taps.count} taps")
    assert taps.count <= MAX_TAPS


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_duplicate_id_number_links_to_the_registered_child(page, live_site, shot):
    child, id_number = live_site.python(
        "from casework.models import Student; "
        "s = Student.unscoped.filter(school__name__contains='演示A校', id_number__isnull=False)"
        ".order_by('pk').first(); print(s.name, s.id_number)"
    ).split()
    login(page, "teacher_a")
    page.goto("/admin/casework/register/")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("姓名").fill("重复登记测试")
    page.locator(".cw-choices--big label", has_text="辍学风险").click()
    page.get_by_label("概述").fill("重复登记")
    page.get_by_role("button", name="登记并开案").click()
    error = page.locator(".w-field__errors, .error-message").filter(has_text="已登记")
    expect(error.get_by_role("link", name=re.compile(child))).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "duplicate")
