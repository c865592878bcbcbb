"""Checking every row of an uploaded list for the preview; nothing is written to the ledger.

Each row is kept with its verdict (``ImportRow``) so the user sees every refusal before committing.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.dates import chinese_date
from casework.idnumbers import (
    birth_date_from_id,
)
from casework.models import AgencyListEntry, ImportBatch, ImportKind, ImportRow, Student
from casework.reconciliation.reading import open_sheet, open_workbook
from casework.reconciliation.values import (
    _MAX_LENGTH,
    CHUNK,
    KIND_FIELDS,
    ROLL_TO_STUDENT,
    ROW_TO_ENTRY,
    FileRefused,
    RowProblem,
    civil_category_value,
    date_value,
    disability_category_value,
    disability_grade_value,
    disabled_value,
    document_type_value,
    gender_value,
    header_field,
    id_number_value,
    left_behind_value,
    name_value,
    phone_value,
    regular_class_value,
    student_number_value,
    text_value,
    year_value,
    yes_no_value,
)

logger = logging.getLogger(__name__)

# --- checking rows ------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int
    accepted: bool
    id_number: str = ""
    name: str = ""
    data: dict = field(default_factory=dict)
    field: str = ""
    reason: str = ""
    action: str = ""


_READERS = {
    "birth_date": date_value,
    "phone": phone_value,
    "exit_year": year_value,
    "civil_category": civil_category_value,
    "disability_category": disability_category_value,
    "disability_grade": disability_grade_value,
    "left_behind": left_behind_value,
    "orphan": yes_no_value,
    "id_document_type": document_type_value,
    "migrant": yes_no_value,
    "disabled": disabled_value,
    "regular_class": regular_class_value,
    "student_number": student_number_value,
}


def check_values(raw, kind, batch):
    """The row's values, normalised; raises RowProblem for the first thing that is wrong."""
    if not name_value(raw.get("name")):
        raise RowProblem("name", _("The name is missing."))
    document = document_type_value(raw.get("id_document_type"))
    try:
        id_number = id_number_value(raw.get("id_number"))
    except ValueError as error:
        if document == Student.DocumentType.RESIDENT_ID:
            raise RowProblem("id_number", str(error)) from None
        # Registered with another document (Z-其他, a passport …): kept without an ID number,
        # as ``id_number`` holds resident ID numbers only; matched by name, birth date, guardian.
        id_number = ""
    data = {"name": name_value(raw["name"])}
    for name in KIND_FIELDS[kind]:
        if name in ("name", "id_number", "gender") or name not in raw:
            continue
        value = raw[name]
        if value is None or text_value(value) == "":
            continue
        reader = _READERS.get(name, text_value)
        try:
            data[name] = reader(value)
        except ValueError as error:
            raise RowProblem(name, str(error)) from None
    try:
        data["gender"] = gender_value(raw.get("gender"), id_number)
    except ValueError as error:
        raise RowProblem("gender", str(error)) from None
    if "disabled" in data:
        category = data.pop("disabled")
        data["disabled"] = bool(category)
        if category:
            data["disability_category"] = category
    if data.pop("regular_class", False):
        data["placement"] = Student.Placement.REGULAR_CLASS
    if not id_number:
        if "birth_date" not in data:
            raise RowProblem(
                "birth_date",
                _("The date of birth is missing; a child without an ID number needs it."),
            )
        return id_number, _limited(data)
    born = birth_date_from_id(id_number)
    if "birth_date" in data and data["birth_date"] != born:
        raise RowProblem(
            "birth_date",
            _("The date of birth does not match the ID number, which says %(date)s.")
            % {"date": chinese_date(born)},
        )
    data["birth_date"] = born
    _limited(data)
    if kind == ImportKind.POPULATION and not data.get("township") and batch.township:
        data["township"] = batch.township
    return id_number, data


def _limited(data):
    for name, limit in _MAX_LENGTH.items():
        if len(str(data.get(name, ""))) > limit:
            raise RowProblem(name, _("Too long: at most %(limit)d characters.") % {"limit": limit})
    return data


def person_key(values):
    """Who a child without an ID number is: name, date of birth and guardian (in one school)."""
    return (values.get("name"), values.get("birth_date"), values.get("guardian_name") or "")


