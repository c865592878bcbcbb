"""What cannot be undone asks first (issue 21): the visible button only opens Wagtail's dialog,
which says what will happen; the dialog's own button submits."""

import re

import pytest
import time_machine
from django.urls import reverse

from casework.closeoff import services
from tests.test_imports import batch_of, messy_roll
from tests.test_reconcile import district  # noqa: F401 (fixture)
from tests.test_weekly_report import W11, ledger, report_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# ruff: noqa: F811 (the fixtures imported above are parameters below)


def assert_asks_first(page, dialog_id, message, name):
    toggle = re.search(rf'<button type="button"[^>]*data-a11y-dialog-show="{dialog_id}"', page)
    assert toggle, f"no button opening {dialog_id}"
    dialog = page[page.index(f'id="{dialog_id}"') :]
    dialog = dialog[: dialog.index("</template>")]
    assert message in dialog
    assert re.search(rf'<button type="submit"[^>]*form="[^"]+" name="{name}"', dialog)


def test_submitting_the_weekly_report_asks_first(client, ledger):
    d = ledger
    client.force_login(d["users"]["manager_a"])
    with time_machine.travel("2025-03-14 10:00 +0800", tick=False):
        page = client.get(report_url(d["a"], W11)).content.decode()
    assert_asks_first(page, "cw-confirm-weekly", "报送后本周报告不可修改，确认？", "action")
    # Enter in a figure saves the draft: no other submit button says 报送.
    start = page.index('id="cw-weekly-form"')
    form = re.sub(
        r"<template.*?</template>", "", page[start : page.index("</form>", start)], flags=re.S
    )
    assert 'value="submit"' not in form


def test_verifying_a_close_off_asks_first(client, two_schools):
    d = two_schools
    closeoff = services.propose(d["case_a"], d["users"]["manager_a"], "已复学", "到校核实")
    client.force_login(d["users"]["office"])
    page = client.get(reverse("casework_closeoff:decide", args=[closeoff.pk])).content.decode()
    assert_asks_first(
        page, "cw-confirm-verify", "核验通过后即为已销号，不再计入在办。确认销号？", "action"
    )
    response = client.post(
        reverse("casework_closeoff:decide", args=[closeoff.pk]), {"action": "verify"}, follow=True
    )
    assert "核验通过，已销号" in response.content.decode()


def test_committing_an_import_asks_first(client, two_schools):
    d = two_schools
    batch = batch_of("roll", messy_roll(), d["users"]["manager_a"], school=d["a"])
    client.force_login(d["users"]["manager_a"])
    page = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
    assert_asks_first(page, "cw-confirm-commit", "行将写入台账，不能撤销。确认导入？", "confirmed")
    response = client.post(reverse("casework_imports:commit", args=[batch.pk]), follow=True)
    assert "已导入" in response.content.decode()


def test_opening_cases_from_the_reconciliation_asks_first(client, district):
    client.force_login(district["office"])
    page = client.get(reverse("casework_imports:reconcile")).content.decode()
    assert_asks_first(page, "cw-confirm-open-chosen", "确认开案？", "chosen")
    assert_asks_first(page, "cw-confirm-open-all", "名儿童开案", "all")
