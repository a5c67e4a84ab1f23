"""Reads for the hotline console: filters and keyset paging of calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tiaojie.hotline.models import HotlineCall, HotlineEvent, WorkOrder
from tiaojie.lib.paging import Keyset, Page
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.models import Organisation
from tiaojie.reference.models import Division, in_subtree_q

PAGE_SIZE = 50

__all__ = [
    "PAGE_SIZE",
    "CallFilters",
    "CallPage",
    "call_events",
    "call_page",
    "division_options",
    "filter_calls",
]


@dataclass
class CallFilters:
    work_order: str = ""  # "", "open", "overdue"
    kind: str = ""


def filter_calls(qs: QuerySet[HotlineCall], f: CallFilters, *, now: dt.datetime | None = None) -> QuerySet[HotlineCall]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.work_order == "open":
        qs = qs.filter(work_order__status=WorkOrder.Status.OPEN)
    elif f.work_order == "overdue":
        # The last day ends at 24:00 Beijing time: overdue from the next Beijing day.
        today = legal_date(now or timezone.now())
        qs = qs.filter(work_order__status=WorkOrder.Status.OPEN, work_order__due_date__lt=today)
    return qs


# Newest first; the id breaks ties. Cursors are base64url of "<started_at ISO>|<id>", as they have always been.
CALL_ORDER = Keyset("-started_at", "-id")
CallPage = Page[HotlineCall]


def call_page(qs: QuerySet[HotlineCall], *, cursor: str = "", limit: int = PAGE_SIZE) -> CallPage:
    """Newest first by (started_at, id), keyset-paged (lib.paging), with the operator, work order and rating
    loaded. Raises BadCursor."""
    return CALL_ORDER.page(qs.select_related("operator", "work_order", "rating", "case"), cursor=cursor, limit=limit)


def call_events(call: HotlineCall) -> QuerySet[HotlineEvent]:
    return call.events.select_related("actor").order_by("at", "id")


DIVISION_OPTIONS_LIMIT = 3000  # a city hotline has a few hundred townships; beyond this, codes are typed


def division_options(organisations: list[Organisation]) -> list[tuple[str, str]]:
    """(code, label) of the counties and townships under the hotlines' divisions, for the employer-location
    picker: "余杭区 仓前街道". Two queries whatever the number of rows."""
    q = Q(pk__in=[])
    for code in {o.division_id for o in organisations}:
        q |= in_subtree_q("code", code)
    rows = list(
        Division.objects.filter(
            q,
            level__in=[Division.Level.COUNTY, Division.Level.TOWNSHIP],
            valid_to__isnull=True,
            is_placeholder=False,
        )
        .order_by("code")
        .values_list("code", "name", "level")[:DIVISION_OPTIONS_LIMIT]
    )
    counties = {code: name for code, name, level in rows if level == Division.Level.COUNTY}
    missing = {code[:6] for code, _name, level in rows if level == Division.Level.TOWNSHIP} - counties.keys()
    counties.update(Division.objects.filter(code__in=missing).values_list("code", "name"))
    return [
        (code, name if level == Division.Level.COUNTY else f"{counties.get(code[:6], '')} {name}".strip())
        for code, name, level in rows
    ]
