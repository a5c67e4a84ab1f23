"""Re-measure only the case-list pages of the supervision benchmark's personas against an existing load
(bench/RESULTS.md, "a busy county's deep list page"): the plain read and the read the list page now does
(per division for a county supervisor), first and deep pages, in the same run.

    DEBUG=1 DATABASE_URL=postgres://…/tiaojie_bench_sup python -m bench.case_list_scoped
"""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from bench.supervision import Result, personas, timed
    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.models import Case
    from tiaojie.cases.queries import case_page, encode_cursor, scope_divisions

    print(f"{'persona':<22} {'read':<14} {'first p50/p95 ms':>18} {'deep p50/p95 ms':>18}")
    worst = 0.0
    for name, user, _url, _scope in personas():

        def visible(user=user):  # type: ignore[no-untyped-def]
            user.__dict__.pop("_tiaojie_memberships", None)
            user.__dict__.pop("_tiaojie_scopes", None)
            return cases_visible_to(user)

        oldest = visible().order_by("received_at", "id").values_list("received_at", flat=True).first()
        newest = visible().order_by("-received_at", "-id").values_list("received_at", flat=True).first()
        assert oldest and newest
        cursor = encode_cursor(Case(pk=2**62, received_at=oldest + (newest - oldest) / 2))
        page_divisions = scope_divisions(user)
        reads = [("plain", None)] + ([("as the page", page_divisions)] if page_divisions else [])
        for label, divisions in reads:
            first = Result("first", name, timed(lambda d=divisions: case_page(visible(), divisions=d).items, 30))
            deep = Result(
                "deep", name, timed(lambda d=divisions, c=cursor: case_page(visible(), cursor=c, divisions=d).items, 30)
            )
            same = [c.pk for c in case_page(visible(), cursor=cursor, divisions=divisions).items] == [
                c.pk for c in case_page(visible(), cursor=cursor).items
            ]
            if divisions == page_divisions:  # the read this persona's list page does
                worst = max(worst, first.p95, deep.p95)
            print(
                f"{name:<22} {label:<14} {first.p50:8.1f} / {first.p95:6.1f} {deep.p50:9.1f} / {deep.p95:6.1f}"
                f"{'' if same else '  !! pages differ'}"
            )
    print(f"list_p95_ms={worst:.1f}  (the read each persona's list page does)")


if __name__ == "__main__":
    main()
