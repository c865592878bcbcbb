"""Background jobs of imports (数据比对): reading an uploaded list, committing it.

Each runs in the scope of the user who uploaded or committed the list. A run starts only if it
is still the batch's current attempt (``casework.jobs``), so a killed task delivered again never
runs beside the one the user restarted.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.access.scope import acting_user
from casework.access.tasks import enqueue, system_task
from casework.conf import conf
from casework.jobs import begin_run, next_attempt
from casework.reconciliation.bounds import uncompressed_size
from casework.reconciliation.checking import read_batch
from casework.reconciliation.committing import claim_commit, run_commit
from casework.reconciliation.models import ImportBatch


def runs_in_background(batch):
    """Files above ``IMPORT_INLINE_BYTES``, or unpacking to ``IMPORT_INLINE_UNCOMPRESSED_BYTES``,
    go to the worker."""
    if batch.file.size > conf.IMPORT_INLINE_BYTES:
        return True
    # A small file can unpack a thousandfold; the central directory says so cheaply.
    with batch.file.open("rb") as file:
        unpacked = uncompressed_size(file)
    return unpacked is not None and unpacked > conf.IMPORT_INLINE_UNCOMPRESSED_BYTES


def read_import(batch_id, attempt=None):
    """Read and check an uploaded list for its preview."""
    if not begin_run(ImportBatch.unscoped, batch_id, attempt, [ImportBatch.Status.READING]):
        return "superseded"
    return read_batch(ImportBatch.unscoped.get(pk=batch_id)).status


def commit_import(batch_id, attempt=None):
    """Commit the accepted rows of a claimed import, as the user who committed it."""
    if not begin_run(ImportBatch.unscoped, batch_id, attempt, [ImportBatch.Status.COMMITTING]):
        return "superseded"
    batch = ImportBatch.unscoped.get(pk=batch_id)
    return run_commit(batch, acting_user(), wait_for_database=conf.JOB_DATABASE_WAIT).status


def start_reading(batch, user):
    ImportBatch.unscoped.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    if runs_in_background(batch):
        enqueue(
            "casework.reconciliation.tasks.read_import",
            batch.pk,
            batch.attempt,
            user=user,
            task_name=f"import-read-{batch.pk}-{batch.attempt}",
        )
    else:
        read_batch(batch)


def restart_reading(batch, user):
    """Read an interrupted import again from its kept file; False if it was not interrupted."""
    attempt = next_attempt(
        ImportBatch.unscoped,
        batch.pk,
        [ImportBatch.Status.INTERRUPTED],
        status=ImportBatch.Status.READING,
        progress=0,
        message="",
    )
    if attempt is None:
        return False
    batch.refresh_from_db()
    start_reading(batch, user)
    return True


def start_commit(batch, user):
    """Claim the import now (raises CommitRefused), then commit it here or in the worker."""
    attempt = claim_commit(batch)
    if runs_in_background(batch):
        enqueue(
            "casework.reconciliation.tasks.commit_import",
            batch.pk,
            attempt,
            user=user,
            task_name=f"import-commit-{batch.pk}-{attempt}",
        )
    else:
        run_commit(batch, user)


def interrupt_stale(batches=None, now=None):
    """Mark imports whose worker died: a read as interrupted, a commit back to its preview.

    A commit is one transaction, so a dead commit wrote nothing: the preview is still true and
    can be committed again. Returns how many imports were marked.
    """
    stale = (ImportBatch.unscoped.all() if batches is None else batches).stale(now)
    with translation.override(settings.LANGUAGE_CODE):
        read = stale.filter(status=ImportBatch.Status.READING).update(
            status=ImportBatch.Status.INTERRUPTED,
            progress=0,
            message=_(
                "Reading stopped because the background worker stopped. Nothing was kept "
                "from this file; read it again."
            ),
        )
        committed = stale.filter(status=ImportBatch.Status.COMMITTING).update(
            status=ImportBatch.Status.PREVIEW,
            progress=0,
            message=_(
                "The commit stopped because the background worker stopped. Nothing was "
                "written to the ledger; commit again."
            ),
        )
    return read + committed


@system_task
def interrupt_stale_imports():
    """Every few minutes: imports whose worker died are marked, so that they can be restarted."""
    return interrupt_stale()
