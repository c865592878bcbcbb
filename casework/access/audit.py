"""Recording who opened a case file or took children's data out of the system."""

from casework.access.models import AccessLog


def log_case_view(user, case):
    """Every opening of a case file, for the case's history."""
    return AccessLog.objects.create(user=user, action=AccessLog.Action.VIEW_CASE, case=case)


def log_export(user, what, filters=None, row_count=None):
    """Every export of a list: who, when, with which filter, how many rows."""
    return AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.EXPORT,
        what=str(what)[:200],
        filters=dict(filters or {}),
        row_count=row_count,
    )


def log_import(user, what, row_count=None):
    return AccessLog.objects.create(
        user=user, action=AccessLog.Action.IMPORT, what=str(what)[:200], row_count=row_count
    )
