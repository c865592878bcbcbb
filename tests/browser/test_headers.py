"""The Content-Security-Policy lets the admin and the public pages work: no console error.

The ``page`` fixture fails the test on any console error, and Chromium reports every resource or
inline script the policy refuses as one.
"""

import re

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def csp_of(response):
    return response.headers.get("content-security-policy", "")


def directives(policy):
    """``{directive: sources}`` of a policy, whatever order the header lists them in."""
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def test_the_public_pages_pass_the_policy(page):
    for path in ("/", "/tzgg/shidajiaotifa-2020-38/", "/tzgg/shidajiaotifa-2020-38/checklist/"):
        response = page.goto(path)
        assert response.status == 200, path
        # No inline script is allowed on the public site.
        assert directives(csp_of(response))["script-src"] == ["'self'"], csp_of(response)
        page.wait_for_load_state("networkidle")


def test_the_admin_passes_the_policy(page, live_site):
    login(page, "admin")
    assert "default-src 'self'" in csp_of(page.goto("/admin/"))
    page.wait_for_load_state("networkidle")
    case_pk = live_site.python("from casework.models import Case; print(Case.unscoped.first().pk)")
    page.goto(f"/admin/snippets/casework/case/edit/{case_pk}/")
    page.wait_for_selector("form")
    page.wait_for_load_state("networkidle")
    home_pk = live_site.python(
        "from home.models import HomePage; print(HomePage.objects.first().pk)"
    )
    page.goto(f"/admin/pages/{home_pk}/edit/")
    page.wait_for_selector("form")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/admin/pages/\d+/edit/", page.url)
