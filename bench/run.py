"""Generate the data set, then measure what issue 8 names and print the table.

    python bench/run.py [--size default|small] [--runs 5] [--reuse] [--only NAME ...]
                        [--queries-vs small] [--json PATH]

Pages are fetched in-process with Django's test client, logged in as a teacher (bench_teacher,
school 1) and as bureau office staff (bench_office): median wall time of --runs requests after
one warm-up, and the queries of one request. Two baselines on the same data set: Wagtail's own
snippet list view over a trivial model with as many rows as there are cases and as many rows a
page as the case list (bench.baseline), and openpyxl in write-only mode writing exactly the cells
of the export of every case. The export itself runs as the background job does
(casework.list_exports.run_job), in a child process whose peak RSS is its peak memory. The import
(50,000 rows) and the reconciliation (100,000 × 100,000) run bench/imports.py in a child process
(its own fresh database). With --queries-vs small, the pages are fetched again on the small data
set (var/bench-small.sqlite3, in a child process) and their query counts compared: they must not
grow with the data.

To measure something new, write a function taking the Bench and returning a list of Result, and
add it to MEASUREMENTS.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    CASE_FILE_VISITS,
    POSTGRES_ONLY,
    ROOT,
    SIZES,
    describe_database,
    setup_django,
)

PAGE_TARGET_MS = 150
RATIO_TARGET = 1.5
#: Issue 18: the case list and case file at most 1.2× Wagtail's trivial list, the dashboards
#: 1.5×, the monthly draft at most 20 queries and 1.5× the case list, the export 1.15× openpyxl
#: write-only and at most 150 MB, whatever the row count.
PAGE_RATIO_TARGET = 1.2
DASHBOARD_RATIO_TARGET = 1.5
DRAFT_QUERIES_TARGET = 20
EXPORT_RATIO_TARGET = 1.15
EXPORT_TARGET_MS = 30_000
EXPORT_PEAK_MB = 150
IMPORT_TARGET_MS = 60_000
RECONCILE_TARGET_MS = 10_000
#: Issue 18, a province: the list pages at most 1.5× the trivial list of as many rows, the
#: reconciliation of a million enrolled children against a million listed ones (timed, no target).
PROVINCE_PAGE_RATIO_TARGET = 1.5
RECONCILE_IDS = {"province": 1_000_000}
DEFAULT_RECONCILE_IDS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CASE_LIST = "wagtailsnippets_casework_case:list"
CASE_FILE = "wagtailsnippets_casework_case:inspect"
BASELINE_LIST = "wagtailsnippets_bench_baseline_row:list"


@dataclass
class Result:
    name: str
    who: str = ""
    median_ms: float | None = None
    queries: int | None = None
    note: str = ""
    baseline: str = ""  # the name of the Result this one is compared with
    target_ms: float | None = None
    peak_mb: float | None = None
    peak_target_mb: float | None = None
    ratio_target: float | None = RATIO_TARGET
    queries_small: int | None = None  # the same measurement's queries on the small data set
    cpu_ms: float | None = None  # median CPU time of this process (SQLite runs in it too)
    queries_target: int | None = None
    #: The median of this page's time over the baseline's, the two fetched in turn (the
    #: machine's drift, tens of percent over a run here, then weighs on both alike).
    paired_ratio: float | None = None

    @property
    def available(self):
        return self.median_ms is not None

    def ratio(self, baselines):
        """This result over its baseline: paired if measured so, else of the two medians."""
        if self.paired_ratio is not None:
            return self.paired_ratio
        base = baselines.get(self.baseline)
        if base and base.median_ms:
            return self.median_ms / base.median_ms
        return None

    def misses(self, baselines):
        """What this result misses of its targets, as short words (empty: every target met)."""
        missed = []
        if self.target_ms and self.median_ms > self.target_ms:
            missed.append("time")
        ratio = self.ratio(baselines)
        if ratio and self.ratio_target and ratio > self.ratio_target:
            missed.append("ratio")
        if self.peak_target_mb and self.peak_mb and self.peak_mb > self.peak_target_mb:
            missed.append("memory")
        if self.queries_small is not None and self.queries != self.queries_small:
            missed.append("queries grow")
        if self.queries_target and self.queries > self.queries_target:
            missed.append("queries")
        return missed


class NotAvailable(Exception):
    pass


class Bench:
    """Logged-in clients, the data set's landmarks, and the ways to time things."""

    def __init__(self, runs, size, size_name="default"):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from casework.models import Case

        self.runs = runs
        self.size = size
        self.size_name = size_name
        users = get_user_model().objects.in_bulk(
            ["bench_teacher", "bench_manager", "bench_office", "bench_leader", "bench_admin"],
            field_name="username",
        )
        self.clients = {}
        self.users = {}
        for who, username in (
            ("teacher", "bench_teacher"),
            ("manager", "bench_manager"),
            ("office", "bench_office"),
            ("leader", "bench_leader"),
            ("superuser", "bench_admin"),
        ):
            client = Client()
            client.force_login(users[username])
            self.clients[who] = client
            self.users[who] = users[username]
        # The case with 50 visits, at bench_teacher's school (see generate.py).
        self.case_file = Case.unscoped.select_related("student").order_by("pk").first()

    def url(self, name, *args, query=""):
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(name, args=args) + (f"?{query}" if query else "")
        except NoReverseMatch:
            raise NotAvailable(f"no URL named {name}") from None

    def time_request(self, who, url, expect_type=None, paired_with=None, before_each=None):
        """(median ms, queries, response) of GET url as who; with ``paired_with`` (who, url),
        that page is fetched after each timed request too, and ``last_paired_ratio`` is the
        median of the two times' ratios."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.clients[who]

        def fetch():
            if before_each:
                before_each()
            response = client.get(url)
            if response.status_code != 200:
                raise NotAvailable(f"HTTP {response.status_code} for {url}")
            if expect_type and not response["Content-Type"].startswith(expect_type):
                raise NotAvailable(f"{url} is not {expect_type}")
            if response.streaming:
                b"".join(response.streaming_content)
            return response

        fetch()  # warm-up: templates, translations, the session
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        count = len(queries)  # now: the next request resets the connection's query log
        times, cpu, ratios = [], [], []
        for _ in range(self.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if paired_with:
                other_client, other_url = self.clients[paired_with[0]], paired_with[1]
                started = time.perf_counter()
                other_client.get(other_url)
                ratios.append(times[-1] / ((time.perf_counter() - started) * 1000))
        self.last_cpu_ms = statistics.median(cpu)
        self.last_paired_ratio = statistics.median(ratios) if ratios else None
        return statistics.median(times), count, response

    def median_of(self, fn):
        """Median wall time in ms of --runs calls of fn."""
        times = []
        for _ in range(self.runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    def page(
        self,
        name,
        who,
        url_name,
        *args,
        query="",
        baseline="baseline list",
        note="",
        ratio=PAGE_RATIO_TARGET,
        time_target=True,
        before_each=None,
    ):
        """A page, at most ``ratio`` × the baseline; ``time_target``: under PAGE_TARGET_MS;
        ``before_each`` is called (untimed) before each request."""
        pair = ("superuser", self.url(BASELINE_LIST)) if baseline == "baseline list" else None
        try:
            url = self.url(url_name, *args, query=query)
            median, queries, _ = self.time_request(
                who, url, paired_with=pair, before_each=before_each
            )
        except NotAvailable as exc:
            return Result(name, who, note=f"not available ({exc})")
        return Result(
            name,
            who,
            median,
            queries,
            note=note or (f"?{query}" if query else ""),
            baseline=baseline,
            target_ms=PAGE_TARGET_MS if time_target else None,
            ratio_target=ratio,
            cpu_ms=self.last_cpu_ms,
            paired_ratio=self.last_paired_ratio,
        )


def peak_memory_mb(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# -- the measurements ------------------------------------------------------------------------


def baseline_list(bench):
    from bench.baseline.wagtail_hooks import RowViewSet

    return [
        bench.page(
            "baseline list",
            "superuser",
            BASELINE_LIST,
            baseline="",
            note=f"Wagtail snippet list, {bench.size['cases']:,} trivial rows,"
            f" {RowViewSet.list_per_page} a page",
        )
    ]


def case_list(bench):
    search = bench.case_file.student.name
    queries = {
        "case list, first page": "",
        "case list, filtered": "status=open&concern=dropout_risk",
        "case list, searched": f"q={search}",
    }
    # A province's list is judged against the trivial list of as many rows only.
    province = bench.size_name in POSTGRES_ONLY
    ratio = PROVINCE_PAGE_RATIO_TARGET if province else PAGE_RATIO_TARGET
    return [
        bench.page(name, who, CASE_LIST, query=query, ratio=ratio, time_target=not province)
        for name, query in queries.items()
        for who in ("teacher", "office")
    ]


def case_file(bench):
    from casework.models import HomeVisit

    visits = HomeVisit.unscoped.filter(case=bench.case_file).count()
    assert visits == CASE_FILE_VISITS, visits
    return [
        bench.page(f"case file ({visits} visits)", who, CASE_FILE, bench.case_file.pk, note="")
        for who in ("teacher", "office")
    ]


def dashboard(bench):
    from casework.tallies import ledger_changed

    kept = [
        bench.page(
            "dashboard",
            who,
            "wagtailadmin_home",
            ratio=DASHBOARD_RATIO_TARGET,
            time_target=False,
        )
        for who in ("teacher", "manager", "office", "leader")
    ]
    # The bureau's figures are kept until the ledger changes (casework.tallies): what the
    # first showing after a write costs, for the record (no target).
    counted = [
        bench.page(
            "dashboard, after a write",
            who,
            "wagtailadmin_home",
            ratio=None,
            time_target=False,
            before_each=ledger_changed,
            note="the ledger's version raised before each request: every figure counted",
        )
        for who in ("office", "leader")
    ]
    return kept + counted


def monthly_report(bench):
    """Drafting a month from the ledger (what "Add" on 月度责任清单 does), rolled back each time."""
    import datetime

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from casework.access.scope import user_scope
    from casework.models import MonthlyReport
    from casework.tallies import ledger_changed

    user = bench.users["office"]
    month = datetime.date.today().replace(day=1)

    class Rollback(Exception):
        pass

    def draft():
        try:
            with user_scope(user), transaction.atomic():
                MonthlyReport.draft(month, user=user)
                raise Rollback
        except Rollback:
            pass

    def counted_draft():
        ledger_changed()
        draft()

    results = []
    for name, run, note, judged in (
        ("monthly report draft", draft, "", True),
        (
            "monthly report draft, after a write",
            counted_draft,
            "the ledger's version raised first: every figure counted; ",
            False,
        ),
    ):
        run()  # warm-up
        with CaptureQueriesContext(connection) as queries:
            run()
        results.append(
            Result(
                name,
                "office",
                bench.median_of(run),
                len(queries),
                note=note + "MonthlyReport.draft(month): 7 rows; × the office's case list",
                baseline="case list, first page/office",
                ratio_target=RATIO_TARGET if judged else None,
                queries_target=DRAFT_QUERIES_TARGET if judged else None,
            )
        )
    return results


def export_job_rows(user):
    """(headings, rows): exactly the cells the background export of every case writes."""
    from casework.access.scope import scope_for_user
    from casework.list_exports.jobs import export_columns, index_view_for, iter_rows
    from casework.models import Case

    view = index_view_for(Case, user, {})
    queryset = scope_for_user(user).apply(view.get_queryset())
    columns = export_columns(view, queryset)
    return [c.heading for c in columns], iter_rows(queryset, columns)


def baseline_openpyxl(bench):
    from openpyxl import Workbook

    headings, rows = export_job_rows(bench.users["office"])
    rows = list(rows)

    def write():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(headings)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out

    times = []
    for _ in range(max(1, bench.runs // 3)):
        started = time.perf_counter()
        write()
        times.append((time.perf_counter() - started) * 1000)
    return [
        Result(
            "baseline export",
            "",
            statistics.median(times),
            note=f"openpyxl write-only, the same {len(rows):,} rows × {len(headings)} cells,"
            " from memory; peak: tracemalloc of the writing",
            peak_mb=peak_memory_mb(write),
        )
    ]


def peak_rss_mb():
    """This process's peak resident set: VmHWM on Linux. (ru_maxrss would do on a fresh
    process, but Linux keeps it across fork and exec: a child would report its parent's peak.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(fmt):
    """In a child process: run the background export of every case as bench_office; print JSON."""
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from casework.list_exports.jobs import run_job
    from casework.models import ExportJob

    user = get_user_model().objects.get(username="bench_office")
    rss_before = peak_rss_mb()
    job = ExportJob.objects.create(user=user, model="casework.case", format=fmt)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        job = run_job(job)
        elapsed = time.perf_counter() - started
    peak = peak_rss_mb()
    size = job.file.size
    job.file.delete(save=False)
    job.delete()
    print(
        json.dumps(
            {
                "ms": elapsed * 1000,
                "rows": job.row_count,
                "queries": len(queries),
                "peak_rss_mb": peak,
                "rss_before_mb": rss_before,
                "file_mb": size / 2**20,
                "status": job.status,
            }
        )
    )


