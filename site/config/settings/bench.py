"""The benchmark (bench/): the test settings plus a trivial snippet app for the baseline.

The database is DATABASE_URL, or else var/bench.sqlite3, never the developer's db.sqlite3.
"""

import dj_database_url

from .base import BASE_DIR, INSTALLED_APPS
from .test import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline"]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging, as SQLite is run in production: every admin request saves its
    # session (SESSION_SAVE_EVERY_REQUEST), and a rollback journal makes that commit cost more
    # than rendering the page on a busy disk.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Measure the site, not the login throttle or the console logger.
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
