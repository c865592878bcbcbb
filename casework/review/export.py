"""The review list as a spreadsheet (导出): the rows the list shows, with its filters."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.access.rules import can_export_personal_data
from casework.people import display_name
from casework.review.models import CaseReview
from casework.spreadsheets import safe_cell


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def review_rows(reviews, user, today):
    """The heading and one row per review; the child's name only for roles allowed to take it."""
    with_names = can_export_personal_data(user)
    fields = CaseReview._meta
    heading = [
        _("Month"),
        _("School"),
        _("Case") if with_names else _("Case number"),
        _("Checklist item"),
        _("Reviewer"),
        _("Status"),
        _("Overdue"),
        _("Due on"),
        *(str(fields.get_field(name).verbose_name) for name in CaseReview.CHECKS),
        _("Score"),
        _("Comments"),
        _("Answered on"),
        _("The school's answer"),
        _("Closed on"),
    ]
    rows = []
    for review in reviews:
        overdue = review.status != CaseReview.Status.CLOSED and review.due_on < today
        rows.append(
            [
                f"{review.month.year}年{review.month.month}月",
                review.school.name,
                str(review.case) if with_names else review.case_id,
                review.checklist_item.number,
                display_name(review.reviewer) if review.reviewer else "",
                review.get_status_display(),
                _("yes") if overdue else "",
                _date(review.due_on),
                *(getattr(review, f"get_{name}_display")() for name in CaseReview.CHECKS),
                review.score,
                review.comments,
                _date(review.answered_on),
                review.answer,
                _date(review.closed_on),
            ]
        )
    return heading, rows


def review_workbook(heading, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Case file reviews")[:31]
    sheet.append([safe_cell(str(h)) for h in heading])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
