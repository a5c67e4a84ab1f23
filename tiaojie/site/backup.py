"""Backups that are proven by restoring (docs/deployment.md, "Backup and restore").

`backup(target)` writes one directory:

- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup API,
  consistent while the server writes);
- `media/`, a copy of PRIVATE_MEDIA_ROOT (evidence, signatures, issued documents);
- `manifest.json`: the tool's version, the time, the engine, and for every table its row count and a checksum of
  its rows (the MD5 of the sorted MD5s of each row's text, so row order does not matter), every media file's
  size and SHA-256, and the SHA-256 of the database file.

`restore(source)` refuses a database that has tables or a media directory with files, loads the dump
(`pg_restore --no-owner --no-privileges`, or a copy of the SQLite file), copies the media back, and then
compares every table's count and checksum and every file's hash with the manifest; any difference raises
`BackupError` listing them. The drill test (tiaojie/site/tests/test_backup.py) does this on both databases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from tiaojie import __version__

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    # SQLite's own bookkeeping and FTS5's shadow tables are rebuilt with their owners, not compared on their own.
    return sorted(
        n
        for n in names
        if not n.startswith("sqlite_") and not n.endswith(("_data", "_idx", "_docsize", "_config", "_content"))
    )


def table_facts() -> dict[str, dict[str, Any]]:
    """Every table's row count and row checksum, as the database holds them now."""
    facts: dict[str, dict[str, Any]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "  # noqa: S608 (names from introspection)
                    f"FROM (SELECT md5(t::text) AS h FROM {quote(table)} t) rows"
                )
                count, checksum = cursor.fetchone()
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
                hashes = sorted(hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest() for row in cursor)
                count, checksum = len(hashes), hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
            facts[table] = {"rows": count, "checksum": checksum}
    return facts


def media_facts(root: Path) -> dict[str, dict[str, Any]]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _program(name: str) -> str:
    """pg_dump/pg_restore of the server's major version: Debian's wrapper on PATH picks it for the cluster."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


@dataclass
class Result:
    directory: Path
    tables: int
    rows: int
    files: int
    seconds: float


def backup(target: Path) -> Result:
    started = dt.datetime.now(dt.UTC)
    target.mkdir(parents=True, exist_ok=False)
    db_name = settings.DATABASES["default"]["NAME"]
    # The counts first, then the dump: on a live server a row written in between shows up as a difference at the
    # drill, never as silent loss; on a quiet server (the drill, a maintenance window) they agree exactly.
    tables = table_facts()
    if connection.vendor == "postgresql":
        dump = target / "database.dump"
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(dump),
                str(db_name),
            ],
            check=True,
            env=env,
        )
    else:
        dump = target / "database.sqlite3"
        source = sqlite3.connect(str(db_name))
        copy = sqlite3.connect(str(dump))
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, target / "media")
    media = media_facts(target / "media")
    manifest = {
        "tiaojie_version": __version__,
        "created_at": started.isoformat(),
        "engine": connection.vendor,
        "database_file": dump.name,
        "database_sha256": _sha256(dump),
        "tables": tables,
        "media": media,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return Result(target, len(tables), sum(t["rows"] for t in tables.values()), len(media), seconds)


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source: Path) -> Result:
    started = dt.datetime.now(dt.UTC)
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup is of {manifest['engine']}, the configured database is {connection.vendor}")
    dump = source / manifest["database_file"]
    if _sha256(dump) != manifest["database_sha256"]:
        raise BackupError(f"{dump.name} does not match the manifest's SHA-256: the backup is damaged")
    if not _database_is_empty():
        raise BackupError("the configured database is not empty: restore only into a new, empty database")
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore only into an empty media directory")
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env()
        subprocess.run(  # noqa: S603
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                "--dbname",
                str(settings.DATABASES["default"]["NAME"]),
                str(dump),
            ],
            check=True,
            env=env,
        )
    else:
        connection.close()
        backup_db = sqlite3.connect(str(dump))
        live = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        with live:
            backup_db.backup(live)
        backup_db.close()
        live.close()
    if (source / "media").exists():
        shutil.copytree(source / "media", media_root, dirs_exist_ok=True)
    problems = compare(manifest)
    if problems:
        raise BackupError("the restored data differs from the manifest:\n" + "\n".join(problems))
    tables = manifest["tables"]
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return Result(media_root, len(tables), sum(t["rows"] for t in tables.values()), len(manifest["media"]), seconds)


def compare(manifest: dict[str, Any]) -> list[str]:
    """What the database and media hold now against the manifest: one line per difference."""
    problems = []
    now = table_facts()
    for table, expected in manifest["tables"].items():
        got = now.get(table)
        if got is None:
            problems.append(f"table {table}: missing")
        elif got != expected:
            problems.append(
                f"table {table}: {got['rows']} rows ({got['checksum']}), "
                f"expected {expected['rows']} ({expected['checksum']})"
            )
    problems += [f"table {t}: not in the backup" for t in sorted(set(now) - set(manifest["tables"]))]
    media = media_facts(Path(settings.PRIVATE_MEDIA_ROOT))
    for name, expected in manifest["media"].items():
        if media.get(name) != expected:
            problems.append(f"file {name}: {'missing' if name not in media else 'differs'}")
    return problems
