"""List versions: a new list of a kind replaces the previous one as the current list.

A school-age population list speaks for its townships only, so it replaces the entries of the
townships it lists; the aid lists cover the district and replace the whole list of their kind.
Children no longer on the list are marked as removed (with the date), not deleted: earlier
imports and their rows stay readable.
"""

from django.utils import timezone

from casework.models import AgencyListEntry, ImportBatch, ImportKind, ImportRow


def replace_previous(batch):
    """After ``batch`` (an agency list) is committed, mark who left the list; returns the count."""
    if batch.kind == ImportKind.ROLL:
        return 0
    listed = set(
        ImportRow.unscoped.filter(batch=batch, accepted=True).values_list("id_number", flat=True)
    )
    entries = AgencyListEntry.unscoped.filter(kind=batch.kind)
    earlier = ImportBatch.unscoped.filter(
        kind=batch.kind, status=ImportBatch.Status.COMMITTED, replaced_by__isnull=True
    ).exclude(pk=batch.pk)
    if batch.kind == ImportKind.POPULATION:
        townships = set(
            AgencyListEntry.unscoped.filter(kind=batch.kind, id_number__in=listed)
            .exclude(township="")
            .values_list("township", flat=True)
        )
        if batch.township:
            townships.add(batch.township)
        entries = entries.filter(township__in=townships)
        earlier = earlier.filter(township=batch.township)
    # Back on the list (their aid resumed): current again.
    entries.filter(id_number__in=listed, removed_on__isnull=False).update(
        removed_on=None, removed_by=None
    )
    removed = (
        entries.filter(removed_on__isnull=True)
        .exclude(id_number__in=listed)
        .update(removed_on=timezone.localdate(), removed_by=batch)
    )
    ImportBatch.unscoped.filter(pk__in=list(earlier.values_list("pk", flat=True))).update(
        replaced_by=batch
    )
    return removed
