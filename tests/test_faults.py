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
import errno
import os
import resource
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from casework.list_exports import tasks as export_tasks
from casework.models import ExportJob
from tests.test_export_jobs import many, start  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]


# --- the disk full while an export is written ----------------------------------------------


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
        temp_before = set(os.listdir(temp))
        # The worker runs the task inline in tests: its error is the operating system's own
        # (OSError), or lxml's account of it (SerialisationError: IO_ENOSPC) from the xlsx writer.
        with pytest.raises(Exception) as raised:
            start(client, office)
        temp_after = set(os.listdir(temp))
        exports = media / "casework" / "exports"
        kept = [p for p in exports.rglob("*") if p.is_file()] if exports.exists() else []
    said = getattr(raised.value, "errno", None) or str(raised.value)
    assert said in (expected, f"IO_{errno.errorcode[expected]}"), repr(raised.value)
    assert temp_after == temp_before  # the temporary folder and its partial file are gone
    assert kept == []  # no partial copy in the media folder

    job = ExportJob.objects.get()
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
