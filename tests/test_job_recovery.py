"""Jobs whose worker dies: an import read or committed, a long export.

Each is left by a dead worker as it really is left: marked as running, with its last sign of life
long ago. The user sees it interrupted, starts it again, and it runs once; nothing half-written
is kept and nothing is doubled. ``test_a_worker_killed_mid_commit…`` kills a real worker.
"""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.list_exports import tasks as export_tasks
from casework.models import Case, ExportJob, ImportBatch, ImportRow, Student
from casework.reconciliation import tasks as import_tasks
from tests import workbooks as wb
from tests.test_export_jobs import many, start  # noqa: F401 (fixture)
from tests.test_imports import BORN, HEADER, an_id, batch_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

ROOT = Path(__file__).resolve().parents[1]
LONG_AGO = datetime.timedelta(hours=1)


def roll(count):
    rows = [HEADER]
    for i in range(count):
        # An ID's sequence has three digits: a new birth date every 500 children.
        born = BORN + datetime.timedelta(days=i // 500)
        id_number = an_id(i % 500 * 2 + 1, born=born)  # odd sequence: a boy
        rows.append([i + 1, f"学生{i}", "男", id_number, born, "", "七年级", "1班", "家长", ""])
    return wb.xlsx(rows)


def left_by_a_dead_worker(batch, status):
    ImportBatch.unscoped.filter(pk=batch.pk).update(
        status=status, progress=40, heartbeat_at=timezone.now() - LONG_AGO
    )


def detail(client, batch):
    return client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()


def test_a_commit_whose_worker_died_is_back_to_its_preview_and_commits_once(client, two_schools):
    manager = two_schools["users"]["manager_a"]
    batch = batch_of(ImportBatch.Kind.ROLL, roll(3), manager, school=two_schools["a"])
    students_before = Student.unscoped.count()
    import_tasks.start_commit(batch, manager)  # as the commit button does…
    Student.unscoped.filter(name__startswith="学生").delete()  # …undone: the transaction died
    left_by_a_dead_worker(batch, ImportBatch.Status.COMMITTING)
    old_attempt = ImportBatch.unscoped.get(pk=batch.pk).attempt

    client.force_login(manager)
    page = detail(client, batch)
    assert "提交未完成。台账未作任何修改，请重新提交。" in page
    assert reverse("casework_imports:commit", args=[batch.pk]) in page
    assert ImportBatch.unscoped.get(pk=batch.pk).status == ImportBatch.Status.PREVIEW

    client.post(reverse("casework_imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Student.unscoped.count() == students_before + 3
    # The dead run, delivered again by the queue, finds a newer attempt and writes nothing.
    assert import_tasks.commit_import(batch.pk, old_attempt) == "superseded"
    assert Student.unscoped.count() == students_before + 3


def test_a_read_whose_worker_died_is_interrupted_and_read_again(client, two_schools):
    manager = two_schools["users"]["manager_a"]
    batch = batch_of(ImportBatch.Kind.ROLL, roll(4), manager, school=two_schools["a"])
    ImportRow.unscoped.filter(batch=batch, row_number__gt=2).delete()  # half read
    left_by_a_dead_worker(batch, ImportBatch.Status.READING)

    client.force_login(manager)
    page = detail(client, batch)
    assert "读取未完成。本文件的内容均未保存，请重新读取。" in page
    assert "重新读取" in page
    assert "提交" not in page.split("重新读取")[1].split("</form>")[0]

    response = client.post(reverse("casework_imports:restart", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert (batch.total_rows, batch.accepted_rows, batch.message) == (4, 4, "")
    assert ImportRow.unscoped.filter(batch=batch).count() == 4


def test_a_job_that_is_alive_is_left_alone(client, two_schools):
    manager = two_schools["users"]["manager_a"]
    batch = batch_of(ImportBatch.Kind.ROLL, roll(2), manager, school=two_schools["a"])
    ImportBatch.unscoped.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, heartbeat_at=timezone.now()
    )
    assert import_tasks.interrupt_stale() == 0
    client.force_login(manager)
    assert "刷新" in detail(client, batch) or "%" in detail(client, batch)
    assert ImportBatch.unscoped.get(pk=batch.pk).status == ImportBatch.Status.COMMITTING
    # Not interrupted: nothing to restart.
    client.post(reverse("casework_imports:restart", args=[batch.pk]))
    assert ImportBatch.unscoped.get(pk=batch.pk).status == ImportBatch.Status.COMMITTING


def test_another_school_cannot_restart_an_import(client, two_schools):
    manager = two_schools["users"]["manager_a"]
    batch = batch_of(ImportBatch.Kind.ROLL, roll(2), manager, school=two_schools["a"])
    left_by_a_dead_worker(batch, ImportBatch.Status.READING)
    import_tasks.interrupt_stale()
    client.force_login(two_schools["users"]["teacher_b"])
    response = client.post(reverse("casework_imports:restart", args=[batch.pk]))
    assert response.status_code in (403, 404)
    assert ImportBatch.unscoped.get(pk=batch.pk).status == ImportBatch.Status.INTERRUPTED


def test_the_sweep_is_scheduled():
    from casework.schedules import SCHEDULES

    funcs = {s.func for s in SCHEDULES}
    assert "casework.reconciliation.tasks.interrupt_stale_imports" in funcs
    assert "casework.list_exports.tasks.interrupt_stale_exports" in funcs


def test_an_export_whose_worker_died_offers_no_file_and_runs_again(client, many):  # noqa: F811
    office = many["users"]["office"]
    start(client, office)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, file="", heartbeat_at=timezone.now() - LONG_AGO
    )
    page = client.get(reverse("casework_export", args=[job.pk])).content.decode()
    assert "导出未完成，未生成文件" in page and "重新导出" in page
    assert client.get(reverse("casework_export_download", args=[job.pk])).status_code == 404

    # Another user cannot restart it.
    client.force_login(many["users"]["leader_wan"])
    assert client.post(reverse("casework_export_restart", args=[job.pk])).status_code == 404

    client.force_login(office)
    client.post(reverse("casework_export_restart", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.row_count, job.attempt) == ("done", Case.unscoped.count(), 1)
    assert client.get(reverse("casework_export_download", args=[job.pk])).status_code == 200
    # The dead run, delivered again, does nothing.
    assert export_tasks.run_export(job.pk, 0) == "superseded"


# --- a real worker, really killed ----------------------------------------------------------


def _site_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        Q_WORKERS="1",
    )
    return env


def _python(env, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


PREPARE = """
import hashlib
from django.core.files.base import ContentFile
from casework.access.scope import system_scope
from casework.models import ImportBatch
from tests import factories as f
from casework.reconciliation.checking import read_batch
from django.contrib.auth import get_user_model
content = open({path!r}, "rb").read()
with system_scope():
    school = f.make_school("甲校")
    user = get_user_model().objects.create_superuser("lead", "", "x")
    batch = ImportBatch(kind="roll", school=school, uploaded_by=user, original_name="名单.xlsx",
                        sha256=hashlib.sha256(content).hexdigest())
    batch.file.save("名单.xlsx", ContentFile(content), save=False)
    batch.save()
    read_batch(batch)
    # As the commit button does for a large file: claim it, hand it to the worker.
    from casework.reconciliation.tasks import start_commit
    from django.test import override_settings
    with override_settings(CASEWORK={{"IMPORT_INLINE_BYTES": 0}}):
        start_commit(batch, user)
    print(batch.pk, batch.accepted_rows)
"""

STATE = """
from casework.models import ImportBatch, Student
b = ImportBatch.unscoped.get()
print(b.status, b.attempt, int(b.heartbeat_at.timestamp()), Student.unscoped.count())
"""

SWEEP_AND_COMMIT = """
from django.test import override_settings
from casework.access.scope import system_scope
from casework.models import ImportBatch, Student
from casework.reconciliation.tasks import interrupt_stale, start_commit
with override_settings(CASEWORK={"JOB_STALE_AFTER": 0}):
    marked = interrupt_stale()
b = ImportBatch.unscoped.get()
before = (b.status, Student.unscoped.count(), b.message)
with system_scope(), override_settings(
    CASEWORK={"IMPORT_INLINE_BYTES": 10**9, "IMPORT_INLINE_UNCOMPRESSED_BYTES": 10**10}
):
    start_commit(b, b.uploaded_by)  # here, not in the (dead) worker
b.refresh_from_db()
ids = Student.unscoped.values_list("id_number", flat=True)
print(marked, before[0], before[1], "台账未作任何修改" in before[2], b.status,
      len(ids), len(set(ids)))
"""


@pytest.mark.slow
def test_a_worker_killed_mid_commit_leaves_nothing_half_written(tmp_path):
    rows = 6_000
    path = tmp_path / "roll.xlsx"
    path.write_bytes(roll(rows))
    env = _site_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    pk, accepted = _python(env, PREPARE.format(path=str(path))).split()
    assert int(accepted) == rows

    # Read the batch straight from the file, quickly: the commit must be caught mid-way.
    db = sqlite3.connect(tmp_path / "jobs.sqlite3", timeout=60)

    def batch_state():
        return db.execute("SELECT status, heartbeat_at FROM casework_importbatch").fetchone()

    claimed = batch_state()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # The worker's run refreshes the heartbeat when it takes the task, then opens the
        # commit's transaction: kill it a moment into that transaction.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and batch_state() == claimed:
            time.sleep(0.05)
        taken = batch_state()
        time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the cluster and its worker, at once
        worker.wait(timeout=30)
        db.close()
    assert taken[0] == "committing" and taken != claimed, "the worker never took the commit"

    status, _attempt, _heartbeat, students = _python(env, STATE).split()
    assert (status, students) == ("committing", "0")  # nothing half-written

    marked, before, students_before, told, after, stored, distinct = _python(
        env, SWEEP_AND_COMMIT
    ).split()
    assert (marked, before, students_before, told) == ("1", "preview", "0", "True")
    assert (after, stored, distinct) == ("committed", str(rows), str(rows))
