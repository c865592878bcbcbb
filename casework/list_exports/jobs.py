"""Large list exports, written in the background: streamed from the database, write-only out.

When a bureau user asks for the export of a list longer than ``CASEWORK_EXPORT_INLINE_MAX_ROWS``
(5,000), ``CaseworkIndexView`` records an ``ExportJob`` (who, when, the list's query string, the
format) and the worker runs ``casework.list_exports.tasks.run_export``. The task rebuilds the list exactly as
the view set's index view builds it (its queryset, ordering, filterset and search, from the saved
query string, for the user who asked) and scopes it once more with the user's scope; filtering is
never re-implemented here. Rows are read with ``values_list(...).iterator(chunk_size=...)`` (no
model instances, no per-row queries) and written with openpyxl's write-only workbook (or the csv
module), every value through ``safe_cell``, so memory stays flat however long the list is.

The columns are the view set's ``list_export``: a dotted path (``student.school.name``) is read as
the lookup ``student__school__name``, ``get_<field>_display`` as the field's choice label, and
anything else (a property) must be declared in the view set's ``export_lookups`` as
``{name: (lookups, function)}``.
"""

import contextlib
import csv
import datetime
import errno
import operator
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.files import File
from django.db import models
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.access.scope import scope_for_user, user_scope
from casework.choices import choice_labels
from casework.conf import conf
from casework.list_exports.models import ExportJob
from casework.list_exports.workbook import new_titled_sheet
from casework.spreadsheets import safe_cell

#: Rows fetched from the database at a time.
CHUNK_SIZE = 2_000
#: The job's progress is written every so many rows.
PROGRESS_EVERY = 5_000


def inline_max_rows():
    """Exports longer than this are written in the background."""
    return conf.EXPORT_INLINE_ROWS


def keep_days():
    """Export files are deleted after this many days."""
    return conf.EXPORT_KEEP_DAYS


@dataclass
class ExportColumn:
    name: str
    heading: str
    lookups: tuple
    convert: object = None  # function(*values) -> cell; None: the single value as it is


def _naive(value):
    # As Wagtail's export does: spreadsheets have no time zones.
    if value is not None and timezone.is_aware(value):
        return timezone.make_naive(value, datetime.UTC)
    return value


def resolve_column(model, name, declared):
    """An ExportColumn (without heading) for one entry of ``list_export``."""
    if name in declared:
        lookups, convert = declared[name]
        return ExportColumn(name, "", tuple(lookups), convert)
    display = name.startswith("get_") and name.endswith("_display")
    path = name[4 : -len("_display")] if display else name
    parts = path.split(".")
    current = model
    field = None
    try:
        for i, part in enumerate(parts):
            field = current._meta.get_field(part)
            if field.is_relation and i < len(parts) - 1:
                current = field.related_model
            elif i < len(parts) - 1 or field.is_relation:
                raise FieldDoesNotExist(part)
    except FieldDoesNotExist:
        raise ImproperlyConfigured(
            f"The export column {name!r} of {model.__name__} is not a field: declare it in the "
            "view set's export_lookups."
        ) from None
    lookup = "__".join(parts)
    if display:
        labels = choice_labels(field)
        return ExportColumn(name, "", (lookup,), lambda v: labels.get(v, v))
    if isinstance(field, models.DateTimeField):
        return ExportColumn(name, "", (lookup,), _naive)
    return ExportColumn(name, "", (lookup,))


def export_columns(view, queryset):
    """The export's columns: headings as the index view gives them, lookups to read them."""
    declared = getattr(view, "export_lookups", {}) or {}
    columns = []
    for name in view.list_export:
        column = resolve_column(queryset.model, name, declared)
        column.heading = view.get_heading(queryset, name)
        columns.append(column)
    return columns


def row_reader(columns):
    """function(values tuple) -> list of safe cells, in the columns' order."""
    getters = []
    start = 0
    for column in columns:
        n = len(column.lookups)
        if column.convert is None:
            getters.append(operator.itemgetter(start))
        elif n == 1:
            getters.append(lambda values, i=start, convert=column.convert: convert(values[i]))
        else:
            getters.append(
                lambda values, s=slice(start, start + n), convert=column.convert: convert(
                    *values[s]
                )
            )
        start += n

    def read(values):
        return [safe_cell(get(values)) for get in getters]

    return read


def iter_rows(queryset, columns, chunk_size=CHUNK_SIZE):
    """The export's rows (lists of cells), streamed: one query per chunk, no model instances."""
    lookups = [lookup for column in columns for lookup in column.lookups]
    read = row_reader(columns)
    for values in queryset.values_list(*lookups).iterator(chunk_size=chunk_size):
        yield read(values)


def write_xlsx(path, headings, rows, titled=None):
    """``titled``: (title, view, user) for the title rows and the sheet's name."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _sheets_beside(workbook, Path(path).parent)
    if titled:
        sheet = new_titled_sheet(workbook, *titled)
    else:
        sheet = workbook.create_sheet(title="Sheet1")
    try:
        sheet.append(headings)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    except BaseException:
        _remove_sheet_files(workbook)
        raise


def _sheets_beside(workbook, folder):
    """Write each sheet's XML into ``folder`` rather than the system's temporary folder.

    openpyxl writes a write-only sheet to a temporary file of its own (``openpyxl.*``), removed
    by ``save``; a killed worker would leave it, with the children's data, where nothing looks.
    In the job's folder the sweep of dead jobs removes it.
    """
    from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

    create = workbook.create_sheet

    def create_sheet(*args, **kwargs):
        sheet = create(*args, **kwargs)
        out = str(folder / f"sheet{len(workbook.worksheets)}.xml")
        ALL_TEMP_FILES.append(out)  # as openpyxl's own: its save removes it from the list
        sheet._writer = WorksheetWriter(sheet, out=out)
        sheet._writer.write_top()
        return sheet

    workbook.create_sheet = create_sheet


def _remove_sheet_files(workbook):
    """The sheets' files of a failed write (``save`` removes them after a good one)."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(OSError, ValueError):
            writer.cleanup()


