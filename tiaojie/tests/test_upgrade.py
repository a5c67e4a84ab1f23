"""An upgrade from the previous release keeps every row: a database built and filled by that release's code is
migrated by HEAD's, and HEAD then reads it (docs/deployment.md, "Upgrades").

The previous release is a commit of this repository's history (`git archive` of it, no tag needed, so a clone
without tags runs this too); after a release, move PREVIOUS to it and add the release to CHANGELOG.md."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

PREVIOUS = ("0.1.0", "6d9ccc5c9736226709ea12f7372b2f28f25414f6")
ROOT = Path(__file__).resolve().parents[2]
KEPT = [
    "cases_case",
    "cases_caseevent",
    "cases_claimitem",
    "accounts_user",
    "organisations_organisation",
    "mediation_agreement",
    "notifications_notification",
    "accounts_piiaccesslog",
]


def run(args: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTHONPATH", "TIAOJIE_VAR_DIR"}}
    result = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**base, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture
def database(tmp_path):
    # The suite runs once per database (scripts/test-suites), so each run upgrades its own kind only: the same
    # two upgrades, each made once rather than twice.
    if connection.vendor == "sqlite":
        path = tmp_path / "upgrade.sqlite3"

        def counts() -> dict[str, int]:
            with sqlite3.connect(path) as db:
                return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KEPT}

        yield f"sqlite:///{path}", counts
        return
    server = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/tiaojie").rsplit("/", 1)[0]
    name = f"upgrade_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", "-q", "-X", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)

    def pg_counts() -> dict[str, int]:
        out = {}
        for table in KEPT:
            result = subprocess.run(
                ["psql", "-tAX", f"{server}/{name}", "-c", f"SELECT count(*) FROM {table}"],
                capture_output=True,
                text=True,
                check=True,
            )
            out[table] = int(result.stdout.strip())
        return out

    yield f"{server}/{name}", pg_counts
    subprocess.run(["psql", "-q", "-X", f"{server}/postgres", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=True)


def test_a_database_of_the_previous_release_migrates_to_head_keeping_every_row(database, tmp_path):
    url, counts = database
    old = tmp_path / f"tiaojie-{PREVIOUS[0]}"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS[1]], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    env = {"DATABASE_URL": url, "TIAOJIE_VAR_DIR": str(tmp_path / "var")}

    # The previous release's code (first on the path) builds and fills the database, as a site running it would.
    old_env = {**env, "PYTHONPATH": str(old)}
    run(["-m", "tiaojie", "migrate", "--no-input", "-v0"], cwd=old, env=old_env)
    run(["-m", "tiaojie", "demo", "--cases", "20"], cwd=old, env=old_env)
    before = counts()
    assert before["cases_case"] == 20 and before["cases_caseevent"] > 20

    run(["-m", "tiaojie", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env)
    after = counts()
    assert after == before
    shown = run(
        [
            "-m",
            "tiaojie",
            "shell",
            "-c",
            "from tiaojie.cases.models import Case; c = Case.objects.order_by('pk').first(); "
            "print(Case.objects.count(), c.display_number, c.clock_a_due)",
        ],
        cwd=ROOT,
        env=env,
    )
    assert shown.splitlines()[-1].startswith("20 ")
    run(["-m", "tiaojie", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env)
