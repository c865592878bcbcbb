"""Every list and form a teacher uses, at 375 px: cards, nothing clipped, no school column."""

import pytest

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

LISTS = {
    "case-list": "/admin/snippets/casework/case/",
    "student-list": "/admin/snippets/casework/student/",
    "visit-list": "/admin/snippets/casework/homevisit/",
    "support-list": "/admin/snippets/casework/supportrecord/",
}
FORMS = {
    "dashboard": "/admin/",
    "register": "/admin/casework/register/",
    "student-add": "/admin/snippets/casework/student/add/",
    "case-add": "/admin/snippets/casework/case/add/",
    "support-add": "/admin/snippets/casework/supportrecord/add/",
    "student-edit": "/admin/snippets/casework/student/edit/{student}/",
    "case-file": "/admin/snippets/casework/case/inspect/{case}/",
    "quick-visit": "/admin/casework/cases/{case}/quick-visit/",
}

#: Everything inside <main> that sticks out of a 375 px screen, and every list cell too narrow
#: for two characters.
PROBLEMS_JS = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    for (const el of document.querySelectorAll("main .button, main input, main select, main textarea")) {
        const box = el.getBoundingClientRect();
        if (box.width && (box.left < -1 || box.right > width + 1) && el.type !== "hidden"
            && !el.closest("[hidden], .w-breadcrumbs, .w-slim-header")) {
            problems.push(`clipped: ${el.outerHTML.slice(0, 80)} (${box.left}..${box.right})`);
        }
    }
    for (const td of document.querySelectorAll("table.listing tbody td[data-label]")) {
        const box = td.getBoundingClientRect();
        if (box.width && box.width < 40) problems.push(`narrow cell ${td.dataset.label}: ${box.width}px`);
    }
    return problems;
}"""


@pytest.fixture(scope="module")
def teacher_records(live_site):
    case, student = live_site.python(
        "from casework.models import Case; "
        "c = Case.unscoped.filter(teacher__username='teacher_a').exclude(status='closed')"
        ".order_by('pk').first(); print(c.pk, c.student_id)"
    ).split()
    return {"case": case, "student": student}


def check_screen(page, name, shot):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways on a phone ({width}px)"
    assert page.evaluate(PROBLEMS_JS) == [], name
    shot(page, name)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_teacher_lists_are_cards_without_a_school_column(page, shot):
    login(page, "teacher_a")
    for name, path in LISTS.items():
        page.goto(path)
        rows = page.locator("table.listing tbody tr")
        assert rows.count() > 0, name
        # A card: the heading row is hidden, each value under its label.
        assert not page.locator("table.listing thead").first.is_visible(), name
        assert page.locator("table.listing td[data-label='学校']").count() == 0, name
        first = rows.first.bounding_box()
        assert first["width"] > PHONE["width"] * 0.8, f"{name}: a row is not a card"
        check_screen(page, name, shot)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_teacher_forms_fit_the_phone(page, shot, teacher_records):
    login(page, "teacher_a")
    for name, path in FORMS.items():
        page.goto(path.format(**teacher_records))
        check_screen(page, name, shot)


def test_the_bureau_still_sees_the_school_column(page):
    login(page, "office")
    page.goto(LISTS["case-list"])
    assert page.locator("table.listing thead th", has_text="学校").count() == 1
