"""Benchmark: backup, restore (the RTO) and verification at a million cases (issue 16, item 3).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_h26 .venv/bin/python -m bench.backup_restore

DATABASE_URL is a filled PostgreSQL database (bench/case_list.py makes one: `make bench-case-list`). The script
runs the commands an operator runs, as subprocesses: `tiaojie backup DIR` of that database, then
`tiaojie restore DIR` into a new, empty database (the recovery time: load, then every table's count and checksum
compared with the manifest), then the verification alone once more on the restored database so the load and the
check can be told apart. The baseline, measured in the same run on the same database: a plain
`pg_dump --format=custom` and a plain `pg_restore` into another empty database, with no manifest and no check.
The ratios say what the manifest and the verification cost on top of PostgreSQL's own tools. The two restored
databases are dropped at the end (--keep leaves them and the backup directory).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _url_with_name(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _env(db: dict[str, Any], **extra: str) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "1", **extra}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _admin(db: dict[str, Any], sql: str, params: list[Any] | None = None) -> list[tuple]:
    import psycopg

    params_ = {k: db[k.upper()] for k in ("host", "port", "user", "password") if db.get(k.upper())}
    with psycopg.connect(dbname="postgres", autocommit=True, **params_) as conn:
        cur = conn.execute(sql, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def _create_empty(db: dict[str, Any], name: str) -> None:
    _admin(db, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(
        db,
        f"CREATE DATABASE \"{name}\" TEMPLATE template0 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' ENCODING 'UTF8'",
    )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _run(label: str, argv: list[str], env: dict[str, str]) -> float:
    log(f"  {label}: {' '.join(argv[:3])} …")
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    if done.stdout.strip():
        log(f"    {done.stdout.strip().splitlines()[-1]}")
    log(f"  {label}: {seconds:.1f} s")
    return seconds


def verify_only(directory: Path) -> None:
    """Run inside a subprocess whose DATABASE_URL is the restored database: the manifest check alone."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from tiaojie.site.backup import MANIFEST, compare

    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    problems = compare(manifest)
    print(json.dumps({"seconds": time.perf_counter() - t0, "problems": problems}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workdir", type=Path, help="where to write the backups (default: a new temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the restored databases and the backup directory")
    parser.add_argument("--verify-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.verify_only:
        verify_only(args.verify_only)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a filled PostgreSQL bench database (bench/case_list.py makes one)")
    db = dj_database_url.parse(url)
    name = str(db["NAME"])
    restored, plain = f"{name}_restore", f"{name}_plain"
    cases = _admin(db, "SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if not cases:
        raise SystemExit(f"database {name} does not exist: fill it first (make bench-case-list)")
    import psycopg

    params = {k: db[k.upper()] for k in ("host", "port", "user", "password") if db.get(k.upper())}
    with psycopg.connect(dbname=name, autocommit=True, **params) as conn:
        n_cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]  # type: ignore[index]
        n_rows = conn.execute("SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables").fetchone()[0]  # type: ignore[index]
        db_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
    log(f"source {name}: {n_cases:,} cases, ~{n_rows:,} rows, {db_bytes / 2**20:,.0f} MiB")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="tiaojie-bench-backup-h26-"))
    work.mkdir(parents=True, exist_ok=True)
    backup_dir, plain_dump = work / "backup", work / "plain.dump"
    media = work / "media-restored"
    for path in (backup_dir, plain_dump, media):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    tiaojie = [sys.executable, "-m", "tiaojie"]
    if (ROOT / ".venv" / "bin" / "tiaojie").exists():
        tiaojie = [str(ROOT / ".venv" / "bin" / "tiaojie")]
    empty_media = work / "media-source"  # the bench database has no files: an empty media directory
    empty_media.mkdir(exist_ok=True)
    src_env = _env(db, DATABASE_URL=url, PRIVATE_MEDIA_ROOT=str(empty_media))
    figures: dict[str, float] = {}
    try:
        log("measuring")
        figures["pg_dump"] = _run(
            "baseline pg_dump -Fc",
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db), "--file", str(plain_dump),
             name],
            src_env,
        )  # fmt: skip
        figures["backup"] = _run("tiaojie backup", [*tiaojie, "backup", str(backup_dir)], src_env)

        _create_empty(db, plain)
        figures["pg_restore"] = _run(
            "baseline pg_restore",
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *_pg_args(db), "--dbname", plain,
             str(plain_dump)],
            src_env,
        )  # fmt: skip

        _create_empty(db, restored)
        restore_env = _env(db, DATABASE_URL=_url_with_name(url, restored), PRIVATE_MEDIA_ROOT=str(media))
        figures["restore"] = _run("tiaojie restore", [*tiaojie, "restore", str(backup_dir)], restore_env)

        log("  verification alone, on the restored database …")
        done = subprocess.run(
            [sys.executable, "-m", "bench.backup_restore", "--verify-only", str(backup_dir)],
            env=restore_env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        verified = json.loads(done.stdout.strip().splitlines()[-1])
        if verified["problems"]:
            raise SystemExit("the restored database differs from the manifest:\n" + "\n".join(verified["problems"]))
        figures["verify"] = verified["seconds"]
        log(f"  verification: {figures['verify']:.1f} s, no difference")

        manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
        backup_bytes, plain_bytes = _size(backup_dir), _size(plain_dump)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        mib = 2**20
        print(
            f"\nbackup and restore benchmark: {n_cases:,} cases, {len(manifest['tables'])} tables, "
            f"{sum(t['rows'] for t in manifest['tables'].values()):,} rows, database {db_bytes / mib:,.0f} MiB; "
            f"{os.cpu_count()} cores, load average {load}"
        )
        header = f"{'step':<44} {'seconds':>9} {'MiB':>9} {'vs baseline':>12}"
        print(f"\n{header}\n{'-' * len(header)}")
        rows = [
            ("pg_dump -Fc (baseline)", figures["pg_dump"], plain_bytes / mib, ""),
            ("tiaojie backup (checksums + pg_dump -Fc)", figures["backup"], backup_bytes / mib,
             f"{figures['backup'] / figures['pg_dump']:.2f}x"),
            ("pg_restore into an empty database (baseline)", figures["pg_restore"], None, ""),
            ("tiaojie restore (load + verify) = RTO", figures["restore"], None,
             f"{figures['restore'] / figures['pg_restore']:.2f}x"),
            ("  of which the verification alone", figures["verify"], None, ""),
        ]  # fmt: skip
        for label, seconds, size, ratio in rows:
            shown = f"{size:9,.0f}" if size is not None else " " * 9
            print(f"{label:<44} {seconds:>9.1f} {shown} {ratio:>12}")
        print(
            f"\ncases={n_cases} backup_s={figures['backup']:.1f} pg_dump_s={figures['pg_dump']:.1f} "
            f"backup_mib={backup_bytes / mib:.0f} restore_s={figures['restore']:.1f} "
            f"pg_restore_s={figures['pg_restore']:.1f} verify_s={figures['verify']:.1f} "
            f"backup_ratio={figures['backup'] / figures['pg_dump']:.2f} "
            f"restore_ratio={figures['restore'] / figures['pg_restore']:.2f}"
        )
    finally:
        if not args.keep:
            for database in (restored, plain):
                _admin(db, f'DROP DATABASE IF EXISTS "{database}"')
            if not args.workdir:
                shutil.rmtree(work, ignore_errors=True)
            else:
                for path in (backup_dir, media):
                    shutil.rmtree(path, ignore_errors=True)
                plain_dump.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
