"""What migrations 0028 and 0032 share: trigram indexes of the children's search, on PostgreSQL.

Nothing is done on SQLite, which has neither pg_trgm nor GIN. Where the database user may not
create the extension (pg_trgm is a trusted extension: the database's owner may), the indexes
are left out with a warning, and the search works as before.
"""

import warnings

from django.db import transaction


def create_indexes(schema_editor, indexes):
    """``indexes``: {index name: the indexed expression} on ``casework_student``."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal: the search works without
        warnings.warn(
            f"pg_trgm not available, the children's search is not indexed: {exc}", stacklevel=3
        )
        return
    with connection.cursor() as cursor:
        for name, expression in indexes.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "casework_student"'
                f" USING gin ({expression} gin_trgm_ops)"
            )


def drop_indexes(schema_editor, names):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
