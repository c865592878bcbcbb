"""A bounded load run: simulated teachers browse and log visits against gunicorn + PostgreSQL.

    python bench/load.py [--users 50] [--duration 60] [--workers 4] [--threads 4]

Starts a throwaway PostgreSQL server on loopback (.ci/postgres; or uses DATABASE_URL if it names
a PostgreSQL database, which it fills), migrates, loads the seed and the small benchmark data
set (bench/generate.py), creates --users teacher accounts spread over the schools, and serves the
production settings with gunicorn on loopback. Each teacher is a thread with its own session
(requests): it logs in, then until the time is up browses the case list, opens a case file of
its school and logs a visit through the quick visit form. Afterwards it counts the visits in the
database: every visit the server accepted must be there. Prints p50/p95 per kind of request and
the errors, and exits non-zero on any error or lost write.

The client speaks plain HTTP on loopback as the TLS-terminating proxy in front of gunicorn would,
sending X-Forwarded-Proto: https; it therefore keeps the Secure cookies itself.

Pluggable: the URLs come from URL names resolved by the server (URL_NAMES), and the visit form's
fields are read from the form itself, with VISIT_VALUES filling what a teacher would type. Views
that do not exist yet are skipped with a note, so the run works before and after they land.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-pass-123-" + secrets.token_hex(4)

#: What the simulated teacher does, by URL name (resolved on the server; None if missing).
URL_NAMES = {
    "case_list": ("wagtailsnippets_casework_case:list", False),
    "case_file": ("wagtailsnippets_casework_case:inspect", True),
    "quick_visit": ("casework_case_quick_visit", True),
}
#: Fallback paths tried when a URL name is missing (the quick visit form's expected address).
URL_FALLBACKS = {"quick_visit": "/admin/casework/cases/{pk}/quick-visit/"}
#: What a teacher types into the visit form; other fields keep the form's own defaults.
VISIT_VALUES = {
    "visitors": "帮扶教师（压力测试）",
    "child_state": "in_school",
    "mode": "phone",
    "findings": "电话回访，孩子在校情况稳定。",
    "actions": "两周后再次家访。",
}
#: How often each action is chosen.
WEIGHTS = {"case_list": 3, "case_file": 2, "quick_visit": 1}

SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from casework.models import Case, HomeVisit, Profile, School
from casework.access.roles import Role, group_for

users, password, names = {users}, {password!r}, {names!r}
schools = list(School.unscoped.filter(name__startswith="基准测试").order_by("pk"))
group = group_for(Role.TEACHER)
plan = []
for i in range(users):
    school = schools[i % len(schools)]
    user, _ = get_user_model().objects.get_or_create(username=f"load_teacher{{i:02d}}")
    user.set_password(password)
    user.save()
    user.groups.set([group])
    Profile.objects.update_or_create(user=user, defaults={{"school": school}})
    cases = list(
        Case.unscoped.open().filter(student__school=school).order_by("pk").values_list("pk", flat=True)[:30]
    )
    plan.append({{"username": user.username, "cases": cases}})
urls = {{}}
for key, (name, with_pk) in names.items():
    try:
        urls[key] = reverse(name, args=[0] if with_pk else []).replace("/0/", "/{{pk}}/")
    except NoReverseMatch:
        urls[key] = None
print(json.dumps({{"plan": plan, "urls": urls, "visits": HomeVisit.unscoped.count()}}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FormFields(HTMLParser):
    """The fields of the first <form method=post> on a page, with their default values."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.done = {}, False, False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and not self.done:
            self.in_form = True
        if not self.in_form or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select:
            if self.select not in self.fields or "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


