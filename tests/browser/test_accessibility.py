"""axe-core over the public pages and each role's main admin screens: no serious or critical issue.

axe-core is vendored (tests/browser/vendor/axe.min.js) and injected into each page, never loaded
from a CDN. Each page is audited against WCAG 2.1 A and AA as rendered in Chromium, with its
styles, so contrast and the names of controls are checked as a person meets them.
"""

import json
from pathlib import Path

import pytest

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}"""

#: Each role's screens of a working day (paths under /admin/).
ADMIN_SCREENS = {
    "teacher_a": ["", "snippets/casework/case/", "snippets/casework/homevisit/add/"],
    "manager_a": ["", "snippets/casework/student/", "casework/weekly/"],
    "office": ["", "snippets/casework/monthlyreport/", "casework/supervision/"],
    "leader_wan": ["", "casework/supervision/", "snippets/casework/monthlyreport/"],
    "editor": ["", "pages/", "account/"],
    "admin": ["", "users/", "snippets/casework/case/"],
}


#: Where the page fetches axe from: its own origin, so the site's CSP (scripts from 'self'
#: only, no inline ones) lets it run; the test answers the request from the vendored file.
AXE_URL = "/__axe-core.min.js"


def serious_violations(page):
    page.unroute(f"**{AXE_URL}")
    page.route(
        f"**{AXE_URL}",
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    page.add_script_tag(url=AXE_URL)
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(violations):
    return json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def public_paths(live_site):
    """The live pages of the site: home, the notices, the notice, the plan and the checklist."""
    urls = live_site.python(
        "from wagtail.models import Page; "
        "print(' '.join(p.url for p in Page.objects.live().filter(depth__gte=2).specific()))"
    ).split()
    assert len(urls) >= 4, urls
    return [*urls, "/search/?q=控辍保学"]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1400, "height": 900}], ids=["phone", "wide"])
def test_the_public_pages_have_no_serious_accessibility_issue(page, public_paths, viewport):
    problems = {}
    for path in public_paths:
        page.goto(path)
        if found := serious_violations(page):
            problems[path] = found
    assert problems == {}, describe(problems)


@pytest.mark.parametrize("role", ADMIN_SCREENS)
def test_each_roles_admin_screens_have_no_serious_accessibility_issue(page, role):
    login(page, role)
    problems = {}
    for path in ADMIN_SCREENS[role]:
        response = page.goto(f"/admin/{path}")
        assert response.ok, f"{role} could not open /admin/{path}"
        page.wait_for_load_state("networkidle")
        if found := serious_violations(page):
            problems[f"/admin/{path}"] = found
    assert problems == {}, describe(problems)
