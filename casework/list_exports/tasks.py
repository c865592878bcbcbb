"""Background jobs of long list exports."""

from casework.access.tasks import enqueue, system_task
from casework.list_exports.jobs import delete_old_exports as delete
from casework.list_exports.jobs import run_job
from casework.list_exports.models import ExportJob


def run_export(job_id):
    """Write the file of an export job (casework.list_exports)."""

    return run_job(ExportJob.objects.select_related("user").get(pk=job_id)).status


def start_export(job):
    enqueue(
        "casework.list_exports.tasks.run_export",
        job.pk,
        user=job.user,
        task_name=f"export-{job.pk}",
    )


@system_task
def delete_old_exports():
    """Daily: delete export files older than CASEWORK_EXPORT_KEEP_DAYS (7) days."""

    return delete()
