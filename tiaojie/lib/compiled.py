"""Querysets compiled to SQL once per process and run again with new values.

Building a queryset and compiling it costs more than PostgreSQL's whole answer for a lookup by key: access_case's
case fetch spent about 1.2 ms building its filters and 0.5 ms in the SQL compiler before a round trip of about
0.5 ms, and every request of a signed-in member makes several such lookups (its memberships, its supervisor
scopes, the case; bench/RESULTS.md, "Querysets compiled once"). A lookup whose SQL has the same shape for every
value (only the values of its parameters change) is built once with stand-in values, compiled once per
database alias, and each later run puts its own values in the stand-ins' places and hands the SQL to Django's
own iterables, so the rows come back as the ORM makes them (select_related objects, converters, prefetches).

Only for a shape that does not depend on the values: `build(**stand_ins)` must give the queryset for any values
of the right types. A value the ORM rewrites before binding (`__contains`, `__in` over a list) cannot be found
among the parameters and is refused when the lookup is first compiled, so a lookup cannot silently run with
a stand-in. The result is a list, never a queryset: a queryset chained from the compiled one would keep its SQL
and drop the new filter.

On PostgreSQL the lookups are also prepared (settings.DB_PREPARED_LOOKUPS: on with persistent connections, off
behind a transaction-pooling proxy): planning, not running, is most of a key lookup's time there (the case fetch
with its joins plans in ~0.8 ms and runs in 0.06), and a prepared statement is parsed once per connection and, from
its sixth run, no longer planned (PostgreSQL's generic plan). Only these lookups: each is by key, so the generic
plan is the one PostgreSQL would choose for any value, whereas the search and the lists, whose best plan depends on
how common a value is, stay planned per run (bench/RESULTS.md: a reused plan made the search's common terms 3-10x
slower). Every other statement keeps Django's client-side binding.
"""

from __future__ import annotations

import functools
import itertools
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Stand-ins: numbers inside a 32-bit integer column's range (the ORM refuses to compare a value out of a
# column's range: no SQL at all), text with a control character. A stand-in is only compiled, never run.
_INT_BASE = 2_000_000_000
_counter = itertools.count(1)


def _stand_in(kind: type) -> Any:
    n = next(_counter)
    if kind is int:
        return _INT_BASE + n
    if kind is str:
        return f"\x1ftiaojie-stand-in-{n}\x1f"
    raise TypeError(f"a compiled lookup takes int or str values, not {kind.__name__}")


@dataclass(frozen=True)
class _Template:
    compiler: SQLCompiler  # after as_sql: select, klass_info, annotation_col_map, col_count, …
    sql: str
    params: tuple[Any, ...]
    places: dict[str, tuple[int, ...]]  # each value's positions among the parameters
    # The columns' converters per connection (each thread has its own), found once: Django looks them up for
    # every column on every run (a few per cent of a key lookup's time), and they depend only on the columns and
    # the connection's backend. Weak: a closed thread's connection does not stay alive for them.
    converters: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[list[int], Any]] = field(
        default_factory=weakref.WeakKeyDictionary, compare=False
    )


class CompiledLookup(Generic[M]):
    """`build(**values)` compiled once per database alias; `rows(**values)` runs it. `kinds` names each value
    and its type (int or str), e.g. `CompiledLookup(lambda user_id: Membership.objects.filter(…), user_id=int)`."""

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type) -> None:
        self._build = build
        self._stand_ins = {name: _stand_in(kind) for name, kind in kinds.items()}
        self._kinds = kinds
        self._built: QuerySet[M] | None = None  # on first use: a module may define a lookup before apps load
        self._templates: dict[str, _Template] = {}
        self._lock = threading.Lock()

    @property
    def _queryset(self) -> QuerySet[M]:
        if self._built is None:
            self._built = self._build(**self._stand_ins)
        return self._built

    def rows(self, **values: Any) -> list[M]:
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected values for {sorted(self._kinds)}, got {sorted(values)}")
        for name, value in values.items():
            if type(value) is not self._kinds[name]:
                raise TypeError(f"{name} must be {self._kinds[name].__name__}, not {type(value).__name__}")
        run = self._queryset.all()
        alias = run.db
        template = self._template(alias)
        params = list(template.params)
        for name, positions in template.places.items():
            for i in positions:
                params[i] = values[name]
        # Shadows Query.get_compiler on this run's own query (a clone) only: Django's iterables ask it for the
        # compiler, and this one answers with the template's SQL and this run's values.
        run.query.get_compiler = functools.partial(_replay, template, tuple(params), alias)  # type: ignore[method-assign]
        return list(run)

    def first(self, **values: Any) -> M | None:
        """The first of rows(**values), or None: for a lookup by key (sliced [:1] when more could match)."""
        found = self.rows(**values)
        return found[0] if found else None

    def _template(self, alias: str) -> _Template:
        template = self._templates.get(alias)
        if template is None:
            with self._lock:
                template = self._templates.get(alias) or self._compile(alias)
                self._templates[alias] = template
        return template

    def _compile(self, alias: str) -> _Template:
        compiler = self._queryset.all().query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet as exc:  # a stand-in out of a column's range (a small integer column)
            raise ValueError(f"the lookup compiles to no SQL with its stand-in values: {self._stand_ins}") from exc
        places: dict[str, tuple[int, ...]] = {}
        for name, stand_in in self._stand_ins.items():
            found = tuple(i for i, p in enumerate(params) if p == stand_in)
            if not found:
                raise ValueError(f"the value {name!r} is not a parameter of the compiled SQL: {sql}")
            places[name] = found
        return _Template(compiler=compiler, sql=sql, params=tuple(params), places=places)


