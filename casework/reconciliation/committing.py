"""Committing the accepted rows of a checked list to the ledger, in one transaction per chunk."""

import logging
import time
from collections import defaultdict

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.access.audit import log_import
from casework.jobs import next_attempt
from casework.models import AgencyListEntry, ImportBatch, ImportKind, ImportRow, Student
from casework.reconciliation.checking import (
    _EFFECT_COUNT,
    RollContext,
    _changes,
    _entries_by_id,
    _from_json,
    _students_by_id,
    _students_without_id,
    _update,
    person_key,
)
from casework.reconciliation.values import CHUNK, ROLL_TO_STUDENT, ROW_TO_ENTRY
from casework.reconciliation.versions import replace_previous
from casework.tallies import ledger_changed

logger = logging.getLogger(__name__)

# --- committing ---------------------------------------------------------------------------


class CommitRefused(Exception):
    """The batch cannot be committed now; the message says why."""


def claim_commit(batch):
    """Mark the batch as being committed, so that a second click cannot commit it twice.

    Returns the run's attempt number, which the worker's task must still find on the batch.
    """
    attempt = next_attempt(
        ImportBatch.unscoped,
        batch.pk,
        [ImportBatch.Status.PREVIEW],
        status=ImportBatch.Status.COMMITTING,
        progress=0,
        message="",
    )
    if attempt is None:
        raise CommitRefused(_("This import is not waiting to be committed."))
    batch.status, batch.attempt = ImportBatch.Status.COMMITTING, attempt
    return attempt


def commit_batch(batch, user):
    """Claim the batch and write its accepted rows into the ledger, all or none."""
    claim_commit(batch)
    return run_commit(batch, user)


def run_commit(batch, user, wait_for_database=0):
    """Write the accepted rows of a claimed batch, all of them or none; returns the batch.

    If the database itself fails (stopped, restarted, the connection cut) the transaction is
    lost whole, and so is the chance to say so: the failure is then recorded once the database
    answers again, waiting up to ``wait_for_database`` seconds (the worker waits; a request
    does not). Past that the batch stays as being committed until the stale-job sweep puts it
    back to its preview.
    """
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                counts = _commit(batch)
                removed = replace_previous(batch)
                now = timezone.now()
                _update(
                    batch,
                    status=ImportBatch.Status.COMMITTED,
                    committed_by=user,
                    committed_at=now,
                    progress=100,
                    message=_(
                        "%(count)d children who are no longer on this list were marked as removed."
                    )
                    % {"count": removed}
                    if removed
                    else "",
                    **counts,
                )
                log_import(
                    user,
                    f"{batch.get_kind_display()} {batch.original_name} (#{batch.pk})",
                    row_count=counts["accepted_rows"],
                )
        except Exception:
            logger.exception("Committing import %s failed", batch.pk)
            try:
                _update(
                    batch,
                    status=ImportBatch.Status.PREVIEW,
                    progress=0,
                    message=_(
                        "The commit failed and nothing was written. Try again; if it fails "
                        "again, tell the site's administrators."
                    ),
                )
            except DatabaseError:
                _record_database_lost(batch, wait_for_database)
    batch.refresh_from_db()
    return batch


def _record_database_lost(batch, wait):
    """Put the batch back to its preview once the database answers again; raise if it does not."""
    deadline = time.monotonic() + wait
    while True:
        connection.close()  # the broken connection; the next query opens a new one
        try:
            # Only this run's claim: a user who restarted meanwhile has a newer attempt.
            ImportBatch.unscoped.filter(
                pk=batch.pk, status=ImportBatch.Status.COMMITTING, attempt=batch.attempt
            ).update(
                status=ImportBatch.Status.PREVIEW,
                progress=0,
                heartbeat_at=timezone.now(),
                message=_(
                    "The database stopped during the commit. Nothing was written to the "
                    "ledger; commit again."
                ),
            )
            return
        except DatabaseError:
            if time.monotonic() >= deadline:
                raise
            logger.warning("Import %s: waiting for the database to record the failure", batch.pk)
            time.sleep(1)


