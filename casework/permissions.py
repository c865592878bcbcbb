"""Who may see and do what: the one place casework access is decided.

Every casework model's default manager (``objects``) is scoped to the user of the current
request (set by ``casework.middleware.CurrentUserMiddleware``), so every admin view, chooser,
search, export and report built on ``Model.objects`` sees only the user's school. Code that
runs outside a request (tasks, commands) is unscoped; code that needs to look across schools
inside a request says so with ``Model.unscoped`` and must not show what it finds.
"""

import contextvars

from django.db import models

from .roles import BUREAU_ROLES, SCHOOL_ROLES, Role

_current_user = contextvars.ContextVar("casework_current_user", default=None)
#: Marks "no request": tasks and commands see everything.
SYSTEM = None


def set_current_user(user):
    return _current_user.set(user)


def reset_current_user(token):
    _current_user.reset(token)


def current_user():
    return _current_user.get()


def roles_of(user):
    """The casework roles of a user, from their groups (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_casework_roles"):
        names = set(user.groups.values_list("name", flat=True))
        user._casework_roles = frozenset(r for r in Role if r.label in names)
    return user._casework_roles


def is_bureau(user):
    """Superusers, bureau office staff and responsible leaders see every school."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or roles_of(user) & BUREAU_ROLES)
    )


def school_id_of(user):
    """The school a school-level user belongs to, or None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_casework_school_id"):
        from .models import Profile

        user._casework_school_id = (
            Profile.objects.filter(user=user).values_list("school_id", flat=True).first()
        )
    return user._casework_school_id


def school_scope(user):
    """ "all" for the bureau, a school id for a school's staff, or None: sees nothing."""
    if is_bureau(user):
        return "all"
    if roles_of(user) & SCHOOL_ROLES:
        return school_id_of(user)
    return None


def scope_queryset(queryset, user):
    """Restrict a casework queryset to what ``user`` may see."""
    scope = school_scope(user)
    if scope == "all":
        return queryset
    path = getattr(queryset.model, "school_path", None)
    if scope is None or path is None:
        return queryset.none()
    return queryset.filter(**{path: scope})


def can_see_personal_data(user):
    """Full ID numbers and addresses: the bureau and the child's own school's staff."""
    return is_bureau(user) or bool(roles_of(user) & SCHOOL_ROLES)


def can_export_personal_data(user):
    """Spreadsheets with names or ID numbers leave the system only for bureau roles."""
    return is_bureau(user)


def _profile_value(user, field):
    if user is None or not user.is_authenticated:
        return ""
    cache = f"_casework_{field}"
    if not hasattr(user, cache):
        from .models import Profile

        setattr(
            user,
            cache,
            Profile.objects.filter(user=user).values_list(field, flat=True).first() or "",
        )
    return getattr(user, cache)


def office_of(user):
    """The bureau office (科室) a user works in, or ""."""
    return _profile_value(user, "office")


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


def can_close_case(user):
    return user.has_perm("casework.close_case")


def can_assign_teacher(user):
    return user.has_perm("casework.assign_teacher")


def teachers_for(user):
    """The staff a case of ``user``'s scope can be paired with: school staff of that scope."""
    from django.contrib.auth import get_user_model

    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.label for r in SCHOOL_ROLES])
        .distinct()
    )
    scope = school_scope(user)
    if scope == "all":
        return staff.order_by("last_name", "first_name", "username")
    if scope is None:
        return staff.none()
    return staff.filter(casework_profile__school_id=scope).order_by("last_name", "first_name")


class ScopedManager(models.Manager):
    """The default manager of casework models: scoped to the current request's user."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = current_user()
        if user is SYSTEM:
            return queryset
        return scope_queryset(queryset, user)

    def for_user(self, user):
        """Explicitly scoped to ``user``, for code that has the user (tasks, exports)."""
        return scope_queryset(super().get_queryset(), user)


class UnscopedManager(models.Manager):
    """Sees every school: only for code that must look across schools and says why."""


def can_log_visit(user):
    """The quick visit form: whoever may add home visits (teachers, school managers)."""
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


# Imports and reconciliation (数据比对). A school's roll is imported by its own manager, or by
# bureau office staff for any school; other offices' lists cover the whole district, so only
# bureau office staff import them; the reconciliation looks across schools, so only the bureau.


def can_view_imports(user):
    """Import records of the user's school (school staff) or of every school (the bureau)."""
    return school_scope(user) is not None and user.has_perm("casework.view_importbatch")


def import_kinds_for(user):
    """The kinds of list ``user`` may upload."""
    from .models import AGENCY_KINDS, ImportKind

    kinds = []
    if school_scope(user) is not None and user.has_perm("casework.add_importbatch"):
        kinds.append(ImportKind.ROLL)
    if is_bureau(user) and user.has_perm("casework.import_agency_lists"):
        kinds.extend(AGENCY_KINDS)
    return kinds


def can_import(user, kind, school=None):
    """May ``user`` upload and commit a list of this kind (for this school, for a roll)?"""
    from .models import ImportKind

    if kind not in import_kinds_for(user):
        return False
    if kind == ImportKind.ROLL:
        scope = school_scope(user)
        return school is not None and (scope == "all" or scope == school.pk)
    return True


def can_reconcile(user):
    """The reconciliation report and opening cases from it: bureau roles only."""
    return is_bureau(user) and user.has_perm("casework.reconcile_lists")
