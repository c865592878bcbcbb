"""Benchmark of 数据比对: import a messy 50,000-row roll, reconcile 100,000 × 100,000 IDs.

    .venv/bin/python bench/imports.py [--rows 50000] [--ids 100000] [--database-url URL]

Works on a fresh SQLite database in a temporary folder (never ``db.sqlite3``), or on the empty
database given by --database-url (bench/run.py gives a new PostgreSQL database beside the
benchmark's), and prints the figures. ``run(rows, ids)`` returns them as a dict for a benchmark that collects figures.
The targets of issue 7: import under 60 s, reconciliation under 10 s, on two cores.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
HEADER = [
    "序号",
    "学生姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "全国学籍号",
    "年级",
    "班级",
    "联系电话",
]


def setup_django(folder, database_url=None):
    """Django on a new SQLite database inside ``folder`` (or on ``database_url``, empty), migrated."""
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = str(Path(folder) / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def id_number(i, region="640202"):
    """The i-th valid ID number of a region: 1,000 per day of birth from 2008 on."""
    from casework.idnumbers import check_digit

    born = datetime.date(2008, 1, 1) + datetime.timedelta(days=i // 1000)
    first17 = f"{region}{born:%Y%m%d}{i % 1000:03d}"
    return first17 + check_digit(first17), born


def messy_roll(path, rows, seed=7):
    """A roll of ``rows`` data rows with every kind of mess the offices send, about 1% refused."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import to_excel

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["大武口区某校学籍花名册（基准测试）"])
    sheet.append(["填报单位：某校", None, None, None, None, None, "填报日期：2020年9月"])
    sheet.append(HEADER)
    previous = None
    for n in range(1, rows + 1):
        if previous and rng.random() < 0.005:
            sheet.append(previous)  # a row typed twice
            continue
        number, born = id_number(n)
        style = n % 5
        birth = [
            born.isoformat(),
            f"{born.year}年{born.month}月{born.day}日",
            f"{born:%Y.%m.%d}",
            int(f"{born:%Y%m%d}"),
            int(to_excel(datetime.datetime.combine(born, datetime.time()))),
        ][style]
        if n % 7 == 0:
            number = number.translate(FULL_WIDTH)
        elif n % 11 == 0:
            number = f"{number[:6]} {number[6:14]} {number[14:]}"
        number = number.lower()
        if rng.random() < 0.004:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # wrong check digit
        if rng.random() < 0.002:
            number = number[:6] + number[8:17]  # the old 15-digit form
        row = [
            n,
            f"学生{n}" if rng.random() > 0.002 else None,
            "男" if int(id_number(n)[0][16]) % 2 else "女",
            number,
            birth,
            f"G{n:010d}",
            f"{(n % 6) + 1}年级",
            f"{(n % 8) + 1}班",
            13900000000 + n,
        ]
        sheet.append(row)
        previous = row
    workbook.save(path)


def time_import(rows, folder):
    """Seconds to read and check the file, and to commit it; with the counts."""
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from casework.models import ImportBatch, School
    from casework.reconciliation.checking import file_sha256, read_batch
    from casework.reconciliation.committing import commit_batch

    path = Path(folder) / "roll.xlsx"
    started = time.perf_counter()
    messy_roll(path, rows)
    written = time.perf_counter() - started

    school = School.unscoped.create(name="基准测试学校", kind="primary", area="urban")
    user = get_user_model().objects.create_superuser("bench", password="bench-pass-123")
    with path.open("rb") as f:
        batch = ImportBatch(
            kind="roll",
            school=school,
            uploaded_by=user,
            original_name=path.name,
            sha256=file_sha256(f),
        )
        batch.file.save(path.name, File(f), save=False)
        batch.save()

    started = time.perf_counter()
    batch = read_batch(batch)
    read = time.perf_counter() - started
    started = time.perf_counter()
    batch = commit_batch(batch, user)
    committed = time.perf_counter() - started
    return {
        "import_rows": batch.total_rows,
        "import_accepted": batch.accepted_rows,
        "import_refused": batch.refused_rows,
        "import_file_mb": round(path.stat().st_size / 1e6, 1),
        "import_write_file_s": round(written, 1),
        "import_read_s": round(read, 1),
        "import_commit_s": round(committed, 1),
        "import_total_s": round(read + committed, 1),
        "status": batch.status,
    }


