"""Benchmark: the two forms of the full-text ranking query in the same run (issue 15 item 3, bench/RESULTS.md).

    DEBUG=1 DATABASE_URL=postgres://…/tiaojie_bench_fulltext_… python -m bench.case_fulltext_forms

Reads a database `make bench-search` filled. "before" is the ranking SQL of merge 41496c8 (`id IN (scope)`),
"after" is cases.search.ranked_case_ids; both for bench/case_fulltext.py's terms and personas, with the
result lists compared. REPEAT=20 runs each; EXPLAIN=<part of a kind> prints the plan of the after form.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

OLD = (
    "SELECT d.case_id, ts_rank(d.vector, q.query) AS rank "
    "FROM (SELECT c.id FROM cases_case c JOIN cases_casesearchdocument m ON m.case_id = c.id "
    "WHERE m.vector @@ to_tsquery('simple', %s) AND c.id IN ({s}) "
    "ORDER BY c.received_at DESC, c.id DESC LIMIT %s) AS k "
    "JOIN cases_casesearchdocument d ON d.case_id = k.id, to_tsquery('simple', %s) AS q(query) "
    "ORDER BY rank DESC, d.case_id DESC LIMIT %s"
)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    for _ in range(2):
        fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return statistics.median(ts), ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.db import connection

    from bench import case_list as base
    from bench.case_fulltext import terms_for
    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.search import ranked_case_ids
    from tiaojie.lib import bigrams

    repeat = int(os.environ.get("REPEAT", "20"))

    def old(scope: Any, text: str) -> list[int]:
        q = bigrams.tsquery(bigrams.query_parts(text))
        s, sp = scope.values("pk").query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute(OLD.format(s=s), [q, *sp, 500, q, 200])
            return [int(row[0]) for row in cur.fetchall()]

    def new(scope: Any, text: str) -> list[int]:
        return [h.case_id for h in ranked_case_ids(scope, text, limit=200)]

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        n = cur.fetchone()[0]
    print(f"cases={n:,} repeat={repeat} load at start {os.getloadavg()}")
    print(f"{'persona':9} {'search':34} {'rows':>4} {'before p50':>10} {'before p95':>10} {'after p50':>9} ", end="")
    print(f"{'after p95':>9} {'same':>5}")
    for p in [p for p in base.make_personas() if p.name in ("mediator", "county")]:

        def vis(u: Any = p.user) -> Any:
            u.__dict__.pop("_tiaojie_memberships", None)
            u.__dict__.pop("_tiaojie_scopes", None)
            return cases_visible_to(u)

        for kind, text in terms_for(random.Random(1), vis()):
            after = new(vis(), text)
            same = old(vis(), text) == after
            bo = timed(lambda text=text: old(vis(), text), repeat)
            af = timed(lambda text=text: new(vis(), text), repeat)
            print(f"{p.name:9} {kind:34} {len(after):>4} {bo[0]:>10.1f} {bo[1]:>10.1f} {af[0]:>9.1f} ", end="")
            print(f"{af[1]:>9.1f} {same!s:>5}", flush=True)
            if os.environ.get("EXPLAIN") and os.environ["EXPLAIN"] in kind:
                print("\n".join(base.explain(lambda text=text: new(vis(), text))))
    print(f"load at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
