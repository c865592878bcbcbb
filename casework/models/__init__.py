"""The ledger core, and (so that Django registers them under the one ``casework`` label) the
models of each feature package."""

from casework.access.models import AccessLog, CaseworkLogEntry, GroupRole, Office, Profile
from casework.models.cases import (
    Case,
    CaseStatusChange,
    HomeVisit,
    SupportRecord,
    next_visit_suggestion,
    out_of_school_by_reason,
)
from casework.models.findings import Finding
from casework.models.reference import ChecklistCategory, ChecklistItem, LedgerVersion, School
from casework.models.students import Student

from casework.closeoff.models import CloseOff  # isort: skip
from casework.daily.models import Reminder  # isort: skip
from casework.campaign.models import CampaignVisit, Household  # isort: skip
from casework.evidence.models import Attachment  # isort: skip
from casework.list_exports.models import ExportJob  # isort: skip
from casework.monthly.models import (  # isort: skip
    LeaderApprovalTask,
    LeaderApprovalTaskState,
    MonthlyReport,
    MonthlyReportDelivery,
    MonthlyReportRow,
)
from casework.reconciliation.models import (  # isort: skip
    AGENCY_KINDS,
    AID_KINDS,
    AgencyListEntry,
    ImportBatch,
    ImportKind,
    ImportRow,
    ProbableMatch,
)
from casework.review.models import CaseReview  # isort: skip
from casework.privacy.models import AnonymisationRun  # isort: skip
from casework.dates import Term, term_label, week_monday  # isort: skip
from casework.weekly.models import WEEKLY_FIGURES, TermFigures, WeeklyReport  # isort: skip

__all__ = [
    "out_of_school_by_reason",
    "AccessLog",
    "AnonymisationRun",
    "Attachment",
    "CampaignVisit",
    "Household",
    "CaseworkLogEntry",
    "GroupRole",
    "Office",
    "Profile",
    "Case",
    "CaseReview",
    "CaseStatusChange",
    "ChecklistCategory",
    "ChecklistItem",
    "LedgerVersion",
    "CloseOff",
    "ExportJob",
    "Finding",
    "AGENCY_KINDS",
    "AID_KINDS",
    "AgencyListEntry",
    "ImportBatch",
    "ImportKind",
    "ImportRow",
    "ProbableMatch",
    "HomeVisit",
    "LeaderApprovalTask",
    "LeaderApprovalTaskState",
    "MonthlyReport",
    "MonthlyReportDelivery",
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