class Teacher(threading.Thread):
    """One simulated teacher. With ``start_line`` (a barrier) and ``go`` (an event) the teacher
    logs in first and waits: teachers are logged in already when they work, and 50 logins at
    once would time the password hashing (PBKDF2, on purpose slow) rather than the site."""

    def __init__(self, base, plan, urls, deadline, stats, seed, start_line=None, go=None):
        super().__init__(daemon=True)
        self.start_line, self.go = start_line, go
        self.base, self.plan, self.urls, self.deadline, self.stats = (
            base,
            plan,
            urls,
            deadline,
            stats,
        )
        self.rng = random.Random(seed)
        self.session = requests.Session()
        # One connection per request, as a proxy in front of gunicorn speaks to it (nginx's
        # default): with keep-alive, gunicorn closing an idle connection while the next request
        # is on its way shows up as a "connection reset" that no browser would see.
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "User-Agent": "casework-load", "Connection": "close"}
        )

    def request(self, kind, method, path, **kwargs):
        url = self.base + path
        headers = {"Referer": url.replace("http://", "https://"), **kwargs.pop("headers", {})}
        if method == "POST":
            headers["Origin"] = self.base.replace("http://", "https://")
            headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
            )
        except requests.RequestException as exc:
            self.stats.error(kind, f"{method} {path}: {exc}")
            return None
        self.stats.timing(kind, (time.perf_counter() - started) * 1000)
        for cookie in self.session.cookies:
            cookie.secure = False  # the proxy would have spoken HTTPS to the browser
        if response.status_code >= 400:
            self.stats.error(kind, f"{method} {path}: HTTP {response.status_code}")
        return response

    def login(self):
        self.request("login", "GET", "/admin/login/")
        response = self.request(
            "login",
            "POST",
            "/admin/login/",
            data={
                "username": self.plan["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", ""),
            },
        )
        return response is not None and response.status_code == 302

    def run(self):
        logged_in = self.login()
        if self.start_line:
            self.start_line.wait()
            self.go.wait()
        if not logged_in:
            self.stats.error("login", f"{self.plan['username']} could not log in")
            return
        actions = [k for k in WEIGHTS if self.urls.get(k)] or ["dashboard"]
        weights = [WEIGHTS.get(k, 1) for k in actions]
        while time.monotonic() < self.deadline:
            action = self.rng.choices(actions, weights)[0]
            pk = self.rng.choice(self.plan["cases"]) if self.plan["cases"] else 0
            if action == "dashboard":
                self.request("dashboard", "GET", "/admin/")
            elif action == "quick_visit":
                self.log_visit(pk)
            else:
                self.request(action, "GET", self.urls[action].format(pk=pk))

    def log_visit(self, pk):
        path = self.urls["quick_visit"].format(pk=pk)
        form = self.request("visit form", "GET", path)
        if form is None or form.status_code != 200:
            return
        parser = FormFields()
        parser.feed(form.text)
        data = {**parser.fields, **{k: v for k, v in VISIT_VALUES.items() if k in parser.fields}}
        if "visited_on" in data:
            data["visited_on"] = datetime.date.today().isoformat()
        response = self.request("visit post", "POST", path, data=data)
        if response is not None and response.status_code in (200, 302):
            if response.status_code == 200 and "error" in response.text.lower():
                self.stats.error("visit post", f"POST {path}: the form was refused")
            else:
                self.stats.count("visits accepted")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(list)
        self.counts = defaultdict(int)

    def timing(self, kind, ms):
        with self.lock:
            self.times[kind].append(ms)

    def error(self, kind, message):
        with self.lock:
            self.errors[kind].append(message)

    def count(self, key):
        with self.lock:
            self.counts[key] += 1


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(cmd, env, **kwargs):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args(argv)
    py = sys.executable
    pgdir = None
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pgdir = tempfile.mkdtemp(prefix="casework-load-pg.")
        url = run([str(ROOT / ".ci" / "postgres"), "start", pgdir], dict(os.environ)).strip()
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="casework-load."))
    failed = True
    try:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        base_env.update(DATABASE_URL=url, CONN_MAX_AGE="60", PYTHONPATH=str(ROOT / "site"))
        print(f"Database {url.split('@')[-1]}; generating the small data set …", flush=True)
        run([py, "bench/generate.py", "--size", "small", "--reuse"], base_env)
        env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(workdir / "static"),
        }
        run([py, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        code = SETUP_CODE.format(users=args.users, password=PASSWORD, names=URL_NAMES)
        setup = json.loads(
            run([py, "manage.py", "shell", "-c", code], env).strip().splitlines()[-1]
        )
        urls = setup["urls"]
        for key, fallback in URL_FALLBACKS.items():
            urls[key] = urls.get(key) or fallback
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = Path(py).with_name("gunicorn")
        server_log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--pythonpath",
                "site",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "config.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        for _ in range(200):
            try:
                requests.get(base + "/admin/login/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        # A view that is not there yet answers 404 for every case: leave it out, and say so.
        probe = Teacher(base, setup["plan"][0], urls, 0, Stats(), 0)
        probe.login()
        notes = []
        for key in ("case_list", "case_file", "quick_visit"):
            path = urls.get(key)
            if path:
                # Through request(), which keeps the Secure session cookie usable on plain HTTP:
                # the session is saved (and its cookie set again) on every response.
                response = probe.request(
                    "probe", "GET", path.format(pk=setup["plan"][0]["cases"][0])
                )
                status = response.status_code if response is not None else "no answer"
                if status != 200:
                    notes.append(f"{key}: {path} answers {status}, left out")
                    urls[key] = None
            else:
                notes.append(f"{key}: no URL named {URL_NAMES[key][0]}, left out")

        stats = Stats()
        print(f"{args.users} teachers log in …", flush=True)
        start_line, go = threading.Barrier(len(setup["plan"]) + 1), threading.Event()
        teachers = [
            Teacher(base, plan, urls, None, stats, seed=i, start_line=start_line, go=go)
            for i, plan in enumerate(setup["plan"])
        ]
        for t in teachers:
            t.start()
        start_line.wait()  # every teacher has logged in (or failed to)
        print(f"{args.users} teachers for {args.duration:.0f} s against {base} …", flush=True)
        started = time.monotonic()
        for t in teachers:
            t.deadline = started + args.duration
        go.set()
        for t in teachers:
            t.join()
        elapsed = time.monotonic() - started

        count_code = "from casework.models import HomeVisit; print(HomeVisit.unscoped.count())"
        visits_after = int(run([py, "manage.py", "shell", "-c", count_code], env).split()[-1])
        stored = visits_after - setup["visits"]
        accepted = stats.counts["visits accepted"]
        errors = sum(len(v) for v in stats.errors.values())
        total = sum(len(v) for v in stats.times.values())

        print(
            f"\nLoad run: {args.users} teachers, {elapsed:.0f} s, gunicorn {args.workers}×{args.threads}"
        )
        for note in notes:
            print(f"  note: {note}")
        print(f"\n{'request':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind, times in sorted(stats.times.items()):
            print(
                f"{kind:<12} {len(times):>7} {statistics.median(times):>8.0f}"
                f" {percentile(times, 95):>8.0f} {max(times):>8.0f}"
            )
        # The logins came before the timed window: they are shown, but not in "all".
        all_times = [t for kind, times in stats.times.items() if kind != "login" for t in times]
        total = len(all_times)
        if all_times:
            print(
                f"{'all':<12} {total:>7} {statistics.median(all_times):>8.0f}"
                f" {percentile(all_times, 95):>8.0f} {max(all_times):>8.0f}"
                f"   ({total / elapsed:.0f} requests/s)"
            )
        print(f"\nerrors: {errors}" + (f" (gunicorn log: {server_log.name})" if errors else ""))
        for kind, messages in stats.errors.items():
            for message in messages[:5]:
                print(f"  {kind}: {message}")
        print(f"visits accepted by the server: {accepted}; new visits in the database: {stored}")
        lost = accepted != stored
        if lost:
            print("LOST OR EXTRA WRITES")
        failed = bool(errors or lost)
        return 1 if failed else 0
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            server_log.close()
        if failed:
            print(f"kept for a look: {workdir} (gunicorn.log)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        if pgdir:
            subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", pgdir], check=False)


if __name__ == "__main__":
    sys.exit(main())
