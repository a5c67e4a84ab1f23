"""Benchmark: the case list's Chinese full-text search at a million cases (issue 15 item 3).

    make bench-search   # DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_fulltext

Fills its own PostgreSQL database once with bench/case_search.py's generator (1,000,000 cases with numbers,
workers and employers; re-runs skip it), then builds every case's search document set-based: the index terms
of each distinct facts text, worker name, employer and case-number prefix are computed once in Python
(tiaojie.lib.bigrams, as cases.search does), and one INSERT … SELECT joins them per case, with the GIN index
dropped during the load and built after. Then it times `cases.search.ranked_case_ids(cases_visible_to(user),
term)` — the ranking query the list runs, scoped in the database — and the whole search page
(`cases.queries.search_page`) for common and rare terms, as the mediator of the busiest organisation and as the
supervisor of the busiest county. The ranking is timed in both of its forms: "rank" as the unfiltered list
runs it (`visible=`, the candidates found on the documents' copies of the scope) and "old" as a filtered list
runs it (the scope on cases_case, the only form before), with their lists compared. Each persona's baseline
in the same run is its unfiltered first page of the case list (an indexed keyset read), and each search prints
its ratio to it. See bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Any

import django

from bench import case_list as base
from bench import case_search


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_documents() -> None:
    from django.db import connection

    from tiaojie.cases.models import Case, CaseSearchDocument
    from tiaojie.lib.bigrams import index_text

    n_cases, n_docs = Case.objects.count(), CaseSearchDocument.objects.count()
    if n_docs >= n_cases:
        log(f"{n_docs:,} search documents already present: skipping the build")
        return
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("TRUNCATE cases_casesearchdocument")
        cur.execute("DROP INDEX IF EXISTS search_doc_scope_gin_h29")
        cur.execute("DROP INDEX IF EXISTS search_doc_filter_gin_h31")
        lookups = {
            "bench_ft_facts": "SELECT DISTINCT facts FROM cases_case",
            "bench_ft_names": "SELECT DISTINCT name FROM cases_worker",
            "bench_ft_employers": "SELECT name || ' ' || coalesce(credit_code, '') FROM organisations_employer",
            "bench_ft_prefixes": "SELECT DISTINCT case_prefix FROM organisations_organisation",
        }
        for table, select in lookups.items():
            cur.execute(select)
            values = [row[0] for row in cur.fetchall()]
            cur.execute(f"CREATE TEMP TABLE {table} (value text PRIMARY KEY, terms text)")
            with cur.copy(f"COPY {table} (value, terms) FROM STDIN") as copy:
                for value in set(values):
                    copy.write_row((value, index_text(value)))
            cur.execute(f"ANALYZE {table}")
        log(f"  term lookups built in {time.perf_counter() - started:.1f} s")
        # The same fields and order as cases.search.document_fields (number, workers, employer, facts).
        cur.execute(
            """
            INSERT INTO cases_casesearchdocument (
                case_id, organisation_id, division_id, received_at, status, channel, body, search_text, updated_at
            )
            SELECT c.id, c.organisation_id, c.division_id, c.received_at, c.status, c.channel,
                   '案件编号：' || c.number || E'\\n劳动者：' || w.name || E'\\n用人单位：' || e.name
                       || E'\\n统一社会信用代码：' || coalesce(e.credit_code, '') || E'\\n事实和理由：' || c.facts,
                   p.terms || ' ' || c.number_year || ' ' || c.number_seq || ' 号 ' || n.terms || ' '
                       || ft_e.terms || ' ' || f.terms,
                   now()
            FROM cases_case c
            JOIN organisations_organisation o ON o.id = c.numbered_by_id
            JOIN bench_ft_prefixes p ON p.value = o.case_prefix
            JOIN cases_caseworker cw ON cw.case_id = c.id
            JOIN cases_worker w ON w.id = cw.worker_id
            JOIN bench_ft_names n ON n.value = w.name
            JOIN organisations_employer e ON e.id = c.employer_id
            JOIN bench_ft_employers ft_e ON ft_e.value = e.name || ' ' || coalesce(e.credit_code, '')
            JOIN bench_ft_facts f ON f.value = c.facts
            """
        )
        log(f"  {cur.rowcount:,} documents inserted at {time.perf_counter() - started:.1f} s")
        t0 = time.perf_counter()
        cur.execute(
            "CREATE INDEX search_doc_filter_gin_h31 ON cases_casesearchdocument "
            "USING gin (organisation_id, division_id, status, channel, vector)"
        )
        log(f"  GIN index built in {time.perf_counter() - t0:.1f} s")
        cur.execute("VACUUM (ANALYZE) cases_casesearchdocument")
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('cases_casesearchdocument'))")
        log(f"  documents built in {time.perf_counter() - started:.1f} s, table and index {cur.fetchone()[0]}")


# A list with another filter besides the search (the case list's status and channel selects): a broad one
# (59 % of the generated cases), a narrow one (2 %) and a channel (10 %). Its page finds the matches on the
# documents and joins the filter to them (cases.search, `filtered`), or, for common terms, ranks in the form
# the "old" read times for an unfiltered scope (the scope and the filter on cases_case).
FILTERS: list[dict[str, str]] = [{"status": "closed"}, {"status": "mediating"}, {"channel": "hotline"}]


def terms_for(rng: random.Random, visible: Any) -> list[tuple[str, str]]:
    """Common terms of the generated facts, and rare ones taken from a case in the middle of the scope."""
    from tiaojie.cases.models import CaseWorker

    total = visible.count()
    case = visible.order_by("-received_at", "-id").select_related("employer")[total // 2]
    worker = CaseWorker.objects.select_related("worker").get(case=case).worker
    employer_part = case.employer.name.removeprefix(base.BENCH_MARK)[:4]
    return [
        ("common: 工伤 (2 chars)", "工伤"),
        ("common: 拖欠工资", "拖欠工资"),
        ("common, two parts: 工伤 加班费", "工伤 加班费"),
        ("rare: worker's full name", worker.name),
        ("rare: worker's name and 工伤", f"{worker.name} 工伤"),
        ("employer, 4 chars", employer_part),
        ("no match: 欠薪", "欠薪"),
    ]


def measure(args: argparse.Namespace) -> list[tuple[str, str, str, base.Result, base.Result, int]]:
    from tiaojie.cases.access import cases_visible_to, visibility_q
    from tiaojie.cases.queries import CaseFilters, case_page, document_filters, scope_divisions, search_page
    from tiaojie.cases.search import ranked_case_ids

    rng = random.Random(args.seed)
    personas = [p for p in base.make_personas() if p.name in ("mediator", "county")]
    out = []
    for persona in personas:
        user = persona.user

        def visible(user: Any = user) -> Any:
            user.__dict__.pop("_tiaojie_memberships", None)
            user.__dict__.pop("_tiaojie_scopes", None)
            return cases_visible_to(user)

        def first_page(user: Any = user) -> list[int]:
            return [c.pk for c in case_page(visible(), divisions=scope_divisions(user)).items]

        log(f"{persona.name}: {persona.scope}, {visible().count():,} cases visible")
        baseline = base.Result(persona.name, "first page, no search", "keyset", 0, base.timed(first_page, args.repeat))
        log(f"  baseline p50 {baseline.p50:.1f} p95 {baseline.p95:.1f} ms")
        later: list[tuple[str, str, Any]] = []  # --filtered: timed after every term's unfiltered reads
        for kind, text in terms_for(rng, visible()):

            def seen(user: Any = user) -> Any:
                return visibility_q(user)

            rows = len(ranked_case_ids(visible(), text, limit=200, visible=seen()))
            same = [h.case_id for h in ranked_case_ids(visible(), text, limit=200, visible=seen())] == [
                h.case_id for h in ranked_case_ids(visible(), text, limit=200)
            ]
            log(f"  {kind}: the two forms give the same list: {same}")
            reads: list[tuple[str, Any]] = [
                # "old": the form a filtered list still uses (scope on cases_case), the one before h29.
                ("old", lambda text=text: ranked_case_ids(visible(), text, limit=200)),
                ("rank", lambda text=text: ranked_case_ids(visible(), text, limit=200, visible=seen())),
                ("page", lambda text=text: search_page(visible(), text, visible=seen()).items),
            ]
            if args.filtered:
                # The page of a list filtered besides the search, as the case list reads it (`filtered`).
                # Timed after the unfiltered reads of every term: these read far more rows, and timed in
                # between they left the next term's reads a colder cache (the unfiltered page's p95 doubled).
                # "page": the filter tested on the documents' copies (`narrow`), as the case list reads a list
                # filtered by status or channel; "joined": the filtered scope joined to the documents' matches,
                # as it reads one filtered by a claim type or overdue (the only form before session 13).
                for f in FILTERS:
                    label = ",".join(f"{k}={v}" for k, v in f.items())
                    narrow = document_filters(CaseFilters(**f))
                    later += [
                        (
                            kind,
                            f"page {label}",
                            lambda text=text, f=f, narrow=narrow: (
                                search_page(visible().filter(**f), text, visible=seen(), narrow=narrow).items
                            ),
                        ),
                        (
                            kind,
                            f"joined {label}",
                            lambda text=text, f=f: (
                                search_page(visible().filter(**f), text, visible=seen(), filtered=True).items
                            ),
                        ),
                    ]
            for what, fn in reads:
                out.append(timed_read(args, persona.name, kind, what, fn, baseline, rows))
        for kind, what, fn in later:
            if what.startswith("page "):
                joined = next(g for k, w, g in later if k == kind and w == "joined " + what.removeprefix("page "))
                same = [c.pk for c in fn()] == [c.pk for c in joined()]
                log(f"  {kind} {what}: the two filtered forms give the same page: {same}")
            out.append(timed_read(args, persona.name, kind, what, fn, baseline, len(fn())))
    return out


def timed_read(
    args: argparse.Namespace, persona: str, kind: str, what: str, fn: Any, baseline: base.Result, rows: int
) -> tuple[str, str, str, base.Result, base.Result, int]:
    result = base.Result(persona, f"{kind} [{what}]", what, 0, base.timed(fn, args.repeat))
    if args.explain or result.p95 > args.slow_ms:
        result.plan = base.explain(fn)
    log(f"  {kind:<32} {what:<4} {rows:>3} rows  p50 {result.p50:7.1f}  p95 {result.p95:7.1f} ms")
    return (persona, kind, what, result, baseline, rows)


def report(results: list[tuple[str, str, str, base.Result, base.Result, int]], n_cases: int, repeat: int) -> None:
    from django.db import connection

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_casesearchdocument WHERE vector @@ to_tsquery('simple', '工伤')")
        common = cur.fetchone()[0]
    print(
        f"\ncase full-text search benchmark: {n_cases:,} cases ({common:,} say 工伤), on {connection.vendor}, "
        f"{repeat} runs each, {os.cpu_count()} cores, load {load}"
    )
    header = f"{'persona':<9} {'search':<34} {'read':<24} {'rows':>4} {'p50 ms':>8} {'p95 ms':>8}"
    header += f" {'base p95':>9} {'ratio':>6}"
    print(f"{header}\n{'-' * len(header)}")
    worst = {"page": 0.0, "rank": 0.0, "old": 0.0, "filtered page": 0.0, "joined page": 0.0}
    for persona, kind, what, r, b, rows in results:
        form = "filtered page" if what.startswith("page ") else "joined page" if what.startswith("joined ") else what
        worst[form] = max(worst[form], r.p95)
        print(
            f"{persona:<9} {kind:<34} {what:<24} {rows:>4} {r.p50:>8.1f} {r.p95:>8.1f} {b.p95:>9.1f} "
            f"{r.p95 / b.p95:>5.1f}x"
        )
    for persona, _kind, _what, r, _b, _rows in results:
        if r.plan:
            print(f"\n--- plan: {persona} / {r.name} (p95 {r.p95:.1f} ms) ---")
            print("\n".join(r.plan))
    # The page (what the search box shows, unfiltered), its ranking alone, the ranking in the form a list with
    # another filter runs for common terms ("old"), and (--filtered) the pages of lists filtered by status or
    # channel, both as the list reads them and joined; fulltext_worst_p95_ms is the worst of all.
    filtered_page = ""
    if worst["filtered page"]:
        filtered_page = (
            f"fulltext_filtered_page_worst_p95_ms={worst['filtered page']:.1f} "
            f"fulltext_joined_page_worst_p95_ms={worst['joined page']:.1f} "
        )
    print(
        f"\ncases={n_cases} fulltext_page_worst_p95_ms={worst['page']:.1f} "
        f"fulltext_rank_worst_p95_ms={worst['rank']:.1f} fulltext_filtered_worst_p95_ms={worst['old']:.1f} "
        f"{filtered_page}fulltext_worst_p95_ms={max(worst.values()):.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--employers", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow-ms", type=float, default=50.0, help="print the plan of searches slower than this")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument(
        "--filtered", action="store_true", help="also time the page of lists filtered by status or channel"
    )
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a throwaway PostgreSQL database (bench/README.md): this script fills it")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from tiaojie.cases.models import Case

    base.ensure_database()
    case_search.generate(args)
    build_documents()
    report(measure(args), Case.objects.count(), args.repeat)


if __name__ == "__main__":
    main()
