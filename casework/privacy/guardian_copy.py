"""查阅复制: everything held about one child, as one workbook for the guardian who asked.

PIPL art. 45 gives the guardian of a minor the right to a copy. One sheet per kind of record:
the student file, cases, visits, support, the list of evidence files, the reconciliation
matches, and the log of who opened the child's files or took them out.
"""

import io
import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.access.models import AccessLog
from casework.campaign.models import CampaignVisit
from casework.evidence.models import Attachment
from casework.models.cases import Case, HomeVisit, SupportRecord
from casework.people import display_name
from casework.reconciliation.models import AgencyListEntry, ProbableMatch
from casework.spreadsheets import safe_cell


def guardian_copy_what(student):
    """How the access log names a copy of this child's record (no name: the log outlives it)."""
    return f"guardian copy of student {student.pk}"


_DOWNLOAD_WHAT = re.compile(r"attachment (\d+)(?: of \w+ \d+)?")


def _what_shown(log, student):
    """The access record's "what" as the guardian reads it: the log names some records by
    code (``guardian copy of student 7``, ``attachment 12 of homevisit 3``)."""
    if log.what == guardian_copy_what(student):
        return _("a copy of this record for the guardian")
    download = _DOWNLOAD_WHAT.fullmatch(log.what)
    if download:
        return _("evidence file #%(pk)s") % {"pk": download.group(1)}
    return log.what


