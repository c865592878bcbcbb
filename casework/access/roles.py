"""The casework roles, each a Wagtail group recognised by its role code (``GroupRole``).

A group's name is data that the bureau may edit; the code is what access is decided on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("support teacher")
    MANAGER = "manager", _("school case manager")
    OFFICE = "office", _("bureau office staff")
    LEADER = "leader", _("responsible leader")


SCHOOL_ROLES = frozenset({Role.TEACHER, Role.MANAGER})
BUREAU_ROLES = frozenset({Role.OFFICE, Role.LEADER})

_CASE_DATA = ["student", "case", "homevisit", "supportrecord"]
_VIEW_ALL = [
    f"view_{m}" for m in [*_CASE_DATA, "finding", "school", "checklistitem", "checklistcategory"]
]

#: Django permissions (casework app) of each role; every role also gets access to the admin.
ROLE_PERMISSIONS = {
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
    # Bureau offices open and close cases too: data comparison finds children district-wide,
    # and the plan has the offices supervise 对账销号. They do not delete.
    Role.OFFICE: [
        *_VIEW_ALL,
        *[f"{action}_{m}" for m in _CASE_DATA for action in ("add", "change")],
        "close_case",
        "assign_teacher",
        "change_checklistitem",
        "add_finding",
        "change_finding",
        "export_personal_data",
    ],
    Role.LEADER: [*_VIEW_ALL, "export_personal_data"],
}

#: The weekly dropout report and the term's 两清两明 figures (granted by migration 0004).
WEEKLY_PERMISSIONS = {
    Role.TEACHER: ["view_weeklyreport", "view_termfigures"],
    Role.MANAGER: [
        *[
            f"{action}_{m}"
            for m in ("weeklyreport", "termfigures")
            for action in ("view", "add", "change")
        ],
        "submit_weeklyreport",
    ],
    Role.OFFICE: ["view_weeklyreport", "view_termfigures"],
    Role.LEADER: ["view_weeklyreport", "view_termfigures"],
}
#: Permissions on imports and reconciliation (数据比对), granted by migration 0005_imports.
IMPORT_ROLE_PERMISSIONS = {
    Role.TEACHER: ["view_importbatch"],
    Role.MANAGER: ["view_importbatch", "add_importbatch"],
    Role.OFFICE: [
        "view_importbatch",
        "add_importbatch",
        "import_agency_lists",
        "reconcile_lists",
    ],
    Role.LEADER: ["view_importbatch", "reconcile_lists"],
}


#: The monthly checklist report (granted by migration 0007_monthly_report_roles).
MONTHLY_PERMISSIONS = {
    Role.OFFICE: ["add_monthlyreport", "change_monthlyreport", "view_monthlyreport"],
    # Leaders change a report only to review it: the form lets them edit their own items' rows.
    Role.LEADER: ["change_monthlyreport", "view_monthlyreport"],
}


def _combine(*tables):
    return {role: [c for table in tables for c in table.get(role, [])] for role in Role}


#: Everything each role may do, feature by feature (each table granted by its own migration).
ROLE_PERMISSIONS = _combine(
    ROLE_PERMISSIONS, WEEKLY_PERMISSIONS, IMPORT_ROLE_PERMISSIONS, MONTHLY_PERMISSIONS
)


def group_for(role):
    """The group that stands for ``role``."""
    from django.contrib.auth.models import Group

    return Group.objects.get(casework_role__code=role)


def users_with_role(role):
    """Active users in the group that stands for ``role``."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__casework_role__code=role)
