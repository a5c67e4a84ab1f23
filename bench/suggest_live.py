"""Benchmark: the live dispute-type hint of the staff forms (POST /intake/suggest/, docs/knowledge.md,
"Suggestions at intake"). Goal: under 50 ms of our own time per answer.

    DEBUG=1 .venv/bin/python -m bench.suggest_live [--runs 50]

Runs on a throw-away test database (SQLite unless DATABASE_URL says otherwise): one organisation, one mediator
logged in through Django's test Client, so every request pays the session, the membership check, the classifier
and the fragment's template. Timed for a short note, a typical 500-character account and one past the bound
(LIVE_MAX_CHARS, cut there). The baseline, in the same run, is the same request with empty text (everything but
the classifier); each line prints its ratio to it, and the classifier alone on the same text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(args.runs)
    finally:
        teardown_databases(old, verbosity=0)


def run(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from tiaojie.cases.actions import suggest_dispute_types
    from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    org = OrganisationFactory(name="基准组织", division_id="330110012")
    user = MembershipFactory(user=UserFactory(username="bench_mediator"), organisation=org).user
    client = Client()
    client.force_login(user)
    url = reverse("intake:suggest") + "?field=facts"
    account = (
        "申请人于2023年3月入职被申请人处从事车间操作工，双方未签订书面劳动合同，单位未缴纳社会保险。"
        "2024年5月申请人在工作中受伤，单位不认工伤，拖欠工资两个月，经常加班没有加班费，后被口头辞退。"
    )
    texts = {
        "short note (12 chars)": "在工地摔伤，要求工伤待遇",
        "account (~500 chars)": (account * 6)[:500],
        "past the bound (20,000 chars)": (account * 200)[:20000],
    }

    def time_request(text: str) -> list[float]:
        client.post(url, {"facts": text})  # warm-up
        out = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.post(url, {"facts": text})
            out.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return out

    def time_classifier(text: str) -> list[float]:
        out = []
        for _ in range(runs):
            started = time.perf_counter()
            suggest_dispute_types(text)
            out.append((time.perf_counter() - started) * 1000)
        return out

    baseline = time_request("")
    base_p50 = statistics.median(baseline)
    print(f"runs: {runs} each; times in ms (p50 / p95)")
    print(f"baseline (empty text, no classifier): {base_p50:.2f} / {percentile(baseline, 0.95):.2f}")
    for name, text in texts.items():
        request = time_request(text)
        alone = time_classifier(text)
        p50 = statistics.median(request)
        print(
            f"{name}: request {p50:.2f} / {percentile(request, 0.95):.2f}, "
            f"ratio to baseline {p50 / base_p50:.2f}×; classifier alone {statistics.median(alone):.3f} / "
            f"{percentile(alone, 0.95):.3f}"
        )


if __name__ == "__main__":
    main()
