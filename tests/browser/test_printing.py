"""The case file, the weekly report and the reconciliation findings print as documents."""

import datetime
import subprocess

import pytest

from .conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser

CHROME = ".sidebar, [data-side-panel-toggle], .w-breadcrumbs, main .button"


def print_to_pdf(page, name):
    """The page as the browser prints it: a PDF, and its first page as a PNG beside it."""
    page.emulate_media(media="print")
    for element in page.locator(CHROME).all():
        assert not element.is_visible(), f"{name}: the admin's chrome is printed"
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = SCREENSHOTS / f"print-{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
        check=False,
    )
    page.emulate_media(media="screen")
    return pdf


def test_the_case_file_prints(page, live_site):
    case = live_site.python(
        "from casework.models import Case; "
        "print(Case.unscoped.filter(teacher__username='teacher_a').order_by('pk').first().pk)"
    )
    login(page, "teacher_a")
    page.goto(f"/admin/snippets/casework/case/inspect/{case}/")
    assert print_to_pdf(page, "case-file").stat().st_size > 0


def test_the_weekly_report_prints(page, live_site):
    school = live_site.python(
        "from casework.models import Profile; "
        "print(Profile.objects.get(user__username='manager_a').school_id)"
    )
    year, week, _day = datetime.date.today().isocalendar()
    login(page, "manager_a")
    page.goto(f"/admin/casework/weekly/{school}/{year}/{week}/")
    assert print_to_pdf(page, "weekly-report").stat().st_size > 0


def test_the_reconciliation_findings_print(page):
    login(page, "office")
    page.goto("/admin/casework/imports/reconcile/")
    assert print_to_pdf(page, "reconciliation").stat().st_size > 0
