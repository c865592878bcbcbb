"""On PostgreSQL: trigram indexes for the case list's search of children (issue 18, a province).

The list's search finds the children first with ``UPPER(name) LIKE UPPER('%…%')`` (Django's
icontains), or'd with the 学籍号 and, for a query that can be an ID number, the ID number. No
b-tree serves a pattern with a leading wildcard, so at 1,500,000 students the office's searched
list read the whole table (a parallel sequential scan, 0.5 s). A GIN index of pg_trgm on each
of the three expressions serves it for a query of three characters or more (a two-character
name has no trigram; PostgreSQL then scans as before). See docs/benchmark.md.

The indexes are made by _trigram: nothing on SQLite, and left out with a warning where pg_trgm
cannot be created (the search works as before).
"""

from django.db import migrations

from casework.migrations._trigram import create_indexes, drop_indexes

COLUMNS = {
    "casework_student_name_trgm": "name",
    "casework_student_student_number_trgm": "student_number",
    "casework_student_id_number_trgm": "id_number",
}


def create(apps, schema_editor):
    create_indexes(schema_editor, {n: f'UPPER("{c}"::text)' for n, c in COLUMNS.items()})


def drop(apps, schema_editor):
    drop_indexes(schema_editor, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0027_month_figure_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
