"""The roles of PRODUCT.md, kept as Wagtail groups named in Chinese."""

from django.db import models


class Role(models.TextChoices):
    # The group names are data (shown in the admin as they are), not translatable strings.
    EDITOR = "editor", "网站编辑"
    TEACHER = "teacher", "帮扶教师"
    MANAGER = "manager", "学校负责人"
    OFFICE = "office", "局科室"
    LEADER = "leader", "责任领导"


SCHOOL_ROLES = frozenset({Role.TEACHER, Role.MANAGER})
BUREAU_ROLES = frozenset({Role.OFFICE, Role.LEADER})

_CASE_DATA = ["student", "case", "homevisit", "supportrecord"]
_VIEW_ALL = [
    f"view_{m}" for m in [*_CASE_DATA, "finding", "school", "checklistitem", "checklistcategory"]
]

#: Django permissions (casework app) of each role; every role also gets access to the admin.
ROLE_PERMISSIONS = {
    Role.EDITOR: [],
    Role.TEACHER: [
        *_VIEW_ALL,
        "add_student",
        "change_student",
        "add_case",
        "change_case",
        "add_homevisit",
        "add_supportrecord",
    ],
    Role.MANAGER: [
        *_VIEW_ALL,
        *[f"{action}_{m}" for m in _CASE_DATA for action in ("add", "change", "delete")],
        "add_finding",
        "change_finding",
        "close_case",
        "assign_teacher",
    ],
    Role.OFFICE: [
        *_VIEW_ALL,
        "change_checklistitem",
        "add_finding",
        "change_finding",
        "export_personal_data",
        "add_monthlyreport",
        "change_monthlyreport",
        "view_monthlyreport",
    ],
    # Leaders change a report only to review it: the form lets them edit their own items' rows.
    Role.LEADER: [*_VIEW_ALL, "export_personal_data", "change_monthlyreport", "view_monthlyreport"],
}
#: Granted on existing databases by migration 0004_monthly_report_roles (0002 predates the model).
