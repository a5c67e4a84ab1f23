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
    "divisions_named",
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


def _division_rows(organisations: list[Organisation]) -> list[tuple[str, str, str]]:
    """(code, own name, full name) of the counties and townships under the hotlines' divisions."""
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
        .values_list("code", "name")[:DIVISION_OPTIONS_LIMIT]
    )
    prefixes = {code[:n] for code, _name in rows for n in (2, 4, 6) if n < len(code)}
    # 市辖区-style placeholders are left out of the full name, as Division.full_name does.
    above = dict(Division.objects.filter(code__in=prefixes, is_placeholder=False).values_list("code", "name"))
    return [
        (code, name, "".join(above.get(code[:n], "") for n in (2, 4, 6) if n < len(code)) + name) for code, name in rows
    ]


def division_options(organisations: list[Organisation]) -> list[tuple[str, str]]:
    """(code, full name) of the counties and townships under the hotlines' divisions, for the employer-location
    field: "浙江省杭州市余杭区仓前街道", so an operator who types "仓前" sees which 仓前 it is. Two queries
    whatever the number of rows."""
    return [(code, full) for code, _name, full in _division_rows(organisations)]


def divisions_named(text: str, organisations: list[Organisation], limit: int = 8) -> list[tuple[str, str]]:
    """The (code, full name) pairs under the hotlines that `text` names, at most `limit`: the one whose full
    name it is; else those whose own name it is ("余杭区" is the county, not its townships); else those whose
    full name contains it ("仓前" → 浙江省杭州市余杭区仓前街道). More than one means the text is ambiguous."""
    wanted = "".join(text.split())
    if not wanted:
        return []
    rows = _division_rows(organisations)
    for matches in (
        [(code, full) for code, _name, full in rows if full == wanted],
        [(code, full) for code, name, full in rows if name == wanted],
        [(code, full) for code, _name, full in rows if wanted in full],
    ):
        if matches:
            return matches[:limit]
    return []
