"""New rows of several models written in one round trip.

An intake writes, after the case row, its workers' links, its claims, its "created" event, the classifier's
advice and its search document: five INSERTs that need nothing from each other, only the case's id. Each
statement is a round trip to PostgreSQL (about 0.3 ms here, plus the server's work to parse, plan and start
it), and on a loaded server the waits add up (bench/RESULTS.md, "Intake: the case's rows in one statement").
PostgreSQL runs data-modifying statements in WITH together in one statement, so `insert_together` sends the
groups as one: each group's INSERT is the one Django's own bulk_create would send (its SQL compiler, the
fields' defaults and `pre_save`), and the new ids come back in one row.

What it is not: it sends no model signals (as bulk_create) and calls no `save()` override, so it is only for
models without either; and the groups cannot refer to each other's new rows (they see the same snapshot). Where
the database cannot do this (SQLite), each group is a bulk_create of its own, with the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import AutoField, Model
from django.db.models.sql import InsertQuery

from tiaojie.lib.compiled import prepared_cursor, prepares


def insert_together(*groups: Sequence[Model], using: str = "default") -> None:
    """Insert each group's new objects (one model per group, none saved yet), setting their ids as bulk_create
    does. Empty groups are skipped. Runs in the caller's transaction."""
    groups = tuple(group for group in groups if group)
    for group in groups:
        if any(type(obj) is not type(group[0]) for obj in group):
            raise TypeError("insert_together: one model per group")
    connection = connections[using]
    if connection.vendor != "postgresql" or len(groups) < 2:
        for group in groups:
            type(group[0])._default_manager.using(using).bulk_create(group)
        return
    parts: list[str] = []
    params: list[Any] = []
    selects: list[str] = []
    returned: list[tuple[Sequence[Model], AutoField]] = []
    for i, group in enumerate(groups):
        model = type(group[0])
        opts = model._meta
        if opts.parents:
            raise TypeError(f"insert_together: {model.__name__} inherits a concrete model (as bulk_create refuses)")
        # What bulk_create does first: ids from their defaults, related objects' ids copied (and unsaved ones
        # refused), so the SQL below is bulk_create's own.
        queryset = model._default_manager.db_manager(using).get_queryset()
        queryset._prepare_for_bulk_create(group)  # type: ignore[attr-defined]  # Django's own step, private
        auto = opts.auto_field if any(obj.pk is None for obj in group) else None
        if auto is not None and any(obj.pk is not None for obj in group):
            raise ValueError("insert_together: a group's objects all have their ids, or none has")
        if any(f is not opts.auto_field for f in opts.db_returning_fields):
            raise TypeError(f"insert_together: {model.__name__} has columns the database sets besides its id")
        fields = [f for f in opts.concrete_fields if not f.generated and f is not auto]
        query = InsertQuery(model)
        query.insert_values(fields, list(group))
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [auto] if auto is not None else None
        ((sql, part_params),) = compiler.as_sql()
        name = f"tiaojie_insert_{i}"
        parts.append(f"{name} AS ({sql})")
        params.extend(part_params)
        if auto is not None:
            column = connection.ops.quote_name(auto.attname if auto.column is None else auto.column)
            # In the order they were given: one INSERT draws its ids from the sequence row after row.
            selects.append(f"ARRAY(SELECT {column} FROM {name} ORDER BY {column})")  # noqa: S608  (names of ours)
            returned.append((group, auto))
    sql = f"WITH {', '.join(parts)} SELECT {', '.join(selects) or '1'}"
    # Prepared as the lookups by key are (lib.compiled): intake sends the same few statements (Django writes
    # several rows of a group as one INSERT from UNNEST, whatever their number), and a statement of five INSERTs
    # costs PostgreSQL more to parse and plan than to run.
    with prepared_cursor(connection) if prepares(connection) else connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    for (group, auto), ids in zip(returned, row[: len(returned)] if row else (), strict=True):
        if len(ids) != len(group):
            raise AssertionError(f"insert_together: {len(group)} rows sent, {len(ids)} ids back")
        for obj, pk in zip(group, ids, strict=True):
            setattr(obj, auto.attname, pk)
    for group in groups:
        for obj in group:
            obj._state.adding = False
            obj._state.db = using
