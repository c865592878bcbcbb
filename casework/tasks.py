"""Background jobs (django-q2). Tests run them inline (``"sync": True`` in test settings)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django_q.tasks import async_task

from .imports import claim_commit, read_batch, run_commit
from .models import ImportBatch


def runs_in_background(batch):
    """Files above ``CASEWORK_IMPORT_INLINE_MAX_BYTES`` (256 KB) go to the worker."""
    limit = getattr(settings, "CASEWORK_IMPORT_INLINE_MAX_BYTES", 256 * 1024)
    return batch.file.size > limit


def read_import(batch_id):
    """Read and check an uploaded list for its preview."""
    return read_batch(ImportBatch.unscoped.get(pk=batch_id)).status


def commit_import(batch_id, user_id):
    """Commit the accepted rows of a claimed import."""
    user = get_user_model().objects.get(pk=user_id)
    return run_commit(ImportBatch.unscoped.get(pk=batch_id), user).status


def start_reading(batch):
    if runs_in_background(batch):
        async_task("casework.tasks.read_import", batch.pk, task_name=f"import-read-{batch.pk}")
    else:
        read_batch(batch)


def start_commit(batch, user):
    """Claim the import now (raises CommitRefused), then commit it here or in the worker."""
    claim_commit(batch)
    if runs_in_background(batch):
        async_task(
            "casework.tasks.commit_import", batch.pk, user.pk, task_name=f"import-commit-{batch.pk}"
        )
    else:
        run_commit(batch, user)