def _replay(
    template: _Template, params: tuple[Any, ...], alias: str, using: str | None = None, **_: Any
) -> SQLCompiler:
    compiler = template.compiler
    replay = compiler.__class__.__new__(compiler.__class__)
    replay.__dict__.update(compiler.__dict__)
    connection = connections[using or alias]  # this thread's connection, not the compiling one's
    replay.connection = _Preparing(connection) if prepares(connection) else connection  # type: ignore[assignment]
    sql = template.sql
    replay.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
    find = functools.partial(compiler.__class__.get_converters, replay)  # Django's own, on this run's connection
    replay.get_converters = functools.partial(_converters, template, connection, find)  # type: ignore[method-assign]
    return replay


def _converters(
    template: _Template, connection: BaseDatabaseWrapper, find: Callable[[Any], Any], expressions: Any
) -> Any:
    """SQLCompiler.get_converters for the template's own columns, found once per connection. Asked for other
    expressions (no iterable of Django's does that for a compiled lookup), it looks them up again."""
    ids = [id(e) for e in expressions]
    found = template.converters.get(connection)
    if found is None or found[0] != ids:
        found = (ids, find(expressions))
        template.converters[connection] = found
    return found[1]


def prepares(connection: BaseDatabaseWrapper) -> bool:
    """Whether statements of a fixed shape are prepared on this connection (PostgreSQL, DB_PREPARED_LOOKUPS)."""
    return connection.vendor == "postgresql" and settings.DB_PREPARED_LOOKUPS


class _Preparing:
    """The connection as the replayed compiler sees it: the same in all but its cursors, which prepare."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def cursor(self) -> Any:
        return prepared_cursor(self._connection)

    chunked_cursor = cursor  # a compiled lookup's rows are few: no server-side cursor to stream them


# PostgreSQL's words when a prepared statement's columns changed type under it (a migration while the workers run).
_STALE_PLAN = "cached plan must not change result type"


@functools.cache
def _preparing_cursor_classes() -> tuple[type, type]:
    from psycopg import ClientCursor, Cursor, errors  # PostgreSQL only
    from psycopg.pq import TransactionStatus

    # psycopg's server-binding cursor, as Django's ServerBindingCursor (which adds only callproc).
    class PreparingCursor(Cursor[Any]):
        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any) -> Any:
            # Django leaves preparing off on the connection (prepare_threshold None), and psycopg then neither
            # prepares nor counts a statement; it is switched on for this one only, so the other statements'
            # texts (their values inlined: names, facts) are never kept in psycopg's count of repeats.
            manager = self._conn._prepared
            threshold = manager.prepare_threshold
            manager.prepare_threshold = 0
            try:
                return super().execute(query, params, prepare=True, **kwargs)
            except errors.FeatureNotSupported as exc:
                if _STALE_PLAN not in str(exc):
                    raise
                # A migration changed a column this statement returns while this connection held its plan.
                # Forget the connection's prepared statements (psycopg deallocates them with its next command);
                # outside a transaction the statement runs again unprepared, inside one the error stands.
                manager.clear()
                if self._conn.info.transaction_status != TransactionStatus.IDLE:
                    raise
                return super().execute(query, params, prepare=False, **kwargs)
            finally:
                manager.prepare_threshold = threshold

    class LoggedPreparingCursor(PreparingCursor):
        """For DEBUG and CaptureQueriesContext: psycopg keeps no text of a prepared run, and Django's query log
        reads the statement, its values in place, from the cursor's last query."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            try:
                super().execute(query, params, **kwargs)
            finally:
                self._query = self._convert_query(ClientCursor(self.connection).mogrify(query, params))
            return self

    return PreparingCursor, LoggedPreparingCursor


def prepared_cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor of `connection` (PostgreSQL) that binds its parameters at the server and prepares each statement
    on its first run, wrapped as Django wraps its own (queries logged under CaptureQueriesContext and DEBUG,
    execute_wrappers applied, database errors translated)."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        plain, logged = _preparing_cursor_classes()
        raw = (logged if connection.queries_logged else plain)(connection.connection)
        # As Django's create_cursor: the connection's time zone for timestamptz values when it disagrees.
        tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:
            register_tzloader(connection.timezone, raw)
        return connection._prepare_cursor(raw)  # type: ignore[attr-defined]
