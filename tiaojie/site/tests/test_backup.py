"""The backup drill: back up a database with cases and files, restore it into an empty database and media
directory in another process, and compare every table's count and checksum and every file's hash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tiaojie.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def tiaojie(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PRIVATE_MEDIA_ROOT"}}
    return subprocess.run(
        [sys.executable, "-m", "tiaojie", *args],
        env={**base, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (settings.PRIVATE_MEDIA_ROOT / "evidence" / "7").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "evidence" / "7" / "工资条.png").write_bytes(b"\x89PNG" + os.urandom(2048))
    (settings.PRIVATE_MEDIA_ROOT / "documents").mkdir()
    (settings.PRIVATE_MEDIA_ROOT / "documents" / "a.pdf").write_bytes(b"%PDF-1.7" + os.urandom(4096))
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def empty_database():
    """A URL of a new, empty database of the same engine as the test database."""
    if connection.vendor == "sqlite":
        path = Path(settings.BASE_DIR) / "var" / f"restore-{uuid.uuid4().hex[:8]}.sqlite3"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    name = f"restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    subprocess.run(["psql", "-q", "-X", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    yield f"{server}/{name}"
    subprocess.run(["psql", "-q", "-X", f"{server}/postgres", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=True)


def test_a_backup_restores_into_an_empty_database_with_every_count_and_checksum(
    org_a, mediator_a, media, tmp_path, empty_database
):
    for _ in range(3):
        make_case(org_a, mediator_a)
    target = tmp_path / "backup-1"
    call_command("backup", str(target))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["cases_case"]["rows"] == 3
    assert manifest["tables"]["reference_division"]["rows"] > 40_000  # the reference data comes along
    assert set(manifest["media"]) == {"evidence/7/工资条.png", "documents/a.pdf"}

    restored_media = tmp_path / "restored-private"
    env = {"DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(restored_media)}
    result = tiaojie("restore", str(target), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{len(manifest['tables'])} tables" in result.stdout and "match the manifest" in result.stdout
    assert (restored_media / "evidence" / "7" / "工资条.png").read_bytes() == (
        media / "evidence" / "7" / "工资条.png"
    ).read_bytes()

    # Restoring again over the restored copy is refused: a restore never mixes with existing data.
    again = tiaojie("restore", str(target), env=env)
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(org_a, mediator_a, media, tmp_path, empty_database):
    make_case(org_a, mediator_a)
    target = tmp_path / "backup-2"
    call_command("backup", str(target))
    dump = next(p for p in target.iterdir() if p.name.startswith("database."))
    with dump.open("r+b") as handle:
        handle.seek(dump.stat().st_size // 2)
        handle.write(b"\x00garbage\x00")
    result = tiaojie(
        "restore", str(target), env={"DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(tmp_path / "m")}
    )
    assert result.returncode != 0
    assert "does not match the manifest" in result.stderr
    assert not (tmp_path / "m").exists()


def test_a_difference_after_restoring_is_named_by_table_and_file(org_a, mediator_a, media, tmp_path):
    from tiaojie.cases.models import Case
    from tiaojie.site.backup import compare

    make_case(org_a, mediator_a)
    target = tmp_path / "backup-3"
    call_command("backup", str(target))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert compare(manifest) == []
    Case.objects.update(facts="改过的事实")
    (media / "documents" / "a.pdf").write_bytes(b"%PDF-other")
    problems = compare(manifest)
    assert any(p.startswith("table cases_case: 1 rows") for p in problems)
    assert "file documents/a.pdf: differs" in problems


def test_backup_refuses_an_existing_directory(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(tmp_path))