def run_child(args, env=None):
    """Run a Python child process; its last line of output is JSON."""
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    if done.returncode:
        raise NotAvailable(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_all_cases(bench):
    """The export of every case, as the worker writes it: wall time and the child's peak RSS."""
    from casework.list_exports.jobs import inline_max_rows

    # What the user gets: above the limit, the list's "Download XLSX" answers with the job's
    # page (the job runs there and then: the benchmark's django-q2 is in sync mode).
    background = bench.size["cases"] > inline_max_rows()
    try:
        if background:
            response = bench.clients["office"].get(bench.url(CASE_LIST, query="export=xlsx"))
            if response.status_code != 302 or "/exports/" not in response["Location"]:
                raise NotAvailable(f"HTTP {response.status_code}: not sent to the background")
            from casework.list_exports.jobs import delete_old_exports

            delete_old_exports(days=-1)  # the file just written, and any left from earlier runs
        runs = [
            run_child([str(Path(__file__)), "--export-child", "xlsx"])
            for _ in range(max(1, bench.runs // 3))
        ]
    except NotAvailable as exc:
        return [Result("export of all cases", "office", note=f"not available ({exc})")]
    figures = runs[-1]
    return [
        Result(
            "export of all cases",
            "office",
            statistics.median(r["ms"] for r in runs),
            figures["queries"],
            note=f"background job, {figures['rows']:,} rows, xlsx {figures['file_mb']:.1f} MB"
            f" ({'sent to the background' if background else 'inline'}: the limit is"
            f" {inline_max_rows():,} rows); peak: the worker's RSS"
            f" ({figures['rss_before_mb']:.0f} MB before)",
            baseline="baseline export",
            ratio_target=EXPORT_RATIO_TARGET,
            # A province's export takes what its rows take; its memory is what must stay flat.
            target_ms=None if bench.size_name in POSTGRES_ONLY else EXPORT_TARGET_MS,
            peak_mb=max(r["peak_rss_mb"] for r in runs),
            peak_target_mb=EXPORT_PEAK_MB,
        )
    ]


def sibling_database(suffix):
    """On PostgreSQL: a new empty database beside the benchmark's (on the same server), as a
    context giving its DATABASE_URL, dropped afterwards. On SQLite: "" (bench/imports.py then
    makes a SQLite file of its own)."""
    import contextlib

    from django.db import connection

    @contextlib.contextmanager
    def made():
        if connection.vendor != "postgresql":
            yield ""
            return
        settings = connection.settings_dict
        name = f"{settings['NAME']}_{suffix}"
        quoted = connection.ops.quote_name(name)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted}")
        try:
            yield (
                f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}"
                f":{settings['PORT']}/{name}"
            )
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")

    return made()


def imports_and_reconciliation(bench):
    """bench/imports.py in a child process (a fresh database of its own: on PostgreSQL a new
    database on the same server, else a SQLite file)."""
    ids = RECONCILE_IDS.get(bench.size_name, DEFAULT_RECONCILE_IDS)
    from django.db import connection

    where = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    try:
        with sibling_database("imports") as url:
            args = [str(ROOT / "bench" / "imports.py"), "--json", "--ids", str(ids)]
            if url:
                args += ["--database-url", url]
            figures = run_child(args, env={"DATABASE_URL": ""})
    except NotAvailable as exc:
        return [Result("import of 50,000 rows", note=f"not available ({exc})")]
    return [
        Result(
            "import of 50,000 rows",
            "",
            figures["import_total_s"] * 1000,
            note=f"read and checked {figures['import_read_s']} s + committed"
            f" {figures['import_commit_s']} s; {figures['import_accepted']:,} accepted,"
            f" {figures['import_refused']:,} refused ({where})",
            target_ms=IMPORT_TARGET_MS,
        ),
        Result(
            f"reconciliation {ids:,} × {ids:,} IDs",
            "",
            figures["reconcile_s"] * 1000,
            note="; ".join(f"{k[6:]} {v:,}" for k, v in figures.items() if k.startswith("found_"))
            + f" ({where}; loaded in {figures.get('reconcile_load_s', '?')} s)",
            target_ms=None if ids > DEFAULT_RECONCILE_IDS else RECONCILE_TARGET_MS,
        ),
    ]


#: name -> function(bench) -> [Result]; the baselines first, as the others are compared to them.
MEASUREMENTS = {
    "baseline list": baseline_list,
    "baseline export": baseline_openpyxl,
    "case list": case_list,
    "case file": case_file,
    "dashboard": dashboard,
    "monthly report": monthly_report,
    "export": export_all_cases,
    "import": imports_and_reconciliation,
}
#: What --queries-vs compares: the pages (the export's queries are checked in the test suite).
PAGES = ["case list", "case file", "dashboard", "monthly report"]


def baselines_of(results):
    """What a result can be compared with: the baselines by name, any result as "name/who"."""
    found = {r.name: r for r in results if r.available and r.name.startswith("baseline")}
    found.update({f"{r.name}/{r.who}": r for r in results if r.available})
    return found


def ms(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def print_table(results, out=sys.stdout, compared=None, size_name="default"):
    baselines = baselines_of(results)
    header = ["measurement", "as", "median ms", "cpu ms", "queries", "× baseline", "× (cpu)"]
    header += ["peak MB", "target"]
    if compared:
        header.insert(5, f"queries ({compared})")
    header.append("note")
    rows = []
    for r in results:
        if not r.available:
            row = [r.name, r.who, "—", "—", "—", "—", "—", "—", "—", r.note]
            if compared:
                row.insert(5, "—")
            rows.append(row)
            continue
        ratio = cpu_ratio = ""
        base = baselines.get(r.baseline)
        if r.ratio(baselines):
            ratio = f"{r.ratio(baselines):.2f}"
        if base and base.cpu_ms and r.cpu_ms:
            cpu_ratio = f"{r.cpu_ms / base.cpu_ms:.2f}"
        missed = r.misses(baselines)
        judged = r.target_ms or r.peak_target_mb or r.queries_small is not None
        row = [
            r.name,
            r.who,
            ms(r.median_ms),
            "" if r.cpu_ms is None else ms(r.cpu_ms),
            "" if r.queries is None else str(r.queries),
            ratio,
            cpu_ratio,
            "" if r.peak_mb is None else f"{r.peak_mb:.0f}",
            ("MISSED: " + ", ".join(missed)) if missed else ("met" if judged else ""),
            r.note,
        ]
        if compared:
            row.insert(5, "" if r.queries_small is None else str(r.queries_small))
        rows.append(row)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header), file=out)
    print(line.format(*("-" * w for w in widths)), file=out)
    for row in rows:
        print(line.format(*row), file=out)
    print(
        f"\nTargets: case list and case file under {PAGE_TARGET_MS} ms and at most"
        f" {PAGE_RATIO_TARGET}× the baseline list; dashboards at most {DASHBOARD_RATIO_TARGET}×;"
        f" the monthly draft at most {DRAFT_QUERIES_TARGET} queries and {RATIO_TARGET}× the"
        f" case list; export under {EXPORT_TARGET_MS // 1000} s, at most"
        f" {EXPORT_RATIO_TARGET}× the baseline export, peak under {EXPORT_PEAK_MB} MB; import under"
        f" {IMPORT_TARGET_MS // 1000} s; reconciliation under {RECONCILE_TARGET_MS // 1000} s;"
        " every page's query count the same on a small data set (--queries-vs small).",
        file=out,
    )
    print(
        "A page's × baseline is the median, over its timed requests, of the request's time over"
        " that of the baseline list fetched right after it.",
        file=out,
    )
    if size_name in POSTGRES_ONLY:
        print(
            f"At size {size_name}: the case list at most {PROVINCE_PAGE_RATIO_TARGET}× the"
            f" baseline list (no time target); the export's peak under {EXPORT_PEAK_MB} MB (flat: 129–150 MB at"
            " the default size), no time target; the reconciliation timed, no target.",
            file=out,
        )


