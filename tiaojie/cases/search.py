"""Chinese full-text search over the cases a user may see (docs/search.md).

Each case has one CaseSearchDocument: its text field by field (`body`, ID and phone numbers masked) and that
text's index terms (`search_text`: character bigrams and words, tiaojie.lib.bigrams), indexed by FTS5 on SQLite
and by a GIN index over a tsvector on PostgreSQL. The document is rebuilt after each committed change of the
case (`case_changed`), and by `tiaojie reindex-cases` for existing rows.

Minutes, agreements and settlements belong to mediation, a higher layer: it adds their text with
`register_search_text`, the way it adds panels to the case page, so this module never imports it.

An anonymised case (cases.retention) keeps only what is not personal in its document: its number, the
employer, the claims and the facts as the anonymisation scrubbed them. Workers' names and the higher apps'
texts (minutes list the participants by name) are left out, so it can no longer be found by a name.
"""

# ruff: noqa: S608 - the ranking SQL is our own table and column names plus the SQL Django compiles for the scope;
# every value (the query, the scope's ids, the limit) is a parameter.

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from tiaojie.cases.models import Case, CaseSearchDocument, CaseWorker, ClaimItem
from tiaojie.lib import bigrams
from tiaojie.lib.idnumbers import mask_id_number, mask_phone

logger = logging.getLogger(__name__)

# A higher app's contribution: (label, text) pairs for one case, e.g. ("调解笔录", "…").
SearchTextSource = Callable[[Case], list[tuple[str, str]]]
_sources: list[SearchTextSource] = []


def register_search_text(source: SearchTextSource) -> SearchTextSource:
    if source not in _sources:
        _sources.append(source)
    return source


# ID and mobile numbers are masked in the body before anything is indexed or cut from it: a snippet never shows
# one in full, and a prefix search on digits cannot confirm one (the exact number is found through the blind
# index by cases.queries.search_cases instead).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_numbers(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m[0]), text)
    return _MOBILE.sub(lambda m: mask_phone(m[0]), text)


def document_fields(case: Case, *, new: tuple[list[str], list[str]] | None = None) -> list[tuple[str, str]]:
    """The searchable text of `case` as (label, text) pairs. The labels are msgids (the model's Chinese field
    names), translated when a snippet shows them, and are not indexed (事实 should not find every case).

    `new`, for a case being created (new_document): its workers' names and its claims' descriptions, in
    the order of their rows, as the action holds them; nothing is read back, and the higher apps' sources are
    not asked (a case created a moment ago has no minutes or agreement)."""
    fields: list[tuple[str, str]] = [(gettext_noop("案件编号"), case.number)]
    anonymised = case.anonymised_at is not None
    if not anonymised:
        if new is not None:
            names: Iterable[str] = new[0]
        else:
            names = CaseWorker.objects.filter(case=case).order_by("id").values_list("worker__name", flat=True)
        fields.append((gettext_noop("劳动者"), "、".join(names)))
    employer = case.employer
    fields += [
        (gettext_noop("用人单位"), employer.name),
        (gettext_noop("统一社会信用代码"), employer.credit_code or ""),
        (gettext_noop("事实和理由"), case.facts),
    ]
    if new is not None:
        descriptions: Iterable[str] = [d for d in new[1] if d]
    else:
        claims = ClaimItem.objects.filter(case=case).exclude(description="").order_by("id")
        descriptions = claims.values_list("description", flat=True)
    fields += [(gettext_noop("请求事项"), d) for d in descriptions]
    if not anonymised and new is None:
        for source in _sources:
            fields += source(case)
    return [(label, mask_numbers(text.strip())) for label, text in fields if text and text.strip()]


def build_document(case: Case, *, new: tuple[list[str], list[str]] | None = None) -> tuple[str, str]:
    """(body, search_text) of `case` (`new`: see document_fields)."""
    fields = document_fields(case, new=new)
    # One line per field (a snippet names the field it was cut from): a field's own line breaks become spaces.
    body = "\n".join(f"{label}：{' '.join(text.split())}" for label, text in fields)
    return body, bigrams.index_text(*(text for _label, text in fields))


def new_document(case: Case, *, worker_names: list[str], claim_descriptions: list[str]) -> CaseSearchDocument:
    """The document of a case created in the current transaction, not saved: the intake writes it with the case's
    other rows in its transaction (cases.actions.do_create_case_with_rows), so the intake commits once and the case
    is findable from the moment it exists. The "created" event's on-commit rebuild is then skipped
    (cases.signals.refresh_search); any later event in the same transaction still rebuilds on commit."""
    body, search_text = build_document(case, new=(worker_names, claim_descriptions))
    return CaseSearchDocument(case=case, **_document_fields(case, body, search_text))


