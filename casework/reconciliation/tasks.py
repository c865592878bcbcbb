"""Background jobs of imports (数据比对): reading an uploaded list, committing it.

Each runs in the scope of the user who uploaded or committed the list.
"""

from casework.access.scope import acting_user
from casework.access.tasks import enqueue
from casework.conf import conf
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


def read_import(batch_id):
    """Read and check an uploaded list for its preview."""
    return read_batch(ImportBatch.unscoped.get(pk=batch_id)).status


def commit_import(batch_id):
    """Commit the accepted rows of a claimed import, as the user who committed it."""
    return run_commit(ImportBatch.unscoped.get(pk=batch_id), acting_user()).status


def start_reading(batch, user):
    if runs_in_background(batch):
        enqueue(
            "casework.reconciliation.tasks.read_import",
            batch.pk,
            user=user,
            task_name=f"import-read-{batch.pk}",
        )
    else:
        read_batch(batch)


def start_commit(batch, user):
    """Claim the import now (raises CommitRefused), then commit it here or in the worker."""
    claim_commit(batch)
    if runs_in_background(batch):
        enqueue(
            "casework.reconciliation.tasks.commit_import",
            batch.pk,
            user=user,
            task_name=f"import-commit-{batch.pk}",
        )
    else:
        run_commit(batch, user)
