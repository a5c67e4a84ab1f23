"""Reads of cases for the list page, the API and (later) analytics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case, CaseEvent, CaseWorker, ClaimItem, overdue_q
from tiaojie.lib.paging import Keyset, Page
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


# Newest first; the id breaks ties between cases received at the same instant. The cursor format
# (base64url of "<received_at ISO>|<id>") is the one the list page, the API and bookmarks have always carried.
CASE_ORDER = Keyset("-received_at", "-id")
CasePage = Page[Case]


def encode_cursor(case: Case) -> str:
    """The cursor of the page after `case` (bench/ builds cursors in the middle of a load with it)."""
    return CASE_ORDER.cursor(case)


# A county supervisor's list is read division by division (case_page): up to this many divisions in scope.
PER_DIVISION_MAX = 100


def scope_divisions(user: User) -> list[str] | None:
    """The division codes a supervisor's cases can carry, when the user sees cases only through supervisor
    scopes of a county or smaller (≤ PER_DIVISION_MAX divisions); None otherwise (the plain read is fast there:
    an organisation is one index range, a province or the country finds a page in the newest rows)."""
    from tiaojie.organisations.access import active_memberships, supervisor_scopes
    from tiaojie.reference.models import Division, in_subtree_q

    scopes = supervisor_scopes(user)
    if not scopes or active_memberships(user) or any(s.division_id is None for s in scopes):
        return None
    q = Q(pk__in=[])
    for scope in scopes:
        q |= in_subtree_q("code", scope.division_id)
    codes = list(Division.objects.filter(q).values_list("code", flat=True)[: PER_DIVISION_MAX + 1])
    return codes if len(codes) <= PER_DIVISION_MAX else None


def _ids_per_division(qs: QuerySet[Case], n: int, *, divisions: list[str]) -> list[int]:
    """The first `n` ids of `qs` (already ordered and cut at the cursor), read per division and merged.

    A county is a range of division codes, and PostgreSQL 15 cannot skip inside a range: a page below a cursor
    read every index entry of the county older than it (100,000 at 20 M cases, ~45 ms; bench/RESULTS.md). With
    one correlated subquery per division, each an equality on the (division, received_at, id) index that stops
    after `n` entries, a page reads at most n entries per division, however big the county."""
    from django.contrib.postgres.expressions import ArraySubquery

    from tiaojie.reference.models import Division

    per_division = qs.filter(division_id=OuterRef("code")).values("pk")[:n]
    arrays = Division.objects.filter(code__in=divisions).annotate(ids=ArraySubquery(per_division))
    candidates = [pk for ids in arrays.values_list("ids", flat=True) for pk in ids]
    return list(Case.objects.filter(pk__in=candidates).order_by(*CASE_ORDER.fields).values_list("pk", flat=True)[:n])


def case_page(
    qs: QuerySet[Case], *, cursor: str = "", limit: int = PAGE_SIZE, divisions: list[str] | None = None
) -> CasePage:
    """Keyset paging, newest first (lib.paging, CASE_ORDER), with each case's organisation, employer, claims and
    workers loaded. `divisions` (scope_divisions) lets a county supervisor's pages be read per division on
    PostgreSQL. Raises BadCursor."""
    qs = qs.select_related("organisation", "employer").prefetch_related(
        Prefetch("claims", queryset=ClaimItem.objects.order_by("id")),
        Prefetch("case_workers", queryset=CaseWorker.objects.select_related("worker").order_by("id")),
    )
    ids = None
    if divisions and connection.vendor == "postgresql":
        ids = partial(_ids_per_division, divisions=divisions)
    return CASE_ORDER.page(qs, cursor=cursor, limit=limit, ids=ids)


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def case_parties(case: Case) -> list[CaseWorker]:
    return list(case.case_workers.select_related("worker").order_by("-is_representative", "id"))
