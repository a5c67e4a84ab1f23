"""A value read once per request and reused for the rest of it (a page that counts many deadlines asks for the
calendar's and the rules' revision numbers dozens of times). Outside a request (the task worker, the watcher,
commands, tests) nothing is reused: an edit made in another process is seen on the very next read, as the
scale-out rules in docs/deployment.md require. Per thread, because gunicorn's gthread workers serve several
requests at once in one process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")
_local = threading.local()


def _start(**_: Any) -> None:
    _local.memo = {}


def _finish(**_: Any) -> None:
    _local.memo = None


request_started.connect(_start, dispatch_uid="lib.request_memo.start")
request_finished.connect(_finish, dispatch_uid="lib.request_memo.finish")


def per_request(name: str, load: Callable[[], T]) -> T:
    """`load()` once in this request (every time outside one)."""
    memo: dict[str, Any] | None = getattr(_local, "memo", None)
    if memo is None:
        return load()
    if name not in memo:
        memo[name] = load()
    return memo[name]


@dataclass(frozen=True)
class ScalarMemo(Generic[T]):
    """A value read once per request from scalar subqueries, so that several of them load in one statement
    (`preload`): a kept page's key needs three revisions, and each would otherwise be a round trip of its own.
    `queries` are SELECTs of one value each; `value` makes the memo's value of their results, in order."""

    name: str
    queries: tuple[str, ...]
    value: Callable[..., T]

    def read(self) -> T:
        """Once in this request (every time outside one), from the primary database."""
        return per_request(self.name, self.load)

    def load(self) -> T:
        """Now, whatever this request read before."""
        value: T = _fetch([self])[0]
        return value


def preload(*memos: ScalarMemo[Any]) -> None:
    """Read those of `memos` this request has not read yet, in one statement. Outside a request nothing is
    kept, so nothing is read ahead."""
    memo: dict[str, Any] | None = getattr(_local, "memo", None)
    if memo is None:
        return
    missing = [m for m in memos if m.name not in memo]
    if missing:
        memo.update(zip((m.name for m in missing), _fetch(missing), strict=True))


def _fetch(memos: list[ScalarMemo[Any]]) -> list[Any]:
    sql = "SELECT " + ", ".join(f"({q})" for m in memos for q in m.queries)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    values, i = [], 0
    for m in memos:
        values.append(m.value(*row[i : i + len(m.queries)]))
        i += len(m.queries)
    return values


def in_request() -> bool:
    """Whether a request (or request_scope) is running in this thread."""
    return getattr(_local, "memo", None) is not None


def forget(name: str) -> None:
    """This request changed the value (a bump inside it): read it again next time."""
    memo: dict[str, Any] | None = getattr(_local, "memo", None)
    if memo is not None:
        memo.pop(name, None)


@contextmanager
def request_scope() -> Iterator[None]:
    """What request_started/request_finished do here, for code that renders a page outside Django's handler
    (a test calling a panel directly) without the handler's other receivers (which close the connection)."""
    _start()
    try:
        yield
    finally:
        _finish()


def end_request() -> None:
    """What request_finished does here. For tests: a streamed response a test never closes (a download) never
    sends request_finished, and its request would stay open in the thread for the tests after it."""
    _finish()
