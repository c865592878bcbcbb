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


def log_download(user, attachment):
    """Every download of a file of evidence: who, when, which file of which record."""
    record = attachment.record
    case = attachment.case if attachment.case_id else getattr(record, "case", None)
    what = f"attachment {attachment.pk}"
    if record is not None:
        what += f" of {record._meta.model_name} {record.pk}"
    return AccessLog.objects.create(
        user=user, action=AccessLog.Action.DOWNLOAD, case=case, what=what
    )


def log_guardian_copy(user, what, row_count=None):
    """A copy of everything held about one child, made for the guardian who asked (查阅复制)."""
    return log_export(user, what, row_count=row_count)
