"""Fetching one row for a URL or form id, where anything not found is a 404.

An access function must answer the same for an id that is not a number, a row that does not exist and a row
the user may not see, so that a row's existence is never revealed: all three are Http404. The lowest layer:
nothing here knows a tiaojie model; the caller's queryset carries the visibility rule."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def pk_or_404(value: int | str) -> int:
    """The id as a number; an id that is not one (a hand-edited URL) is a 404, before any query."""
    pk = valid_pk(value)
    if pk is None:
        raise Http404
    return pk


def valid_pk(value: object) -> int | None:
    """The id as a number, or None when it is not one or lies outside 1…2**63-1: no row has such an id, and
    SQLite cannot even bind a number past a 64-bit integer."""
    try:
        pk = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def first_or_404(rows: models.QuerySet[M]) -> M:
    row = rows.first()
    if row is None:
        raise Http404
    return row
