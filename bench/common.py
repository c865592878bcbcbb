"""What the benchmark scripts share: Django set up with config.settings.bench, and the sizes."""

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The data set sizes; "default" is issue 8's.
SIZES = {
    "default": {
        "schools": 200,
        "students": 150_000,
        "cases": 100_000,
        "visits": 400_000,
        "support": 200_000,
    },
    "small": {"schools": 20, "students": 6_000, "cases": 4_000, "visits": 16_000, "support": 8_000},
    # Issue 18: a province, ten times the default in the same proportions (PostgreSQL only).
    "province": {
        "schools": 2_000,
        "students": 1_500_000,
        "cases": 1_000_000,
        "visits": 4_000_000,
        "support": 2_000_000,
    },
}
#: The sizes that only run on PostgreSQL (bench/run.py refuses them on SQLite).
POSTGRES_ONLY = {"province"}

#: The case whose file is measured has this many visits (issue 8: "a case file with 50 visits").
CASE_FILE_VISITS = 50


def setup_django():
    for path in (ROOT, ROOT / "site"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    # Whitenoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()


def describe_database():
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings['NAME']}"
    return f"{connection.vendor} {settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
