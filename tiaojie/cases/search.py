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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
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

    `new`, for a case being created (write_new_document): its workers' names and its claims' descriptions, in
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


def write_new_document(case: Case, *, worker_names: list[str], claim_descriptions: list[str]) -> None:
    """The document of a case created in the current transaction, written in it (one INSERT): the intake commits
    once, and the case is findable from the moment it exists. The "created" event's on-commit rebuild is then
    skipped (cases.signals.refresh_search); any later event in the same transaction still rebuilds on commit."""
    body, search_text = build_document(case, new=(worker_names, claim_descriptions))
    CaseSearchDocument.objects.create(case=case, body=body, search_text=search_text, updated_at=timezone.now())


def refresh_search_document(case_id: int) -> None:
    """Rebuild one case's document (derived data, like the statistics rollups: no CaseEvent of its own).
    Idempotent; a case deleted meanwhile is skipped."""
    case = Case.objects.select_related("employer").filter(pk=case_id).first()
    if case is None:
        return
    body, search_text = build_document(case)
    with transaction.atomic():
        CaseSearchDocument.objects.update_or_create(
            case_id=case_id, defaults={"body": body, "search_text": search_text, "updated_at": timezone.now()}
        )


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


def ranked_case_ids(scope: QuerySet[Case], text: str, *, limit: int) -> list[Hit]:
    """The cases of `scope` (already restricted to what the user may see, and filtered) whose document
    matches every part of `text`, best first (bm25 on SQLite, ts_rank on PostgreSQL; the newer case first on
    a tie) among the newest RANK_CANDIDATES matches, at most `limit`. The scope is part of the ranking query,
    so the database ranks only cases the user may see and nothing is filtered out afterwards."""
    parts = bigrams.query_parts(text)
    if not parts:
        return []
    # Only the newest RANK_CANDIDATES matches of the scope are ranked: ranking reads each match's terms, and a
    # common word (工伤) matches tens of thousands of cases of a busy organisation — ranking them all took 2 s
    # at 1 M cases (bench/RESULTS.md). The newest matches are found by walking the scope's own (…, received_at)
    # index and checking each case's document, which stops after RANK_CANDIDATES hits.
    single_term = len(parts) == 1 and len(parts[0].terms) == 1 and not parts[0].prefix
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
