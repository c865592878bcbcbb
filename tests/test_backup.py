"""Backup and restore (issue 17, item 11): one archive of the database and the private files,
restored to an identical ledger, on SQLite and on PostgreSQL (run under .ci/postgres)."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from casework.evidence.models import Attachment
from casework.evidence.storage import evidence_root
from casework.models import Case, HomeVisit, Student
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_back_after_this_module"),
]


def ledger():
    """What must come back: counts, a few records field by field."""
    return {
        "counts": {
            model.__name__: model.unscoped.count()
            for model in (Student, Case, HomeVisit, Attachment)
        },
        "students": list(
            Student.unscoped.order_by("pk").values_list("pk", "name", "id_number", "school__name")
        ),
        "cases": list(Case.unscoped.order_by("pk").values_list("pk", "summary", "status")),
        "visits": list(HomeVisit.unscoped.order_by("pk").values_list("pk", "findings")),
    }


def files_under(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def filled(seed, media_root):
    school = f.make_school("甲校")
    students = [f.make_student(school, name=n) for n in ("王小明", "李小红", "=HYPERLINK(1)")]
    case = f.make_case(students[0], summary="父母外出务工，孩子由祖父母照看")
    visit = f.make_visit(case, findings="家访：孩子已返校")
    attachment = Attachment(
        school=school, home_visit=visit, content_type="image/jpeg", size=4, original_name="a.jpg"
    )
    attachment.file.save("x.jpg", ContentFile(b"\xff\xd8\x00\x01" * 1000), save=False)
    attachment.save()
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "casework" / "imports").mkdir(parents=True)
    (media_root / "casework" / "imports" / "roll.xlsx").write_bytes(b"PK\x03\x04roll")
    return {"students": students, "case": case, "attachment": attachment, "media": media_root}


def test_a_backup_restores_the_same_ledger_and_the_same_files(filled, tmp_path):
    before = ledger()
    media_before = files_under(filled["media"])
    evidence_before = files_under(evidence_root())
    assert len(evidence_before) == 1 and len(media_before) == 1
    archive = tmp_path / "backups" / "b.tar.gz"

    call_command("backup", output=str(archive))

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    database = (
        "database/db.sqlite3" if connection.vendor == "sqlite" else "database/casework.pgdump"
    )
    assert database in names and "manifest.json" in names
    assert "media/casework/imports/roll.xlsx" in names

    # After the backup things go wrong: records deleted and changed, a file lost, one added.
    Student.unscoped.filter(pk=filled["students"][2].pk).delete()
    Case.unscoped.filter(pk=filled["case"].pk).update(summary="改错了")
    HomeVisit.unscoped.all().delete()
    f.make_student(filled["students"][0].school, name="后来的学生")
    filled["attachment"].file.delete(save=False)
    (filled["media"] / "stray.txt").write_text("not in the backup")
    assert ledger() != before

    call_command("restore", str(archive), yes=True)

    assert ledger() == before
    assert files_under(filled["media"]) == media_before
    assert files_under(evidence_root()) == evidence_before
    # The restored database is the live one: the site reads and writes it as before.
    restored = Attachment.unscoped.get()
    with restored.file.open("rb") as stored:
        assert stored.read() == b"\xff\xd8\x00\x01" * 1000
    f.make_student(filled["students"][0].school, name="恢复后新建")
    assert Student.unscoped.count() == before["counts"]["Student"] + 1


def test_a_damaged_archive_is_refused_before_anything_is_touched(filled, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    # The same archive with one evidence file's bytes changed.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("evidence/"):
                data = data[:-1] + b"!"
            target.addfile(member, io.BytesIO(data))
    HomeVisit.unscoped.all().delete()
    after_change = ledger()

    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(damaged), yes=True)

    assert ledger() == after_change


def test_restore_asks_before_replacing_everything(filled, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    HomeVisit.unscoped.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(archive))

    assert HomeVisit.unscoped.count() == 0
