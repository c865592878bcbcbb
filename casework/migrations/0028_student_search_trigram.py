"""On PostgreSQL: trigram indexes for the case list's search of children (issue 18, a province).

The list's search finds the children first with ``UPPER(name) LIKE UPPER('%…%')`` (Django's
icontains), or'd with the 学籍号 and, for a query that can be an ID number, the ID number. No
b-tree serves a pattern with a leading wildcard, so at 1,500,000 students the office's searched
list read the whole table (a parallel sequential scan, 0.5 s). A GIN index of pg_trgm on each
of the three expressions serves it for a query of three characters or more (a two-character
name has no trigram; PostgreSQL then scans as before). See docs/benchmark.md.

SQLite has neither pg_trgm nor GIN: nothing is done there. Where the database user may not
create the extension (pg_trgm is a trusted extension: the database's owner may), the indexes are
left out with a warning, and the search works as before.
"""

import warnings

from django.db import migrations, transaction

COLUMNS = {
    "casework_student_name_trgm": "name",
    "casework_student_student_number_trgm": "student_number",
    "casework_student_id_number_trgm": "id_number",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal: the search works without
        warnings.warn(
            f"pg_trgm not available, the children's search is not indexed: {exc}", stacklevel=2
        )
        return
    with connection.cursor() as cursor:
        for name, column in COLUMNS.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "casework_student"'
                f' USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in COLUMNS:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0027_month_figure_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
