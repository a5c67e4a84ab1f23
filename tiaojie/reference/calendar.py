"""The working-day calendar built from the editable holiday table.

Each process caches the built calendar together with the revision number it was built from
(CalendarRevision). Every use reads the current number, one primary-key lookup, and rebuilds when it moved:
an edit made in any process (the entry page, the admin, a management command) is seen by every other process
on its next deadline, so two cases received on the same day always get the same deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import django.dispatch
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tiaojie.lib.request_memo import ScalarMemo
from tiaojie.lib.request_memo import forget as per_request_forget
from tiaojie.lib.workdays import (
    Deadline,
    WorkCalendar,
    calendar_days_deadline,
    working_days_deadline,
)
from tiaojie.reference.models import CalendarRevision, CalendarYear, SpecialDay

_cache: dict[str, tuple[int, WorkCalendar]] = {}

# Sent inside the transaction that entered or replaced a year (reference.actions.do_enter_calendar_year) with
# `year` and `user` (the administrator who entered it, the actor of the events the recounts write): the apps
# that store deadlines flagged uncertain count them again with `recount_uncertain` below (cases.deadlines,
# mediation.deadlines, hotline.deadlines). This app is below them, so it announces and they listen. Each
# receiver returns how many rows it recounted.
calendar_year_entered = django.dispatch.Signal()


# The table's revision number (0 before the first edit), one scalar so a page's key reads it with the others.
REVISION = ScalarMemo(
    "cal.revision",
    (f"SELECT revision FROM {CalendarRevision._meta.db_table} WHERE id = 1",),  # noqa: S608 - a table name
    lambda revision: revision or 0,
)


def current_revision() -> int:
    return REVISION.load()


def bump_revision() -> None:
    """Record that the table changed (inside the caller's transaction, so the number and the rows commit
    together)."""
    forget_revision()
    if not CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        CalendarRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


def _build() -> WorkCalendar:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    rest: set[dt.date] = set()
    worked: set[dt.date] = set()
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        # Statutory holidays and 调休 rest days alike are days off: they differ in pay, not in counting.
        (worked if kind == SpecialDay.Kind.WORKDAY else rest).add(day)
    return WorkCalendar(
        first_year=min(years, default=0),
        last_year=max(years, default=0),
        rest_days=frozenset(rest),
        shifted_workdays=frozenset(worked),
    )


def forget_revision(**_: object) -> None:
    per_request_forget(REVISION.name)


def revision() -> int:
    """The table's revision as this request reads it (once per request): a key part for what is rendered from
    the table and kept (cases.page_cache)."""
    return _revision()


def _revision() -> int:
    # Read once per request (a page counts several deadlines); outside a request, every time (lib/request_memo.py).
    return REVISION.read()


def work_calendar() -> WorkCalendar:
    """The calendar for deadline counting, rebuilt whenever the table's revision moved (in any process)."""
    revision = _revision()
    cached = _cache.get("cal")
    if cached is not None and cached[0] == revision:
        return cached[1]
    cal = _build()
    _cache["cal"] = (revision, cal)
    return cal


def clear_calendar_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=SpecialDay)
@receiver(post_delete, sender=SpecialDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(**kwargs: object) -> None:
    # An edit through the admin (or any save) moves the revision for every process; this process's own
    # copy goes at once. Raw saves (fixtures loading) leave the revision alone.
    if kwargs.get("raw"):
        return
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)
    bump_revision()


class DayKind(StrEnum):
    """What a date is, for pay: the five kinds the overtime calculator tells apart (docs/law.md §6, §7)."""

    STATUTORY_HOLIDAY = "statutory_holiday"
    SHIFTED_REST_DAY = "shifted_rest_day"  # 调休休息日
    REST_DAY = "rest_day"  # a weekend day
    SHIFTED_WORKING_DAY = "shifted_working_day"  # 调休上班日
    WORKING_DAY = "working_day"


@dataclass(frozen=True)
class ClassifiedDay:
    kind: DayKind
    festival: str = ""  # the holiday period's name, for the 调休 kinds and statutory days


_KINDS = {
    SpecialDay.Kind.HOLIDAY: DayKind.STATUTORY_HOLIDAY,
    SpecialDay.Kind.REST: DayKind.SHIFTED_REST_DAY,
    SpecialDay.Kind.WORKDAY: DayKind.SHIFTED_WORKING_DAY,
}


