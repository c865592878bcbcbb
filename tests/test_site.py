"""Settings, the admin in Chinese, the demo accounts and the three ways settings are loaded."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
#: A key production accepts (50+ characters, many of them different); never used for real.
STRONG_KEY = "t3st-0nly-Key-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP-0123456789"


def run(args, env=None, **kwargs):
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env or {})
    return subprocess.run(args, cwd=ROOT, env=full_env, capture_output=True, text=True, **kwargs)


def test_pytest_loads_the_test_settings():
    assert settings.SETTINGS_MODULE == "config.settings.test"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_manage_py_loads_the_dev_settings():
    result = run([PY, "manage.py", "diffsettings", "--output", "unified"])
    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout
    assert "LANGUAGE_CODE = 'zh-hans'" in result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_wsgi_module_loads_with_site_on_the_path():
    env = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.org", "PYTHONPATH": "site"}
    code = "import config.wsgi as w; print(type(w.application).__name__)"
    result = run([PY, "-c", code], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="uses a SQLite file of its own whatever the suite's database: run in the SQLite pass only",
)
def test_gunicorn_serves_the_production_site(tmp_path):
    """Smoke test: collectstatic, then gunicorn --pythonpath site config.wsgi on loopback."""
    db = tmp_path / "smoke.sqlite3"
    env = {
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{db}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    for command in (["migrate", "--no-input"], ["load_seed"], ["collectstatic", "--no-input"]):
        step = run([PY, "manage.py", *command], env=env)
        assert step.returncode == 0, step.stderr
    port = free_port()
    gunicorn = Path(PY).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "--pythonpath",
            "site",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "config.wsgi",
        ],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        pages = {
            "/": "石大教体发〔2020〕38号",
            "/shidajiaotifa-2020-38/plan/": "查漏补缺",
            "/shidajiaotifa-2020-38/checklist/": "挂牌督战责任清单",
            "/admin/login/": "登录",
        }
        for path, text in pages.items():
            with urllib.request.urlopen(base + path, timeout=5) as response:
                assert response.status == 200, path
                assert text in response.read().decode(), path
        with urllib.request.urlopen(base + "/static/css/site.css", timeout=5) as response:
            assert response.status == 200
        # As the proxy passes an HTTPS request on: HSTS for a year, subdomains included.
        behind_https = urllib.request.Request(
            base + "/admin/login/", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(behind_https, timeout=5) as response:
            headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.org", "DEBUG": "1"}, "DEBUG"),
    ],
)
def test_production_settings_refuse_to_start_insecurely(env, message):
    result = run(
        [PY, "manage.py", "check"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
    )
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Xq9",
        "ab" * 40,
        "django-insecure-" + STRONG_KEY,
        "dev-only-insecure-key-sichasibu",
    ],
    ids=["short", "few-characters", "django-insecure-prefix", "too-short-dev-key"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    result = run(
        [PY, "manage.py", "check"],
        env={
            "SECRET_KEY": key,
            "ALLOWED_HOSTS": "example.org",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_check_deploy_is_clean_with_the_environment_production_needs():
    result = run(
        [PY, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "edu.dwk.example.cn",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_admin_login_works_and_speaks_chinese(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "pass-word-123")
    page = client.get("/admin/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post(
        "/admin/login/", {"username": "root", "password": "pass-word-123"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body
    assert "控制面板" in body  # "Dashboard" in Wagtail's own catalogue


@pytest.mark.django_db
def test_admin_login_with_a_wrong_password_is_refused_in_chinese(client, django_user_model):
    django_user_model.objects.create_user("someone", password="right-pass-123")
    response = client.post("/admin/login/", {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "密码" in response.content.decode()


@pytest.mark.django_db
def test_demo_command_refuses_with_debug_off():
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="teacher_a").exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_command_creates_every_role_and_can_run_twice(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("load_demo")
    call_command("load_demo")
    names = set(get_user_model().objects.values_list("username", flat=True))
    expected = {"admin", "editor", "teacher_a", "teacher_b", "manager_a", "office"}
    assert expected | {"leader_wan", "leader_lv"} <= names
    user = get_user_model().objects.get(username="teacher_a")
    assert user.check_password("another-demo-pass")
