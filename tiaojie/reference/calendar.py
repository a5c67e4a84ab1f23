"""The working-day calendar built from the editable holiday table.

Each process caches the built calendar together with the revision number it was built from
(CalendarRevision). Every use reads the current number, one primary-key lookup, and rebuilds when it moved:
an edit made in any process (the entry page, the admin, a management command) is seen by every other process
on its next deadline, so two cases received on the same day always get the same deadlines.
"""

from __future__ import annotations

import datetime as dt

import django.dispatch
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tiaojie.lib.workdays import (
    Deadline,
    WorkCalendar,
    calendar_days_deadline,
    working_days_deadline,
)
from tiaojie.reference.models import CalendarRevision, CalendarYear, SpecialDay

_cache: dict[str, tuple[int, WorkCalendar]] = {}

# Sent inside the transaction that entered or replaced a year (reference.actions.do_enter_calendar_year) with
# `year`: the apps that store deadlines flagged uncertain recompute them (cases.deadlines, mediation.deadlines).
# This app is below them, so it announces and they listen.
calendar_year_entered = django.dispatch.Signal()


def current_revision() -> int:
    row = CalendarRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return row or 0


def bump_revision() -> None:
    """Record that the table changed (inside the caller's transaction, so the number and the rows commit
    together)."""
    if not CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        CalendarRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


def _build() -> WorkCalendar:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    rest: set[dt.date] = set()
    worked: set[dt.date] = set()
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        (rest if kind == SpecialDay.Kind.HOLIDAY else worked).add(day)
    return WorkCalendar(
        first_year=min(years, default=0),
        last_year=max(years, default=0),
        rest_days=frozenset(rest),
        shifted_workdays=frozenset(worked),
    )


def work_calendar() -> WorkCalendar:
    """The calendar for deadline counting, rebuilt whenever the table's revision moved (in any process)."""
    revision = current_revision()
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


def calendar_deadline(start: dt.date, days: int) -> Deadline:
    return calendar_days_deadline(start, days, work_calendar())


def workday_deadline(start: dt.date, days: int) -> Deadline:
    return working_days_deadline(start, days, work_calendar())
