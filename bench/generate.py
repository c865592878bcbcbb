"""Bulk-insert the benchmark data set: schools, staff, students, cases, visits, support records.

    python bench/generate.py [--size default|small] [--students N ...]

Into DATABASE_URL if set, else a fresh SQLite file var/bench.sqlite3 (never db.sqlite3). On a
database given by DATABASE_URL it refuses to run if it holds students it did not make, and
replaces the data set it made before. On SQLite everything is made with bulk_create on the
unscoped managers, so neither the scoping rule nor signals run, and it is deterministic (seeded).
On PostgreSQL the schools and staff are made so too, and the big tables (students, cases, visits,
support records, the baseline's rows) are written with COPY from rows built as tuples in
generators (``CopyGenerator``): the same values in the same order as bulk_create would write, a
million cases in minutes; then ``VACUUM ANALYZE``.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CASE_FILE_VISITS, ROOT, SIZES, describe_database, setup_django  # noqa: E402

SCHOOL_PREFIX = "基准测试"
USER_PREFIX = "bench_"
BATCH = 5_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
GIVEN = "小明红华丽强伟芳娜敏静秀英杰军勇磊洋艳勇霞平刚桂兰玉萍建国子涵梓轩欣怡浩然宇航思雨佳琪一诺雨泽文博晨曦俊杰"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    for key in SIZES["default"]:
        parser.add_argument(f"--{key}", type=int, help=f"override the preset's {key}")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data set if the database already holds one of this size",
    )
    args = parser.parse_args(argv)
    size = dict(SIZES[args.size])
    size.update({k: getattr(args, k) for k in size if getattr(args, k) is not None})
    return args, size


class Generator:
    def __init__(self, size, log=print):
        self.size = size
        self.log = log
        self.rng = random.Random(8)
        self.today = datetime.date.today()

    # -- the database ------------------------------------------------------------------------

    def prepare_database(self):
        """A fresh SQLite file, or DATABASE_URL migrated and emptied of an earlier data set."""
        from django.core.management import call_command
        from django.db import connection

        if not os.environ.get("DATABASE_URL"):
            path = Path(connection.settings_dict["NAME"])
            assert path.parent == ROOT / "var", path  # never the developer's db.sqlite3
            connection.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_seed", verbosity=0, stdout=io.StringIO())
        self.refuse_foreign_data()
        self.clear()

    def refuse_foreign_data(self):
        from casework.models import Student

        foreign = Student.unscoped.exclude(school__name__startswith=SCHOOL_PREFIX)
        if foreign.exists():
            raise SystemExit(
                f"{describe_database()} holds {foreign.count()} students the benchmark did not "
                "make; give it an empty database (unset DATABASE_URL for var/bench.sqlite3)."
            )

    def clear(self):
        from django.contrib.auth import get_user_model

        from bench.baseline.models import Row
        from casework.models import (
            AccessLog,
            Case,
            CaseStatusChange,
            CaseworkLogEntry,
            HomeVisit,
            Profile,
            School,
            Student,
            SupportRecord,
        )

        for queryset in (
            SupportRecord.unscoped.all(),
            HomeVisit.unscoped.all(),
            CaseStatusChange.unscoped.all(),
            AccessLog.objects.all(),
            CaseworkLogEntry.objects.all(),
            Case.unscoped.all(),
            Student.unscoped.all(),
            Profile.objects.filter(user__username__startswith=USER_PREFIX),
            get_user_model().objects.filter(username__startswith=USER_PREFIX),
            School.unscoped.filter(name__startswith=SCHOOL_PREFIX),
            Row.objects.all(),
        ):
            if queryset.model is get_user_model():
                # What refers to the staff (group memberships, Wagtail's user profiles, …)
                # goes with them: a raw delete leaves it, and PostgreSQL refuses.
                queryset.delete()
            else:
                queryset._raw_delete(queryset.db)

    def existing_size(self):
        from casework.models import Case, HomeVisit, School, Student, SupportRecord

        try:
            return {
                "schools": School.unscoped.filter(name__startswith=SCHOOL_PREFIX).count(),
                "students": Student.unscoped.count(),
                "cases": Case.unscoped.count(),
                "visits": HomeVisit.unscoped.count(),
                "support": SupportRecord.unscoped.count(),
            }
        except Exception:  # no tables yet
            return None

    # -- the data ----------------------------------------------------------------------------

    def bulk(self, model, objects):
        started = time.perf_counter()
        manager = getattr(model, "unscoped", model._default_manager)
        made = manager.bulk_create(objects, batch_size=BATCH)
        elapsed = time.perf_counter() - started
        self.log(f"  {model.__name__:<14} {len(made):>9,} in {elapsed:6.1f} s")
        return made

    def name(self):
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choices(GIVEN, k=self.rng.randint(1, 2))
        )

    def day_within(self, days_back):
        return self.today - datetime.timedelta(days=self.rng.randint(0, days_back))

    def run(self):
        from django.db import connection, transaction

        started = time.perf_counter()
        self.log(f"Generating into {describe_database()}: {self.size}")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")
        with transaction.atomic():
            schools = self.make_schools()
            teachers = self.make_staff(schools)
            students = self.make_students(schools)
            cases = self.make_cases(students, teachers)
            self.make_visits(cases)
            self.make_support(cases)
            self.make_baseline_rows()
        analyze()
        self.index_for_search()
        self.log(f"Generated in {time.perf_counter() - started:.1f} s")

    def make_schools(self):
        from casework.models import School

        kinds = [School.Kind.PRIMARY, School.Kind.JUNIOR, School.Kind.NINE_YEAR]
        return self.bulk(
            School,
            [
                School(
                    name=f"{SCHOOL_PREFIX}第{i:03d}学校",
                    kind=kinds[i % len(kinds)],
                    area=School.Area.RURAL if i % 2 else School.Area.URBAN,
                    township=f"第{i % 12 + 1}镇",
                )
                for i in range(1, self.size["schools"] + 1)
            ],
        )

    def make_staff(self, schools):
        """One teacher per school (bench_teacher at the first), office staff and a superuser."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from casework.access.roles import Role, group_for
        from casework.models import Office, Profile

        User = get_user_model()
        password = make_password(bench_password())
        usernames = [f"{USER_PREFIX}teacher"] + [
            f"{USER_PREFIX}teacher{i:03d}" for i in range(2, len(schools) + 1)
        ]
        users = [User(username=u, password=password, last_name=self.name()) for u in usernames]
        users += [
            User(username=f"{USER_PREFIX}office", password=password, last_name="科员"),
            User(username=f"{USER_PREFIX}manager", password=password, last_name="校长"),
            User(username=f"{USER_PREFIX}leader", password=password, last_name="万东旺"),
            User(
                username=f"{USER_PREFIX}admin",
                password=password,
                is_superuser=True,
                is_staff=True,
            ),
        ]
        users = self.bulk(User, users)
        users = list(User.objects.filter(username__startswith=USER_PREFIX).order_by("id"))
        by_name = {u.username: u for u in users}
        teachers = [by_name[u] for u in usernames]
        groups = {role: group_for(role) for role in Role}
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=t.id, group_id=groups[Role.TEACHER].id) for t in teachers]
            + [
                Membership(user_id=by_name[f"{USER_PREFIX}{role}"].id, group_id=groups[role].id)
                for role in (Role.OFFICE, Role.MANAGER, Role.LEADER)
            ]
        )
        Profile.objects.bulk_create(
            [Profile(user=t, school=s) for t, s in zip(teachers, schools, strict=True)]
            + [
                Profile(
                    user=by_name["bench_office"],
                    office=Office.objects.get_or_create(name="基础教育室")[0],
                ),
                # The first school's manager, and the leader of items 1, 3 and 4 in the seed.
                Profile(user=by_name["bench_manager"], school=schools[0]),
                Profile(user=by_name["bench_leader"], leader_name="万东旺"),
            ]
        )
        return teachers

    def make_students(self, schools):
        from casework.idnumbers import check_digit
        from casework.models import Student

        born_from = datetime.date(2008, 1, 1)
        students = []
        for i in range(self.size["students"]):
            born = born_from + datetime.timedelta(days=i % 4000)
            first17 = f"640202{born:%Y%m%d}{i // 4000:03d}"
            left_behind = i % 7 == 0
            disabled = i % 29 == 0
            students.append(
                Student(
                    name=self.name(),
                    gender=Student.Gender.MALE if i % 2 else Student.Gender.FEMALE,
                    birth_date=born,
                    id_number=first17 + check_digit(first17),
                    student_number=f"G{first17}",
                    school=schools[i % len(schools)],
                    grade=f"{i % 9 + 1}年级",
                    class_name=f"{i % 6 + 1}班",
                    guardian_name=self.name(),
                    guardian_relation="祖父母" if left_behind else "父母",
                    phone=f"139{i:08d}",
                    hukou_township=f"第{i % 12 + 1}镇",
                    hukou_village=f"第{i % 40 + 1}村",
                    address=f"第{i % 12 + 1}镇第{i % 40 + 1}村{i % 300 + 1}号",
                    is_registered_poor=i % 5 == 0,
                    is_dibao=i % 11 == 0,
                    is_left_behind=left_behind,
                    lives_with=Student.LivesWith.GRANDPARENTS if left_behind else "",
                    is_disabled=disabled,
                    disability_category=Student.DisabilityCategory.PHYSICAL if disabled else "",
                )
            )
        return self.bulk(Student, students)

    def make_cases(self, students, teachers):
        from casework.choices import CONCERN_CHECKLIST_ITEM, Concern, RiskLevel
        from casework.models import Case, ChecklistItem

        items = {i.number: i for i in ChecklistItem.objects.all()}
        concerns = list(CONCERN_CHECKLIST_ITEM)
        risks = list(RiskLevel)
        n_schools = len(teachers)
        # Spread the cases over the schools (students are dealt round-robin to them).
        step = len(students) / self.size["cases"]
        cases = []
        for k in range(self.size["cases"]):
            student = students[int(k * step)]
            concern = concerns[k % len(concerns)]
            closed = k % 4 == 0
            opened = self.day_within(6 * 365)
            cases.append(
                Case(
                    student=student,
                    concern=concern,
                    checklist_item=items[CONCERN_CHECKLIST_ITEM[concern]],
                    risk=risks[k % len(risks)],
                    status=Case.Status.CLOSED
                    if closed
                    else (Case.Status.FOLLOWING if k % 4 == 1 else Case.Status.OPEN),
                    teacher=teachers[int(k * step) % n_schools],
                    opened_on=opened,
                    summary=f"{Concern(concern).label}：需要持续跟踪，第{k}号个案。",
                    next_visit_due=None if closed else self.day_within(60) + datetime.timedelta(30),
                    closed_on=opened if closed else None,
                    close_reason="已返校并稳定就读" if closed else "",
                    close_verification="班主任核实出勤" if closed else "",
                )
            )
        return self.bulk(Case, cases)

    def make_visits(self, cases):
        from casework.choices import ChildState
        from casework.models import HomeVisit

        states = list(ChildState)
        # The first case (school 1, bench_teacher's) is the case file measured: 50 visits.
        targets = [cases[0]] * CASE_FILE_VISITS
        targets += [
            cases[1 + j % (len(cases) - 1)] for j in range(self.size["visits"] - len(targets))
        ]
        self.bulk(
            HomeVisit,
            [
                HomeVisit(
                    case=case,
                    visited_on=self.day_within(700),
                    visitors="帮扶教师、班主任",
                    mode=HomeVisit.Mode.HOME if j % 3 else HomeVisit.Mode.PHONE,
                    child_state=states[j % len(states)],
                    findings="孩子在家情况稳定，监护人配合。",
                    actions="下次家访核实出勤。",
                )
                for j, case in enumerate(targets)
            ],
        )

    def make_support(self, cases):
        from casework.models import SupportRecord

        kinds = list(SupportRecord.Kind)
        self.bulk(
            SupportRecord,
            [
                SupportRecord(
                    case=cases[j % len(cases)],
                    kind=kinds[j % len(kinds)],
                    amount=500 if kinds[j % len(kinds)] in SupportRecord.MONEY_KINDS else None,
                    given_on=self.day_within(700),
                    funding_source="区财政",
                    given_by="学校",
                )
                for j in range(self.size["support"])
            ],
        )

    def make_baseline_rows(self):
        """As many trivial snippets as cases, for Wagtail's own list view as the baseline."""
        from bench.baseline.models import Row

        self.bulk(
            Row,
            [
                Row(name=self.name(), number=f"{k:018d}", opened_on=self.day_within(6 * 365))
                for k in range(self.size["cases"])
            ],
        )

    def index_for_search(self):
        """Fill Wagtail's search index for the casework models that are indexed, if any."""
        from wagtail.search.backends import get_search_backend
        from wagtail.search.index import Indexed

        from casework.models import Case, Student

        backend = get_search_backend()
        for model in (Student, Case):
            if not issubclass(model, Indexed):
                continue
            started = time.perf_counter()
            queryset = model.unscoped.order_by("pk")
            for offset in range(0, queryset.count(), BATCH):
                backend.add_bulk(model, list(queryset[offset : offset + BATCH]))
            self.log(f"  search index {model.__name__} in {time.perf_counter() - started:.1f} s")