def classify_days(days: Iterable[dt.date]) -> tuple[dict[dt.date, ClassifiedDay], list[int]]:
    """Each day's kind from the table (one query each for the years and the days), and the years asked for
    that are not configured: their days are left out, never guessed from the weekday."""
    wanted = set(days)
    configured = set(CalendarYear.objects.filter(year__in={d.year for d in wanted}).values_list("year", flat=True))
    special = {row.date: row for row in SpecialDay.objects.filter(date__in=[d for d in wanted if d.year in configured])}
    out: dict[dt.date, ClassifiedDay] = {}
    for day in wanted:
        if day.year not in configured:
            continue
        row = special.get(day)
        if row is not None:
            out[day] = ClassifiedDay(_KINDS[SpecialDay.Kind(row.kind)], row.name)
        else:
            out[day] = ClassifiedDay(DayKind.WORKING_DAY if day.weekday() < 5 else DayKind.REST_DAY)
    return out, sorted({d.year for d in wanted} - configured)


def calendar_deadline(start: dt.date, days: int) -> Deadline:
    return calendar_days_deadline(start, days, work_calendar())


def workday_deadline(start: dt.date, days: int) -> Deadline:
    return working_days_deadline(start, days, work_calendar())


# --- recounting stored deadlines when a year is entered (docs/law.md §6) ------------------------------------


@dataclass(frozen=True)
class StoredPeriod:
    """One deadline a model stores: the field with its last day, the field flagging it uncertain, and how to
    count it again from the row's own start (None when the row holds nothing to count from)."""

    due_field: str
    uncertain_field: str
    count: Callable[[Any], Deadline | None]
    label: str | Promise  # how the event names it


@dataclass(frozen=True)
class Recounted:
    """One period of one row counted again: its last day before and the deadline now."""

    period: StoredPeriod
    before: dt.date | None
    after: Deadline


def recount_data(year: int, changes: Sequence[Recounted]) -> dict[str, Any]:
    """What an event of a recount stores: the year entered, and per field its day before and after."""
    return {
        "year": year,
        "recounted": {
            c.period.due_field: {
                "from": c.before.isoformat() if c.before else None,
                "to": c.after.last_day.isoformat(),
                "uncertain": c.after.uncertain,
            }
            for c in changes
        },
    }


def recount_reason(year: int, changes: Sequence[Recounted]) -> str:
    """The event's sentence: "录入2027年节假日安排后重新计算：受理期限 2027年1月4日 → 2027年1月5日"."""
    parts = []
    for c in changes:
        before = formats.date_format(c.before, "DATE_FORMAT") if c.before else "—"
        part = f"{c.period.label} {before} → {formats.date_format(c.after.last_day, 'DATE_FORMAT')}"  # no words
        if c.after.uncertain:
            part += _("（仍超出已配置的节假日年份）")
        parts.append(part)
    return _("录入%(year)d年节假日安排后重新计算：%(changes)s") % {"year": year, "changes": "；".join(parts)}


def recount_uncertain(
    rows: models.QuerySet[Any],
    periods: Sequence[StoredPeriod],
    *,
    record: Callable[[Any, list[Recounted]], object],
) -> int:
    """Count again every period of `periods` stored as uncertain on `rows`, on the calendar as it now is, and
    call `record(row, changes)` for each row recounted (it writes the row's event). Returns how many rows were
    recounted. Runs in the caller's transaction (the one that entered the year), so a failing recount rolls
    the year back with it. One UPDATE per row: only rows whose counting looked past the configured years are
    touched, which is few; they are read into a list first because SQLite gives no isolation between a
    chunked read and writes to the same table on one connection."""
    flagged = Q()
    for p in periods:
        flagged |= Q(**{p.uncertain_field: True})
    done = 0
    for row in list(rows.filter(flagged).order_by("pk")):
        changes = []
        for p in periods:
            if getattr(row, p.uncertain_field):
                after = p.count(row)
                if after is not None:
                    changes.append(Recounted(p, getattr(row, p.due_field), after))
        if not changes:
            continue
        updates: dict[str, object] = {}
        for c in changes:
            updates[c.period.due_field] = c.after.last_day
            updates[c.period.uncertain_field] = c.after.uncertain
        done += type(row)._default_manager.filter(pk=row.pk).update(**updates)
        record(row, changes)
    return done
