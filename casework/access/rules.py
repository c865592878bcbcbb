"""Who may do what, decided here once and asked by every view, form, task and template.

Whose rows a user sees is the scope's business (``casework.access.scope``); these rules add what
a role may do with them. Features with rules of their own keep them in their ``permissions.py``,
built on these.
"""

import datetime

from django.apps import apps
from django.utils import timezone

from casework.access.roles import SCHOOL_ROLES, Role
from casework.access.scope import (
    ScopedManager,
    UnscopedManager,
    is_bureau,
    roles_of,
    school_id_of,
    scope_for_user,
)
from casework.conf import conf

__all__ = [
    "ScopedManager",
    "UnscopedManager",
    "is_bureau",
    "roles_of",
    "school_id_of",
    "scope_for_user",
]


def can_see_personal_data(user):
    """Full ID numbers and addresses: the bureau and the child's own school's staff."""
    return is_bureau(user) or bool(roles_of(user) & SCHOOL_ROLES)


def can_export_personal_data(user):
    """Spreadsheets with names or ID numbers leave the system only for bureau roles."""
    return is_bureau(user)


def may_still_have(user, export_job):
    """Whether ``user`` may, today, download a list exported for them earlier.

    A file holds what the user's role allowed when it was written; a file written with every
    school's rows needs the right to every school now."""
    model = export_job.listed_model
    return (
        user.is_active
        and can_export_personal_data(user)
        and scope_for_user(user).all_schools
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    )


def _profile_value(user, field):
    if user is None or not user.is_authenticated:
        return ""
    cache = f"_casework_{field}"
    if not hasattr(user, cache):
        Profile = apps.get_model("casework", "Profile")
        setattr(
            user,
            cache,
            Profile.objects.filter(user=user).values_list(field, flat=True).first() or "",
        )
    return getattr(user, cache)


def office_of(user):
    """The name of the bureau office (科室) a user works in, or ""."""
    return _profile_value(user, "office__name")


def leader_name_of(user):
    """The name under which a responsible leader appears on the checklist, or ""."""
    if not (user and user.is_authenticated and roles_of(user) & {Role.LEADER}):
        return ""
    return _profile_value(user, "leader_name")


def can_view_monthly_reports(user):
    """The monthly checklist, its exports and summaries: bureau staff and leaders."""
    return user.has_perm("casework.view_monthlyreport")


def can_view_progress(user):
    """The bureau's progress overview counts cases of every school, so only the bureau sees it."""
    return is_bureau(user) and can_view_monthly_reports(user)


def can_edit_report_row(user, row):
    """A report row is written by the staff of its item's offices, or reviewed by its leader."""
    if user.is_superuser:
        return True
    if not user.has_perm("casework.change_monthlyreport"):
        return False
    office = office_of(user)
    if office and office in row.office_list:
        return True
    name = leader_name_of(user)
    return bool(name) and name == row.leader


def can_edit_checklist_item(user, item):
    """A checklist item's particulars are edited by the staff of its own offices alone."""
    if user.is_superuser:
        return True
    if not user.has_perm("casework.change_checklistitem"):
        return False
    office = office_of(user)
    return bool(office) and office in item.office_list


def can_close_case(user):
    return user.has_perm("casework.close_case")


def can_assign_teacher(user):
    return user.has_perm("casework.assign_teacher")


def teachers_for(user):
    """The staff a case of ``user``'s scope can be paired with: school staff of that scope."""
    from django.contrib.auth import get_user_model

    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__casework_role__code__in=list(SCHOOL_ROLES))
        .distinct()
    )
    scope = scope_for_user(user)
    if scope.all_schools:
        return staff.order_by("last_name", "first_name", "username")
    if scope.school_id is None:
        return staff.none()
    return staff.filter(casework_profile__school_id=scope.school_id).order_by(
        "last_name", "first_name"
    )


def teachers_of_school(user, school_id):
    """The staff of one school a case there can be paired with, within ``user``'s scope."""
    if school_id is None:
        return teachers_for(user).none()
    return teachers_for(user).filter(casework_profile__school_id=school_id)


def can_log_visit(user):
    """The quick visit form: whoever may add home visits (teachers, school managers, offices)."""
    return user.has_perm("casework.add_homevisit")


def can_file_weekly_report(user):
    """A school's weekly report is filed by its own manager."""
    return user.has_perm("casework.submit_weeklyreport") and school_id_of(user) is not None


def can_view_weekly_reports(user):
    return user.has_perm("casework.view_weeklyreport")


def can_view_district_reports(user):
    """Which schools have filed, and the district totals: the bureau only."""
    return is_bureau(user) and can_view_weekly_reports(user)


def can_edit_term_figures(user):
    return user.has_perm("casework.change_termfigures") and school_id_of(user) is not None


def works_at_a_school(user):
    """A teacher or school manager attached to a school (reminded of overdue visits)."""
    return bool(roles_of(user) & SCHOOL_ROLES) and school_id_of(user) is not None


def can_view_imports(user):
    """Import records of the user's school (school staff) or of every school (the bureau)."""
    return not scope_for_user(user).is_nothing and user.has_perm("casework.view_importbatch")


def can_reconcile_own_roll(user):
    """A school manager checks the school's own roll against the lists (its children only)."""
    return Role.MANAGER in roles_of(user) and works_at_a_school(user)


def can_reconcile(user):
    """The reconciliation report and opening cases from it: bureau roles only."""
    return is_bureau(user) and user.has_perm("casework.reconcile_lists")


def can_add_evidence(user, record):
    """Evidence goes with a record its user may add to: visits and support by whoever logs
    them, a finding's before/after photos by whoever edits findings, close-off evidence by
    whoever closes cases off."""
    name = record._meta.model_name
    if name in ("homevisit", "campaignvisit"):
        return can_log_visit(user)
    if name == "supportrecord":
        return user.has_perm("casework.add_supportrecord")
    if name == "finding":
        return user.has_perm("casework.change_finding")
    if name == "case":
        return can_close_case(user)
    return False


def can_delete_evidence(user, attachment, now=None):
    """The uploader within the grace period, or the school manager of the school."""
    if Role.MANAGER in roles_of(user) and school_id_of(user) == attachment.school_id:
        return True
    hours = datetime.timedelta(hours=conf.EVIDENCE_DELETE_HOURS)
    return (
        attachment.uploaded_by_id == user.pk
        and (now or timezone.now()) - attachment.uploaded_at < hours
    )


def can_view_coverage(user):
    """The campaign's coverage (户不漏人): school managers and the bureau."""
    return is_bureau(user) or (Role.MANAGER in roles_of(user) and school_id_of(user) is not None)


def can_assign_households(user):
    """Households are assigned to teachers by the school manager."""
    return Role.MANAGER in roles_of(user) and school_id_of(user) is not None
