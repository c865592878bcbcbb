"""Background jobs of long list exports."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.access.tasks import enqueue, system_task
from casework.jobs import begin_run, next_attempt
from casework.list_exports.jobs import delete_old_exports as delete
from casework.list_exports.jobs import remove_job_folder, run_job
from casework.list_exports.models import ExportJob

_WAITING = [ExportJob.Status.PENDING]


def run_export(job_id, attempt=None):
    """Write the file of an export job (casework.list_exports)."""
    if not begin_run(ExportJob.objects, job_id, attempt, _WAITING):
        return "superseded"
    return run_job(ExportJob.objects.select_related("user").get(pk=job_id)).status


def start_export(job):
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    enqueue(
        "casework.list_exports.tasks.run_export",
        job.pk,
        job.attempt,
        user=job.user,
        task_name=f"export-{job.pk}-{job.attempt}",
    )


def restart_export(job):
    """Write an interrupted or failed export again; False if it is neither."""
    attempt = next_attempt(
        ExportJob.objects,
        job.pk,
        [ExportJob.Status.INTERRUPTED, ExportJob.Status.FAILED],
        status=ExportJob.Status.PENDING,
        progress=0,
        message="",
        finished_at=None,
    )
    if attempt is None:
        return False
    job.refresh_from_db()
    start_export(job)
    return True


def interrupt_stale(jobs=None, now=None):
    """Mark exports whose worker died as interrupted; their half-written file was never kept."""
    stale = (ExportJob.objects.all() if jobs is None else jobs).stale(now)
    dead = list(stale.values_list("pk", flat=True))
    if not dead:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        marked = stale.filter(pk__in=dead).update(
            status=ExportJob.Status.INTERRUPTED,
            message=_("The export stopped because the background worker stopped; start it again."),
        )
    for pk in dead:  # what the dead run wrote of its file, on this machine
        remove_job_folder(pk)
    return marked


@system_task
def interrupt_stale_exports():
    """Every few minutes: exports whose worker died are marked, so that they can be restarted."""
    return interrupt_stale()


@system_task
def delete_old_exports():
    """Daily: delete export files older than CASEWORK_EXPORT_KEEP_DAYS (7) days."""

    return delete()