def write_csv(path, headings, rows, titled=None):
    # With a byte-order mark, so that Excel and WPS read the Chinese as UTF-8.
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(headings)
        writer.writerows(rows)


WRITERS = {ExportJob.Format.XLSX: write_xlsx, ExportJob.Format.CSV: write_csv}


def index_view_for(model, user, params):
    """The view set's index view, set up as if ``user`` had opened it with ``params``."""
    as_view = model.snippet_viewset.index_view  # what the list's URL runs
    view = as_view.view_class(**as_view.view_initkwargs)
    request = RequestFactory().get("/", params)
    request.user = user
    view.setup(request)
    return view


def job_queryset(job):
    """(view, queryset): the list the job exports, as its user saw it, scoped to that user."""
    view = index_view_for(job.listed_model, job.user, job.filters)
    return view, scope_for_user(job.user).apply(view.get_queryset())


def language_of(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    return profile.get_preferred_language() or settings.LANGUAGE_CODE


def run_job(job):
    """Write the job's file; returns the job, done (or failed with a message)."""
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    rows = None
    try:
        # The filters' choices are scoped as in the request.
        with user_scope(job.user), translation.override(language_of(job.user)):
            view, queryset = job_queryset(job)
            columns = export_columns(view, queryset)
            total = queryset.count()
            rows = _counting(iter_rows(queryset, columns), job, total)
            # The job's folder goes, with whatever was written, however the run ends; if the
            # worker is killed, the sweep that marks the job interrupted removes it.
            with _job_folder(job.pk) as folder:
                path = folder / f"export.{job.format}"
                titled = (job.listed_model.snippet_viewset.export_filename, view, job.user)
                WRITERS[job.format](path, [c.heading for c in columns], rows, titled)
                _keep(job, path)
        job.row_count = rows.count if hasattr(rows, "count") else total
        job.status = ExportJob.Status.DONE
        job.progress = 100
    except Exception as exc:  # the page says it failed; the worker's log has the traceback
        job.status = ExportJob.Status.FAILED
        job.file = ""
        if disk_full(exc):
            with translation.override(settings.LANGUAGE_CODE):
                job.message = _(
                    "The server's disk is full: the export was not written and no file was kept. "
                    "Tell the site's administrators, then start the export again."
                )
        else:
            job.message = str(exc)[:1000]
        raise
    finally:
        if rows is not None:
            # A write cut short leaves the rows' database cursor open (a server-side cursor on
            # PostgreSQL) until the generator is collected, in whatever transaction runs then.
            rows.close()
        job.finished_at = timezone.now()
        job.save(
            update_fields=["status", "progress", "row_count", "file", "message", "finished_at"]
        )
    return job


def job_folder(job_pk):
    """Where the job's file is written before it is complete: the system's temporary folder."""
    return Path(tempfile.gettempdir()) / "casework-exports" / f"job-{job_pk}"


def remove_job_folder(job_pk):
    shutil.rmtree(job_folder(job_pk), ignore_errors=True)


@contextlib.contextmanager
def _job_folder(job_pk):
    folder = job_folder(job_pk)
    remove_job_folder(job_pk)  # an earlier attempt's, killed
    folder.parent.mkdir(mode=0o700, exist_ok=True)
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        remove_job_folder(job_pk)


#: What the operating system says when a file cannot grow: the disk, the quota, the file size
#: limit (RLIMIT_FSIZE).
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def disk_full(exc):
    """True if ``exc`` (or what caused it) says that a file could not grow.

    The xlsx writer's lxml does not raise OSError but ``SerialisationError("IO_ENOSPC")``.
    """
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in DISK_FULL:
            return True
        if str(exc) in {f"IO_{errno.errorcode[code]}" for code in DISK_FULL}:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _keep(job, path):
    """Copy the finished file into storage; a copy cut short (a full disk) is removed."""
    storage = job.file.storage
    name = job.file.field.generate_filename(job, path.name)
    try:
        with path.open("rb") as f:
            name = storage.save(name, File(f), max_length=job.file.field.max_length)
    except BaseException:
        # Django's FileSystemStorage leaves what it wrote of a failed copy under its name.
        if storage.exists(name):
            storage.delete(name)
        raise
    job.file.name = name


class _counting:
    """Pass rows through, counting them and writing the job's progress now and then."""

    def __init__(self, rows, job, total):
        self.rows, self.job, self.total, self.count = rows, job, max(total, 1), 0
        self._passing = None

    def __iter__(self):
        self._passing = self._pass()
        return self._passing

    def _pass(self):
        for row in self.rows:
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(
                    progress=min(99, self.count * 100 // self.total), heartbeat_at=timezone.now()
                )
            yield row

    def close(self):
        """Close the rows (and their cursor) now, read to the end or not."""
        if self._passing is not None:
            self._passing.close()
        if hasattr(self.rows, "close"):
            self.rows.close()


def delete_old_exports(days=None, now=None):
    """Delete export jobs older than ``days`` (``CASEWORK_EXPORT_KEEP_DAYS``) and their files."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=keep_days() if days is None else days
    )
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
