"""Keyset paging ("load more"): the one way a list here pages, for the case list, the hotline console and the
notifications page alike.

A page is the rows after the last row of the previous page in a fixed order, found by comparing the order's
fields with that row's values (the cursor), never with OFFSET: every page costs the same however deep
(docs/style.md, habit 12). Two things make a deep page as cheap as the first (commit 17af2cd, bench/README.md):

- the scan is bounded at the cursor by a plain `first_field <= value` besides the lexicographic OR, which
  both databases need before they start the index scan at the cursor instead of at the first row;
- ids are read first, from the index alone, and only then the page's rows and their relations by id:
  SQLite otherwise sorts every full row of the filtered set before taking a page.

The lowest layer: nothing here knows a tiaojie model. The caller gives a queryset and an order."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet

M = TypeVar("M", bound=models.Model)

# Reads the first `n` ids of an ordered queryset already cut at the cursor, when a caller knows a faster way
# than the plain read (the county supervisor's per-division read, cases.queries).
IdsReader = Callable[[QuerySet[Any], int], list[Any]]


# Longer than any cursor a keyset writes (an ISO moment, an id and a separator are under 80 characters).
MAX_CURSOR_LENGTH = 200
_OPAQUE = re.compile(r"[A-Za-z0-9_-]*")


class BadCursor(ValueError):
    """A cursor this keyset did not write (tampered with, cut short, or from another list). A list answers it
    with 400 and a message, never with a 500 and never silently with another page (docs/api.md)."""


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None  # None on the last page


class Keyset:
    """An order to page by, such as Keyset("-received_at", "-id"), and the cursors it writes and reads.

    The last field must be unique (the primary key), so that no two rows tie and none is skipped or repeated
    across pages; the fields must not be nullable. A cursor is the last row's values joined by "|", base64url
    without padding (`opaque`, the default); with opaque=False it is the values themselves, for a single
    integer key whose URL has always carried the bare number (the notifications' ?before=123)."""

    def __init__(self, *fields: str, opaque: bool = True) -> None:
        if not fields:
            raise ValueError("a keyset needs at least one field")
        self.fields = fields
        self.names = tuple(f.removeprefix("-") for f in fields)
        self.descending = tuple(f.startswith("-") for f in fields)
        self.opaque = opaque

    def __repr__(self) -> str:
        return f"Keyset{self.fields!r}"

    # --- cursors ---

    def cursor(self, row: models.Model) -> str:
        """The cursor of the page that starts after `row`."""
        text = "|".join(_text(getattr(row, _field(type(row), name).attname)) for name in self.names)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=") if self.opaque else text

    def decode(self, cursor: str, model: type[models.Model]) -> tuple[Any, ...]:
        """The values a cursor carries, checked against the fields' types and ranges (a value the database would
        refuse, such as an id beyond 64 bits, would be a 500 there). Raises BadCursor."""
        if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
            raise BadCursor(repr(cursor)[:MAX_CURSOR_LENGTH])
        if self.opaque:
            # Strictly base64url: the decoder would otherwise skip stray characters and read what is left.
            if not _OPAQUE.fullmatch(cursor) or len(cursor) % 4 == 1:
                raise BadCursor(cursor)
            try:
                text = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
            except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
                raise BadCursor(cursor) from exc
        else:
            text = cursor
        parts = text.split("|", len(self.names) - 1)
        if len(parts) != len(self.names):
            raise BadCursor(cursor)
        try:
            values = tuple(_value(_field(model, name), part) for name, part in zip(self.names, parts, strict=True))
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:
            raise BadCursor(cursor) from exc
        # Only what `cursor()` writes: " 12", "０１２" or a moment ending in "Z" parse, but no keyset wrote them.
        if "|".join(_text(value) for value in values) != text:
            raise BadCursor(cursor)
        # The same instant in UTC: PostgreSQL refuses an offset beyond ±15:59 ("time zone displacement out of
        # range"), which Python and the check above allow.
        return tuple(v.astimezone(dt.UTC) if isinstance(v, dt.datetime) else v for v in values)

    # --- queries ---

    def after(self, qs: QuerySet[M], values: Sequence[Any]) -> QuerySet[M]:
        """The rows of `qs` that come after `values` in this order."""
        later = Q()
        for i, (name, desc) in enumerate(zip(self.names, self.descending, strict=True)):
            same = {self.names[j]: values[j] for j in range(i)}
            later |= Q(**same, **{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        if len(self.names) > 1:
            # Redundant with the OR below, but without it neither database starts the index scan at the cursor:
            # they walk the index from the first row (bench/README.md, commit 17af2cd).
            qs = qs.filter(**{f"{self.names[0]}__{'lte' if self.descending[0] else 'gte'}": values[0]})
        return qs.filter(later)

    def page(self, qs: QuerySet[M], *, cursor: str = "", limit: int, ids: IdsReader | None = None) -> Page[M]:
        """The page of `qs` after `cursor` ("" for the first), at most `limit` rows. The rows are read again by
        id with the select_related and prefetch_related of `qs`; its filters only choose the ids. `ids` may
        replace the plain read of the ids (it gets the ordered queryset cut at the cursor, and how many).
        Raises BadCursor."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        model = qs.model
        for name in self.names:
            _field(model, name)  # a misspelt field fails here, on the first page too
        if not _field(model, self.names[-1]).unique:
            raise ValueError(f"the last field of {self!r} must be unique, or rows that tie are skipped")
        ordered = qs.order_by(*self.fields)
        if cursor:
            ordered = self.after(ordered, self.decode(cursor, model))
        n = limit + 1  # one more than a page says whether there is a next one
        bare = ordered.select_related(None).prefetch_related(None)
        found = ids(bare, n) if ids is not None else list(bare.values_list("pk", flat=True)[:n])
        rows_qs = model._default_manager.filter(pk__in=found).order_by(*self.fields)
        # What the caller asked to load comes along (a ledger's organisation__type, say); Django has no public
        # getter for either on a queryset, and both attributes have been stable for many releases.
        rows_qs.query.select_related = qs.query.select_related
        lookups = qs._prefetch_related_lookups  # type: ignore[attr-defined]  # not in django-stubs
        rows = list(rows_qs.prefetch_related(*lookups)) if found else []
        return Page(items=rows[:limit], next_cursor=self.cursor(rows[limit - 1]) if len(rows) > limit else None)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    if name == "pk":
        return model._meta.pk
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise ValueError(f"{model.__name__} has no field {name!r} to page by") from exc
    if not isinstance(field, models.Field) or field.many_to_many or field.one_to_many:
        raise ValueError(f"{model.__name__}.{name} is not a column to page by")
    return field


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _value(field: models.Field[Any, Any], text: str) -> Any:
    if isinstance(field, models.DateTimeField):
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("a cursor's moment has an offset")
        moment.astimezone(dt.UTC)  # year 1 at +14:00 cannot be stored: OverflowError here, not in the database
        return moment
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(text)
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    value = field.to_python(text)
    field.run_validators(value)  # an integer's range for this database, a string's length
    if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField) and value < 1:
        raise ValueError("an automatic id starts at 1")
    return value