def time_reconcile(ids):
    """Seconds to reconcile ``ids`` enrolled children against lists of ``ids`` children."""
    from django.contrib.auth import get_user_model

    from casework.models import (
        AgencyListEntry,
        Case,
        ChecklistCategory,
        ChecklistItem,
        ImportBatch,
        School,
        Student,
        SupportRecord,
    )
    from casework.reconciliation.reconcile import reconcile

    user = get_user_model().objects.get(username="bench")
    schools = [
        School.unscoped.create(name=f"比对学校{i}", kind="primary", area="rural", township=f"乡{i}")
        for i in range(20)
    ]
    region = "640205"
    loading = time.perf_counter()
    insert(
        Student,
        (
            {
                "school_id": schools[i % 20].pk,
                "name": f"比对{i}",
                "gender": "M",
                "birth_date": id_number(i, region)[1],
                "id_number": id_number(i, region)[0],
            }
            for i in range(ids)
        ),
    )
    batch = ImportBatch.unscoped.create(
        kind="poverty", file="bench.xlsx", original_name="bench.xlsx", uploaded_by=user
    )

    # Half the list is enrolled; the other half (a school-age population list) is not.
    def entries():
        for i in range(ids):
            n = i * 2 if i < ids // 2 else ids + i
            kind = "poverty" if i < ids // 2 else "population"
            yield {
                "kind": kind,
                "id_number": id_number(n, region)[0],
                "name": f"名单{i}",
                "township": f"乡{i % 20}",
                "poverty_exit_year": 2017 if kind == "poverty" and i % 4 == 0 else None,
                "batch_id": batch.pk,
            }

    insert(AgencyListEntry, entries())
    category = ChecklistCategory.objects.create(
        number=2, name="查漏补缺", heading="查漏补缺", description=""
    )
    item = ChecklistItem.objects.create(
        number=2,
        category=category,
        title="资助",
        content="",
        scope="children",
        deadline=datetime.date(2020, 6, 30),
        deadline_text="2020年6月底",
        leader="",
        offices="",
        units="",
    )
    student_ids = list(
        Student.unscoped.filter(school__in=schools).order_by("pk").values_list("pk", flat=True)
    )
    insert(
        Case,
        (
            {
                "student_id": pk,
                "concern": "aid_missed",
                "checklist_item_id": item.pk,
                "summary": "基准",
            }
            for pk in student_ids[::3]
        ),
    )
    insert(
        SupportRecord,
        (
            {"case_id": pk, "kind": "grant", "amount": 500, "given_by": "学校"}
            for pk in Case.unscoped.order_by("pk").values_list("pk", flat=True)
        ),
    )

    loaded = time.perf_counter() - loading
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would do after such a load

    started = time.perf_counter()
    report = reconcile(user)
    elapsed = time.perf_counter() - started
    return {
        "reconcile_load_s": round(loaded, 1),
        "reconcile_students": ids,
        "reconcile_list_entries": ids,
        "reconcile_s": round(elapsed, 2),
        **{f"found_{kind}": count for kind, count in report.counts().items()},
    }


def insert(model, rows):
    """Insert rows (dicts of attnames): bulk_create on the unscoped manager, or on PostgreSQL
    COPY (bench.generate.copy_rows), which loads a million in seconds rather than minutes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        manager = getattr(model, "unscoped", model._default_manager)
        manager.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    from bench.generate import copy_rows

    first = next(rows, None)
    if first is None:
        return
    columns = list(first)

    def tuples():
        yield tuple(first.values())
        for row in rows:
            yield tuple(row.values())

    copy_rows(model, columns, tuples())


def run(rows=50_000, ids=100_000, database_url=None):
    """Both benchmarks on a fresh database; returns the figures."""
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder, database_url)
        figures = time_import(rows, folder)
        figures.update(time_reconcile(ids))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--database-url", help="an empty database to use instead of SQLite")
    args = parser.parse_args()
    figures = run(args.rows, args.ids, args.database_url)
    if args.json:
        import json

        print(json.dumps(figures))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
