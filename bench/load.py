"""Capacity as deployed: paced teachers against nginx, two gunicorn instances, Redis and PostgreSQL.

    python bench/load.py [--steps 50,100,150,200,250] [--step-seconds 75] [--quick]

Starts everything on loopback, each server a child of this script with its files in one
temporary folder (removed afterwards unless the run failed):

- PostgreSQL, a throwaway server (.ci/postgres; or DATABASE_URL if it names a PostgreSQL
  database, which it fills), migrated, with the seed and the small benchmark data set
  (bench/generate.py) and one teacher account per simulated teacher, each the teacher of up to
  ten open cases of their school;
- Redis (Debian's redis-server), the django-q2 broker (REDIS_URL);
- two gunicorn instances serving the production settings (--instances, --workers, --threads);
- two django-q2 workers (two ``manage.py qcluster`` with one worker process each);
- nginx (Debian's, /usr/sbin/nginx, not as a daemon) in front of the gunicorn instances with
  the configuration of bench/deploy/nginx.conf.template: HTTPS with a certificate made for the
  run, an upstream of the instances, Host, X-Forwarded-Proto and X-Forwarded-For set as
  docs/deployment.md says.

Every teacher (a thread with its own HTTPS session, as a browser keeps one) logs in first, a
few at a time. Then a ramp of steps: at each step more of them set to work, and each, until the
run ends, opens the dashboard, a case file of their own and posts a visit to that case, with a
pause of 5-15 s (uniform) before each request. Visits are posted as the phone's offline queue posts them (the field sync), with an
id made by the client: a visit whose answer was lost is posted again under the same id, and
afterwards every visit the server accepted must be stored exactly once. At each step the
workers are given an export of every case and the overdue reminders; they must finish.

The logins are timed apart (PBKDF2 is slow on purpose, and teachers log in once a day); each
step's window (--step-seconds) begins a few seconds after its teachers set to work. The
capacity is the largest step for which this and every smaller step had p95 under 500 ms and no
error. Prints a table (markdown), the jobs' and the writes' checks, and writes the curve of
teachers vs p95 as an SVG chart (--chart, default docs/benchmark-capacity.svg; none with
--quick unless asked). Exits non-zero if a write is lost or doubled, a job did not finish, or
the capacity is under --goal.
"""

import argparse
import datetime
import html
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zoneinfo
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
REDIS = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
NGINX_TEMPLATE = ROOT / "bench" / "deploy" / "nginx.conf.template"
CHART = ROOT / "docs" / "benchmark-capacity.svg"
PASSWORD = "load-pass-123-" + secrets.token_hex(4)
TARGET_MS = 500
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")  # the site's TIME_ZONE: "today" is the server's day
#: The timed requests; the logins come before each step's window and are shown apart.
KINDS = ("dashboard", "case file", "visit")

SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from casework.access.roles import Role, group_for
from casework.links import case_file_url
from casework.models import Case, HomeVisit, Profile, School

