"""Reads of cases for the list page, the API and (later) analytics."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tiaojie.cases.models import Case, CaseEvent, CaseWorker, ClaimItem, overdue_q
from tiaojie.lib.workdays import LEGAL_TZ, legal_date

PAGE_SIZE = 50


@dataclass
class CaseFilters:
    status: str = ""
    overdue: bool = False
    claim_type: str = ""
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def filter_cases(qs: QuerySet[Case], f: CaseFilters, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.claim_type:
        qs = qs.filter(Exists(ClaimItem.objects.filter(case=OuterRef("pk"), type=f.claim_type)))
    if f.overdue:
        qs = qs.filter(overdue_q(legal_date(now or timezone.now())))
    # Dates are Beijing calendar days; compare against the instants they start and end.
    if f.received_from:
        qs = qs.filter(received_at__gte=dt.datetime.combine(f.received_from, dt.time(0), tzinfo=LEGAL_TZ))
    if f.received_to:
        end = dt.datetime.combine(f.received_to + dt.timedelta(days=1), dt.time(0), tzinfo=LEGAL_TZ)
        qs = qs.filter(received_at__lt=end)
    return qs


class BadCursor(ValueError):
    pass


def encode_cursor(case: Case) -> str:
    raw = f"{case.received_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        moment = dt.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise BadCursor(cursor)
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


@dataclass
class CasePage:
    items: list[Case]
    next_cursor: str | None


def case_page(qs: QuerySet[Case], *, cursor: str = "", limit: int = PAGE_SIZE) -> CasePage:
    """Keyset paging, newest first: (received_at, id) descending. Every page costs the same however deep,
    where OFFSET would scan all the rows before it (style.md, habit 12). Raises BadCursor."""
    qs = qs.order_by("-received_at", "-id")
    if cursor:
        moment, pk = decode_cursor(cursor)
        # The plain `received_at <= moment` is redundant but lets both databases start the index scan at the
        # cursor; with only the OR below they walk the index from the newest row (bench/README.md).
        qs = qs.filter(received_at__lte=moment).filter(Q(received_at__lt=moment) | Q(received_at=moment, id__lt=pk))
    # Ids first, from the index alone; then the rows and their relations. SQLite otherwise sorts every
    # full row of a county before taking a page.
    ids = list(qs.values_list("pk", flat=True)[: limit + 1])
    rows = list(
        Case.objects.filter(pk__in=ids)
        .order_by("-received_at", "-id")
        .select_related("organisation", "employer")
        .prefetch_related(
            Prefetch("claims", queryset=ClaimItem.objects.order_by("id")),
            Prefetch("case_workers", queryset=CaseWorker.objects.select_related("worker").order_by("id")),
        )
    )
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return CasePage(items=rows[:limit], next_cursor=next_cursor)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def case_parties(case: Case) -> list[CaseWorker]:
    return list(case.case_workers.select_related("worker").order_by("-is_representative", "id"))
