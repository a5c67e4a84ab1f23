"""A value read once per request and reused for the rest of it (a page that counts many deadlines asks for the
calendar's and the rules' revision numbers dozens of times). Outside a request (the task worker, the watcher,
commands, tests) nothing is reused: an edit made in another process is seen on the very next read, as the
scale-out rules in docs/deployment.md require. Per thread, because gunicorn's gthread workers serve several
requests at once in one process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started

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
