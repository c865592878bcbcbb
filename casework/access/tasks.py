"""Background work runs with a scope its caller states: the same in the worker and in tests."""

import functools

from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from django_q.tasks import async_task

from casework.access.scope import no_scope, system_scope, user_scope


def enqueue(func, *args, user=None, task_name=None):
    """Run ``func`` (a dotted path) in the worker, in ``user``'s scope, or every school's if None."""
    return async_task(
        "casework.access.tasks.run_scoped",
        func,
        user.pk if user is not None else None,
        *args,
        task_name=task_name,
    )


def run_scoped(func, user_id, *args):
    user = None
    if user_id is not None:
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            # The user left or was deactivated meanwhile: their work sees nothing.
            with no_scope():
                return import_string(func)(*args)
    with user_scope(user) if user is not None else system_scope():
        return import_string(func)(*args)


def system_task(func):
    """A scheduled task that works for the whole district (the worker calls it directly)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with system_scope():
            return func(*args, **kwargs)

    return wrapper


@system_task
def purge_old_audit():
    """Daily: delete audit records older than CASEWORK["AUDIT_KEEP_DAYS"] (365) days."""
    from casework.access.audit import purge_old_audit as purge

    return purge()
