"""Migrations stay under a second of blocking lock on the big tables (docs/deployment.md, "Writing migrations").

bench/migration_locks.py measures every migration's locks on a million-case PostgreSQL database. This test keeps
later migrations from bringing back what it found, by reading each migration's operations against the state
before it: on a big table, an index is built CONCURRENTLY (in a non-atomic migration), no constraint is added
and no column is made NOT NULL inside the migration (both scan the whole table under ACCESS EXCLUSIVE), no
column gets a database default that must be computed per row, and data is not rewritten in the same transaction
as a schema change of the table (the ALTER's ACCESS EXCLUSIVE would be held for the whole backfill). The
migrations of v0.1.0 that break a rule are listed in RELEASED with the reason they stay: every installation has
already applied them, and released migrations are never edited.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

# The tables that grow with the cases: a blocking lock on one of them stops the mediators' work.
BIG_TABLES = {
    "cases_case", "cases_caseevent", "cases_claimitem", "cases_worker", "cases_caseworker",
    "cases_casesearchdocument", "notifications_notification", "notifications_reminder",
    "accounts_piiaccesslog", "accounts_loginevent", "analytics_casefact",
}  # fmt: skip

# Released in v0.1.0 (tag 6d9ccc5c) and measured in bench/RESULTS.md; kept as they are.
RELEASED = {
    ("cases", "0006_retention"): "CREATE INDEX case_retention_ended (SHARE while it builds)",
    ("cases", "0011_clock_b_terms_h2"): "CHECK clock_b_extension_needs_acceptance_h2 (full scan)",
    ("cases", "0012_case_acceptance_from_h3"): "AddField and the acceptance_from backfill in one transaction",
    ("cases", "0013_case_acceptance_from_required_h3"): "acceptance_from SET NOT NULL (full scan)",
    ("accounts", "0004_audit_chain_schema"): "the audit chain's columns, index and their fill in one transaction",
    ("accounts", "0006_audit_append_only"): "seq SET NOT NULL and UNIQUE on the audit log",
    ("cases", "0007_case_number_h5"): "the case number's indexes and unique constraint, built without CONCURRENTLY",
}


def _table(state: Any, app_label: str, model_name: str) -> str:
    return state.apps.get_model(app_label, model_name)._meta.db_table


def findings(migration: migrations.Migration, state: Any) -> list[str]:
    """Why `migration`, applied to the project `state`, would hold a blocking lock on a big table for long."""
    found: list[str] = []
    schema_changed: set[str] = set()
    data_written = False
    created: set[str] = set()  # tables made by this migration: empty, and nobody else sees them before it commits
    for op in migration.operations:
        if isinstance(op, migrations.RunPython | migrations.RunSQL):
            data_written = True
            continue
        model_name = getattr(op, "model_name", None) or getattr(op, "name", None)
        if isinstance(op, migrations.CreateModel | migrations.DeleteModel) or model_name is None:
            op.state_forwards(migration.app_label, state)
            if isinstance(op, migrations.CreateModel):
                created.add(_table(state, migration.app_label, op.name))
            continue
        try:
            table = _table(state, migration.app_label, model_name)
        except LookupError:
            op.state_forwards(migration.app_label, state)
            continue
        if table in BIG_TABLES and table not in created:
            name = type(op).__name__
            if isinstance(op, migrations.AddIndex) and not isinstance(op, AddIndexConcurrently):
                found.append(f"{name} on {table}: use AddIndexConcurrently in a migration with atomic = False")
            elif isinstance(op, AddIndexConcurrently) and migration.atomic:
                found.append(f"{name} on {table}: needs atomic = False")
            elif isinstance(op, migrations.AddConstraint):
                found.append(f"{name} on {table}: validates every row under ACCESS EXCLUSIVE; add it NOT VALID")
            elif isinstance(op, migrations.AddField | migrations.AlterField):
                field = op.field
                indexed_before = False
                if isinstance(op, migrations.AlterField):
                    old = state.apps.get_model(migration.app_label, model_name)._meta.get_field(op.name)
                    indexed_before = old.db_index or old.unique
                if (field.db_index or field.unique) and not indexed_before:
                    found.append(f"{name} {op.name} on {table}: its index is built without CONCURRENTLY")
                db_default = getattr(field, "db_default", models.NOT_PROVIDED)
                if db_default is not models.NOT_PROVIDED and not isinstance(db_default, models.Value):
                    found.append(f"{name} {op.name} on {table}: a computed db_default rewrites the table")
                if isinstance(op, migrations.AlterField):
                    before = state.apps.get_model(migration.app_label, model_name)._meta.get_field(op.name)
                    if before.null and not field.null:
                        found.append(f"AlterField {op.name} on {table}: SET NOT NULL scans the whole table")
            if not isinstance(op, AddIndexConcurrently):
                schema_changed.add(table)
        op.state_forwards(migration.app_label, state)
    if data_written and schema_changed and migration.atomic:
        found.append(
            f"RunPython/RunSQL in the same transaction as a schema change of {', '.join(sorted(schema_changed))}: "
            "the ALTER's ACCESS EXCLUSIVE is held until the data is written; split the migration"
        )
    return found


def _all_findings() -> dict[tuple[str, str], list[str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    result = {}
    for key, migration in loader.disk_migrations.items():
        if not migration.__module__.startswith("tiaojie."):
            continue
        state = loader.project_state(key, at_end=False)
        problems = findings(migration, state)
        if problems:
            result[key] = problems
    return result


def test_no_new_migration_holds_a_long_blocking_lock_on_a_big_table() -> None:
    found = _all_findings()
    new = {key: problems for key, problems in found.items() if key not in RELEASED}
    assert not new, "\n".join(f"{a}.{n}: {p}" for (a, n), ps in sorted(new.items()) for p in ps)


def test_every_released_exception_is_still_found() -> None:
    # The list names what the check finds, no more: an entry it no longer finds is stale.
    found = _all_findings()
    assert set(RELEASED) <= set(found), sorted(set(RELEASED) - set(found))


@pytest.mark.parametrize(
    ("operations", "atomic", "expected"),
    [
        ([migrations.AddIndex("case", models.Index(fields=["channel"], name="x_h26"))], True, "AddIndexConcurrently"),
        ([AddIndexConcurrently("case", models.Index(fields=["channel"], name="x_h26"))], True, "atomic = False"),
        ([AddIndexConcurrently("case", models.Index(fields=["channel"], name="x_h26"))], False, ""),
        (
            [migrations.AddConstraint("claimitem", models.CheckConstraint(condition=models.Q(id__gt=0), name="c"))],
            True,
            "NOT VALID",
        ),
        ([migrations.AddField("case", "extra", models.CharField(max_length=3, default=""))], True, ""),
        (
            [migrations.AddField("case", "extra", models.DateTimeField(db_default=models.functions.Now()))],
            True,
            "rewrites",
        ),
        ([migrations.AddField("case", "extra", models.CharField(max_length=3, db_index=True))], True, "CONCURRENTLY"),
        (
            [
                migrations.AddField("case", "extra", models.CharField(max_length=3, default="")),
                migrations.RunPython(migrations.RunPython.noop),
            ],
            True,
            "split the migration",
        ),
        ([migrations.AlterField("case", "acceptance_from", models.DateField(null=True))], True, ""),
    ],
)
def test_the_rules_catch_what_they_name(operations: list[Any], atomic: bool, expected: str) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state()
    migration = type("Migration", (migrations.Migration,), {"operations": operations, "atomic": atomic})(
        "9999_probe_h26", "cases"
    )
    problems = findings(migration, state)
    if expected:
        assert any(expected in p for p in problems), problems
    else:
        assert not problems, problems
