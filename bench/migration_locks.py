"""Benchmark: which locks every migration takes, on which tables, for how long, at a million cases (issue 16, item 4).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_h26 .venv/bin/python -m bench.migration_locks

DATABASE_URL is a PostgreSQL database filled by bench/case_list.py (cases, workers, claims; built by the
migrations, so they can be replayed). This script first adds one event and one SMS notification per case (once;
a re-run finds them), then works in two ways, and says which for every row it prints:

- measured: it migrates back to --rollback-to (app.migration; Django unapplies every later migration of every
  app that depends on it), then applies the migrations again one at a time while a second connection polls `pg_locks`
  every --interval ms. For each table it records the strongest lock the migrating session held and for how long
  (the longest run of samples that saw it: a lock held under one interval shows as "<interval"), and the kinds of the
  statements run against it. The migration's wall time is printed too. The two Python backfills (cases 0008 and
  0012) are replayed as one SQL statement each doing the same writes ("SQL twin", see SUBSTITUTES): as written
  they take hours here, so their real hold is longer than the twin's.
- by SQL: every other migration (the older ones, which every installation of v0.1.0 has already applied) is
  classified from the SQL `sqlmigrate` would print: the lock PostgreSQL takes for that kind of statement and the
  table's row count here. A RunPython operation has no SQL and is marked so.

The verdict lists every ACCESS EXCLUSIVE (or SHARE, which blocks writes) held longer than --limit-ms on a table of
more than --big rows, and whether the migration was released (in the v0.1.0 tag) or may still be changed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
RELEASE = "6d9ccc5c"  # v0.1.0
STRENGTH = [
    "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
    "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
]  # fmt: skip
SHOWN = {
    "AccessShareLock": "ACCESS SHARE", "RowShareLock": "ROW SHARE", "RowExclusiveLock": "ROW EXCLUSIVE",
    "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE", "ShareLock": "SHARE",
    "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE", "ExclusiveLock": "EXCLUSIVE",
    "AccessExclusiveLock": "ACCESS EXCLUSIVE",
}  # fmt: skip
BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}

# (pattern, kind, lock PostgreSQL takes, what it costs); the first match wins. Table is group "t".
Q = r'"?(?P<t>\w+)"?'
KINDS = [
    (rf"^CREATE TABLE {Q}", "create table", "AccessExclusiveLock", "new, empty table"),
    (rf"^CREATE (UNIQUE )?INDEX CONCURRENTLY .*? ON {Q}", "create index concurrently", "ShareUpdateExclusiveLock",
     "scan; reads and writes go on"),
    (rf"^CREATE (UNIQUE )?INDEX .*? ON {Q}", "create index", "ShareLock", "scan and sort; blocks writes"),
    (rf"^ALTER TABLE {Q} ADD CONSTRAINT .* FOREIGN KEY .* NOT VALID", "add foreign key not valid",
     "ShareRowExclusiveLock", "metadata only"),
    (rf"^ALTER TABLE {Q} ADD CONSTRAINT .* FOREIGN KEY", "add foreign key", "ShareRowExclusiveLock",
     "scans the referencing table"),
    (rf"^ALTER TABLE {Q} ADD CONSTRAINT .* CHECK", "add check", "AccessExclusiveLock", "full scan"),
    (rf"^ALTER TABLE {Q} ADD CONSTRAINT .* UNIQUE", "add unique", "AccessExclusiveLock", "index build"),
    (rf"^ALTER TABLE {Q} ALTER COLUMN .* SET NOT NULL", "set not null", "AccessExclusiveLock", "full scan"),
    (rf"^ALTER TABLE {Q} ALTER COLUMN .* TYPE", "alter column type", "AccessExclusiveLock", "may rewrite"),
    (rf"^ALTER TABLE {Q} ADD COLUMN .*(GENERATED ALWAYS|DEFAULT \w+\()", "add column (rewrite)",
     "AccessExclusiveLock", "rewrites the table"),
    (rf"^ALTER TABLE {Q} ADD COLUMN .* CHECK", "add column with check", "AccessExclusiveLock", "full scan"),
    (rf"^ALTER TABLE {Q} ADD COLUMN", "add column", "AccessExclusiveLock", "metadata only"),
    (rf"^ALTER TABLE {Q} .*DROP", "drop default/column/constraint", "AccessExclusiveLock", "metadata only"),
    (rf"^ALTER TABLE {Q}", "alter table", "AccessExclusiveLock", "?"),
    (rf"^(UPDATE|INSERT INTO|DELETE FROM) {Q}", "write rows", "RowExclusiveLock", "row locks"),
    (rf"^CREATE (OR REPLACE )?TRIGGER .*? ON {Q}", "create trigger", "ShareRowExclusiveLock", "metadata only"),
    (rf"^DROP TRIGGER .*? ON {Q}", "drop trigger", "AccessExclusiveLock", "metadata only"),
    (r"^DROP INDEX CONCURRENTLY", "drop index concurrently", "ShareUpdateExclusiveLock", "metadata only"),
    (rf"^DROP (TABLE|INDEX) (IF EXISTS )?{Q}", "drop", "AccessExclusiveLock", "metadata only"),
]  # fmt: skip


# The two backfills written in Python replay far too slowly at a million rows (bulk_update's CASE WHEN per batch:
# 0008 numbered ~30,000 cases in 4 minutes on the loaded bench machine, about two hours for the million). They
# are replaced by one SQL statement each doing the same writes in the migration's single transaction, so the
# held time printed is a lower bound of the real migration's (which holds the same locks for longer).
SUBSTITUTES = {
    "cases.0008_case_number_backfill_h5": [
        "UPDATE cases_case c SET number_year = n.year, number_seq = n.seq, numbered_by_id = c.organisation_id, "
        "number = '调〔' || n.year || '〕' || n.seq || '号' FROM (SELECT id, "
        "extract(year FROM received_at AT TIME ZONE 'Asia/Shanghai')::int AS year, row_number() OVER ("
        "PARTITION BY organisation_id, extract(year FROM received_at AT TIME ZONE 'Asia/Shanghai') "
        "ORDER BY received_at, id) AS seq FROM cases_case WHERE number_seq IS NULL) n WHERE n.id = c.id",
        "INSERT INTO cases_casenumbercounter (organisation_id, year, last) SELECT organisation_id, number_year, "
        "max(number_seq) FROM cases_case GROUP BY 1, 2",
    ],
    "cases.0012_case_acceptance_from_h3": [
        'ALTER TABLE "cases_case" ADD COLUMN "acceptance_from" date NULL',
        "UPDATE cases_case SET acceptance_from = (received_at AT TIME ZONE 'Asia/Shanghai')::date",
    ],
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def classify(sql: str) -> tuple[str, str, str, str]:
    """(kind, table, lock, cost) of one statement."""
    text = " ".join(sql.split())
    for pattern, kind, lock, cost in KINDS:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return kind, m.groupdict().get("t") or "", lock, cost
    return "other", "", "", ""


# --- data -----------------------------------------------------------------------------------------------


def fill(cur: Any) -> None:
    """One `created` event and one sent SMS per case, so the event and notification tables are big too."""
    cases = cur.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    if cases < 1000:
        raise SystemExit("the database holds no bench cases: fill it first (make bench-case-list)")
    events = cur.execute("SELECT count(*) FROM cases_caseevent").fetchone()[0]
    if events < cases:
        log(f"adding {cases:,} case events")
        t0 = time.perf_counter()
        cur.execute(
            "INSERT INTO cases_caseevent (at, kind, actor_label, from_status, to_status, reason, basis, data, case_id) "
            "SELECT received_at, 'created', '', '', 'received', '', '', '{}'::jsonb, id FROM cases_case"
        )
        log(f"  {time.perf_counter() - t0:.0f} s")
    notes = cur.execute("SELECT count(*) FROM notifications_notification").fetchone()[0]
    if notes < cases:
        log(f"adding {cases:,} notifications")
        t0 = time.perf_counter()
        columns = {r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'notifications_notification'"
        ).fetchall()}  # fmt: skip
        extra = [c for c in ("delivery_error", "delivery_state", "gateway_message_id") if c in columns]
        blanks = ", ''" * len(extra)
        cur.execute(
            "INSERT INTO notifications_notification (recipient_phone_encrypted, recipient_phone_masked, channel, "
            "template_key, subject, text, created_at, state, attempts, last_error, claim_token, sent_at, case_id, "
            f"recipient_worker_id{''.join(', ' + c for c in extra)}) "
            "SELECT 'x', '138****0000', 'sms', 'case_received', '', '已收到申请。', received_at, 'sent', 1, '', "
            f"'', received_at, id, id{blanks} FROM cases_case"
        )
        log(f"  {time.perf_counter() - t0:.0f} s")
    for table in ("cases_caseevent", "notifications_notification"):
        cur.execute(f"VACUUM (ANALYZE) {table}")


def row_counts(cur: Any) -> dict[str, int]:
    return {
        name: int(n)
        for name, n in cur.execute(
            "SELECT relname, greatest(reltuples, 0)::bigint FROM pg_class "
            "WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace"
        ).fetchall()
    }


# --- the monitor ----------------------------------------------------------------------------------------


class Monitor(threading.Thread):
    """Polls pg_locks for the relation locks other client sessions of this database hold."""

    def __init__(self, params: dict[str, Any], dbname: str, interval: float) -> None:
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(dbname=dbname, autocommit=True, **params)
        self.interval = interval
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.first: dict[tuple[str, str], float] = {}
        self.last: dict[tuple[str, str], float] = {}
        self.longest: dict[tuple[str, str], float] = {}
        self.samples = 0

    def run(self) -> None:
        query = (
            "SELECT coalesce(c.relname, 'oid ' || l.relation::text), coalesce(c.relkind::text, 'r'), l.mode "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "LEFT JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.locktype = 'relation' AND l.granted AND a.datname = current_database() "
            "AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'"
        )
        while not self.stop.is_set():
            rows = self.conn.execute(query).fetchall()
            now = time.perf_counter()
            with self.lock:
                self.samples += 1
                seen = {(name, mode) for name, kind, mode in rows if kind in ("r", "p")}  # index locks follow tables
                for key in list(self.first):
                    if key not in seen:  # released since the last sample: close the run
                        run = self.last[key] - self.first.pop(key)
                        self.longest[key] = max(self.longest.get(key, 0.0), run)
                for key in seen:
                    self.first.setdefault(key, now)
                    self.last[key] = now
            time.sleep(self.interval)

    def take(self) -> dict[tuple[str, str], float]:
        """The longest unbroken hold per (table, mode) since the last call, in ms: a non-atomic migration takes
        and releases a lock once per statement, and the holds are not added up."""
        with self.lock:
            for key, start in self.first.items():
                self.longest[key] = max(self.longest.get(key, 0.0), self.last[key] - start)
            held = {key: run * 1000 for key, run in self.longest.items()}
            self.first.clear()
            self.last.clear()
            self.longest.clear()
        return held


# --- results --------------------------------------------------------------------------------------------


@dataclass
class Row:
    migration: str
    kinds: str
    table: str
    rows: int
    mode: str
    held_ms: float | None  # None: classified by SQL, not measured
    how: str
    released: bool
    note: str = ""


@dataclass
class Measured:
    migration: str
    seconds: float
    statements: list[tuple[str, float]] = field(default_factory=list)
    held: dict[tuple[str, str], float] = field(default_factory=dict)
    substituted: bool = False


def released(app_label: str, name: str) -> bool:
    from django.apps import apps

    path = Path(apps.get_app_config(app_label).path) / "migrations" / f"{name}.py"
    rel = path.relative_to(ROOT)
    done = subprocess.run(["git", "cat-file", "-e", f"{RELEASE}:{rel}"], cwd=ROOT, capture_output=True, check=False)
    return done.returncode == 0


def by_sql(node: tuple[str, str], counts: dict[str, int]) -> list[Row]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    migration = executor.loader.graph.nodes[node]
    statements = executor.loader.collect_sql([(migration, False)])
    label, rel = f"{node[0]}.{node[1]}", released(*node)
    created: set[str] = set()
    per_table: dict[str, dict[str, Any]] = {}
    python = False
    for sql in statements:
        if "CANNOT BE WRITTEN AS SQL" in sql:
            python = True
        if sql.lstrip().startswith("--") or sql.strip() in ("BEGIN;", "COMMIT;"):
            continue
        kind, table, lock, cost = classify(sql)
        if not table:
            continue
        if kind == "create table":
            created.add(table)
        entry = per_table.setdefault(table, {"kinds": [], "lock": "", "cost": set()})
        if kind not in entry["kinds"]:
            entry["kinds"].append(kind)
        if lock and (not entry["lock"] or STRENGTH.index(lock) > STRENGTH.index(entry["lock"])):
            entry["lock"] = lock
        entry["cost"].add(cost)
    rows = []
    for table, entry in per_table.items():
        note = "table created here" if table in created else "; ".join(sorted(entry["cost"]))
        rows.append(
            Row(label, ", ".join(entry["kinds"]), table, 0 if table in created else counts.get(table, 0),
                SHOWN.get(entry["lock"], entry["lock"]), None, "by SQL", rel, note)
        )  # fmt: skip
    if python:
        rows.append(Row(label, "RunPython", "?", 0, "?", None, "by SQL", rel, "Python: no SQL to classify"))
    if not rows:
        rows.append(Row(label, "no SQL", "", 0, "", None, "by SQL", rel, "state only (choices, verbose names)"))
    return rows


def measure_forward(args: argparse.Namespace, params: dict[str, Any], dbname: str) -> list[Measured]:
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    app_label, _, name = args.rollback_to.rpartition(".")
    target = (app_label or "cases", name)
    log(f"rolling back to {target[0]}.{name} (every later migration that depends on it is unapplied)")
    t0 = time.perf_counter()
    executor.migrate([target])
    log(f"  rolled back in {time.perf_counter() - t0:.0f} s")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(leaves)
    log(f"applying {len(plan)} migrations one at a time, pg_locks polled every {args.interval:g} ms")
    monitor = Monitor(params, dbname, args.interval / 1000)
    monitor.start()
    results = []
    try:
        for migration, backwards in plan:
            assert not backwards
            node = (migration.app_label, migration.name)
            statements: list[tuple[str, float]] = []

            def record(execute: Any, sql: str, p: Any, many: bool, context: Any) -> Any:
                s0 = time.perf_counter()
                try:
                    return execute(sql, p, many, context)
                finally:
                    statements.append((sql, time.perf_counter() - s0))  # noqa: B023

            monitor.take()
            executor = MigrationExecutor(connection)
            label = f"{node[0]}.{node[1]}"
            t0 = time.perf_counter()
            with connection.execute_wrapper(record):
                if label in SUBSTITUTES and not args.python_backfills:
                    with transaction.atomic(), connection.cursor() as cur:
                        for sql in SUBSTITUTES[label]:
                            cur.execute(sql)
                        executor.recorder.record_applied(*node)
                else:
                    executor.migrate([node])
            seconds = time.perf_counter() - t0
            time.sleep(2 * args.interval / 1000)  # one more sample after the commit
            held = monitor.take()
            results.append(Measured(label, seconds, statements, held, label in SUBSTITUTES))
            top = max(held.items(), key=lambda kv: (STRENGTH.index(kv[0][1]), kv[1]), default=None)
            shown = f"{SHOWN[top[0][1]]} on {top[0][0]} {top[1]:.0f} ms" if top else "no table lock seen"
            log(f"  {node[0]}.{node[1]}: {seconds:.2f} s, {len(statements)} statements; strongest: {shown}")
    finally:
        monitor.stop.set()
        monitor.join()
    log(f"monitor took {monitor.samples:,} samples")
    return results


def measured_rows(m: Measured, counts: dict[str, int], interval: float) -> list[Row]:
    app_label, name = m.migration.split(".", 1)
    rel = released(app_label, name)
    kinds: dict[str, list[str]] = defaultdict(list)
    expected: dict[str, str] = {}  # the lock its statements take, for one held too briefly to be sampled
    slow: dict[str, float] = defaultdict(float)
    created = set()
    for sql, seconds in m.statements:
        kind, table, lock, _ = classify(sql)
        if not table:
            continue
        if kind == "create table":
            created.add(table)
        if lock and (table not in expected or STRENGTH.index(lock) > STRENGTH.index(expected[table])):
            expected[table] = lock
        if kind not in kinds[table]:
            kinds[table].append(kind)
        slow[table] += seconds
    strongest: dict[str, tuple[str, float]] = {}
    for (table, mode), ms in m.held.items():
        if table not in strongest or STRENGTH.index(mode) > STRENGTH.index(strongest[table][0]):
            strongest[table] = (mode, ms)
    rows = []
    how = "SQL twin" if m.substituted else "measured"
    for table in sorted(set(strongest) | set(kinds)):
        mode, ms = strongest.get(table, (expected.get(table, ""), 0.0))
        if table.startswith("oid ") or table in created:
            continue  # a table created inside the migration: nobody else can see it yet
        if table not in kinds and STRENGTH.index(mode) < STRENGTH.index("ShareUpdateExclusiveLock"):
            continue  # reads of other tables (Django's state, the migration's own lookups)
        rows.append(
            Row(m.migration, ", ".join(kinds.get(table, [])) or "(python)", table, counts.get(table, 0),
                SHOWN.get(mode, mode), max(ms, interval), how, rel,
                f"statements on it {slow[table] * 1000:.0f} ms" if table in slow else "")
        )  # fmt: skip
    if created:
        rows.append(Row(m.migration, "create table", ", ".join(sorted(created)), 0, "ACCESS EXCLUSIVE", None,
                        "measured", rel, "new tables: invisible to others until commit"))  # fmt: skip
    if not rows:
        rows.append(Row(m.migration, "no SQL", "", 0, "", None, "measured", rel, "state only"))
    return rows


def report(rows: list[Row], measured: list[Measured], args: argparse.Namespace, n_cases: int) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nmigration locks: {n_cases:,} cases on PostgreSQL, pg_locks every {args.interval:g} ms, "
        f"{os.cpu_count()} cores, load average {load}"
    )
    print("\nmeasured migrations, wall time:")
    for m in measured:
        print(f"  {m.migration:<58} {m.seconds * 1000:>10.0f} ms")
    header = (
        f"{'migration':<52} {'rel':<3} {'how':<8} {'statement kind':<34} {'table':<34} {'rows':>10} "
        f"{'lock mode':<22} {'held ms':>8}  note"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    for r in rows:
        held = "<" + f"{args.interval:g}" if r.held_ms is not None and r.held_ms <= args.interval else (
            f"{r.held_ms:.0f}" if r.held_ms is not None else "—")  # fmt: skip
        print(
            f"{r.migration:<52} {'yes' if r.released else 'no':<3} {r.how:<8} {r.kinds[:34]:<34} {r.table[:34]:<34} "
            f"{r.rows:>10,} {r.mode:<22} {held:>8}  {r.note}"
        )
    over = [
        r for r in rows
        if r.held_ms is not None and r.held_ms > args.limit_ms and r.rows > args.big
        and r.mode in ("ACCESS EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE")
    ]  # fmt: skip
    print(f"\nlocks that block writes held over {args.limit_ms:g} ms on tables over {args.big:,} rows: {len(over)}")
    for r in over:
        state = "released in v0.1.0: documented, not edited" if r.released else "not yet released: fix it"
        print(f"  {r.migration}: {r.mode} on {r.table} ({r.rows:,} rows) for {r.held_ms:,.0f} ms — {state}")
    worst_ae = max((r.held_ms or 0 for r in rows if r.mode == "ACCESS EXCLUSIVE" and r.rows > args.big), default=0)
    unreleased = max(
        (r.held_ms or 0 for r in rows if r.mode == "ACCESS EXCLUSIVE" and r.rows > args.big and not r.released),
        default=0,
    )
    print(
        f"\ncases={n_cases} migrations_measured={len(measured)} worst_access_exclusive_ms={worst_ae:.0f} "
        f"worst_unreleased_access_exclusive_ms={unreleased:.0f} over_limit={len(over)}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--rollback-to",
        default="cases.0005_alter_caseevent_kind",
        help="app.migration to roll back to before replaying (default cases.0005_alter_caseevent_kind)",
    )
    parser.add_argument("--interval", type=float, default=10.0, help="pg_locks polling interval in ms (default 10)")
    parser.add_argument("--big", type=int, default=10_000, help="a big table has more rows than this (10,000)")
    parser.add_argument("--limit-ms", type=float, default=1000.0, help="the longest allowed lock (1000 ms)")
    parser.add_argument(
        "--python-backfills", action="store_true", help="replay 0008 and 0012 as written (hours at 1M cases)"
    )
    parser.add_argument("--classify-only", action="store_true", help="no replay: classify every migration by SQL")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL bench database (bench/case_list.py fills one)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    db = settings.DATABASES["default"]
    params = {k: db[k.upper()] for k in ("host", "port", "user", "password") if db.get(k.upper())}
    import psycopg

    with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as admin:
        fill(admin.cursor())
        counts = row_counts(admin.cursor())
    n_cases = counts.get("cases_case", 0)
    big = {t: n for t, n in counts.items() if n > args.big}
    log("tables over {:,} rows: {}".format(args.big, ", ".join(f"{t} {n:,}" for t, n in sorted(big.items()))))

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    order = [n for n in graph.forwards_plan(max(graph.leaf_nodes())) if n[0] != "__first__"]
    seen, nodes = set(), []
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                nodes.append(node)
    del order
    ours = {n for n in nodes if n[0] in {c.label for c in django.apps.apps.get_app_configs() if
                                          c.name.startswith("tiaojie.")}}  # fmt: skip
    measured: list[Measured] = []
    if not args.classify_only:
        measured = measure_forward(args, params, db["NAME"])
        with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as admin:
            counts = row_counts(admin.cursor())
    replayed = {m.migration for m in measured}
    rows: list[Row] = []
    for node in nodes:
        if node not in ours:
            continue
        label = f"{node[0]}.{node[1]}"
        if label in replayed:
            m = next(x for x in measured if x.migration == label)
            rows.extend(measured_rows(m, counts, args.interval))
        else:
            rows.extend(by_sql(node, counts))
    report(rows, measured, args, n_cases)


if __name__ == "__main__":
    main()
