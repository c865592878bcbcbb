"""What the app's background jobs share (an import read or committed, a long export): a sign of life.

A worker that is killed (SIGKILL, out of memory, a machine restart) cannot say so. Each job
therefore records which run is the current one (``attempt``) and when that run last showed a
sign of life (``heartbeat_at``). A job still marked as running whose heartbeat is older than
``CASEWORK["JOB_STALE_AFTER"]`` seconds is dead: django-q2 stops any task after its ``timeout``
(600 s), so nothing alive is that silent. The job's package then marks it interrupted, and the
user can start it again.

A task starts only through ``begin_run``: if the user restarted the job meanwhile (a newer
attempt) or the job is no longer waiting for this run, the task leaves it alone. So a killed
task that django-q2 delivers again later never runs beside its successor.
"""

import datetime

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.conf import conf


class BackgroundJob(models.Model):
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        abstract = True


def stale_before(now=None):
    """Jobs running whose heartbeat is older than this are dead."""
    return (now or timezone.now()) - datetime.timedelta(seconds=conf.JOB_STALE_AFTER)


def next_attempt(manager, pk, from_statuses, **values):
    """Move a job from one of ``from_statuses`` to a new run; returns the attempt or None."""
    claimed = manager.filter(pk=pk, status__in=from_statuses).update(
        attempt=F("attempt") + 1, heartbeat_at=timezone.now(), **values
    )
    if not claimed:
        return None
    return manager.filter(pk=pk).values_list("attempt", flat=True).get()


def begin_run(manager, pk, attempt, statuses):
    """True if this run (``attempt``) is still the job's current one and the job waits for it."""
    if attempt is None:  # queued before attempts were recorded
        return manager.filter(pk=pk, status__in=statuses).update(heartbeat_at=timezone.now()) > 0
    return (
        manager.filter(pk=pk, attempt=attempt, status__in=statuses).update(
            heartbeat_at=timezone.now()
        )
        > 0
    )
