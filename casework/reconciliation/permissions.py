"""Who may upload which list. A school's roll is imported by its own manager, or by bureau
office staff for any school; other offices' lists cover the whole district, so only bureau
office staff import them."""

from casework.access.rules import is_bureau
from casework.access.scope import scope_for_user
from casework.reconciliation.models import AGENCY_KINDS, ImportKind


def import_kinds_for(user):
    """The kinds of list ``user`` may upload."""
    kinds = []
    scope = scope_for_user(user)
    if not scope.is_nothing and user.has_perm("casework.add_importbatch"):
        kinds.append(ImportKind.ROLL)
    if is_bureau(user) and user.has_perm("casework.import_agency_lists"):
        kinds.extend(AGENCY_KINDS)
    return kinds


def can_import(user, kind, school=None):
    """May ``user`` upload and commit a list of this kind (for this school, for a roll)?"""
    if kind not in import_kinds_for(user):
        return False
    if kind == ImportKind.ROLL:
        return school is not None and scope_for_user(user).contains(school)
    return True