class RollContext:
    """What a school roll is checked against: every child already on any school's roll."""

    def __init__(self, batch):
        self.batch = batch
        # Unscoped on purpose: a roll must not take a child off another school's roll, and the
        # refusal says only that, never whose roll or which child.
        self.school_of = dict(
            Student.unscoped.exclude(id_number=None).values_list("id_number", "school_id")
        )
        self.owner_of_number = dict(
            Student.unscoped.exclude(student_number=None).values_list("student_number", "id_number")
        )

    def problem(self, id_number, data):
        if not id_number:
            # Nothing to compare across schools; a student number is refused only when it
            # belongs to a child with an ID number.
            number = data.get("student_number")
            if number and self.owner_of_number.get(number):
                return RowProblem(
                    "student_number", _("This student number belongs to another student.")
                )
            return None
        school_id = self.school_of.get(id_number)
        if school_id is not None and school_id != self.batch.school_id:
            return RowProblem(
                "id_number",
                _(
                    "A child with this ID number is on another school's roll; a school imports "
                    "only its own students. Ask the bureau to confirm the transfer first."
                ),
            )
        number = data.get("student_number")
        if number and self.owner_of_number.get(number, id_number) != id_number:
            return RowProblem(
                "student_number", _("This student number belongs to another student.")
            )
        return None

    def remember(self, id_number, data):
        if id_number:
            self.school_of[id_number] = self.batch.school_id
        if data.get("student_number"):
            self.owner_of_number[data["student_number"]] = id_number or None


def _students_by_id(school_id, id_numbers):
    fields = ["pk", "id_number", *ROLL_TO_STUDENT.values()]
    return {
        row["id_number"]: row
        for row in Student.unscoped.filter(school_id=school_id, id_number__in=id_numbers).values(
            *fields
        )
    }


def _students_without_id(school_id):
    """The school's children without an ID number, by ``person_key``."""
    fields = ["pk", "id_number", *ROLL_TO_STUDENT.values()]
    rows = Student.unscoped.filter(school_id=school_id, id_number=None).values(*fields)
    return {person_key(row): row for row in rows}


def _entries_by_id(kind, id_numbers):
    fields = ["pk", "id_number", *AgencyListEntry.DATA_FIELDS]
    return {
        row["id_number"]: row
        for row in AgencyListEntry.unscoped.filter(kind=kind, id_number__in=id_numbers).values(
            *fields
        )
    }


def _changes(existing, data, mapping):
    """The fields whose file value differs from the record; empty cells never erase."""
    changes = {}
    for key, model_field in mapping.items():
        if key not in data or data[key] in ("", None):
            continue
        if existing.get(model_field) != data[key]:
            changes[model_field] = data[key]
    return changes


def _describe(changes):
    """A student's changed fields in words: "留守儿童：是、孤儿：否"."""
    parts = []
    for name, value in changes.items():
        label = Student._meta.get_field(name).verbose_name
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif choices := Student._meta.get_field(name).choices:
            value = dict(choices).get(value, value)
        parts.append(f"{label}：{value}")
    return "、".join(str(p) for p in parts)


def _json_ready(data):
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}


def _from_json(data):
    data = dict(data)
    if data.get("birth_date"):
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    return data


# --- reading a batch (the preview) --------------------------------------------------------


