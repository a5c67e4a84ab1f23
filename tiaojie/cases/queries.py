"""Reads of cases for the list page, the API and (later) analytics."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.cases.access import visible_to_user_id_in_one_query
from tiaojie.cases.models import (
    Case,
    CaseEvent,
    CaseSearchDocument,
    CaseWorker,
    ClaimItem,
    Worker,
    format_case_number,
    overdue_q,
)
from tiaojie.lib import crypto
from tiaojie.lib.compiled import CompiledLookup
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_credit_code, validate_id_number, validate_mobile
from tiaojie.lib.paging import BadCursor, Keyset, Page
from tiaojie.lib.workdays import LEGAL_TZ, legal_date
from tiaojie.organisations.models import Employer

PAGE_SIZE = 50


@dataclass
class CaseFilters:
    status: str = ""
    overdue: bool = False
    claim_type: str = ""
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""  # the search box (search_cases)


SEARCH_MAX_LENGTH = 60
# A case number as people type it: 仓调〔2026〕12号, [2026]12, 2026-12, 2026年12号, 2026年第12号.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})\s*[〔〕\[\]【】()年\-/—_.·\s]*\s*第?\s*(\d{1,7})\s*号?$")
# Past this many matching workers or employers a search arm stays a subquery instead of a list of ids.
_ID_LIST_MAX = 2000


def _ids_or_subquery(qs: QuerySet, field: str) -> list[int] | QuerySet:
    """The ids of a small match as a list, so PostgreSQL combines the arms of a search with a BitmapOr of
    index scans and sorts the few rows; a large match (a common name, "有限公司") as a subquery, so it walks
    the list's order index instead of sorting most of the table."""
    ids = list(qs.values_list(field, flat=True)[: _ID_LIST_MAX + 1])
    return ids if len(ids) <= _ID_LIST_MAX else qs.values(field)


def search_cases(
    qs: QuerySet[Case], text: str, *, now: dt.datetime | None = None, names: bool = True
) -> QuerySet[Case]:
    """The case list's one search box: the cases in `qs` (already scoped to the user) whose case number, a
    party's name (exact), ID number or mobile number (exact, through the blind index: they are stored
    encrypted), the employer's name (any part) or credit code match `text`. Each arm runs only when `text`
    could be one of its kind: an 18-character string is tried as an ID number and a credit code, 11 digits
    as a mobile number, digits alone as this year's case number. `names=False` leaves out the two name arms:
    search_page, whose full-text ranking finds names by itself (they are in each case's search document)."""
    text = unicodedata.normalize("NFKC", text).strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return qs
    q = Q(number=text)
    compact = re.sub(r"\s+", "", text)
    match = _NUMBER.search(compact)
    if match:
        year, seq = int(match[1]), int(match[2])
        prefix = compact[: match.start()].strip("〔〕[]【】()")
        if prefix:  # 仓调[2026]12: that organisation's number only, however it was bracketed
            q |= Q(number=format_case_number(prefix, year, seq))
        else:  # 〔2026〕12号, 2026-12: the twelfth of 2026 in every organisation the user sees
            q |= Q(number_year=year, number_seq=seq)
    else:
        bare = compact.removeprefix("第").removesuffix("号")  # 12, 12号, 第12号: this year's
        if bare.isdigit() and len(bare) <= 7:
            q |= Q(number_year=legal_date(now or timezone.now()).year, number_seq=int(bare))
    worker_ids: list[int] = []
    if len(compact) == 18:
        try:
            index = crypto.blind_index("id", validate_id_number(compact))
        except InvalidIdentifier:
            pass
        else:
            worker_ids += Worker.objects.filter(id_number_index=index).values_list("pk", flat=True)[:_ID_LIST_MAX]
        try:
            code = validate_credit_code(compact)
        except InvalidIdentifier:
            pass
        else:
            # As ids, not a join on the employer: an OR across the join made PostgreSQL hash-join every case
            # of the scope (1.2 s for a county at 1 M cases; bench/RESULTS.md).
            employers = Employer.objects.filter(credit_code=code).values_list("pk", flat=True)
            q |= Q(employer_id__in=list(employers))
    try:
        phone = validate_mobile(compact)
    except InvalidIdentifier:
        pass
    else:
        worker_ids += Worker.objects.filter(phone_index=crypto.blind_index("phone", phone)).values_list(
            "pk", flat=True
        )[:_ID_LIST_MAX]
    if worker_ids:
        q |= Q(pk__in=list(CaseWorker.objects.filter(worker_id__in=worker_ids).values_list("case_id", flat=True)))
    if names and not compact.isdigit():
        by_name = CaseWorker.objects.filter(worker__name=text)
        q |= Q(pk__in=_ids_or_subquery(by_name, "case_id"))
        q |= Q(employer_id__in=_ids_or_subquery(Employer.objects.filter(name__icontains=text), "pk"))
    return qs.filter(q)


