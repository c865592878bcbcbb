"""The site served on loopback and headless Chromium (Debian's) driven by Playwright.

The site runs as a real ``manage.py runserver`` subprocess with the dev settings (as ``make run``
serves it) on a database of its own, holding the seed and the demo accounts: a SQLite file in a
temporary folder, or, when the suite runs on PostgreSQL, a database ``<name>_browser`` on the same
server. The journeys therefore never touch the test process's database, and Playwright's event
loop never meets the Django ORM of the test process. To read or prepare data, a journey calls
``live_site.python(code)``, which runs code in the site's own database.

The site lives for the whole session: journeys share it and must not undo each other's
assumptions (leave the seed and demo accounts usable; mark your changes with unique text).
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from home.demo import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # As a teacher's browser in China: Chinese date pickers and number formats.
    "--lang=zh-CN",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
LOOPBACK = {"127.0.0.1", "localhost"}
#: How long an action or an assertion waits for the page (ms).
TIMEOUT_MS = 20_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveSite:
    """The site on loopback: its address, its environment and a way into its database."""

    url: str
    env: dict
    log: Path
    process: subprocess.Popen = field(repr=False, default=None)

    def manage(self, *args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def python(self, code):
        """Run Python in the site's Django (its database, unscoped); return what it printed."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def server_log(self):
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


def site_database_url(tmp_dir):
    """A SQLite file in tmp_dir, or a fresh PostgreSQL database beside the suite's own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_dir / 'site.sqlite3'}"
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    # One site per pytest-xdist worker, as pytest-django gives each worker its own test database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{config['NAME']}_browser" + (f"_{worker}" if worker else "")
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{url.split('?')[0].rsplit('/', 1)[0]}/{name}"


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The site served by runserver on a free loopback port, with the seed and the demo loaded."""
    tmp = tmp_path_factory.mktemp("live_site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=site_database_url(tmp),
        DEMO_PASSWORD=DEFAULT_PASSWORD,
        MEDIA_ROOT=str(tmp / "media"),
        PYTHONUNBUFFERED="1",
    )
    port = free_port()
    site = LiveSite(url=f"http://127.0.0.1:{port}", env=env, log=tmp / "server.log")
    site.manage("migrate", "--no-input")
    site.manage("load_seed")
    site.manage("load_demo")
    with open(site.log, "w") as log:
        site.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(site.url + "/admin/login/", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                if site.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the site did not start:\n{site.server_log()}") from None
                time.sleep(0.2)
        yield site
    finally:
        site.process.terminate()
        site.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; never a browser downloaded by Playwright."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Generous on a busy 2-core machine: assertions wait as long as actions (default 5 s).
    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def viewport():
    """Override in a test (``@pytest.mark.parametrize("viewport", [PHONE])``) or module."""
    return DESKTOP


@pytest.fixture
def page(browser, live_site, viewport, request):
    """A fresh browser context on the live site; the test fails on a console error or a 5xx."""
    context = browser.new_context(
        base_url=live_site.url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    #: {(absolute URL, status)} a journey asked for on purpose (see ``goto_expecting``).
    expected_statuses = set()

    def on_console(msg):
        url = msg.location.get("url", "")
        # The browser asks for /favicon.ico on its own; that is not the page's doing.
        if msg.type != "error" or url.endswith("/favicon.ico"):
            return
        # Chromium notes every 4xx answer in the console; one the journey expects is no error.
        for expected_url, status in expected_statuses:
            if url == expected_url and msg.text.startswith(
                f"Failed to load resource: the server responded with a status of {status} "
            ):
                return
        problems.append(f"console error: {msg.text} ({url})")

    def on_request(request):
        # The site must work inside a closed network: nothing may be fetched from elsewhere.
        host = urlsplit(request.url)
        if host.scheme in ("http", "https", "ws", "wss") and host.hostname not in LOOPBACK:
            problems.append(f"request outside the site: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    page.on("pageerror", lambda exc: problems.append(f"uncaught JavaScript error: {exc}"))
    page.on(
        "response",
        lambda r: r.status >= 500 and problems.append(f"HTTP {r.status} for {r.url}"),
    )
    page.problems = problems
    page.site_url = live_site.url
    page.expected_statuses = expected_statuses
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail(
            "The browser saw errors:\n  "
            + "\n  ".join(problems)
            + f"\nserver log (end):\n{live_site.server_log()}"
        )


FULL_HEIGHT_JS = """() => Math.ceil(Math.max(
    document.documentElement.scrollHeight,
    ...Array.from(document.querySelectorAll("main"),
                  (el) => el.getBoundingClientRect().top + window.scrollY + el.scrollHeight),
))"""


@pytest.fixture
def shot(request):
    """shot(page, "step") saves screenshots/<test>-<nn>-<step>.png (whole page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    test = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    taken = []

    def take(page, step):
        taken.append(step)
        path = SCREENSHOTS / f"{test}-{len(taken):02d}-{step}.png"
        # Wagtail's admin scrolls inside <main>, not the document, so Playwright's full-page
        # screenshot would hold only the viewport: make the viewport as tall as the content.
        viewport = page.viewport_size
        height = page.evaluate(FULL_HEIGHT_JS)
        if height > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": min(height, 8000)})
        try:
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(viewport)
        return path

    for old in SCREENSHOTS.glob(f"{test}-*.png"):
        old.unlink()
    return take


def goto_expecting(page, path, status):
    """Open ``path``, which must answer ``status`` (a 404, say); return the response.

    Chromium logs such an answer as a console error; this one is expected, so it is not one.
    """
    page.expected_statuses.add((urljoin(page.site_url, path), status))
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    return response


def login(page, username, password=DEFAULT_PASSWORD):
    """Log in to the admin through its form, as a person would; lands on the dashboard.

    Whoever was logged in before is logged out first. The previous page is left for a blank one
    before its cookies go: the admin saves the session on every request, so a late answer to
    the previous page would otherwise set the old session again."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
