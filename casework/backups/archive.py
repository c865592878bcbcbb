"""One archive holding the database and the private files, and putting them back.

The archive (``.tar.gz``) holds ``manifest.json``, the database (``database/db.sqlite3`` made
with SQLite's online backup API, or ``database/casework.pgdump`` made by ``pg_dump`` of the
server's major version), and the files of ``MEDIA_ROOT`` (``media/``) and of the evidence root
(``evidence/``), each with its SHA-256 in the manifest.

The database is copied first, then the files. Files are only ever added under new random names
(evidence, imports, exports) and never rewritten, so every file the copied database names is
already on disk when the files are copied; a file added meanwhile is carried along unused.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from casework.evidence.storage import evidence_root

FORMAT = 1
SQLITE_NAME = "database/db.sqlite3"
PG_NAME = "database/casework.pgdump"


class BackupError(Exception):
    """Something that stops a backup or restore, said so that the operator can act on it."""


def file_roots():
    """``{folder in the archive: folder on disk}`` of the private files."""
    return {"media": Path(settings.MEDIA_ROOT), "evidence": evidence_root()}


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# PostgreSQL


def _pg_major(version_text):
    """15 from "pg_dump (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"."""
    found = re.search(r"\(PostgreSQL\) (\d+)", version_text)
    return int(found.group(1)) if found else None


def _server_major():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_tool(name, major):
    """Debian's ``pg_dump``/``pg_restore`` of the server's major version, or a refusal."""
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    if found := shutil.which(name):
        candidates.append(Path(found))
    for path in candidates:
        if path.exists():
            out = subprocess.run([str(path), "--version"], capture_output=True, text=True)
            if _pg_major(out.stdout) == major:
                return str(path)
    raise BackupError(
        f"{name} of PostgreSQL {major} is not installed "
        f"(apt-get install postgresql-client-{major}); a dump of another version is refused."
    )


def _pg_env():
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(command):
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_env())
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


# SQLite


def _sqlite_backup(target):
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API: a consistent copy while the site keeps running.
        connection.connection.backup(destination)
    finally:
        destination.close()


def _sqlite_restore(source):
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


def backup(output):
    """Write the archive to ``output``; returns the manifest."""
    output = Path(output)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup for a {vendor} database.")
    with tempfile.TemporaryDirectory(prefix="casework-backup-") as work:
        work = Path(work)
        (work / "database").mkdir()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "files": {},
        }
        if vendor == "sqlite":
            database = work / SQLITE_NAME
            _sqlite_backup(database)
            manifest["database"] = SQLITE_NAME
        else:
            major = _server_major()
            database = work / PG_NAME
            _run([pg_tool("pg_dump", major), "--format=custom", "--no-owner", f"--file={database}"])
            manifest.update(database=PG_NAME, server_major=major)
        manifest["database_sha256"] = _sha256(database)
        tmp_output = output.with_name(output.name + ".part")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tmp_output, "w:gz") as tar:
            tar.add(database, arcname=manifest["database"])
            for folder, root in file_roots().items():
                for path in _files_under(root):
                    arcname = f"{folder}/{path.relative_to(root).as_posix()}"
                    manifest["files"][arcname] = _sha256(path)
                    tar.add(path, arcname=arcname)
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            tar.addfile(info, fileobj=io.BytesIO(data))
        # Only a complete archive gets the name: a failed run leaves no half backup behind.
        os.chmod(tmp_output, 0o600)
        tmp_output.replace(output)
    return manifest


def _read_archive(archive, into):
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup: {error}") from error
    try:
        manifest = json.loads((into / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no manifest: it is not a casework backup.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is a backup of another format ({manifest.get('format')}).")
    database = into / manifest["database"]
    if not database.is_file() or _sha256(database) != manifest["database_sha256"]:
        raise BackupError(f"{archive}: the database copy is damaged.")
    for name, digest in manifest["files"].items():
        path = into / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{archive}: the file {name} is missing or damaged.")
    return manifest


def _replace_folder(source, target):
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def restore(archive):
    """Put the database and the files back as the archive has them; returns the manifest.

    Everything is checked against the manifest before anything is touched.
    """
    with tempfile.TemporaryDirectory(prefix="casework-restore-") as work:
        work = Path(work)
        manifest = _read_archive(archive, work)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This is a backup of a {manifest['vendor']} database; "
                f"the site uses {connection.vendor}."
            )
        database = work / manifest["database"]
        if connection.vendor == "sqlite":
            _sqlite_restore(database)
        else:
            major = _server_major()
            if manifest.get("server_major") != major:
                raise BackupError(
                    f"The dump is of PostgreSQL {manifest.get('server_major')}, "
                    f"the server is {major}: restore it with a server of that version."
                )
            tool = pg_tool("pg_restore", major)
            # Our own connection would hold locks that pg_restore --clean waits for.
            connection.close()
            _run(
                [
                    tool,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(database),
                ]
            )
        for folder, root in file_roots().items():
            _replace_folder(work / folder, root)
    return manifest