def queries_on(size):
    """{(name, who): queries} of the pages on another data set, measured in a child process."""
    env = {}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'bench-{size}.sqlite3'}"
    figures = run_child(
        [
            str(Path(__file__)),
            "--size",
            size,
            "--reuse",
            "--runs",
            "1",
            "--only",
            *PAGES,
            "--json",
            "-",
        ],
        env=env,
    )
    return {(r["name"], r["who"]): r["queries"] for r in figures["results"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (median)")
    parser.add_argument("--reuse", action="store_true", help="keep a data set of this size")
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS), help="measure these")
    parser.add_argument(
        "--queries-vs",
        choices=sorted(SIZES),
        help="compare the pages' query counts with this data set (a database of its own,"
        " var/bench-SIZE.sqlite3; with DATABASE_URL, that database is replaced by it)",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="also write the results as JSON (- : stdout)"
    )
    parser.add_argument("--export-child", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.queries_vs and os.environ.get("DATABASE_URL"):
        parser.error("--queries-vs makes a database of its own: run it without DATABASE_URL")
    setup_django()
    if args.export_child:
        return export_child(args.export_child)
    from django.db import connection

    if args.size in POSTGRES_ONLY and connection.vendor != "postgresql":
        parser.error(
            f"--size {args.size} runs on PostgreSQL only: set DATABASE_URL=postgres://… (an"
            " empty database), or run `make bench SIZE=province`, which starts one"
        )
    from bench.generate import generate

    size = SIZES[args.size]
    started = time.perf_counter()
    generate(size, reuse=args.reuse, log=(lambda *a: None) if args.json == "-" else print)
    generated = time.perf_counter() - started

    import django

    bench = Bench(args.runs, size, args.size)
    results = []
    quiet = args.json == "-"
    for key, measure in MEASUREMENTS.items():
        if args.only and key not in args.only and not key.startswith("baseline"):
            continue
        if args.only and key == "baseline export" and "export" not in args.only:
            continue
        if key == "baseline export" and args.size in POSTGRES_ONLY:
            # Holding every row in memory to write them is what the export avoids; at this
            # size it is its flat memory that is measured, against the default size's figure.
            results.append(
                Result(key, note=f"not measured at size {args.size} (every row in memory)")
            )
            continue
        if not quiet:
            print(f"  measuring {key} ({time.strftime('%H:%M:%S', time.gmtime())} UTC)", flush=True)
        results.extend(measure(bench))

    if args.json:
        data = {"size": args.size, "results": [r.__dict__ for r in results]}
        if args.json == "-":
            print(json.dumps(data, default=str))
            return
        Path(args.json).write_text(json.dumps(data, default=str, indent=1))

    if args.queries_vs:
        small = queries_on(args.queries_vs)
        for r in results:
            if r.available and r.queries is not None and (r.name, r.who) in small:
                r.queries_small = small[(r.name, r.who)]

    print(
        f"\nBenchmark, size {args.size} ({', '.join(f'{k} {v:,}' for k, v in size.items())}),"
        f" {describe_database()}, Django {django.get_version()}; generated in {generated:.0f} s;"
        f" median of {args.runs} runs; {os.cpu_count()} cores,"
        f" load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)"
        " at the end\n"
    )
    print_table(results, compared=args.queries_vs, size_name=args.size)


if __name__ == "__main__":
    main()