def _document_fields(case: Case, body: str, search_text: str) -> dict[str, object]:
    """Every column a document's writer sets, in one place: the scope's copies forgotten by one writer once made
    new cases unfindable on PostgreSQL."""
    return {
        "body": body,
        "search_text": search_text,
        "updated_at": timezone.now(),
        # Copies of the case's, for a search scoped and ordered on this table alone (ranked_case_ids).
        "organisation_id": case.organisation_id,
        "division_id": case.division_id,
        "received_at": case.received_at,
        # For a list filtered by them besides the search (ranked_case_ids' `narrow`).
        "status": case.status,
        "channel": case.channel,
    }


def refresh_search_document(case_id: int) -> None:
    """Rebuild one case's document (derived data, like the statistics rollups: no CaseEvent of its own).
    Idempotent; a case deleted meanwhile is skipped."""
    case = Case.objects.select_related("employer").filter(pk=case_id).first()
    if case is None:
        return
    body, search_text = build_document(case)
    defaults = _document_fields(case, body, search_text)
    with transaction.atomic():
        CaseSearchDocument.objects.update_or_create(case_id=case_id, defaults=defaults)


def reindex_cases(*, batch_size: int = 500, start_after: int = 0, log: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the documents of every case, `batch_size` case ids per query and one transaction per case (a
    long run never holds locks on many cases, and one failure leaves the rest done). Returns the count."""
    done, last = 0, start_after
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        for case_id in ids:
            refresh_search_document(case_id)
        done, last = done + len(ids), ids[-1]
        if log is not None:
            log(done, last)


def on_case_changed(sender: object, case_id: int, kind: str = "", **kwargs: object) -> None:
    """After each committed change. Synchronous: a rebuild is a handful of small reads and one write (not
    timed separately: docs/search.md), and the page after a change must find what was just written. A case changed by
    several events in one transaction is rebuilt once per event; each rebuild is the same, so this costs
    time, not truth."""
    try:
        refresh_search_document(case_id)
    except Exception:
        # Runs after the change committed: never turn it into an error page. `tiaojie reindex-cases` repairs.
        logger.exception("search document refresh failed for case %s", case_id)


RANK_CANDIDATES = 500


@dataclass(frozen=True)
class Hit:
    case_id: int
    rank: float  # higher is better on both databases


def ranked_case_ids(
    scope: QuerySet[Case],
    text: str,
    *,
    limit: int,
    visible: Q | None = None,
    narrow: Q | None = None,
    filtered: bool = False,
) -> list[Hit]:
    """The cases of `scope` (already restricted to what the user may see, and filtered) whose document
    matches every part of `text`, best first (bm25 on SQLite, ts_rank on PostgreSQL; the newer case first on
    a tie) among the newest RANK_CANDIDATES matches, at most `limit`. The scope is part of the ranking query,
    so the database ranks only cases the user may see and nothing is filtered out afterwards.

    `visible` (access.visibility_q of the user) says that `scope` is exactly what the user may see, with no
    other filter: on PostgreSQL the candidates are then found on the document table alone, by its copies of
    the scope's columns (_ranked_by_documents), and checked against `scope` before they are ranked.

    `narrow` with `visible`: `scope` is what the user may see narrowed by `narrow` and nothing else, a condition
    on columns the documents copy from their case (status, channel, received_at: cases.queries.document_filters).
    The candidates are then found on the document table as for `visible` alone, `narrow` tested there, except
    for one common term, which walks `scope` itself as below.

    `filtered` with `visible`: `scope` is what the user may see narrowed by other filters (a claim type,
    overdue). When the terms are not all common, the matches are then found on the document table as above
    and `scope` is joined to them there. The filtered form below read every national match through the GIN
    index: at 1,000,000 cases on a busy machine, a rare name 48-67 ms (23-46 this way), a term matching
    nothing 43-55 (11-16), an employer's name 170-264 (108-220; bench/RESULTS.md, session 11). Common terms
    (_walk_first) keep the filtered form, which walks the scope newest first and meets them soon."""
    parts = bigrams.query_parts(text)
    if not parts or scope.query.is_empty():  # a user who sees nothing: none() has no SQL to embed
        return []
    single_term = len(parts) == 1 and len(parts[0].terms) == 1 and not parts[0].prefix
    if visible is not None and connection.vendor == "postgresql":
        # One common term in a narrowed list takes the single-term form below, which walks the list's own
        # cases newest first: 15-33 ms at 1,000,000 cases against 25-117 for the documents' walk, which for a
        # status the newest cases rarely have walks on and then reads the index (bench/RESULTS.md, session 15).
        if not filtered and not (narrow and single_term):
            return _ranked_by_documents(scope, visible, parts, limit, narrow=narrow)
        with connection.cursor() as cur:
            common = _walk_first(cur, parts)
        if not common:
            return _ranked_by_documents(scope, visible, parts, limit, narrow=narrow, filtered=filtered)
    # Only the newest RANK_CANDIDATES matches of the scope are ranked: ranking reads each match's terms, and a
    # common word (工伤) matches tens of thousands of cases of a busy organisation — ranking them all took 2 s
    # at 1 M cases (bench/RESULTS.md). The newest matches are found by walking the scope's own (…, received_at)
    # index and checking each case's document, which stops after RANK_CANDIDATES hits.
    if connection.vendor == "postgresql" and single_term:
        query = bigrams.tsquery(parts)
        # One term (工伤): the scope's own WHERE (organisation_id = …, or the division range) filters cases_case
        # directly, so PostgreSQL walks case_org_recv / case_div_recv and probes each case's document. Written
        # as `id IN (scope)` it walked the national case_recv index and probed the scope per case (35,000
        # probes for 500 matches at 100,000 cases, 3.4 times slower). Only for one term: the column's
        # statistics give its frequency, so PostgreSQL knows when walking stops early. For several terms
        # (a phrase, an AND) it multiplies their frequencies, underestimates correlated ones (工伤 加班费), and
        # this form then read every national match through the GIN index (2.3 times slower than the form
        # below; bench/RESULTS.md).
        # The table name is the model's; the term is a parameter.
        matches = RawSQL(  # noqa: S611
            f'EXISTS (SELECT 1 FROM cases_casesearchdocument m WHERE m.case_id = "{Case._meta.db_table}"."id" '
            "AND m.vector @@ to_tsquery('simple', %s))",
            (query,),
            output_field=BooleanField(),
        )
        candidates = scope.filter(matches).order_by("-received_at", "-id").values("pk")[:RANK_CANDIDATES]
        candidates_sql, candidates_params = candidates.query.sql_with_params()
        sql = (
            "SELECT d.case_id, ts_rank(d.vector, to_tsquery('simple', %s)) AS rank "
            f"FROM cases_casesearchdocument d WHERE d.case_id IN ({candidates_sql}) "
            "ORDER BY rank DESC, d.case_id DESC LIMIT %s"
        )
        params = [query, *candidates_params, limit]
    elif connection.vendor == "postgresql":
        scope_sql, scope_params = scope.values("pk").query.sql_with_params()
        sql = (
            "SELECT d.case_id, ts_rank(d.vector, q.query) AS rank "
            "FROM (SELECT c.id FROM cases_case c JOIN cases_casesearchdocument m ON m.case_id = c.id "
            f"WHERE m.vector @@ to_tsquery('simple', %s) AND c.id IN ({scope_sql}) "
            "ORDER BY c.received_at DESC, c.id DESC LIMIT %s) AS k "
            "JOIN cases_casesearchdocument d ON d.case_id = k.id, to_tsquery('simple', %s) AS q(query) "
            "ORDER BY rank DESC, d.case_id DESC LIMIT %s"
        )
        query = bigrams.tsquery(parts)
        params = [query, *scope_params, RANK_CANDIDATES, query, limit]
    else:
        scope_sql, scope_params = scope.values("pk").query.sql_with_params()
        # bm25() is lower for better matches: negated, so both vendors sort the same way.
        sql = (
            "SELECT rowid, -bm25(cases_search_fts) AS rank FROM cases_search_fts "
            "WHERE cases_search_fts MATCH %s AND rowid IN (SELECT c.id FROM cases_case c "
            "WHERE c.id IN (SELECT rowid FROM cases_search_fts WHERE cases_search_fts MATCH %s) "
            f"AND c.id IN ({scope_sql}) ORDER BY c.received_at DESC, c.id DESC LIMIT %s) "
            "ORDER BY rank DESC, rowid DESC LIMIT %s"
        )
        query = bigrams.fts5_query(parts)
        params = [query, query, *scope_params, RANK_CANDIDATES, limit]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [Hit(int(pk), float(rank)) for pk, rank in cur.fetchall()]


# How many of the scope's newest documents the walk reads before it leaves a search to the GIN index.
WALK_ROWS = 5000
# How many more it may read when the first WALK_ROWS held some matches but too few, and at the rate found
# there the rest would be met within this many rows (_ranked_by_documents, step 1b). A walk reads about
# 1,000 rows in 7-10 ms at 1,000,000 cases; the GIN index took 50-330 ms for the lists it would otherwise
# serve (a status's common pair of terms; bench/RESULTS.md, session 15).
DEEP_WALK_ROWS = 10000


def _divisions_listed(q: Q) -> Q:
    """`q` with each division range (in_subtree_q: division_id >= low AND < high) replaced by the list of the
    division codes in it, when they are at most PER_DIVISION_MAX. In the GIN index a range is a partial match
    that reads the postings of every division in it first (75 ms for a county at 1,000,000 cases even when
    the term matches nothing, and a lossy bitmap to recheck); a list is one exact lookup per code."""
    from tiaojie.cases.queries import PER_DIVISION_MAX
    from tiaojie.reference.models import Division

    children = list(q.children)
    lookups: dict[str, object] = dict(c for c in children if isinstance(c, tuple))
    if q.connector == Q.AND and set(lookups) == {"division_id__gte", "division_id__lt"} and len(children) == 2:
        low, high = lookups["division_id__gte"], lookups["division_id__lt"]
        codes = list(
            Division.objects.filter(code__gte=low, code__lt=high).values_list("code", flat=True)[: PER_DIVISION_MAX + 1]
        )
        if len(codes) <= PER_DIVISION_MAX:
            return Q(division_id__in=codes, _negated=q.negated)
        return q
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [_divisions_listed(c) if isinstance(c, Q) else c for c in children]
    return out


def _walk_first(cur: CursorWrapper, parts: list[bigrams.QueryPart]) -> bool:
    """Whether the walk (step 1 of _ranked_by_documents) is likely to find RANK_CANDIDATES matches within
    WALK_ROWS documents: every whole term of the query is among the tsvector column's most common elements
    (pg_stats, from ANALYZE) at a frequency of at least RANK_CANDIDATES / WALK_ROWS. The rarest term bounds the
    frequency of all of them together whatever their correlation (which the planner's product of frequencies
    does not). A query of prefixes only (王) has no whole term to look up and is walked."""
    terms = sorted({t for p in parts if not p.prefix for t in p.terms})
    if not terms:
        return True
    cur.execute(
        "SELECT u.elem, u.freq FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) "
        "AS u(elem, freq) WHERE s.schemaname = current_schema() AND s.tablename = 'cases_casesearchdocument' "
        "AND s.attname = 'vector' AND u.elem = ANY(%s)",
        [terms],
    )
    frequency = dict(cur.fetchall())
    return min(frequency.get(t, 0.0) for t in terms) >= RANK_CANDIDATES / WALK_ROWS


def _ranked_by_documents(
    scope: QuerySet[Case],
    visible: Q,
    parts: list[bigrams.QueryPart],
    limit: int,
    *,
    narrow: Q | None = None,
    filtered: bool = False,
) -> list[Hit]:
    """ranked_case_ids on PostgreSQL for a scope given with `visible`, in a few short queries:

    1. When every term is common (_walk_first), the newest RANK_CANDIDATES matches among the scope's newest
       WALK_ROWS documents, walking the document table's own (organisation, received_at) or (received_at, …,
       division) index and testing each row's tsvector, which is in the row: a common word (工伤, in half the
       cases) stops after ~1,100 rows. When it found some but fewer, and at their rate the rest lie within
       DEEP_WALK_ROWS more rows, it walks on that far (1b). When that finds fewer, or a term is not common,
    2. every match of the scope comes from the GIN index (organisation, division, vector: btree_gin), which
       puts the scope and the terms in one index scan, sorted by received_at on the document row. The query
       given to it is every term ANDed (bigrams.tsquery_all_terms), which the index answers exactly, so no
       row's tsvector is read to check a phrase; the phrase is checked in step 3 on the candidates kept.
    3. The candidates that `scope` holds (cases_visible_to itself, on cases_case: a document whose copied
       columns were stale would be dropped here, never shown) are ranked with the full query.
    A query planner left to choose between 1 and 2 took the index for a correlated pair of common terms
    (工伤 加班费) and read 355,000 postings (1.2–1.8 s at 1,000,000 cases; bench/RESULTS.md), so the choice is
    made here, from the terms' frequencies and what the walk found.

    `narrow` (scope = visible narrowed by a condition on the documents' copies): the walk reads the scope's
    newest WALK_ROWS documents as above and tests `narrow` on each beside the terms, so it never reads more
    rows than unfiltered; the GIN index holds the status and channel too (migration 0024), so step 2 finds the
    list's own matches in its one index scan.

    `filtered` (scope = visible narrowed by other filters; terms not all common): step 2 only, keeping the
    matches `scope` holds before the newest RANK_CANDIDATES are taken, so they are the filtered list's own."""
    query = bigrams.tsquery(parts)
    narrow = narrow if narrow is not None else Q()
    documents = CaseSearchDocument.objects.filter(visible)
    newest = documents.order_by("-received_at", "-case_id").values("case_id", "received_at", "status", "channel")
    newest = newest.annotate(v=RawSQL("vector", (), output_field=TextField()))
    # Subqueries and the CTE below take the table's name, so conditions compiled against the table (_where_sql)
    # resolve to their rows.
    w = connection.ops.quote_name(CaseSearchDocument._meta.db_table)
    with connection.cursor() as cur:
        candidates: list[int] = []
        if not filtered and _walk_first(cur, parts):
            # `narrow` compiled against the document table, tested on the walked rows: the derived table takes
            # the table's name, so its column references resolve to the walked rows' copies. Inside the LIMIT
            # it would read rows until WALK_ROWS of them passed (250,000 for a status of 2 % of the cases).
            narrow_sql, narrow_params = _where_sql(narrow)

            def walk(rows: QuerySet[Any, Any], want: int) -> list[int]:
                rows_sql, rows_params = rows.query.sql_with_params()
                # The outer ORDER BY is the subquery's own order (no sort): the walk stops at the want-th match.
                cur.execute(
                    f"SELECT {w}.case_id FROM ({rows_sql}) AS {w} WHERE {w}.v @@ to_tsquery('simple', %s) "
                    f"AND {narrow_sql} ORDER BY {w}.received_at DESC, {w}.case_id DESC LIMIT %s",
                    [*rows_params, query, *narrow_params, want],
                )
                return [row[0] for row in cur.fetchall()]

            candidates = walk(newest[:WALK_ROWS], RANK_CANDIDATES)
            # 1b. Some matches but too few (a pair of common terms, a status the newest cases rarely have yet):
            # at the rate found, the rest lie this many rows further on (a quarter more for the rate's noise;
            # older cases are more often closed, so for a closed list the rate only rises). Walked on when that
            # is near, else the index finds them all.
            found = len(candidates)
            if 0 < found < RANK_CANDIDATES:
                further = math.ceil(WALK_ROWS * (RANK_CANDIDATES - found) / found * 1.25)
                if further <= DEEP_WALK_ROWS:
                    candidates += walk(newest[WALK_ROWS : WALK_ROWS + further], RANK_CANDIDATES - found)
        if len(candidates) < RANK_CANDIDATES:
            # MATERIALIZED: every match first (a bitmap scan of the GIN index), then the newest of them.
            every_term = RawSQL(
                "vector @@ to_tsquery('simple', %s)", (bigrams.tsquery_all_terms(parts),), output_field=BooleanField()
            )
            # A broad status or channel is tested on the rows the index gives, not looked up in it (_broad). Doing
            # so for every value when the terms are rare was tried: a rare name in the mediating or hotline list
            # took 24-34 ms p95 instead of 7-18 (bench/RESULTS.md, session 15).
            on_rows = bool(narrow) and _broad(cur, narrow)
            matches = CaseSearchDocument.objects.filter(
                _divisions_listed(visible), Q() if on_rows else narrow, every_term
            ).values("case_id", "received_at", "status", "channel")
            matches_sql, matches_params = matches.query.sql_with_params()
            within, within_params = "TRUE", []
            if filtered:
                scope_sql, scope_params = scope.values("pk").query.sql_with_params()
                within, within_params = f"case_id IN ({scope_sql})", list(scope_params)
            elif on_rows:
                within, within_params = _where_sql(narrow)
            cur.execute(
                f"WITH m AS MATERIALIZED ({matches_sql}) SELECT case_id FROM m AS {w} WHERE {within} "
                "ORDER BY received_at DESC, case_id DESC LIMIT %s",
                [*matches_params, *within_params, RANK_CANDIDATES],
            )
            candidates = [row[0] for row in cur.fetchall()]
        if not candidates:
            return []
        allowed = list(scope.filter(pk__in=candidates).values_list("pk", flat=True))
        if not allowed:
            return []
        # The candidates by primary key, and the query tested on each row read (OFFSET 0 keeps the test out of
        # the scan): left to plan `case_id = ANY(…) AND vector @@ …` together, PostgreSQL ANDed the GIN
        # index's bitmap of every national match with the 500 keys — 178,000 postings of 工伤 加班费 read to
        # keep 500 rows, 56 of the statement's 70 ms (5 ms this way; bench/RESULTS.md, helper h30).
        cur.execute(
            "SELECT d.case_id, ts_rank(d.vector, q.query) AS rank "
            "FROM (SELECT case_id, vector FROM cases_casesearchdocument WHERE case_id = ANY(%s) OFFSET 0) AS d, "
            "to_tsquery('simple', %s) AS q(query) "
            "WHERE d.vector @@ q.query ORDER BY rank DESC, d.case_id DESC LIMIT %s",
            [allowed, query, limit],
        )
        return [Hit(int(pk), float(rank)) for pk, rank in cur.fetchall()]


# A status or channel at least this common among the documents (pg_stats) is kept out of the GIN index scan.
# In the index, btree_gin reads the value's whole posting tree to AND it with the terms': a rare name in a
# county's closed list (59 % of the cases) read 1,790 buffers in 23 ms, the name alone 149 in 1 ms, and its
# 36 rows are then filtered in microseconds. A rare value (mediating, 2 %) is cheaper in the index.
BROAD_FILTER = 0.2


def _broad(cur: CursorWrapper, narrow: Q) -> bool:
    """Whether `narrow`'s status and channel together are held by at least BROAD_FILTER of the documents, by
    the columns' most common values (ANALYZE); a value not among them counts as rare, and so does a narrowing
    by dates alone (they are not in the GIN index)."""
    values: dict[str, object] = {}
    pending = [narrow]
    while pending:
        q = pending.pop()
        for child in q.children:
            if isinstance(child, Q):
                pending.append(child)
            elif isinstance(child, tuple) and child[0] in ("status", "channel"):
                values[child[0]] = child[1]
    if not values:
        return False
    cur.execute(
        "SELECT attname, most_common_vals::text::text[], most_common_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'cases_casesearchdocument' AND attname = ANY(%s)",
        [list(values)],
    )
    share = {name: dict(zip(common, freqs, strict=True)) for name, common, freqs in cur.fetchall()}
    together = 1.0
    for name, value in values.items():
        together *= share.get(name, {}).get(value, 0.0)
    return together >= BROAD_FILTER


def _where_sql(q: Q) -> tuple[str, list[Any]]:
    """`q`, a condition on CaseSearchDocument's columns, as SQL whose column references are qualified by the
    table's name, and its parameters (TRUE for an empty one)."""
    if not q:
        return "TRUE", []
    query = CaseSearchDocument.objects.filter(q).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, list(params)


SNIPPET_CONTEXT = 24  # characters either side of the first match


def snippet(body: str, text: str) -> SafeString:
    """The line of `body` where `text` first matched, cut around the match, escaped, matches in <mark>.
    Empty when nothing in the body matches (the case was found by its number or an ID through the blind
    index). The body's ID and phone numbers were masked when it was built."""
    parts = bigrams.query_parts(text)
    if not parts:
        return SafeString("")
    for line in body.splitlines():
        label, _sep, value = line.partition("：")
        spans = bigrams.matched_spans(value, parts)
        if not spans:
            continue
        start = max(0, spans[0][0] - SNIPPET_CONTEXT)
        end = min(len(value), spans[0][1] + SNIPPET_CONTEXT * 2)
        out: list[str] = []
        at = start
        for s, e in spans:
            if e <= start or s >= end:
                continue
            s, e = max(s, start), min(e, end)
            out.append(escape(value[at:s]))
            out.append(f"<mark>{escape(value[s:e])}</mark>")
            at = e
        out.append(escape(value[at:end]))
        lead = "…" if start > 0 else ""
        tail = "…" if end < len(value) else ""
        html = f'<span class="muted">{escape(gettext(label))}：</span>{lead}{"".join(out)}{tail}'
        return mark_safe(html)  # noqa: S308 - every piece of it was escaped above
    return SafeString("")