def _commit(batch):
    counts = {"created_count": 0, "updated_count": 0, "unchanged_count": 0, "refused_now": 0}
    roll = RollContext(batch) if batch.kind == ImportKind.ROLL else None
    rows = ImportRow.unscoped.filter(batch=batch, accepted=True).order_by("row_number")
    chunk = []
    for row in rows.values("pk", "id_number", "data").iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _commit_chunk(batch, roll, chunk, counts)
            chunk = []
    if chunk:
        _commit_chunk(batch, roll, chunk, counts)
    refused_now = counts.pop("refused_now")
    accepted = ImportRow.unscoped.filter(batch=batch, accepted=True).count()
    return {
        **counts,
        "accepted_rows": accepted,
        "refused_rows": batch.refused_rows + refused_now,
    }


def _commit_chunk(batch, roll, rows, counts):
    """Write one chunk of accepted rows; rows refused now (since the preview) are marked."""
    refused, actions = [], {}
    if roll is not None:
        existing = _students_by_id(batch.school_id, [r["id_number"] for r in rows])
        without_id = {}
        if any(not r["id_number"] for r in rows):
            without_id = _students_without_id(batch.school_id)
        creates, updates = [], []
        for row in rows:
            data = _from_json(row["data"])
            problem = roll.problem(row["id_number"], data)
            if problem:
                refused.append((row["pk"], problem))
                continue
            if row["id_number"]:
                record = existing.get(row["id_number"])
            else:
                record = without_id.get(person_key(data))
            if record is None:
                creates.append(
                    Student(
                        school_id=batch.school_id,
                        id_number=row["id_number"] or None,
                        **{ROLL_TO_STUDENT[k]: v for k, v in data.items() if k in ROLL_TO_STUDENT},
                    )
                )
                actions[row["pk"]] = ImportRow.Action.CREATE
            elif changes := _changes(record, data, ROLL_TO_STUDENT):
                updates.append((record["pk"], changes))
                actions[row["pk"]] = ImportRow.Action.UPDATE
            else:
                actions[row["pk"]] = ImportRow.Action.UNCHANGED
            roll.remember(row["id_number"], data)
        write_students(creates, updates)
    else:
        existing = _entries_by_id(batch.kind, [r["id_number"] for r in rows])
        creates, updates = [], []
        now = timezone.now()
        for row in rows:
            data = row["data"]
            record = existing.get(row["id_number"])
            values = {ROW_TO_ENTRY[k]: v for k, v in data.items() if k in ROW_TO_ENTRY}
            if record is None:
                creates.append(
                    AgencyListEntry(
                        kind=batch.kind,
                        id_number=row["id_number"],
                        batch=batch,
                        updated_at=now,
                        **values,
                    )
                )
                existing[row["id_number"]] = {"pk": None, **values}
                actions[row["pk"]] = ImportRow.Action.CREATE
            elif changes := _changes(record, data, ROW_TO_ENTRY):
                updates.append((record["pk"], {**changes, "batch_id": batch.pk, "updated_at": now}))
                actions[row["pk"]] = ImportRow.Action.UPDATE
            else:
                actions[row["pk"]] = ImportRow.Action.UNCHANGED
        write_entries(creates, updates)
    for pk, problem in refused:
        ImportRow.unscoped.filter(pk=pk).update(
            accepted=False,
            action="",
            column=batch.columns.get(problem.field, "")[:100],
            reason=problem.reason,
        )
    counts["refused_now"] += len(refused)
    by_action = defaultdict(list)
    for pk, action in actions.items():
        by_action[action].append(pk)
    for action, pks in by_action.items():
        ImportRow.unscoped.filter(pk__in=pks).update(action=action)
        counts[_EFFECT_COUNT[action]] += len(pks)


def write_students(creates, updates):
    """Create and update students of one chunk (a separate function so a test can break it)."""
    Student.unscoped.bulk_create(creates, batch_size=500)
    _bulk_update(Student, updates, extra={"updated_at": timezone.now()})
    ledger_changed()  # bulk writes send no signals


def write_entries(creates, updates):
    AgencyListEntry.unscoped.bulk_create(creates, batch_size=500)
    _bulk_update(AgencyListEntry, updates)


def _bulk_update(model, updates, extra=None):
    """Apply {field: value} changes per pk, grouping rows that change the same fields."""
    groups = defaultdict(list)
    for pk, changes in updates:
        changes = {**changes, **(extra or {})}
        groups[tuple(sorted(changes))].append(model(pk=pk, **changes))
    for fields, objects in groups.items():
        model.unscoped.bulk_update(objects, list(fields), batch_size=500)
