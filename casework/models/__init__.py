from .access import OFFICES, AccessLog, CaseworkLogEntry, Profile
from .cases import Case, CaseStatusChange, HomeVisit, SupportRecord, next_visit_suggestion
from .findings import Finding
from .reference import ChecklistCategory, ChecklistItem, School
from .reports import LeaderApprovalTask, LeaderApprovalTaskState, MonthlyReport, MonthlyReportRow
from .students import Student

__all__ = [
    "OFFICES",
    "AccessLog",
    "CaseworkLogEntry",
    "Profile",
    "Case",
    "CaseStatusChange",
    "ChecklistCategory",
    "ChecklistItem",
    "Finding",
    "HomeVisit",
    "LeaderApprovalTask",
    "LeaderApprovalTaskState",
    "MonthlyReport",
    "MonthlyReportRow",
    "School",
    "Student",
    "SupportRecord",
    "next_visit_suggestion",
]
