from .access import OFFICES, AccessLog, CaseworkLogEntry, Profile
from .cases import Case, CaseStatusChange, HomeVisit, SupportRecord, next_visit_suggestion
from .exports import ExportJob
from .findings import Finding
from .imports import AGENCY_KINDS, AID_KINDS, AgencyListEntry, ImportBatch, ImportKind, ImportRow
from .reference import ChecklistCategory, ChecklistItem, School
from .reports import LeaderApprovalTask, LeaderApprovalTaskState, MonthlyReport, MonthlyReportRow
from .students import Student
from .weekly import (
    WEEKLY_FIGURES,
    Reminder,
    Term,
    TermFigures,
    WeeklyReport,
    term_label,
    week_monday,
)

__all__ = [
    "OFFICES",
    "AccessLog",
    "CaseworkLogEntry",
    "Profile",
    "Case",
    "CaseStatusChange",
    "ChecklistCategory",
    "ChecklistItem",
    "ExportJob",
    "Finding",
    "AGENCY_KINDS",
    "AID_KINDS",
    "AgencyListEntry",
    "ImportBatch",
    "ImportKind",
    "ImportRow",
    "HomeVisit",
    "LeaderApprovalTask",
    "LeaderApprovalTaskState",
    "MonthlyReport",
    "MonthlyReportRow",
    "School",
    "Student",
    "SupportRecord",
    "next_visit_suggestion",
    "Reminder",
    "Term",
    "TermFigures",
    "WEEKLY_FIGURES",
    "WeeklyReport",
    "term_label",
    "week_monday",
]