def _day(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _moment(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{_day(value)} {value:%H:%M}"


def _yes(value):
    return _("yes") if value else _("no")


def _field_rows(student):
    fields = [
        "name",
        "gender",
        "birth_date",
        "id_number",
        "student_number",
        "school",
        "grade",
        "class_name",
        "guardian_name",
        "guardian_relation",
        "phone",
        "hukou_township",
        "hukou_village",
        "address",
        "is_registered_poor",
        "poverty_exit_year",
        "is_dibao",
        "is_tekun",
        "is_left_behind",
        "is_orphan",
        "is_struggling",
        "lives_with",
        "is_disabled",
        "disability_category",
        "disability_grade",
        "placement",
        "created_at",
        "updated_at",
    ]
    rows = []
    for name in fields:
        field = student._meta.get_field(name)
        if field.choices:
            value = getattr(student, f"get_{name}_display")()
        else:
            value = getattr(student, name)
        if isinstance(value, bool):
            value = _yes(value)
        elif name in ("created_at", "updated_at"):
            value = _moment(value)
        elif name == "birth_date":
            value = _day(value)
        rows.append([str(field.verbose_name), "" if value is None else str(value)])
    return rows


def sheets_for(student):
    """``[(title, heading, rows)]``: what the workbook holds, sheet by sheet."""
    cases = list(Case.unscoped.filter(student=student).select_related("checklist_item", "teacher"))
    case_ids = [c.pk for c in cases]
    visits = HomeVisit.unscoped.filter(case__in=case_ids).order_by("visited_on", "pk")
    support = SupportRecord.unscoped.filter(case__in=case_ids).order_by("given_on", "pk")
    campaign = CampaignVisit.unscoped.filter(student=student).order_by("visited_on", "pk")
    attachments = Attachment.unscoped.filter(
        Q(home_visit__case__in=case_ids)
        | Q(support_record__case__in=case_ids)
        | Q(case__in=case_ids)
        | Q(campaign_visit__student=student)
    ).select_related("uploaded_by")
    matches = ProbableMatch.unscoped.filter(student=student).select_related("decided_by")
    entries = (
        AgencyListEntry.unscoped.filter(id_number=student.id_number)
        if student.id_number
        else AgencyListEntry.unscoped.none()
    )
    logs = (
        AccessLog.objects.filter(Q(case__in=case_ids) | Q(what=guardian_copy_what(student)))
        .select_related("user")
        .order_by("at", "pk")
    )
    return [
        (
            pgettext("guardian copy sheet", "Student"),
            [_("field"), _("value")],
            _field_rows(student),
        ),
        (
            pgettext("guardian copy sheet", "Cases"),
            [
                _("case"),
                _("concern"),
                _("checklist item"),
                _("risk level"),
                _("status"),
                _("paired teacher"),
                _("opened on"),
                _("summary"),
                _("closed on"),
                _("reason for closing"),
                _("what was verified"),
            ],
            [
                [
                    c.pk,
                    c.get_concern_display(),
                    c.checklist_item.number if c.checklist_item_id else "",
                    c.get_risk_display(),
                    c.get_status_display(),
                    display_name(c.teacher),
                    _day(c.opened_on),
                    c.summary,
                    _day(c.closed_on),
                    c.close_reason,
                    c.close_verification,
                ]
                for c in cases
            ],
        ),
        (
            pgettext("guardian copy sheet", "Home visits"),
            [
                _("case"),
                _("date of visit"),
                _("mode"),
                _("visitors"),
                _("state of the child"),
                _("reason for leaving school"),
                _("findings"),
                _("actions agreed"),
                _("next visit due"),
            ],
            [
                [
                    v.case_id,
                    _day(v.visited_on),
                    v.get_mode_display(),
                    v.visitors,
                    v.get_child_state_display(),
                    v.leave_reason_other or v.get_leave_reason_display(),
                    v.findings,
                    v.actions,
                    _day(v.next_visit_due),
                ]
                for v in visits
            ]
            + [
                [
                    _("campaign visit"),
                    _day(v.visited_on),
                    v.get_mode_display(),
                    v.visitors,
                    v.get_child_state_display(),
                    v.leave_reason_other or v.get_leave_reason_display(),
                    v.findings,
                    "",
                    "",
                ]
                for v in campaign
            ],
        ),
        (
            pgettext("guardian copy sheet", "Support"),
            [
                _("case"),
                _("date"),
                _("kind"),
                _("amount (yuan)"),
                _("funding source"),
                _("given by"),
                _("note"),
            ],
            [
                [
                    s.case_id,
                    _day(s.given_on),
                    s.get_kind_display(),
                    s.amount,
                    s.funding_source,
                    s.given_by,
                    s.note,
                ]
                for s in support
            ],
        ),
        (
            pgettext("guardian copy sheet", "Evidence files"),
            [
                _("kind"),
                _("original name"),
                _("content type"),
                _("size in bytes"),
                _("uploaded at"),
                _("uploaded by"),
                _("deleted at"),
            ],
            [
                [
                    a.get_kind_display(),
                    a.original_name,
                    a.content_type,
                    a.size,
                    _moment(a.uploaded_at),
                    display_name(a.uploaded_by),
                    _moment(a.deleted_at),
                ]
                for a in attachments
            ],
        ),
        (
            pgettext("guardian copy sheet", "Reconciliation"),
            [
                _("list"),
                _("name on the list"),
                _("ID number on the list"),
                _("why"),
                _("state"),
                _("decided by"),
            ],
            [
                [
                    m.entry.get_kind_display() if m.entry_id else "",
                    m.listed_name,
                    m.listed_id_number,
                    m.get_reason_display(),
                    m.get_state_display(),
                    display_name(m.decided_by),
                ]
                for m in matches
            ]
            + [
                [
                    e.get_kind_display(),
                    e.name,
                    e.id_number,
                    _("on the list by ID number"),
                    _("removed from the list on") + " " + _day(e.removed_on)
                    if e.removed_on
                    else _("current"),
                    "",
                ]
                for e in entries
            ],
        ),
        (
            pgettext("guardian copy sheet", "Access log"),
            [_("at"), _("user"), _("action"), _("case"), _("what")],
            [
                [
                    _moment(log.at),
                    display_name(log.user),
                    log.get_action_display(),
                    log.case_id or "",
                    _what_shown(log, student),
                ]
                for log in logs
            ],
        ),
    ]


def guardian_workbook(student):
    """The workbook as bytes: every cell formula-safe (a name typed as ``=…`` stays text)."""
    book = Workbook()
    book.remove(book.active)
    for title, heading, rows in sheets_for(student):
        sheet = book.create_sheet(title[:31])
        sheet.append([safe_cell(str(h)) for h in heading])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(str(v)) if v is not None else "" for v in row])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