count, password = {count}, {password!r}
User = get_user_model()
schools = list(School.unscoped.filter(name__startswith="基准测试").order_by("pk"))
group = group_for(Role.TEACHER)
hashed = make_password(password)  # once: hashing it for every account would take minutes
open_cases = {{
    s.pk: list(
        Case.unscoped.open().filter(student__school=s).order_by("pk").values_list("pk", flat=True)
    )
    for s in schools
}}
per_school = -(-count // len(schools))
per_teacher = max(1, min(10, min(len(v) for v in open_cases.values()) // per_school))
plan = []
for i in range(count):
    school = schools[i % len(schools)]
    user, _ = User.objects.update_or_create(
        username=f"load_teacher{{i:03d}}", defaults={{"password": hashed, "last_name": f"教师{{i}}"}}
    )
    user.groups.set([group])
    Profile.objects.update_or_create(user=user, defaults={{"school": school}})
    k = i // len(schools)
    cases = open_cases[school.pk][k * per_teacher : (k + 1) * per_teacher]
    Case.unscoped.filter(pk__in=cases).update(teacher=user)
    plan.append({{"username": user.username, "user": user.pk, "cases": cases}})
print(json.dumps({{
    "plan": plan,
    "urls": {{
        "login": reverse("wagtailadmin_login"),
        "dashboard": reverse("wagtailadmin_home"),
        "case file": case_file_url(987654321).replace("987654321", "{{pk}}"),
        "visit": reverse("casework_offline_sync"),
    }},
    "visits_before": HomeVisit.unscoped.filter(created_by__username__startswith="load_teacher").count(),
    "cases": Case.unscoped.count(),
}}))
"""

#: Given to the workers at each step: the export of every case (as the office's clerk) and the
#: overdue reminders, both through the broker.
ENQUEUE_CODE = """
import json
from django.contrib.auth import get_user_model
from django_q.tasks import async_task
from casework.list_exports.models import ExportJob
from casework.list_exports.tasks import start_export

office = get_user_model().objects.get(username="bench_office")
job = ExportJob.objects.create(user=office, model="casework.case", filters={{}}, format="xlsx")
start_export(job)
task = async_task("casework.daily.reminders.send_overdue_reminders", task_name="load-reminders-{step}")
print(json.dumps({{"export": job.pk, "reminders": task}}))
"""

CHECK_CODE = """
import json, time
from django.db.models import Count
from django_q.brokers import get_broker
from django_q.models import Task
from casework.list_exports.models import ExportJob
from django.utils import timezone
from casework.models import HomeVisit, Reminder

data = json.load(open({path!r}))
exports, reminders = data["exports"], data["reminders"]
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    waiting = ExportJob.objects.filter(pk__in=exports, status__in=["pending", "running"]).count()
    if not waiting and Task.objects.filter(id__in=reminders).count() == len(reminders):
        break
    time.sleep(1)
counts = {{}}
sent = data["sent"]
for i in range(0, len(sent), 5000):
    rows = (
        HomeVisit.unscoped.filter(client_id__in=sent[i : i + 5000])
        .values("client_id").annotate(n=Count("id")).values_list("client_id", "n")
    )
    counts.update((str(c), n) for c, n in rows)
by_load = HomeVisit.unscoped.filter(created_by__username__startswith="load_teacher")
print(json.dumps({{
    "broker": type(get_broker()).__name__,
    "counts": counts,
    "load_visits": by_load.count(),
    "without_id": by_load.filter(client_id__isnull=True).count(),
    "reminded": Reminder.unscoped.filter(sent_on=timezone.localdate()).count(),
    "exports": [
        {{"id": j.pk, "status": j.status, "rows": j.row_count,
          "seconds": (j.finished_at - j.created_at).total_seconds() if j.finished_at else None}}
        for j in ExportJob.objects.filter(pk__in=exports).order_by("pk")
    ],
    "reminders": [
        {{"id": t.id, "success": t.success, "result": str(t.result)[:200],
          "seconds": (t.stopped - t.started).total_seconds()}}
        for t in Task.objects.filter(id__in=reminders).order_by("started")
    ],
}}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(cmd, env, **kwargs):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


class Servers:
    """The run's server processes, each in its own process group; all stopped by ``stop``."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.children = []  # (name, Popen, log file, stop signal)

    def start(self, name, cmd, env, stop_signal=signal.SIGTERM):
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own group: Ctrl-C reaches this script only, which then stops them in order,
            # and a server's own children (gunicorn's and qcluster's workers) go with it.
            start_new_session=True,
        )
        self.children.append((name, process, log, stop_signal))
        return process

    def check(self):
        for name, process, _log, _sig in self.children:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see {self.workdir / name}.log"
                )

    def stop(self):
        """Each in turn, the last started first: nginx, the workers (which still need Redis to
        stop cleanly), gunicorn, Redis."""
        for _name, process, log, stop_signal in reversed(self.children):
            if process.poll() is None:
                process.send_signal(stop_signal)  # the leader stops its own workers
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            with_group(process, signal.SIGKILL)  # whatever of its group is left
            process.wait()
            log.close()
        self.children = []


def with_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_until(check, what, timeout=60, servers=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if servers:
            servers.check()
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


def redis_answers(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"PING\r\n")
        return s.recv(64).startswith(b"+PONG")


def write_nginx_conf(workdir, port, web_ports):
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(workdir / "key.pem"),
            "-out",
            str(workdir / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (workdir / "media").mkdir(exist_ok=True)
    text = NGINX_TEMPLATE.read_text()
    for key, value in {
        "@DIR@": str(workdir),
        "@PORT@": str(port),
        "@MEDIA@": str(workdir / "media"),
        "@UPSTREAM@": "\n".join(f"        server 127.0.0.1:{p};" for p in web_ports),
        # As root, nginx's workers would run as nobody, who may not enter the run's folder.
        "@USER@": "user root;" if os.geteuid() == 0 else "",
    }.items():
        text = text.replace(key, value)
    path = workdir / "nginx.conf"
    path.write_text(text)
    return path


class Stats:
    """Every request: (step, inside the step's window, kind, ms or None, error or None)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records = []
        self.sent, self.accepted = [], []

    def add(self, record):
        with self.lock:
            self.records.append(record)

    def of_step(self, step):
        with self.lock:
            return [r for r in self.records if r[0] == step]


class Ramp:
    """What the teachers share: where to go, the step they are in, and the stop signal."""

    def __init__(self, base, urls, verify, pauses, stats):
        self.base, self.urls, self.verify, self.pauses, self.stats = (
            base,
            urls,
            verify,
            pauses,
            stats,
        )
        self.step, self.timed = 0, False
        self.stop = threading.Event()
        self.login_slots = threading.Semaphore(4)  # logins a few at a time, as people arrive


class Teacher(threading.Thread):
    """One teacher: logs in, then dashboard, a case file, a visit to that case, again and
    again, each after a pause of 5-15 s."""

    def __init__(self, ramp, plan, seed):
        super().__init__(daemon=True)
        self.ramp, self.plan = ramp, plan
        self.rng = random.Random(seed)
        self.logged_in = threading.Event()
        self.active = threading.Event()  # set when the teacher's step begins
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": "casework-load"})

    def request(self, kind, method, path, expect, **kwargs):
        ramp = self.ramp
        step, timed = ramp.step, ramp.timed
        url = ramp.base + path
        headers = {"Referer": url}
        if method == "POST":
            headers["Origin"] = ramp.base
            headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                url,
                headers=headers,
                allow_redirects=False,
                timeout=30,
                # Given with each request: a session's own verify loses to REQUESTS_CA_BUNDLE.
                verify=ramp.verify,
                **kwargs,
            )
        except requests.RequestException as exc:
            ramp.stats.add((step, timed, kind, None, f"{method} {path}: {exc}"))
            return None
        ms = (time.perf_counter() - started) * 1000
        error = None
        if response.status_code != expect:
            error = f"{method} {path}: HTTP {response.status_code}"
        ramp.stats.add((step, timed, kind, ms, error))
        return response

    def pause(self):
        low, high = self.ramp.pauses
        return not self.ramp.stop.wait(self.rng.uniform(low, high))

    def login(self):
        login = self.ramp.urls["login"]
        if self.request("login page", "GET", login, 200) is None:
            return False
        response = self.request(
            "login",
            "POST",
            login,
            302,
            data={
                "username": self.plan["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", ""),
            },
        )
        return response is not None and response.status_code == 302

    def run(self):
        try:
            with self.ramp.login_slots:
                ok = self.login()
        finally:
            self.logged_in.set()
        if not ok or not self.plan["cases"]:
            return
        while not self.active.wait(1):
            if self.ramp.stop.is_set():
                return
        urls = self.ramp.urls
        while self.pause():
            self.request("dashboard", "GET", urls["dashboard"], 200)
            if not self.pause():
                break
            case = self.rng.choice(self.plan["cases"])
            self.request("case file", "GET", urls["case file"].format(pk=case), 200)
            if not self.pause():
                break
            self.post_visit(case)

    def post_visit(self, case):
        now = datetime.datetime.now(LOCAL)
        client_id = str(uuid.uuid4())
        data = {
            "client_id": client_id,
            "case": str(case),
            "entered_by": str(self.plan["user"]),
            "entered_at": now.isoformat(timespec="seconds"),
            "visited_on": now.date().isoformat(),
            "child_state": "in_school",
            "findings": "电话回访，孩子在校情况稳定。",
            "next_visit_due": (now.date() + datetime.timedelta(days=14)).isoformat(),
            "mode": "phone",
            "visitors": "帮扶教师（压力测试）",
        }
        with self.ramp.stats.lock:
            self.ramp.stats.sent.append(client_id)
        # As the phone's queue does: an entry whose answer did not arrive is sent again, under
        # the same id; the server stores it once.
        for attempt in range(3):
            response = self.request("visit", "POST", self.ramp.urls["visit"], 200, data=data)
            if response is not None and response.status_code == 200:
                answer = response.json()
                if answer.get("status") == "stored":
                    with self.ramp.stats.lock:
                        self.ramp.stats.accepted.append(client_id)
                else:
                    self.ramp.stats.add(
                        (self.ramp.step, self.ramp.timed, "visit", None, f"answered {answer}")
                    )
                return
            if response is not None and response.status_code < 500:
                return  # refused: not the network's fault, not retried
            if attempt < 2 and not self.ramp.stop.wait(2):
                continue
            return


def summarize(records):
    timed = [r for r in records if r[1] and r[3] is not None and r[2] in KINDS]
    times = [r[3] for r in timed]
    row = {
        "requests": len(timed),
        "errors": sum(1 for r in records if r[4]),
        "messages": [r[4] for r in records if r[4]][:5],
        "p50": statistics.median(times) if times else None,
        "p95": percentile(times, 95) if times else None,
        "max": max(times) if times else None,
        "by_kind": {},
    }
    for kind in KINDS:
        kt = [r[3] for r in timed if r[2] == kind]
        if kt:
            row["by_kind"][kind] = (len(kt), statistics.median(kt), percentile(kt, 95))
    logins = [r[3] for r in records if r[2] == "login" and r[3] is not None]
    row["login_p50"] = statistics.median(logins) if logins else None
    row["login_p95"] = percentile(logins, 95) if logins else None
    return row


def served_by(access_log, web_ports):
    """How many requests each gunicorn instance answered, from nginx's access log."""
    counts = dict.fromkeys((f"127.0.0.1:{p}" for p in web_ports), 0)
    try:
        with open(access_log) as f:
            for line in f:
                # A retried request lists each upstream tried ("a, b"); the last one answered.
                upstream = line.rstrip("\n").split(" ", 2)[-1].split(",")[-1].strip()
                counts[upstream] = counts.get(upstream, 0) + 1
    except OSError:
        return "no access log"
    return ", ".join(f"{k} {v} requests" for k, v in counts.items())


def cpu_sample():
    """(busy, total) jiffies of the whole machine, and this script's own CPU seconds."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    own = os.times()
    return sum(fields) - idle, sum(fields), own.user + own.system


def stack_cpu(servers, pgdir):
    """CPU seconds used so far by the servers: their process groups and PostgreSQL's processes,
    by server ("gunicorn1", …, "postgresql")."""
    groups = {process.pid: name for name, process, _log, _sig in servers.children}
    postmaster = None
    if pgdir:
        try:
            postmaster = int((Path(pgdir) / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    ticks = dict.fromkeys([*groups.values(), "postgresql"], 0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = (Path(entry.path) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid, group = int(entry.name), int(fields[1]), int(fields[2])
        name = groups.get(group) or ("postgresql" if postmaster in (pid, ppid) else None)
        if name:
            # utime, stime, and cutime, cstime: the CPU of its children that have exited (a
            # PostgreSQL backend whose connection closed, say) stays counted by its parent.
            ticks[name] += sum(int(v) for v in fields[11:15])
    return {name: t / os.sysconf("SC_CLK_TCK") for name, t in ticks.items()}


def by_server(before, after):
    """CPU seconds between two ``stack_cpu`` samples, gunicorn's and qcluster's instances summed."""
    used = {}
    for name in after:
        key = name.rstrip("0123456789")
        used[key] = used.get(key, 0) + after[name] - before.get(name, 0)
    return used


def cpu_use(before, after, seconds):
    """The machine's CPU busy (% of all cores) and this script's share (% of one core)."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return 100 * busy / max(total, 1), 100 * (after[2] - before[2]) / seconds


def machine():
    cpu = os.cpu_count()
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{cpu} cores{mem}, {name}"


def write_chart(path, steps, capacity, captions):
    """The capacity curve as a small SVG: teachers (x) against p95 and p50 (y), the target."""
    width, height, left, right, top, bottom = 560, 350, 56, 20, 70, 46
    points = [s for s in steps if s["p95"] is not None]
    xmax = max(s["teachers"] for s in points) * 1.05
    cap_ms = 2000  # higher values are drawn at the top, with their figure
    ymax = min(cap_ms, max(TARGET_MS * 1.4, max(s["p95"] for s in points) * 1.1))

    def x(v):
        return left + v / xmax * (width - left - right)

    def y(v):
        return top + (1 - min(v, ymax) / ymax) * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">'
        "Teachers vs response time (p95, p50)</text>",
    ]
    for i, caption in enumerate(captions):
        out.append(f'<text x="{left}" y="{31 + 13 * i}" fill="#555">{html.escape(caption)}</text>')
    tick = 100 if ymax <= 1000 else 250 if ymax <= 2000 else 500
    for v in range(0, int(ymax) + 1, tick):
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
        )
    for s in points:
        out.append(
            f'<text x="{x(s["teachers"]):.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{s["teachers"]}</text>'
        )
    out += [
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}" stroke="#333"/>',
        f'<line x1="{left}" x2="{width - right}" y1="{height - bottom}" '
        f'y2="{height - bottom}" stroke="#333"/>',
        f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">'
        "simulated teachers (pauses of 5–15 s)</text>",
        f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2})">ms</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{y(TARGET_MS):.1f}" '
        f'y2="{y(TARGET_MS):.1f}" stroke="#c00" stroke-dasharray="5 4"/>',
        f'<text x="{left + 4}" y="{y(TARGET_MS) - 4:.1f}" '
        f'fill="#c00">target: p95 {TARGET_MS} ms</text>',
    ]
    if capacity:
        out.append(
            f'<line x1="{x(capacity):.1f}" x2="{x(capacity):.1f}" y1="{top}" '
            f'y2="{height - bottom}" stroke="#2a7" stroke-dasharray="2 3"/>'
            f'<text x="{x(capacity) - 4:.1f}" y="{top + 12}" fill="#2a7" text-anchor="end">'
            f"capacity {capacity}</text>"
        )
    for key, colour in (("p50", "#88a"), ("p95", "#007d7e")):
        line = " ".join(f"{x(s['teachers']):.1f},{y(s[key]):.1f}" for s in points)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for s in points:
            fill = "#c00" if s["errors"] else colour
            out.append(
                f'<circle cx="{x(s["teachers"]):.1f}" cy="{y(s[key]):.1f}" r="3.5" fill="{fill}"/>'
            )
            if key == "p95":
                out.append(
                    f'<text x="{x(s["teachers"]):.1f}" y="{y(s[key]) - 7:.1f}" '
                    f'text-anchor="middle">{s[key]:.0f}</text>'
                )
    out.append(
        f'<text x="{width - right}" y="16" text-anchor="end">'
        '<tspan fill="#007d7e">━ p95</tspan>  <tspan fill="#88a">━ p50</tspan>'
        '  <tspan fill="#c00">● with errors</tspan></text>'
    )
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="50,100,150,200,250", help="teachers at each step")
    parser.add_argument("--step-seconds", type=float, default=75, help="each step's window")
    parser.add_argument("--pause", default="5,15", help="pause before each request, s (min,max)")
    parser.add_argument("--instances", type=int, default=2, help="gunicorn instances")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per instance")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--qclusters", type=int, default=2, help="django-q2 workers")
    parser.add_argument("--goal", type=int, default=150, help="the capacity asked for")
    parser.add_argument("--chart", type=Path, help=f"the SVG chart (default {CHART})")
    parser.add_argument(
        "--stop-above",
        type=float,
        default=4 * TARGET_MS,
        help="stop the ramp after a step whose p95 is above this (ms)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short run: steps 10,20 of 20 s, no chart unless --chart, no goal",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.step_seconds, args.goal = "10,20", 20, 0
    elif args.chart is None:
        args.chart = CHART
    args.steps = sorted({int(s) for s in args.steps.split(",")})
    args.pause = tuple(float(p) for p in args.pause.split(","))
    return args


def main(argv=None):
    args = parse_args(argv)
    for tool in (NGINX, REDIS):
        if not Path(tool).exists():
            raise SystemExit(f"{tool} is missing (apt-get install nginx redis-server)")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: started in the background by a shell, this script would inherit it ignored.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    py = sys.executable
    workdir = Path(tempfile.mkdtemp(prefix="casework-load."))
    servers = Servers(workdir)
    pgdir = None
    failed = True
    ramp = None
    try:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            pgdir = tempfile.mkdtemp(prefix="casework-load-pg.")
            url = run([str(ROOT / ".ci" / "postgres"), "start", pgdir], dict(os.environ)).strip()
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        base_env.update(DATABASE_URL=url, CONN_MAX_AGE="60", PYTHONPATH=str(ROOT / "site"))
        print(f"PostgreSQL {url.split('@')[-1]}; the small data set …", flush=True)
        run([py, "bench/generate.py", "--size", "small", "--reuse"], base_env)

        port, redis_port = free_port(), free_port()
        web_ports = [free_port() for _ in range(args.instances)]
        base = f"https://127.0.0.1:{port}"
        env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": base,  # nginx passes $host, without the port
            "TRUSTED_PROXIES": "127.0.0.1",
            "WAGTAILADMIN_BASE_URL": base,
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "Q_WORKERS": "1",
        }
        run([py, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        code = SETUP_CODE.format(count=max(args.steps), password=PASSWORD)
        setup = last_json(run([py, "manage.py", "shell", "-c", code], env))

        print("redis-server, gunicorn, qcluster and nginx on loopback …", flush=True)
        servers.start(
            "redis",
            [REDIS, "--port", redis_port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", workdir],
            env,
        )
        wait_until(lambda: redis_answers(redis_port), "redis-server", servers=servers)
        gunicorn = Path(py).with_name("gunicorn")
        # gunicorn 27 opens a control socket, by default one shared path in the home folder.
        control = "--no-control-socket" in run([gunicorn, "--help"], env)
        for i, web_port in enumerate(web_ports, 1):
            servers.start(
                f"gunicorn{i}",
                [gunicorn, "--pythonpath", "site", "-b", f"127.0.0.1:{web_port}"]
                + ["--workers", args.workers, "--threads", args.threads]
                + ["--graceful-timeout", "5"]
                + (["--control-socket", workdir / f"gunicorn{i}.ctl"] if control else [])
                + ["config.wsgi"],
                env,
                stop_signal=signal.SIGINT,  # gunicorn's quick shutdown
            )
        for i in range(1, args.qclusters + 1):
            servers.start(f"qcluster{i}", [py, "manage.py", "qcluster"], env)
        conf = write_nginx_conf(workdir, port, web_ports)
        servers.start(
            "nginx",
            [NGINX, "-p", workdir, "-c", conf, "-e", workdir / "nginx-error.log"],
            env,
        )
        verify = str(workdir / "cert.pem")
        for web_port in web_ports:
            wait_until(
                lambda p=web_port: (
                    requests.get(
                        f"http://127.0.0.1:{p}/admin/login/",
                        headers={"X-Forwarded-Proto": "https"},
                        timeout=2,
                    ).status_code
                    == 200
                ),
                f"gunicorn on {web_port}",
                servers=servers,
            )
        wait_until(
            lambda: (
                requests.get(base + "/admin/login/", verify=verify, timeout=2).status_code == 200
            ),
            "nginx",
            servers=servers,
        )

        stats = Stats()
        ramp = Ramp(base, setup["urls"], verify, args.pause, stats)
        plan = setup["plan"]
        steps, jobs = [], {"exports": [], "reminders": []}
        # Every teacher logs in first, a few at a time; each step then sets more of them to work.
        print(f"{max(args.steps)} teachers log in …", flush=True)
        teachers = [Teacher(ramp, plan[i], seed=i) for i in range(max(args.steps))]
        for t in teachers:
            t.start()
        for t in teachers:
            while not t.logged_in.wait(1):
                servers.check()
        logins = summarize(stats.of_step(0))
        print(
            f"logins (the form's POST): p50 {logins['login_p50']:.0f} ms, p95 {logins['login_p95']:.0f} ms,"
            f" {logins['errors']} errors\n",
            flush=True,
        )
        if logins["errors"]:
            for message in logins["messages"]:
                print(f"  error: {message}")
            raise RuntimeError("not every teacher could log in")
        with stats.lock:
            stats.records.clear()
        load_before = os.getloadavg()
        started_at = datetime.datetime.now(datetime.UTC)
        print(
            f"Ramp {', '.join(map(str, args.steps))} teachers, {args.step_seconds:.0f} s each,"
            f" pauses {args.pause[0]:g}–{args.pause[1]:g} s, behind {base}"
            f" (nginx → {args.instances} gunicorn × {args.workers} workers × {args.threads}"
            f" threads; {args.qclusters} qcluster, Redis; load average before"
            f" {load_before[0]:.1f})\n",
            flush=True,
        )
        header = (
            "| teachers | requests | req/s | p50 ms | p95 ms | max ms | errors"
            " | machine CPU | servers' CPU | client CPU | load avg | p95 < 500 ms, 0 errors |"
        )
        print(header)
        print("|" + "---|" * 12, flush=True)
        for k, count in enumerate(args.steps):
            ramp.step, ramp.timed = k, False
            for t in teachers[:count]:
                t.active.set()
            ids = last_json(run([py, "manage.py", "shell", "-c", ENQUEUE_CODE.format(step=k)], env))
            jobs["exports"].append(ids["export"])
            jobs["reminders"].append(ids["reminders"])
            time.sleep(args.pause[0])  # the new teachers' first requests spread out
            ramp.timed = True
            window, cpu_before = time.monotonic(), cpu_sample()
            stack_before = stack_cpu(servers, pgdir)
            while time.monotonic() - window < args.step_seconds:
                time.sleep(1)
                servers.check()
            ramp.timed = False
            elapsed = time.monotonic() - window
            busy, client = cpu_use(cpu_before, cpu_sample(), elapsed)
            stack_after = stack_cpu(servers, pgdir)
            stack = sum(by_server(stack_before, stack_after).values())
            if k == 0:
                first_window = stack_before
            last_window = stack_after
            row = summarize(stats.of_step(k))
            row.update(teachers=count, rate=row["requests"] / elapsed, load=os.getloadavg()[0])
            row.update(busy=busy, client=client, cores=stack / elapsed)
            row["cpu_ms"] = 1000 * stack / max(row["requests"], 1)
            row["ok"] = row["p95"] is not None and row["p95"] < TARGET_MS and not row["errors"]
            steps.append(row)
            p95 = row["p95"] or 0
            print(
                f"| {count} | {row['requests']} | {row['rate']:.1f} | {row['p50'] or 0:.0f}"
                f" | {p95:.0f} | {row['max'] or 0:.0f} | {row['errors']}"
                f" | {busy:.0f} % | {row['cores']:.2f} cores, {row['cpu_ms']:.0f} ms a request"
                f" | {client:.0f} % | {row['load']:.1f}"
                f" | {'yes' if row['ok'] else 'no'} |",
                flush=True,
            )
            if p95 > args.stop_above:
                print(f"(p95 above {args.stop_above:.0f} ms: the ramp stops here)")
                break
        ramp.stop.set()
        for t in teachers:
            t.join(timeout=40)

        capacity = 0
        for row in steps:
            if not row["ok"]:
                break
            capacity = row["teachers"]
        used = by_server(first_window, last_window)
        print(
            "\nThe servers' CPU over the steps: "
            + ", ".join(
                f"{name} {100 * seconds / max(sum(used.values()), 1e-9):.0f} %"
                for name, seconds in sorted(used.items(), key=lambda item: -item[1])
            )
        )
        print("\nBy request (p50 / p95 ms):")
        for row in steps:
            kinds = ", ".join(
                f"{kind} {n}× {p50:.0f} / {p95:.0f}"
                for kind, (n, p50, p95) in row["by_kind"].items()
            )
            print(f"  {row['teachers']} teachers: {kinds}")
            for message in row["messages"]:
                print(f"    error: {message}")

        check_file = workdir / "check.json"
        check_file.write_text(json.dumps({**jobs, "sent": stats.sent}))
        check = last_json(
            run([py, "manage.py", "shell", "-c", CHECK_CODE.format(path=str(check_file))], env)
        )
        counts = check["counts"]
        accepted = set(stats.accepted)
        missing = [c for c in accepted if counts.get(c, 0) != 1]
        doubled = [c for c, n in counts.items() if n > 1]
        unanswered = len(set(stats.sent) - accepted)
        extra = check["load_visits"] - setup["visits_before"] - len(counts)
        writes_ok = not missing and not doubled and extra == 0 and not check["without_id"]
        print(
            f"\nVisits: {len(stats.sent)} posted, {len(accepted)} accepted, each stored exactly"
            f" once: {'yes' if not missing and not doubled else 'NO'}"
            f" ({len(missing)} accepted but not stored once, {len(doubled)} doubled;"
            f" {unanswered} not accepted, of them {sum(1 for c in set(stats.sent) - accepted if c in counts)}"
            f" stored anyway; {extra + check['without_id']} stored visits nobody posted)"
        )
        jobs_ok = len(check["exports"]) == len(jobs["exports"]) and len(check["reminders"]) == len(
            jobs["reminders"]
        )
        jobs_ok = jobs_ok and all(j["status"] == "done" for j in check["exports"])
        jobs_ok = jobs_ok and all(t["success"] for t in check["reminders"])
        print(f"Workers (broker: {check['broker']}):")
        for j in check["exports"]:
            print(f"  export {j['id']}: {j['status']}, {j['rows']} rows, {j['seconds'] or 0:.1f} s")
        for t in check["reminders"]:
            print(
                f"  reminders {t['id'][:8]}: {'done' if t['success'] else 'FAILED'},"
                f" {t['result']}, {t['seconds']:.1f} s"
            )
        print(f"  {check['reminded']} reminders of overdue visits recorded today")
        if not jobs_ok:
            print("  NOT EVERY JOB FINISHED")
        print(f"nginx's upstream: {served_by(workdir / 'nginx-access.log', web_ports)}")
        load_after = os.getloadavg()
        print(
            f"\nCapacity: {capacity} teachers (p95 < {TARGET_MS} ms, 0 errors; goal {args.goal})."
            f"\nMachine: {machine()}; load average {load_before[0]:.1f} before,"
            f" {max(r['load'] for r in steps):.1f} at most after a step, {load_after[0]:.1f} after"
            f" ({load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f})."
        )
        if args.chart:
            captions = [
                f"nginx → {args.instances} gunicorn × {args.workers} workers × {args.threads}"
                f" threads, {args.qclusters} qcluster + Redis, PostgreSQL; {args.step_seconds:.0f} s"
                " a step",
                f"{started_at:%Y-%m-%d %H:%M} UTC, {machine()}",
                f"load average {load_before[0]:.1f} before, at most"
                f" {max(r['load'] for r in steps):.1f} after a step (the machine is shared)",
            ]
            write_chart(args.chart, steps, capacity, captions)
            print(f"Chart: {args.chart}")
        failed = not (writes_ok and jobs_ok and capacity >= args.goal)
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping the servers …", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the cleanup
        if ramp:
            ramp.stop.set()
        servers.stop()
        if pgdir:
            subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", pgdir], check=False)
        if failed:
            print(f"kept for a look: {workdir} (the servers' logs)", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
