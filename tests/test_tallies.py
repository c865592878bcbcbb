"""The dashboards' and the monthly draft's figures are kept until the ledger changes (issue 18):
every committed write shows at once, whoever made it, and what one scope counted is never shown
to another."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import tallies
from casework.models import Case, ChecklistItem, Student
from casework.monthly.figures import month_figures
from casework.reconciliation.committing import write_students
from casework.supervision.views import items_context
from tests import factories as f

# Real commits: the version rises when a write commits, as it does between two requests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_back_after_this_module"),
]


def leader_figures(client, number):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    block = html.split(f'<dl class="cw-sv-figures" data-item="{number}">')[1].split("</dl>")[0]
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)"[^>]*>(\d+)', block)}


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("wagtailadmin_home"))
    return len(queries)


def test_the_leaders_figures_are_kept_and_a_new_case_shows_at_once(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["leader_wan"])
    first, again = dashboard_queries(client), dashboard_queries(client)
    before = leader_figures(client, 3)["open"]
    # Shown again with nothing written since: the figures are not counted again.
    assert leader_figures(client, 3)["open"] == before
    assert again < first

    f.make_case(f.make_student(d["b"]), teacher=d["users"]["teacher_b"])  # committed
    assert leader_figures(client, 3)["open"] == before + 1

    case = Case.unscoped.get(pk=d["case_a"].pk)
    case.status = Case.Status.CLOSED
    case.closed_on = timezone.localdate()
    case.close_reason, case.close_verification = "已返校", "班主任核实在校"
    case.save()
    assert leader_figures(client, 3)["open"] == before


def test_a_write_deleted_shows_at_once(client, two_schools):
    d = two_schools
    client.force_login(d["users"]["leader_wan"])
    before = leader_figures(client, 3)["open"]
    Case.unscoped.get(pk=d["case_b"].pk).delete()
    assert leader_figures(client, 3)["open"] == before - 1


def test_a_bulk_write_of_an_import_raises_the_version_when_it_commits(two_schools):
    d = two_schools
    before = tallies.version()
    with transaction.atomic():
        write_students([], [(d["student_a"].pk, {"school_id": d["b"].pk})])
        # Not before the commit: another process would keep figures of the old ledger under it.
        assert tallies.version() == before
    assert tallies.version() > before
    assert Student.unscoped.get(pk=d["student_a"].pk).school == d["b"]


def test_a_rolled_back_write_changes_nothing_and_keeping_goes_on(two_schools):
    before = tallies.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.make_student(two_schools["a"])
        raise RuntimeError
    assert tallies.version() == before
    counted = []
    for _ in range(2):
        tallies.tally("test", lambda: counted.append(1) or len(counted))
    assert counted == [1]  # counted once, then kept


def test_what_the_office_counted_is_not_shown_to_a_school(two_schools):
    d = two_schools
    items = list(ChecklistItem.objects.filter(number=3))
    month = timezone.localdate().replace(day=1)
    office = month_figures(items, month, user=d["users"]["office"])
    school = month_figures(items, month, user=d["users"]["manager_a"])
    assert sum(office[items[0].pk]["found"].values()) == 2  # both schools' new cases
    assert school[items[0].pk]["found"] == {d["a"].name: 1}


def test_a_connection_with_its_own_writes_uncommitted_counts_afresh(two_schools):
    d = two_schools
    items = list(ChecklistItem.objects.filter(number=3))
    month = timezone.localdate().replace(day=1)
    office = d["users"]["office"]
    before = month_figures(items, month, user=office)[items[0].pk]["found_total"]
    with transaction.atomic():
        f.make_case(f.make_student(d["a"]))
        assert month_figures(items, month, user=office)[items[0].pk]["found_total"] == before + 1
    assert month_figures(items, month, user=office)[items[0].pk]["found_total"] == before + 1


def test_figures_kept_yesterday_are_not_todays(two_schools):
    d = two_schools
    day = timezone.localdate()
    Case.unscoped.filter(pk=d["case_a"].pk).update(next_visit_due=day)
    tallies.forget()  # the update above sends no signal
    items = list(ChecklistItem.objects.filter(number=3))
    today = items_context(items, day)[0]["figures"]["overdue_visits"]
    tomorrow = items_context(items, day + datetime.timedelta(days=1))[0]["figures"]
    assert tomorrow["overdue_visits"] == today + 1
