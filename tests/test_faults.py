"""Faults survived (issue 18): each fault is real, not a mock, and its outcome is asserted.

- the disk full while an export is written (a small tmpfs, or the file size limit of the process
  where mounting is not allowed): the export fails with a Chinese message, no file offered, the
  temporary file and any partial copy removed;
- a worker SIGKILLed mid-export and mid-monthly-send: the export is marked interrupted and written
  again once; the monthly send resumes after restart and nobody gets the sheet twice;
- PostgreSQL stopped (``pg_ctl stop -m immediate``) while an import commits: nothing written, the
  record says so in Chinese, a retry after the restart commits once;
- a gunicorn worker SIGKILLed in the middle of the offline sync of a visit: the visit is stored
  once or not at all, and the phone's retry stores it once.

The worker killed mid-import-commit is ``tests/test_job_recovery.py``. See docs/faults.md.
"""

import contextlib
import datetime
import errno
import io
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path

import pytest
from django.urls import reverse

from casework.list_exports import jobs as export_jobs
from casework.list_exports import tasks as export_tasks
from casework.models import ExportJob
from tests.test_export_jobs import many, start  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]


# --- the disk full while an export is written ----------------------------------------------


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


@contextlib.contextmanager
def small_disk(tmp_path, size_kb=8):
    """A folder on a tmpfs of ``size_kb``; None if this machine does not let us mount one."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.environ.get("FAULTS_NO_MOUNT"):  # to try the other way where mounting works
        yield None
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0777", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def file_size_limit(limit):
    """No file of this process grows past ``limit`` bytes: the OS answers EFBIG (RLIMIT_FSIZE)."""
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


@contextlib.contextmanager
def full_disk(tmp_path, monkeypatch, settings, where):
    """The export's temporary folder (or the media folder) on a disk that fills up."""
    with small_disk(tmp_path) as folder:
        if folder is None:  # not root, or no tmpfs: the file size limit is as real an error
            with file_size_limit(4096):
                yield errno.EFBIG, tmp_path / "media", tempfile.gettempdir()
            return
        temp = tempfile.gettempdir()
        if where == "temp":
            monkeypatch.setattr(tempfile, "tempdir", str(folder))
            temp = str(folder)
        else:
            settings.MEDIA_ROOT = folder
        # Fill it but for a few bytes, as a disk fills up with other files.
        (folder / "other-files").write_bytes(b"x" * (7 * 1024))
        yield errno.ENOSPC, Path(settings.MEDIA_ROOT), temp


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["temp", "media"])
def test_a_full_disk_fails_the_export_clearly_and_offers_no_file(
    client,
    many,  # noqa: F811
    tmp_path,
    monkeypatch,
    settings,
    where,
):
    office = many["users"]["office"]
    settings.CASEWORK = {**settings.CASEWORK, "EXPORT_INLINE_ROWS": 3}
    with full_disk(tmp_path, monkeypatch, settings, where) as (expected, media, temp):
        # The worker runs the task inline in tests: its error is the operating system's own
        # (OSError), or lxml's account of it (SerialisationError: IO_ENOSPC) from the xlsx writer.
        with pytest.raises(Exception) as raised:
            start(client, office)
        left = files_in(temp) if where == "temp" and expected == errno.ENOSPC else None
        exports = media / "casework" / "exports"
        kept = [p for p in exports.rglob("*") if p.is_file()] if exports.exists() else []
    said = getattr(raised.value, "errno", None) or str(raised.value)
    assert said in (expected, f"IO_{errno.errorcode[expected]}"), repr(raised.value)
    job = ExportJob.objects.get()
    # The job's folder and its partial file are gone (on the small disk: nothing but the others).
    assert not export_jobs.job_folder(job.pk).exists()
    assert left in (None, ["other-files"])
    assert kept == []  # no partial copy in the media folder

    assert (job.status, job.file.name) == (ExportJob.Status.FAILED, "")
    client.force_login(office)
    page = client.get(reverse("casework_export", args=[job.pk])).content.decode()
    assert "导出失败。" in page
    assert "服务器磁盘已满，导出未完成，未保留任何文件。" in page
    assert "重新导出" in page
    assert client.get(reverse("casework_export_download", args=[job.pk])).status_code == 404

    # Space again: the same export is written once, from the same list.
    client.post(reverse("casework_export_restart", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.row_count, job.attempt) == ("done", 6, 1)
    assert client.get(reverse("casework_export_download", args=[job.pk])).status_code == 200
    assert export_tasks.run_export(job.pk, 0) == "superseded"


# --- a site in subprocesses, as deployed: its database file, its worker, its temporary folder ---


def site_env(folder, database_url):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.fault_site",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        TMPDIR=str(folder / "tmp"),  # where the worker writes an export before it is complete
        FAULT_MAIL_DIR=str(folder / "mail"),
        Q_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    for name in ("media", "tmp", "mail"):
        (folder / name).mkdir(exist_ok=True)
    return env


def manage(env, *args, timeout=600):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def wait_for(predicate, what, timeout=120, every=0.05):
    """Poll until ``predicate()`` is true; its value, or the test fails naming what it waited for."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(every)


class Site:
    def __init__(self, folder, database_url, sqlite_path=None):
        self.folder = folder
        self.env = site_env(folder, database_url)
        self.sqlite_path = sqlite_path

    def python(self, code, **env):
        """Run ``code`` in ``manage.py shell``; its last line of output."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(code)],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        lines = result.stdout.strip().splitlines()
        return lines[-1] if lines else ""

    def query(self, sql, *args):
        """Read the site's SQLite file directly: quick enough to catch a job mid-way."""
        db = sqlite3.connect(self.sqlite_path, timeout=60)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    @contextlib.contextmanager
    def worker(self):
        """A django-q2 cluster (one worker process), SIGKILLed with its children at the end."""
        log = (self.folder / "qcluster.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            kill_group(process)
            log.close()


def kill_group(process, sig=signal.SIGKILL):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    if sig == signal.SIGKILL:
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite site with the seed (the checklist), made once and copied for each test."""
    folder = tmp_path_factory.mktemp("migrated")
    env = site_env(folder, f"sqlite:///{folder / 'site.sqlite3'}")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_seed")
    return folder / "site.sqlite3"


@pytest.fixture
def site(migrated, tmp_path):
    path = tmp_path / "site.sqlite3"
    shutil.copy(migrated, path)
    return Site(tmp_path, f"sqlite:///{path}", path)


# --- a worker killed mid-export --------------------------------------------------------------

EXPORT_ROWS = 20_000

PREPARE_EXPORT = """
import datetime
from casework.access.scope import system_scope
from casework.list_exports.tasks import start_export
from casework.models import Case, ExportJob, Student
from tests import factories as f

with system_scope():
    school = f.make_school("甲校")
    office = f.make_user("office", "office", office="基础教育室")
    item = f.ChecklistItem.objects.get(number=3)
    born = datetime.date(2012, 1, 1)
    students = []
    for i in range({rows}):
        day = born + datetime.timedelta(days=i // 900)
        number = f.valid_id_number(day, seq=i % 900)
        students.append(Student(school=school, name=f"学生{{i}}", birth_date=day,
                                id_number=number, gender=f.gender_from_id(number)))
    students = Student.unscoped.bulk_create(students, batch_size=2000)
    Case.unscoped.bulk_create(
        [Case(student=s, concern="dropout_risk", checklist_item=item, summary="测试个案")
         for s in students], batch_size=2000)
    job = ExportJob.objects.create(user=office, model="casework.case", filters={{}}, format="xlsx")
    start_export(job)  # as the list's export button does for a long list: to the worker
    print(job.pk)
"""

EXPORT_PAGE = """
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from casework.models import ExportJob

job = ExportJob.objects.get()
client = Client(HTTP_HOST="localhost")
client.force_login(job.user)
# Opening the page marks a job whose worker is silent as interrupted (here: at once).
with override_settings(CASEWORK={**settings.CASEWORK, "JOB_STALE_AFTER": 0}):
    page = client.get(reverse("casework_export", args=[job.pk])).content.decode()
download = client.get(reverse("casework_export_download", args=[job.pk])).status_code
job.refresh_from_db()
told = "导出未完成，未生成文件" in page and "重新导出" in page
restarted = client.post(reverse("casework_export_restart", args=[job.pk])).status_code
print(job.status, bool(job.file), told, download, restarted)
"""

EXPORT_DONE = """
import openpyxl
from casework.list_exports.tasks import run_export
from casework.models import ExportJob

job = ExportJob.objects.get()
with job.file.open("rb") as f:
    rows = sum(1 for _ in openpyxl.load_workbook(f, read_only=True).active.iter_rows())
print(job.status, job.attempt, job.row_count, rows, run_export(job.pk, 0))
"""


def export_state(site):
    return site.query("SELECT status, attempt FROM casework_exportjob")[0]


@pytest.mark.slow
def test_a_worker_killed_mid_export_leaves_no_file_and_the_export_runs_again_once(site):
    pk = site.python(PREPARE_EXPORT.format(rows=EXPORT_ROWS))
    part_folder = site.folder / "tmp" / "casework-exports" / f"job-{pk}"
    with site.worker() as worker:
        # Mid-export: running, its sheet being written in the job's folder. The cluster is
        # frozen (SIGSTOP) before it is looked at, so what is seen is what is killed.
        wait_for(
            lambda: export_state(site)[0] == "running" and (part_folder / "sheet1.xml").exists(),
            "the worker to start writing the export",
        )
        os.killpg(worker.pid, signal.SIGSTOP)
        at_kill = export_state(site)
        partial = files_in(part_folder)
        kill_group(worker)
    assert at_kill == ("running", 0), "the export was not caught mid-way"
    assert "sheet1.xml" in partial and "export.xlsx" not in partial
    assert files_in(site.folder / "media") == []  # nothing offered

    status, has_file, told, download, restarted = site.python(EXPORT_PAGE).split()
    assert (status, has_file, told, download, restarted) == (
        "interrupted",
        "False",
        "True",
        "404",
        "302",
    )
    assert not part_folder.exists()  # the dead run's partial file went with the sweep

    with site.worker():
        wait_for(lambda: export_state(site) == ("done", 1), "the restarted export", timeout=180)
    status, attempt, row_count, sheet_rows, redelivered = site.python(EXPORT_DONE).split()
    # Two title rows and the headings above the rows; every case once.
    assert (status, attempt, row_count, sheet_rows) == (
        "done",
        "1",
        str(EXPORT_ROWS),
        str(EXPORT_ROWS + 3),
    )
    assert redelivered == "superseded"  # the killed run, delivered again, writes nothing
    assert len(files_in(site.folder / "media")) == 1
    assert not part_folder.exists()


# --- a worker killed mid-monthly-send ----------------------------------------------------------

RECIPIENTS = 5

PREPARE_MONTH = """
import datetime
from casework.access.scope import system_scope
from casework.models import MonthlyReport
from tests import factories as f

with system_scope():
    for i in range({recipients}):
        f.make_user(f"planning{{i}}", "office", office="规划财务室", email=f"planning{{i}}@example.cn")
    report = MonthlyReport.draft(datetime.date(2020, 5, 1))
    # Approval publishes the month; publishing sends it on, in the worker (casework.signals).
    report.save_revision().publish()
    print(report.pk)
"""

AGE_THE_QUEUE = """
import datetime
from django.utils import timezone
from django_q.models import OrmQ

# As if django-q2's retry (900 s) had passed: the task the dead worker held is offered again.
print(OrmQ.objects.update(lock=timezone.now() - datetime.timedelta(hours=1)))
"""

SENT_LOG = """
from wagtail.models import ModelLogEntry
entry = ModelLogEntry.objects.get(action="casework.submit")
print(entry.data.get("resumed"), ",".join(entry.data["sent_before"]), len(entry.data["recipients"]))
"""


def sent_mail(site):
    return sorted((site.folder / "mail").glob("*.eml"))


def month_state(site):
    submitted, deliveries = site.query(
        "SELECT submitted_at, (SELECT count(*) FROM casework_monthlyreportdelivery)"
        " FROM casework_monthlyreport"
    )[0]
    return submitted, deliveries


@pytest.mark.slow
def test_a_worker_killed_mid_monthly_send_resumes_and_sends_nobody_the_sheet_twice(site):
    (site.folder / "mail" / "hold").write_text("2")  # the mail server stalls after two
    site.python(PREPARE_MONTH.format(recipients=RECIPIENTS))
    with site.worker():
        wait_for(
            lambda: len(sent_mail(site)) == 2 and month_state(site)[1] == 2,
            "two of the sheets to be sent",
        )
        # Stalled on the third: killed between two recipients.
    assert month_state(site) == (None, 2)  # not marked as sent: the month still waits

    site.python(AGE_THE_QUEUE)
    (site.folder / "mail" / "hold").unlink()
    with site.worker():
        wait_for(lambda: month_state(site)[0] is not None, "the sending to be resumed")
    assert month_state(site)[1] == RECIPIENTS

    recipients = [
        message_from_bytes(p.read_bytes())["To"] for p in sent_mail(site)
    ]  # every copy sent, the killed run's and the resumed one's
    assert sorted(recipients) == [f"planning{i}@example.cn" for i in range(RECIPIENTS)]
    # The report's history says the sending was cut short and finished, and for whom before.
    resumed, before, told = site.python(SENT_LOG).split()
    assert (resumed, before, told) == ("True", "planning0,planning1", str(RECIPIENTS))


# --- a gunicorn worker killed mid-POST of a visit -----------------------------------------------

PREPARE_VISIT = """
from django.test import Client
from casework.access.scope import system_scope
from tests import factories as f

with system_scope():
    school = f.make_school("甲校")
    teacher = f.make_user("teacher_a", "teacher", school=school)
    case = f.make_case(f.make_student(school, name="王小明"), teacher=teacher)
client = Client()
client.force_login(teacher)
print(teacher.pk, case.pk, client.cookies["sessionid"].value)
"""

VISITS = """
from casework.models import Attachment, HomeVisit
visits = HomeVisit.unscoped.filter(client_id={client_id!r})
print(visits.count(), Attachment.unscoped.filter(home_visit__in=visits).count())
"""

SWEEP_EVIDENCE = """
from casework.evidence.services import delete_orphan_files
from casework.models import Attachment

assert delete_orphan_files(older_than=0) >= 1
names = Attachment.unscoped.values_list("file", "thumbnail").get()
print(",".join(name for name in names if name))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def a_photo():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), "blue").save(out, "JPEG")
    return out.getvalue()


@contextlib.contextmanager
def gunicorn(site, port):
    log = (site.folder / "gunicorn.log").open("ab")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--pythonpath",
            f"{ROOT / 'site'},{ROOT}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield server
    finally:
        kill_group(server)
        log.close()


@pytest.mark.slow
def test_a_gunicorn_worker_killed_mid_sync_of_a_visit_stores_it_once_on_the_retry(site):
    import requests

    user_pk, case_pk, session = site.python(PREPARE_VISIT).split()
    client_id = str(uuid.uuid4())
    entry = {
        "client_id": client_id,
        "case": case_pk,
        "entered_by": user_pk,
        "entered_at": "2025-03-12T09:30:00+08:00",
        "visited_on": datetime.date.today().isoformat(),
        "child_state": "in_school",
        "findings": "离线登记：孩子在家，已答应明天返校。",
        "mode": "home",
        "visitors": "李老师",
    }
    photo = a_photo()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    token = "a" * 32  # the CSRF cookie's secret, sent back in the header as the phone does

    def sync():
        return requests.post(
            f"{base}/admin/casework/field/sync/",
            data=entry,
            files={"photos": ("IMG_0002.jpg", photo, "image/jpeg")},
            cookies={"sessionid": session, "csrftoken": token},
            headers={"X-CSRFToken": token, "Connection": "close"},
            timeout=60,
        )

    evidence = site.folder / "evidence"  # next to MEDIA_ROOT (casework/evidence/storage.py)
    with gunicorn(site, port) as server:
        wait_for(lambda: children_of(server.pid), "gunicorn's worker")

        def answering():
            with contextlib.suppress(requests.ConnectionError):
                return requests.get(f"{base}/admin/login/", timeout=5).status_code == 200

        wait_for(answering, "gunicorn to answer")
        (worker_pid,) = children_of(server.pid)

        # A reader holds the database: the view's transaction can write, but not commit.
        reader = sqlite3.connect(site.sqlite_path, isolation_level=None, timeout=60)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM casework_homevisit").fetchall()
        answer = {}
        posting = threading.Thread(target=lambda: answer.update(first=_try(sync)))
        posting.start()
        try:
            # The visit's photo is written inside the view's transaction: the request is in it.
            wait_for(
                lambda: evidence.exists() and files_in(evidence),
                "the view to store the visit's photo",
                timeout=60,
            )
            os.kill(worker_pid, signal.SIGKILL)
            posting.join(timeout=60)
        finally:
            reader.execute("COMMIT")
            reader.close()
        assert isinstance(answer["first"], requests.ConnectionError)  # the phone got no answer
        assert site.python(VISITS.format(client_id=client_id)).split() == ["0", "0"]

        # gunicorn starts another worker; the phone sends its queued entry again.
        wait_for(answering, "gunicorn's new worker")
        second = sync()
        assert second.status_code == 200, second.text
        assert second.json()["status"] == "stored" and "reason" not in second.json()
        # The answer lost again: the next retry is told it is stored, and stores nothing.
        third = sync()
        assert (third.status_code, third.json()["status"], third.json()["reason"]) == (
            200,
            "stored",
            "again",
        )
    assert site.python(VISITS.format(client_id=client_id)).split() == ["1", "1"]
    # The photo the killed request wrote has no record; the daily sweep deletes it and keeps
    # the stored visit's files.
    kept = site.python(SWEEP_EVIDENCE)
    assert files_in(evidence) == sorted(kept.split(","))


def _try(call):
    try:
        return call()
    except Exception as exc:  # the answer, or how the connection failed
        return exc


# --- PostgreSQL stopped mid-commit of an import ------------------------------------------------

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
PG_ROWS = 2_000

COMMIT_IN_THE_WORKER = """
from casework.access.tasks import run_scoped
from casework.models import ImportBatch

batch = ImportBatch.unscoped.get()
# What the worker runs for the commit button (the task is queued; nobody else takes it here).
print(run_scoped("casework.reconciliation.tasks.commit_import", batch.uploaded_by_id, batch.pk,
                 batch.attempt))
"""

AFTER_THE_RESTART = """
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from casework.access.scope import system_scope
from casework.models import ImportBatch, Student
from casework.reconciliation.tasks import start_commit

batch = ImportBatch.unscoped.get()
client = Client(HTTP_HOST="localhost")
client.force_login(batch.uploaded_by)
page = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
told = "提交过程中数据库中断，提交未完成。台账未作任何修改，请重新提交。" in page
offered = reverse("casework_imports:commit", args=[batch.pk]) in page
before = (batch.status, Student.unscoped.count())
with system_scope(), override_settings(
    CASEWORK={**settings.CASEWORK, "IMPORT_INLINE_BYTES": 10**9,
              "IMPORT_INLINE_UNCOMPRESSED_BYTES": 10**10}
):
    start_commit(batch, batch.uploaded_by)  # the commit button again, here
batch.refresh_from_db()
ids = list(Student.unscoped.values_list("id_number", flat=True))
print(*before, told, offered, batch.status, len(ids), len(set(ids)))
"""


class Postgres:
    """A throwaway server (.ci/postgres) that the test can stop dead and start again."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="casework-faults-pg."))  # postgres must reach it
        self.url = subprocess.run(
            [str(ROOT / ".ci" / "postgres"), "start", str(self.dir)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        self.port = (self.dir / "port").read_text().strip()
        self.bin = PG_BIN[-1].parent

    def pg_ctl(self, *args):
        command = [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop_dead(self):
        """As a crash, or the machine's power: no shutdown checkpoint, every session cut."""
        self.pg_ctl("stop", "-m", "immediate", "-w")

    def start(self):
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-l", str(self.dir / "server.log"), "-w", "-t", "60", "start", "-o", options)

    def connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def remove(self):
        subprocess.run(
            [str(ROOT / ".ci" / "postgres"), "stop", str(self.dir)], check=False, timeout=120
        )


@pytest.fixture
def postgres():
    if not PG_BIN:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = Postgres()
    yield server
    server.remove()


@pytest.mark.slow
def test_postgresql_stopped_mid_commit_rolls_the_import_back_whole_and_a_retry_commits_once(
    postgres, tmp_path
):
    from tests.test_job_recovery import PREPARE, roll

    site = Site(tmp_path, postgres.url)
    manage(site.env, "migrate", "--no-input", "-v0")
    path = tmp_path / "roll.xlsx"
    path.write_bytes(roll(PG_ROWS))
    assert site.python(PREPARE.format(path=str(path))).split()[1] == str(PG_ROWS)

    # Hold the commit at its very end: its audit record cannot be inserted while this lock is
    # held, so the whole roll is written, in the transaction, and not committed.
    holder = postgres.connect()
    holder.execute("BEGIN")
    holder.execute("LOCK TABLE casework_accesslog IN SHARE MODE")
    watcher = postgres.connect()

    def commit_waits_on_the_lock():
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query ILIKE '%casework_accesslog%'"
        ).fetchone()[0]

    log = (tmp_path / "commit.log").open("w")
    commit = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(COMMIT_IN_THE_WORKER)],
        cwd=ROOT,
        env={**site.env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        wait_for(commit_waits_on_the_lock, "the commit to have written the roll", timeout=120)
        postgres.stop_dead()
        # The worker lost its connection mid-transaction; it waits for the database to record
        # why (JOB_DATABASE_WAIT), so it is still there.
        assert commit.poll() is None, (tmp_path / "commit.log").read_text()[-3000:]
        postgres.start()
        out, _ = commit.communicate(timeout=120)
    finally:
        if commit.poll() is None:
            commit.kill()
        log.close()
        for connection in (holder, watcher):
            with contextlib.suppress(Exception):
                connection.close()
    assert out.strip().splitlines()[-1] == "preview", (tmp_path / "commit.log").read_text()[-3000:]

    status, students, told, offered, after, stored, distinct = site.python(
        AFTER_THE_RESTART
    ).split()
    assert (status, students) == ("preview", "0")  # rolled back whole: not one child written
    assert (told, offered) == ("True", "True")  # the reason, in Chinese, and the commit button
    assert (after, stored, distinct) == ("committed", str(PG_ROWS), str(PG_ROWS))


@pytest.mark.django_db
def test_the_evidence_sweep_deletes_only_old_files_without_a_record(
    client, two_schools, media_root
):
    from casework.evidence.services import delete_orphan_files
    from casework.evidence.storage import evidence_root
    from casework.models import Attachment
    from tests.test_offline import SYNC, entry, photo

    teacher = two_schools["users"]["teacher_a"]
    client.force_login(teacher)
    data = entry(two_schools["case_a"], teacher)
    assert client.post(SYNC, {**data, "photos": photo()}).json()["status"] == "stored"
    root = evidence_root()
    orphan = root / "1" / "left-by-a-killed-request.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"photo")
    stored = {n for n in Attachment.unscoped.values_list("file", "thumbnail").get() if n}

    assert delete_orphan_files() == 0  # young: its transaction may still be under way
    assert orphan.exists()
    assert delete_orphan_files(now=time.time() + 2 * 60 * 60) == 1
    assert set(files_in(root)) == stored