class CopyGenerator(Generator):
    """The same data set, its big tables written with PostgreSQL's COPY (psycopg 3).

    Each make_* draws from the seeded random generator in the same order as Generator's, so the
    two paths write the same rows; the rows are tuples, never model instances, and the ids come
    back from the database in insertion order (one COPY assigns its serial ids in row order).
    """

    def copy(self, model, columns, rows):
        started = time.perf_counter()
        ids = copy_rows(model, columns, rows)
        elapsed = time.perf_counter() - started
        self.log(f"  {model.__name__:<14} {len(ids):>9,} in {elapsed:6.1f} s (COPY)")
        return ids

    def make_staff(self, schools):
        return [teacher.id for teacher in super().make_staff(schools)]

    def make_students(self, schools):
        from casework.idnumbers import check_digit
        from casework.models import Student

        born_from = datetime.date(2008, 1, 1)
        school_ids = [school.id for school in schools]
        male, female = str(Student.Gender.MALE), str(Student.Gender.FEMALE)
        grandparents = str(Student.LivesWith.GRANDPARENTS)
        physical = str(Student.DisabilityCategory.PHYSICAL)
        columns = (
            "name gender birth_date id_number student_number school_id grade class_name"
            " guardian_name guardian_relation phone hukou_township hukou_village address"
            " is_registered_poor is_dibao is_left_behind lives_with is_disabled"
            " disability_category"
        ).split()

        def rows():
            for i in range(self.size["students"]):
                born = born_from + datetime.timedelta(days=i % 4000)
                first17 = f"640202{born:%Y%m%d}{i // 4000:03d}"
                left_behind = i % 7 == 0
                disabled = i % 29 == 0
                yield (
                    self.name(),
                    male if i % 2 else female,
                    born,
                    first17 + check_digit(first17),
                    f"G{first17}",
                    school_ids[i % len(school_ids)],
                    f"{i % 9 + 1}年级",
                    f"{i % 6 + 1}班",
                    self.name(),
                    "祖父母" if left_behind else "父母",
                    f"139{i:08d}",
                    f"第{i % 12 + 1}镇",
                    f"第{i % 40 + 1}村",
                    f"第{i % 12 + 1}镇第{i % 40 + 1}村{i % 300 + 1}号",
                    i % 5 == 0,
                    i % 11 == 0,
                    left_behind,
                    grandparents if left_behind else "",
                    disabled,
                    physical if disabled else "",
                )

        return self.copy(Student, columns, rows())

    def make_cases(self, students, teachers):
        from casework.choices import CONCERN_CHECKLIST_ITEM, Concern, RiskLevel
        from casework.models import Case, ChecklistItem

        items = {i.number: i.id for i in ChecklistItem.objects.all()}
        concerns = [str(c) for c in CONCERN_CHECKLIST_ITEM]
        labels = {c: str(Concern(c).label) for c in concerns}
        risks = [str(r) for r in RiskLevel]
        closed_, following, open_ = (
            str(Case.Status.CLOSED),
            str(Case.Status.FOLLOWING),
            str(Case.Status.OPEN),
        )
        n_schools = len(teachers)
        step = len(students) / self.size["cases"]
        columns = (
            "student_id concern checklist_item_id risk status teacher_id opened_on summary"
            " next_visit_due closed_on close_reason close_verification"
        ).split()

        def rows():
            for k in range(self.size["cases"]):
                concern = concerns[k % len(concerns)]
                closed = k % 4 == 0
                opened = self.day_within(6 * 365)
                yield (
                    students[int(k * step)],
                    concern,
                    items[CONCERN_CHECKLIST_ITEM[concern]],
                    risks[k % len(risks)],
                    closed_ if closed else (following if k % 4 == 1 else open_),
                    teachers[int(k * step) % n_schools],
                    opened,
                    f"{labels[concern]}：需要持续跟踪，第{k}号个案。",
                    None if closed else self.day_within(60) + datetime.timedelta(30),
                    opened if closed else None,
                    "已返校并稳定就读" if closed else "",
                    "班主任核实出勤" if closed else "",
                )

        return self.copy(Case, columns, rows())

    def make_visits(self, cases):
        from casework.choices import ChildState
        from casework.models import HomeVisit

        states = [str(s) for s in ChildState]
        home, phone = str(HomeVisit.Mode.HOME), str(HomeVisit.Mode.PHONE)
        others = len(cases) - 1
        columns = "case_id visited_on visitors mode child_state findings actions".split()

        def rows():
            for j in range(self.size["visits"]):
                # The first case is the case file measured: 50 visits (as Generator's).
                case = (
                    cases[0] if j < CASE_FILE_VISITS else cases[1 + (j - CASE_FILE_VISITS) % others]
                )
                yield (
                    case,
                    self.day_within(700),
                    "帮扶教师、班主任",
                    home if j % 3 else phone,
                    states[j % len(states)],
                    "孩子在家情况稳定，监护人配合。",
                    "下次家访核实出勤。",
                )

        self.copy(HomeVisit, columns, rows())

    def make_support(self, cases):
        from casework.models import SupportRecord

        kinds = list(SupportRecord.Kind)
        money = [kind in SupportRecord.MONEY_KINDS for kind in kinds]
        kinds = [str(kind) for kind in kinds]
        columns = "case_id kind amount given_on funding_source given_by".split()

        def rows():
            for j in range(self.size["support"]):
                k = j % len(kinds)
                yield (
                    cases[j % len(cases)],
                    kinds[k],
                    500 if money[k] else None,
                    self.day_within(700),
                    "区财政",
                    "学校",
                )

        self.copy(SupportRecord, columns, rows())

    def make_baseline_rows(self):
        from bench.baseline.models import Row

        def rows():
            for k in range(self.size["cases"]):
                yield (self.name(), f"{k:018d}", self.day_within(6 * 365))

        self.copy(Row, ["name", "number", "opened_on"], rows())


