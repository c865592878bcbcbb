"""casework installed in a bare Wagtail project: its apps, urls and CASEWORK settings alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_bare_wagtail_site_runs_casework_without_the_bureaus_seed(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "BARESITE_DB": str(tmp_path / "bare.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "tests/baresite/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["case_list_status"] == 200
    assert out["student_list_status"] == 200 and out["student_listed"]
    assert out["reconcile_status"] == 200
    # No checklist loaded: a clear message, no case half-opened, no KeyError.
    assert out["open_cases_status"] == 302
    assert any("checklist has no item 2" in m for m in out["open_cases_messages"])
    assert out["cases"] == 0
    # The teacher of the bare site's school sees its child.
    assert out["teacher_case_list_status"] == 200 and out["teacher_students"]
