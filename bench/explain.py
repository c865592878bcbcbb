"""EXPLAIN (ANALYZE, BUFFERS) of the case list's queries on PostgreSQL, for docs/benchmark.md.

    DATABASE_URL=postgres://… python bench/explain.py [--size province] [--all]

On a data set bench/generate.py made (it keeps it: --reuse): fetches the case list (first page,
filtered, searched) as the teacher and as the office, as bench/run.py does, captures the queries
that read cases or children (the search) and prints each with its plan. --all prints every query's plan, not only the
ones over the case, student and baseline tables (the session, the user, the filters' choices).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SIZES, setup_django  # noqa: E402


def list_queries(bench):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.run import BASELINE_LIST, CASE_LIST

    search = bench.case_file.student.name
    pages = [("baseline list", "superuser", BASELINE_LIST, "")]
    pages += [
        (name, who, CASE_LIST, query)
        for name, query in (
            ("case list, first page", ""),
            ("case list, filtered", "status=open&concern=dropout_risk"),
            ("case list, searched", f"q={search}"),
        )
        for who in ("teacher", "office")
    ]
    for name, who, url_name, query in pages:
        url = bench.url(url_name, query=query)
        client = bench.clients[who]
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        yield name, who, url, [q["sql"] for q in queries.captured_queries]


def shorten(sql):
    """The query with its list of selected columns left out (…), when it is long."""
    head, sep, rest = sql.partition(" FROM ")
    if sep and len(head) > 120 and head.startswith("SELECT "):
        return f"SELECT … FROM {rest}"
    return sql


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="province")
    parser.add_argument("--all", action="store_true", help="every query, not only the cases'")
    parser.add_argument("--full-sql", action="store_true", help="the selected columns too")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        parser.error("EXPLAIN (ANALYZE, BUFFERS) is PostgreSQL's: set DATABASE_URL=postgres://…")
    from bench.generate import generate
    from bench.run import Bench

    generate(SIZES[args.size], reuse=True)
    bench = Bench(1, SIZES[args.size], args.size)
    for name, who, url, sqls in list_queries(bench):
        print(f"\n## {name} — {who} — {url} ({len(sqls)} queries)")
        for sql in sqls:
            if not args.all and not any(
                f'FROM "{table}"' in sql
                for table in ("casework_case", "casework_student", "bench_baseline_row")
            ):
                continue
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(r[0] for r in cursor.fetchall())
            print(f"\n```sql\n{sql if args.full_sql else shorten(sql)}\n```\n\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