def file_sha256(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def read_batch(batch):
    """Read the uploaded file into checked rows (the preview); writes nothing else."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _read_batch(batch)
        except FileRefused as refusal:
            ImportRow.unscoped.filter(batch=batch).delete()
            _update(batch, status=ImportBatch.Status.FAILED, message=str(refusal), progress=100)
        except Exception:
            logger.exception("Reading import %s failed", batch.pk)
            ImportRow.unscoped.filter(batch=batch).delete()
            _update(
                batch,
                status=ImportBatch.Status.FAILED,
                progress=100,
                message=_(
                    "The file could not be read. It is kept; tell the site's administrators."
                ),
            )
    batch.refresh_from_db()
    return batch


def _update(batch, **values):
    # Every write is also a sign of life for the stale-job sweep (casework.jobs).
    values.setdefault("heartbeat_at", timezone.now())
    ImportBatch.unscoped.filter(pk=batch.pk).update(**values)
    for key, value in values.items():
        setattr(batch, key, value)


def _read_batch(batch):
    ImportRow.unscoped.filter(batch=batch).delete()
    with batch.file.open("rb") as file:
        workbook = open_workbook(file)
        try:
            sheet = open_sheet(workbook, batch.kind)
            _update(
                batch,
                sheet_name=sheet.title[:100],
                header_row=sheet.header_row,
                columns=sheet.headers,
            )
            counts = _check_rows(batch, sheet)
        finally:
            workbook.close()
    _update(batch, status=ImportBatch.Status.PREVIEW, progress=100, message="", **counts)


def _raw_rows(sheet):
    """(row number, {field: cell value}) for the data rows; blank and repeated header rows skipped."""
    for number, values in sheet.rows:
        raw = {
            name: (values[index] if index < len(values) else None)
            for name, index in sheet.columns.items()
        }
        filled = [v for v in raw.values() if v is not None and text_value(v) != ""]
        if not filled:
            continue
        if len(filled) >= 2 and len({text_value(v) for v in filled}) == 1:
            continue  # one merged cell across the table: a title, a total or a note
        if header_field(raw.get("id_number"), ["id_number"]):
            continue  # the header repeated (two lists pasted one under the other)
        if len(filled) == 1 and raw.get("name") is None and raw.get("id_number") is None:
            continue  # a note under the table (制表人, 审核人) or a lone row number
        yield number, raw


def _check_rows(batch, sheet):
    roll = RollContext(batch) if batch.kind == ImportKind.ROLL else None
    first_row_of_id, first_row_of_number = {}, {}
    counts = {"total_rows": 0, "accepted_rows": 0, "refused_rows": 0}
    effect = {"created_count": 0, "updated_count": 0, "unchanged_count": 0}
    pending = []

    def flush():
        accepted = [row for row in pending if row.accepted]
        _decide_actions(batch, accepted)
        for row in accepted:
            effect[_EFFECT_COUNT[row.action]] += 1
        ImportRow.unscoped.bulk_create(
            [
                ImportRow(
                    batch=batch,
                    row_number=row.number,
                    accepted=row.accepted,
                    column=sheet.headers.get(row.field, "")[:100],
                    reason=row.reason,
                    action=row.action,
                    id_number=row.id_number[:40],
                    name=row.name[:100],
                    data=_json_ready(row.data),
                )
                for row in pending
            ],
            batch_size=500,
        )
        done = counts["total_rows"]
        progress = min(99, done * 100 // sheet.estimated_rows) if sheet.estimated_rows else 50
        _update(batch, progress=progress, **counts, **effect)
        pending.clear()

    for number, raw in _raw_rows(sheet):
        counts["total_rows"] += 1
        row = CheckedRow(number=number, accepted=True, name=name_value(raw.get("name")))
        try:
            row.id_number, row.data = check_values(raw, batch.kind, batch)
            key = row.id_number or person_key(row.data)
            first = first_row_of_id.get(key)
            if first and row.id_number:
                raise RowProblem(
                    "id_number",
                    _("Duplicate of row %(row)d (the same ID number).") % {"row": first},
                )
            if first:
                raise RowProblem(
                    "name",
                    _(
                        "Duplicate of row %(row)d (no ID number, and the same name, date of "
                        "birth and guardian)."
                    )
                    % {"row": first},
                )
            number_of_student = row.data.get("student_number")
            if number_of_student and number_of_student in first_row_of_number:
                raise RowProblem(
                    "student_number",
                    _("The same student number as row %(row)d.")
                    % {"row": first_row_of_number[number_of_student]},
                )
            if roll and (problem := roll.problem(row.id_number, row.data)):
                raise problem
        except RowProblem as problem:
            row.accepted = False
            row.field, row.reason = problem.field, problem.reason
            if not row.id_number:
                row.id_number = text_value(raw.get("id_number"))
            if not row.data:
                row.data = {k: text_value(v) for k, v in raw.items()}
            counts["refused_rows"] += 1
        else:
            first_row_of_id[row.id_number or person_key(row.data)] = number
            if row.data.get("student_number"):
                first_row_of_number[row.data["student_number"]] = number
            counts["accepted_rows"] += 1
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return {**counts, **effect}


_EFFECT_COUNT = {
    ImportRow.Action.CREATE: "created_count",
    ImportRow.Action.UPDATE: "updated_count",
    ImportRow.Action.UNCHANGED: "unchanged_count",
}


def _decide_actions(batch, rows):
    """Say for each accepted row what committing it would do to the ledger."""
    if not rows:
        return
    ids = [row.id_number for row in rows if row.id_number]
    without_id = {}
    if batch.kind == ImportKind.ROLL:
        existing, mapping = _students_by_id(batch.school_id, ids), ROLL_TO_STUDENT
        if len(ids) < len(rows):
            without_id = _students_without_id(batch.school_id)
    else:
        existing, mapping = _entries_by_id(batch.kind, ids), ROW_TO_ENTRY
    for row in rows:
        if row.id_number:
            record = existing.get(row.id_number)
        else:
            record = without_id.get(person_key(row.data))
        if record is None:
            row.action = ImportRow.Action.CREATE
        elif changes := _changes(record, row.data, mapping):
            row.action = ImportRow.Action.UPDATE
            if batch.kind == ImportKind.ROLL:
                # Shown in the preview: which fields of the student file the row changes.
                row.data["changed"] = _describe(changes)
        else:
            row.action = ImportRow.Action.UNCHANGED
