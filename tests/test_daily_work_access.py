"""Every screen of teachers' daily work against every role (302: Wagtail's "no permission")."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.access.roles import ROLE_PERMISSIONS, Role
from casework.models import Term

OK, DENIED, NOT_FOUND = 200, 302, 404
# The quick form is open to whoever may add home visits; roles.py says which bureau roles may.
OFFICE_LOGS = OK if "add_homevisit" in ROLE_PERMISSIONS[Role.OFFICE] else DENIED

VIEWS = {
    "quick visit": lambda d: reverse("casework_quick_visit", args=[d["case_a"].pk]),
    "weekly reports": lambda d: reverse("casework_weekly_index"),
    "school A's report": lambda d: reverse(
        "casework_weekly_report", args=[d["a"].pk, *timezone.localdate().isocalendar()[:2]]
    ),
    "school A's term figures": lambda d: reverse(
        "casework_term_figures", args=[d["a"].pk, *Term.of(timezone.localdate())]
    ),
}

EXPECTED = {
    #                 quick visit, weekly reports, A's report, A's term figures
    "teacher_a": (OK, OK, OK, DENIED),
    "manager_a": (OK, OK, OK, OK),
    "teacher_b": (NOT_FOUND, OK, NOT_FOUND, DENIED),
    "office": (OFFICE_LOGS, OK, OK, DENIED),
    "leader_wan": (DENIED, OK, OK, DENIED),
    "editor": (DENIED, DENIED, DENIED, DENIED),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_against_every_role(client, two_schools, role, view):
    client.force_login(two_schools["users"][role])
    expected = EXPECTED[role][list(VIEWS).index(view)]
    response = client.get(VIEWS[view](two_schools))
    assert response.status_code == expected
    if expected == DENIED:
        assert response.url == reverse("wagtailadmin_home")


@pytest.mark.django_db
@pytest.mark.parametrize("role,shown", [("teacher_a", True), ("office", True), ("editor", False)])
def test_the_weekly_reports_menu_item_only_for_who_may_see_them(client, two_schools, role, shown):
    client.force_login(two_schools["users"][role])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse("casework_weekly_index") in html) is shown
