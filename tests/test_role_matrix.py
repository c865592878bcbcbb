"""Every role against the main screens, as literal tables: what each role gets, and whose rows.

The tables are written out by hand (not computed from ``casework.access.roles``) so that a
change of the rules shows up here as a change someone decided.
"""

import pytest
from django.urls import reverse

from casework.models import Case, Finding, HomeVisit, MonthlyReport, Student, SupportRecord
from tests import factories as f

A, B = "甲校学生王小明", "乙校学生赵小红"
DENIED = "denied"  # Wagtail sends the user back to the dashboard with a message

ROLES = ["teacher_a", "manager_a", "office", "leader_wan", "editor"]

#: screen -> the response of each role, in the order of ROLES:
#: "A" / "AB" (200 listing those schools' children), "200" (no child on the page), or DENIED.
LISTS = {
    "students": ["A", "A", "AB", "AB", DENIED],
    "cases": ["A", "A", "AB", "AB", DENIED],
    "home visits": ["A", "A", "AB", "AB", DENIED],
    "support": ["A", "A", "AB", "AB", DENIED],
    "findings": ["200", "200", "200", "200", DENIED],
    "monthly reports": [DENIED, DENIED, "200", "200", DENIED],
    "weekly reports": ["200", "200", "200", "200", DENIED],
    "imports": ["200", "200", "200", "200", DENIED],
    "reconciliation": [DENIED, DENIED, "200", "200", DENIED],
}


def url_of(screen):
    snippet = {
        "students": Student,
        "cases": Case,
        "home visits": HomeVisit,
        "support": SupportRecord,
        "findings": Finding,
        "monthly reports": MonthlyReport,
    }
    if screen in snippet:
        return reverse(snippet[screen].snippet_viewset.get_url_name("list"))
    return {
        "weekly reports": reverse("casework_weekly_index"),
        "imports": reverse("casework_imports:index"),
        "reconciliation": reverse("casework_imports:reconcile") + "?kind=unaccounted",
    }[screen]


@pytest.fixture
def world(two_schools):
    for case in (two_schools["case_a"], two_schools["case_b"]):
        f.make_visit(case)
        f.make_support(case)
    return two_schools


CELLS = [
    (screen, role, expected)
    for screen, row in LISTS.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize("screen, role, expected", CELLS, ids=[f"{s}-{r}" for s, r, _ in CELLS])
def test_each_role_gets_what_the_table_says(client, world, screen, role, expected):
    client.force_login(world["users"][role])
    response = client.get(url_of(screen))
    if expected == DENIED:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert response.url == reverse("wagtailadmin_home")
        return
    assert response.status_code == 200
    body = response.content.decode()
    if expected == "200":
        assert B not in body
        return
    assert (A in body) == ("A" in expected)
    assert (B in body) == ("B" in expected)
