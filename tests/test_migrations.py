"""Migrations that survive upgrades: named dependencies only, and none missing."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[1]


def test_no_migration_depends_on_latest_of_another_app():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {key: m for key, m in loader.disk_migrations.items() if key[0] in ("casework", "home")}
    assert ours
    for (app, name), migration in ours.items():
        for dependency in migration.dependencies:
            assert dependency[1] != "__latest__", f"{app}.{name} depends on {dependency}"


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    # The test database itself was migrated from zero to get here.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
