"""Generate the data set, then measure what issue 8 names and print the table.

    python bench/run.py [--size default|small] [--runs 5] [--reuse] [--only NAME ...]

Pages are fetched in-process with Django's test client, logged in as a teacher (bench_teacher,
school 1) and as bureau office staff (bench_office): median wall time of --runs requests after
one warm-up, and the queries of one request. Two baselines on the same data set: Wagtail's own
snippet list view over a trivial model with as many rows as there are cases (bench.baseline), and
openpyxl in write-only mode writing the cells of an export of every case. A measurement whose
view does not exist yet prints "not available".

To measure something new, write a function taking the Bench and returning a list of Result, and
add it to MEASUREMENTS.
"""

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CASE_FILE_VISITS, SIZES, describe_database, setup_django  # noqa: E402

PAGE_TARGET_MS = 150
RATIO_TARGET = 1.5
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

    @property
    def available(self):
        return self.median_ms is not None


class NotAvailable(Exception):
    pass


class Bench:
    """Logged-in clients, the data set's landmarks, and the ways to time things."""

    def __init__(self, runs, size):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from casework.models import Case

        self.runs = runs
        self.size = size
        users = get_user_model().objects.in_bulk(
            ["bench_teacher", "bench_office", "bench_admin"], field_name="username"
        )
        self.clients = {}
        for who, username in (
            ("teacher", "bench_teacher"),
            ("office", "bench_office"),
            ("superuser", "bench_admin"),
        ):
            client = Client()
            client.force_login(users[username])
            self.clients[who] = client
        # The case with 50 visits, at bench_teacher's school (see generate.py).
        self.case_file = Case.unscoped.select_related("student").order_by("pk").first()

    def url(self, name, *args, query=""):
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(name, args=args) + (f"?{query}" if query else "")
        except NoReverseMatch:
            raise NotAvailable(f"no URL named {name}") from None

    def time_request(self, who, url, expect_type=None):
        """(median ms, queries, response) of GET url as who."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.clients[who]

        def fetch():
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
        times = []
        for _ in range(self.runs):
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times), count, response

    def page(self, name, who, url_name, *args, query="", baseline="baseline list", note=""):
        try:
            url = self.url(url_name, *args, query=query)
            median, queries, _ = self.time_request(who, url)
        except NotAvailable as exc:
            return Result(name, who, note=f"not available ({exc})")
        return Result(
            name,
            who,
            median,
            queries,
            note=note or (f"?{query}" if query else ""),
            baseline=baseline,
            target_ms=PAGE_TARGET_MS,
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
    return [
        bench.page(
            "baseline list",
            "superuser",
            BASELINE_LIST,
            baseline="",
            note=f"Wagtail snippet list, {bench.size['cases']:,} trivial rows",
        )
    ]


def case_list(bench):
    search = bench.case_file.student.name
    queries = {
        "case list, first page": "",
        "case list, filtered": "status=open&concern=dropout_risk",
        "case list, searched": f"q={search}",
    }
    return [
        bench.page(name, who, CASE_LIST, query=query)
        for name, query in queries.items()
        for who in ("teacher", "office")
    ]


def case_file(bench):
    visits = bench.case_file.visits.count()
    assert visits == CASE_FILE_VISITS, visits
    return [
        bench.page(f"case file ({visits} visits)", who, CASE_FILE, bench.case_file.pk, note="")
        for who in ("teacher", "office")
    ]


def dashboard(bench):
    return [bench.page("dashboard", who, "wagtailadmin_home") for who in ("teacher", "office")]


def monthly_report(bench):
    # Hook: the monthly checklist report's draft view, once it exists.
    return [bench.page("monthly report draft", "office", "casework_monthly_report:draft")]


def export_cells(bench):
    """The cells of an export of every case: what the openpyxl baseline writes."""
    from casework.models import Case

    columns = [
        "pk",
        "student__school__name",
        "student__name",
        "student__id_number",
        "concern",
        "checklist_item__number",
        "risk",
        "status",
        "teacher__last_name",
        "opened_on",
        "next_visit_due",
        "closed_on",
        "summary",
    ]
    return columns, list(Case.unscoped.order_by("pk").values_list(*columns))


def baseline_openpyxl(bench):
    from openpyxl import Workbook

    columns, rows = export_cells(bench)

    def write():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(columns)
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
            note=f"openpyxl write-only, {len(rows):,} rows × {len(columns)} cells",
            peak_mb=peak_memory_mb(write),
        )
    ]


def export_all_cases(bench):
    # Hook: Wagtail's list export (list_export on the case view set) answers ?export=xlsx.
    # A background export with a download link needs its own function here.
    try:
        url = bench.url(CASE_LIST, query="export=xlsx")
        median, queries, _ = bench.time_request("office", url, expect_type=XLSX)
    except NotAvailable as exc:
        return [Result("export of all cases", "office", note=f"not available ({exc})")]
    peak = peak_memory_mb(lambda: bench.time_request("office", url, expect_type=XLSX))
    return [
        Result(
            "export of all cases",
            "office",
            median,
            queries,
            baseline="baseline export",
            target_ms=30_000,
            peak_mb=peak,
        )
    ]


def not_yet(name):
    def measure(bench):
        return [Result(name, note="not available (feature not built yet)")]

    return measure


#: name -> function(bench) -> [Result]; the baselines first, as the others are compared to them.
MEASUREMENTS = {
    "baseline list": baseline_list,
    "baseline export": baseline_openpyxl,
    "case list": case_list,
    "case file": case_file,
    "dashboard": dashboard,
    "monthly report": monthly_report,
    "export": export_all_cases,
    "import": not_yet("import of 50,000 rows"),
    "reconciliation": not_yet("reconciliation 100,000 × 100,000 IDs"),
}


def print_table(results, out=sys.stdout):
    by_name = {r.name: r for r in results if r.available and r.name.startswith("baseline")}
    header = ("measurement", "as", "median ms", "queries", "× baseline", "peak MB", "note")
    rows = []
    for r in results:
        if not r.available:
            rows.append((r.name, r.who, "—", "—", "—", "—", r.note))
            continue
        ratio = ""
        base = by_name.get(r.baseline)
        if base and base.median_ms:
            ratio = f"{r.median_ms / base.median_ms:.2f}"
            if r.target_ms and (r.median_ms > r.target_ms or float(ratio) > RATIO_TARGET):
                ratio += " !"
        rows.append(
            (
                r.name,
                r.who,
                f"{r.median_ms:,.0f}" if r.median_ms >= 100 else f"{r.median_ms:.1f}",
                "" if r.queries is None else str(r.queries),
                ratio,
                "" if r.peak_mb is None else f"{r.peak_mb:.0f}",
                r.note,
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header), file=out)
    print(line.format(*("-" * w for w in widths)), file=out)
    for row in rows:
        print(line.format(*row), file=out)
    print(
        f"\nTargets: pages under {PAGE_TARGET_MS} ms and at most {RATIO_TARGET}× the baseline list;"
        " export under 30 s and at most 1.5× the baseline export; '!' marks a miss.",
        file=out,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (median)")
    parser.add_argument("--reuse", action="store_true", help="keep a data set of this size")
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS), help="measure these")
    args = parser.parse_args(argv)

    setup_django()
    from bench.generate import generate

    size = SIZES[args.size]
    started = time.perf_counter()
    generate(size, reuse=args.reuse)
    generated = time.perf_counter() - started

    import django

    bench = Bench(args.runs, size)
    results = []
    for key, measure in MEASUREMENTS.items():
        if args.only and key not in args.only and not key.startswith("baseline"):
            continue
        results.extend(measure(bench))

    print(
        f"\nBenchmark, size {args.size} ({', '.join(f'{k} {v:,}' for k, v in size.items())}),"
        f" {describe_database()}, Django {django.get_version()}; generated in {generated:.0f} s;"
        f" median of {args.runs} runs\n"
    )
    print_table(results)


if __name__ == "__main__":
    main()