def filter_cases(qs: QuerySet[Case], f: CaseFilters, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    if f.q:
        qs = search_cases(qs, f.q, now=now)
    qs = qs.filter(_copied_filters(f))
    if f.claim_type:
        qs = qs.filter(Exists(ClaimItem.objects.filter(case=OuterRef("pk"), type=f.claim_type)))
    if f.overdue:
        qs = qs.filter(overdue_q(legal_date(now or timezone.now())))
    return qs


def _copied_filters(f: CaseFilters) -> Q:
    """The filters on the columns a search document copies from its case, under the same names on both tables
    (CaseSearchDocument), so this one condition filters either."""
    q = Q()
    if f.status:
        q &= Q(status=f.status)
    if f.channel:
        q &= Q(channel=f.channel)
    # Dates are Beijing calendar days; compare against the instants they start and end.
    if f.received_from:
        q &= Q(received_at__gte=dt.datetime.combine(f.received_from, dt.time(0), tzinfo=LEGAL_TZ))
    if f.received_to:
        q &= Q(received_at__lt=dt.datetime.combine(f.received_to + dt.timedelta(days=1), dt.time(0), tzinfo=LEGAL_TZ))
    return q


def document_filters(f: CaseFilters) -> Q | None:
    """The list's filters besides the search as a condition on the search documents (search_page's `narrow`):
    an empty Q when there are none, None when one of them (a claim type, overdue) needs cases_case."""
    if f.claim_type or f.overdue:
        return None
    return _copied_filters(f)


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
    qs = _with_relations(qs)
    ids = None
    if divisions and connection.vendor == "postgresql":
        ids = partial(_ids_per_division, divisions=divisions)
    return CASE_ORDER.page(qs, cursor=cursor, limit=limit, ids=ids)


# A search shows at most this many cases, best first: past that, a user refines the search.
SEARCH_RESULTS_MAX = 200


def case_with_relations(qs: QuerySet[Case], pk: int) -> Case | None:
    """The one case `pk` among `qs` with what case_page loads for each case (organisation, employer, claims,
    workers): one query for the case and one per prefetched relation, None when `qs` does not hold it."""
    return _with_relations(qs.filter(pk=pk)).first()


# The API's read of one case, with the scope as subqueries, and its two relations, each compiled once
# (lib.compiled): the same rows as _with_relations loads.
_VISIBLE_CASE = CompiledLookup(
    lambda user_id, pk: (
        visible_to_user_id_in_one_query(user_id).filter(pk=pk).select_related("organisation", "employer")[:1]
    ),
    user_id=int,
    pk=int,
)
_CLAIMS_OF = CompiledLookup(lambda case_id: _claims().filter(case_id=case_id), case_id=int)
_WORKERS_OF = CompiledLookup(lambda case_id: _worker_links().filter(case_id=case_id), case_id=int)


def _claims() -> QuerySet[ClaimItem]:
    return ClaimItem.objects.order_by("id")


def _worker_links() -> QuerySet[CaseWorker]:
    return CaseWorker.objects.select_related("worker").order_by("id")


def visible_case_with_relations(user: User, pk: int) -> Case | None:
    """case_with_relations(cases_visible_to_in_one_query(user), pk), its three queries compiled once."""
    if not user.is_authenticated or not user.is_active:
        return None
    case = _VISIBLE_CASE.first(user_id=user.pk, pk=pk)
    if case is None:
        return None
    claims, workers = _CLAIMS_OF.rows(case_id=case.pk), _WORKERS_OF.rows(case_id=case.pk)
    for claim in claims:
        claim.case = case  # as a prefetch sets the reverse side
    for link in workers:
        link.case = case
    case.listed_claims = claims  # type: ignore[attr-defined]  # _CLAIMS and _WORKERS, as the prefetch's to_attr
    case.listed_workers = workers  # type: ignore[attr-defined]
    return case


def _with_relations(qs: QuerySet[Case]) -> QuerySet[Case]:
    # Into plain lists (to_attr), read with listed_claims / listed_workers: prefetched into `case.claims.all()`
    # Django builds a related manager and a filtered queryset per case to hold each list: the relations of a
    # page of 50 load 19-22 % faster without them (bench/RESULTS.md, "plain lists", session 12).
    return qs.select_related("organisation", "employer").prefetch_related(
        Prefetch("claims", queryset=_claims(), to_attr=_CLAIMS),
        Prefetch("case_workers", queryset=_worker_links(), to_attr=_WORKERS),
    )


_CLAIMS, _WORKERS = "listed_claims", "listed_workers"


def listed_claims(case: Case) -> list[ClaimItem]:
    """The claims of a case that case_page, search_page or case_with_relations loaded, in id order."""
    claims: list[ClaimItem] = getattr(case, _CLAIMS)
    return claims


def listed_workers(case: Case) -> list[CaseWorker]:
    """The worker links (with their workers) of a case those loaded, in id order."""
    workers: list[CaseWorker] = getattr(case, _WORKERS)
    return workers


def search_page(
    qs: QuerySet[Case],
    text: str,
    *,
    cursor: str = "",
    limit: int = PAGE_SIZE,
    visible: Q | None = None,
    narrow: Q | None = None,
    filtered: bool = False,
) -> CasePage:
    """The search box's results among `qs` (scoped to the user and filtered), best first: the cases the exact
    arms find that the text index cannot (a case number as typed, an ID or mobile number through the blind
    index, a credit code: search_cases without its name arms), newest first, then the full-text matches
    (facts, names, employer, minutes, agreement: cases.search) by rank. At most SEARCH_RESULTS_MAX; each case
    carries `search_snippet`, where its text matched. The cursor is the last case id of the page before,
    looked up in the ranked list (the list is recomputed per page, so a case whose rank changed meanwhile may
    show twice or not at all; no page is ever wrong about access). `visible`: the user's access.visibility_q
    when `qs` is cases_visible_to, with `narrow` (document_filters) when it is narrowed by filters the search
    documents copy, with `filtered` when other filters narrow it (cases.search.ranked_case_ids then finds the
    candidates on the document table). Raises BadCursor."""
    from tiaojie.cases.search import ranked_case_ids, snippet

    found = ranked_case_ids(qs, text, limit=SEARCH_RESULTS_MAX, visible=visible, narrow=narrow, filtered=filtered)
    hits = [hit.case_id for hit in found]
    ranked = set(hits)
    # Not the name arms: the ranking finds a party's or an employer's name already, and the employer arm's
    # `icontains` scanned every employer for a two-character text (no trigram to look up; bench/RESULTS.md).
    exact = search_cases(qs, text, names=False).order_by(*CASE_ORDER.fields).values_list("pk", flat=True)
    ids = [pk for pk in exact[:SEARCH_RESULTS_MAX] if pk not in ranked] + hits
    ids = ids[:SEARCH_RESULTS_MAX]
    start = 0
    if cursor:
        if not cursor.isdigit() or int(cursor) not in ids:
            raise BadCursor(cursor[:80])
        start = ids.index(int(cursor)) + 1
    page_ids = ids[start : start + limit]
    cases = {c.pk: c for c in _with_relations(Case.objects.filter(pk__in=page_ids))}
    bodies = dict(CaseSearchDocument.objects.filter(case_id__in=page_ids).values_list("case_id", "body"))
    items = [cases[pk] for pk in page_ids if pk in cases]
    for case in items:
        case.search_snippet = snippet(bodies.get(case.pk, ""), text)  # type: ignore[attr-defined]
    more = start + limit < len(ids) and bool(items)
    return CasePage(items, str(items[-1].pk) if more else None)


# Events of the 办理记录 on the case page, the newest; the earlier ones on cases:events, as many a page.
TIMELINE_PAGE = 50


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def latest_events(case: Case, limit: int = TIMELINE_PAGE) -> tuple[list[CaseEvent], bool]:
    """The newest `limit` events of the case, oldest first as the timeline reads, and whether there are
    earlier ones (one query: one row more than shown)."""
    rows = list(case_timeline(case).reverse()[: limit + 1])
    earlier = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    for e in rows:
        e.case = case
    return rows, earlier


def case_parties(case: Case) -> list[CaseWorker]:
    return list(case.case_workers.select_related("worker").order_by("-is_representative", "id"))
