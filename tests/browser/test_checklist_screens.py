"""The public checklist (attachment 2) read at 1,400 px and on a 375-px phone.

The page needs only the seed, so it is served by pytest-django's in-process live server on
the test database rather than the session's full demo site. Screenshots at both widths go to
screenshots/.
"""

import os
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright

from home.seed import SeedLoader

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, TIMEOUT_MS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDE = {"width": 1400, "height": 900}
CHECKLIST_URL = "/tzgg/shidajiaotifa-2020-38/checklist/"
HEADERS = [
    "类别",
    "排查内容",
    "发现的问题",
    "整改情况",
    "整改时限",
    "责任领导",
    "责任科室",
    "落实单位",
    "备注",
]

#: For each header cell: its text, the lines it takes, and whether its text overflows it.
HEADER_LINES_JS = """() => Array.from(document.querySelectorAll("article table.checklist thead th"), (th) => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
    return [th.textContent.trim(), lines.size, th.scrollWidth > th.clientWidth];
})"""

#: Lines taken by the text of each leader's and each deadline's cell.
CELL_LINES_JS = """(selector) => Array.from(document.querySelectorAll(selector), (td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
})"""


@contextmanager
def checklist_page(live_server, viewport):
    """Chromium on the checklist page; fails on a console error or a 5xx."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    SeedLoader().run()
    problems = []
    # The ORM is done with before Playwright's event loop starts in this thread.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        page = context.new_page()
        # The browser asks for /favicon.ico on its own; that is not the page's doing.
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.location.get("url", "").endswith("/favicon.ico")
                and problems.append(m.text)
            ),
        )
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(CHECKLIST_URL)
        # The stylesheet is what lays the table out: it must have loaded.
        expect(page.locator("article table.checklist thead th").first).to_have_css(
            "white-space", "nowrap"
        )
        yield page
        browser.close()
    assert not [p for p in problems if "favicon" not in p], problems


def test_at_1400_px_the_whole_table_shows_without_scrolling(live_server, shot):
    with checklist_page(live_server, WIDE) as page:
        at_1400(page, shot)


def at_1400(page, shot):
    expect(page.locator("article table.checklist thead th")).to_have_text(HEADERS)
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "the table scrolls"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    box = page.locator("article table.checklist").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDE["width"]
    # No header word broken over lines or cut off: no column narrower than its header word.
    for text, lines, overflows in page.evaluate(HEADER_LINES_JS):
        assert lines == 1 and not overflows, text
    # Leaders' names and deadlines read on one line, never a character a line.
    for column in (4, 5):
        lines = page.evaluate(
            CELL_LINES_JS, f"article table.checklist tbody td:nth-of-type({column})"
        )
        assert lines and max(lines) == 1, column
    expect(page.locator("#item-2")).to_contain_text("2. 教育资助政策落实情况。")
    shot(page, "checklist-1400")


def test_on_a_phone_each_item_is_a_card(live_server, shot):
    with checklist_page(live_server, PHONE) as page:
        on_a_phone(page, shot)


def on_a_phone(page, shot):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("article table.checklist thead")).to_be_hidden()
    cards = page.locator("tr.checklist__item")
    expect(cards).to_have_count(7)
    boxes = [cards.nth(i).bounding_box() for i in range(7)]
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert below["y"] >= above["y"] + above["height"], "cards overlap or sit side by side"
    for box in boxes:
        assert box["width"] >= 300 and box["x"] + box["width"] <= PHONE["width"]
    # Each value is labelled with its column's name, as the header row is not shown.
    label = (
        cards.nth(0)
        .locator("td")
        .nth(3)
        .evaluate("(td) => getComputedStyle(td, '::before').content")
    )
    assert "整改时限" in label
    expect(cards.nth(0)).to_contain_text("2020年2月底")
    expect(cards.nth(0)).to_contain_text("一、“查损补失”")
    shot(page, "checklist-375")