def copy_rows(model, columns, rows):
    """COPY rows (tuples of the attnames ``columns``) into model's table on PostgreSQL; every
    other column gets what a fresh instance holds (its default, "" or None; now for auto_now).
    Returns the table's ids in order: those of the rows, if it was empty (one COPY assigns its
    serial ids in row order)."""
    from django.db import connection
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    blank = model()
    now = timezone.now()
    template = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else getattr(blank, f.attname)
        for f in fields
    ]
    position = {f.attname: i for i, f in enumerate(fields)}
    at = [position[c] for c in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = template.copy()
                for i, value in zip(at, row, strict=True):
                    values[i] = value
                copy.write_row(values)
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608
        return [r[0] for r in cursor.fetchall()]


def analyze():
    """Table statistics for the query planner: what autovacuum would soon do on PostgreSQL, and
    ``PRAGMA optimize`` on SQLite. Without them SQLite walks a teacher's filtered case list
    through the concern index (36 ms) instead of through their school's students (2 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        # On PostgreSQL also the visibility map, as autovacuum would set it after the COPY
        # (index-only scans need it), and now rather than in the middle of the measurements.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def bench_password():
    return os.environ.get("BENCH_PASSWORD", "bench-pass-123")


def generate(size, reuse=False, log=print):
    """Make the data set of the given size (or keep it, with reuse); return the generator."""
    from django.db import connection

    generator = (CopyGenerator if connection.vendor == "postgresql" else Generator)(size, log=log)
    if reuse and generator.existing_size() == size:
        from django.core.management import call_command

        # Newer migrations (tables, indexes) apply to the data set as they would in production.
        call_command("migrate", verbosity=0, interactive=False)
        analyze()
        log(f"Reusing the data set in {describe_database()}")
        return generator
    generator.prepare_database()
    generator.run()
    return generator


def main(argv=None):
    args, size = parse_args(argv)
    setup_django()
    generate(size, reuse=args.reuse)


if __name__ == "__main__":
    main()
