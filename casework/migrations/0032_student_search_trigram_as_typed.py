"""On PostgreSQL: trigram indexes of the children's name, 学籍号 and ID number as stored.

The case list's search matches a query with no letters that have a case (Chinese characters,
digits) as typed, with ``LIKE``, not ``UPPER(…) LIKE UPPER(…)``: upper-casing every child's name
and number was a third of a search's time. The indexes of migration 0028 are of the upper-cased
columns and serve the other queries; these serve the ones matched as typed (see _trigram).
"""

from django.db import migrations

from casework.migrations._trigram import create_indexes, drop_indexes

COLUMNS = {
    "casework_student_name_typed_trgm": "name",
    "casework_student_student_number_typed_trgm": "student_number",
    "casework_student_id_number_typed_trgm": "id_number",
}


def create(apps, schema_editor):
    create_indexes(schema_editor, {n: f'"{c}"' for n, c in COLUMNS.items()})


def drop(apps, schema_editor):
    drop_indexes(schema_editor, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0031_ledger_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
