"""The pure parts of bench/requests.py (statistics, ratios, the summary line, the status check); the timing
itself is measured by running the bench, never asserted here."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bench.requests import Cell, check_statuses, markdown_table, percentile, summarise, summary_line


def cell(endpoint: str, clients: int, round_no: int, samples: list[float], elapsed: float = 1.0) -> Cell:
    return Cell(endpoint, clients, round_no, samples, elapsed, Counter({200: len(samples)}))


def test_percentile_is_nearest_rank() -> None:
    samples = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([7.0, 1.0, 3.0], 99) == 7  # unsorted input; few samples: the largest
    assert percentile([], 99) == 0


def test_ratios_are_taken_within_each_round_then_the_median_over_rounds() -> None:
    # Round 2 is slow for everything (a load spike): the within-round ratio stays 0.1, as in the other rounds.
    cells = [
        cell("raw_select", 4, 1, [1.0, 1.0, 1.0]),
        cell("case_page", 4, 1, [10.0, 10.0, 10.0]),
        cell("raw_select", 4, 2, [5.0, 5.0, 5.0]),
        cell("case_page", 4, 2, [50.0, 50.0, 50.0]),
        cell("raw_select", 4, 3, [2.0, 2.0, 2.0]),
        cell("case_page", 4, 3, [20.0, 20.0, 20.0]),
        cell("django_select", 4, 1, [2.0]),
    ]
    rows = {(r.endpoint, r.clients): r for r in summarise(cells)}
    page = rows[("case_page", 4)]
    assert page.vs_raw == pytest.approx(0.1)  # a tenth of the raw query's speed
    assert page.p50 == 20.0  # median of the rounds' medians
    assert page.n == 9
    assert page.statuses == Counter({200: 9})
    assert page.vs_django == pytest.approx(0.2)  # only round 1 had a Django baseline
    assert rows[("raw_select", 4)].vs_raw is None  # a baseline has no ratio of its own


def test_writes_are_compared_with_the_insert_baseline() -> None:
    cells = [
        cell("raw_select", 1, 1, [1.0]),
        cell("raw_insert", 1, 1, [4.0]),
        cell("intake", 1, 1, [40.0]),
    ]
    rows = {r.endpoint: r for r in summarise(cells)}
    assert rows["intake"].vs_raw == pytest.approx(0.1)


def test_throughput_counts_requests_per_second_of_wall_time() -> None:
    assert cell("api_get", 4, 1, [1.0] * 50, elapsed=2.0).throughput == 25.0


def test_summary_line_has_the_issue_fields_at_four_clients() -> None:
    cells = [
        cell("raw_select", 4, 1, [2.0]),
        cell("raw_insert", 4, 1, [4.0]),
        cell("case_page", 4, 1, [30.0]),
        cell("api_get", 4, 1, [8.0]),
        cell("intake", 4, 1, [40.0, 60.0]),
        cell("case_page", 16, 1, [999.0]),  # another client count: not in the line
        cell("raw_select", 16, 1, [1.0]),
    ]
    line = summary_line(summarise(cells), login_ms=312.34)
    assert line == (
        "case_page_ratio=0.067 case_page_p99_ms=30.0 api_get_ratio=0.250 intake_ratio=0.080 intake_p99_ms=60.0 "
        "login_ms=312.3"
    )
    assert re.fullmatch(r"(\w+=\d+\.\d+( |$))+", line)


def test_summary_line_with_an_endpoint_missing_says_zero() -> None:
    assert summary_line([], login_ms=0).startswith("case_page_ratio=0.000 case_page_p99_ms=0.0")


def test_an_unexpected_status_stops_the_run_with_the_counts() -> None:
    bad = Cell("case_page", 4, 2, [1.0] * 5, 1.0, Counter({200: 3, 500: 2}), ["500: <h1>服务器错误</h1>"])
    with pytest.raises(SystemExit, match=r"case_page at 4 clients \(round 2\).*200: 3, 500: 2") as raised:
        check_statuses(bad, {200})
    assert "服务器错误" in str(raised.value)
    check_statuses(cell("case_page", 4, 2, [1.0]), {200})  # all as expected: nothing happens


def test_table_has_one_row_per_endpoint_and_client_count_with_statuses() -> None:
    cells = [cell("raw_select", c, 1, [1.0]) for c in (1, 4)] + [cell("case_list", c, 1, [9.0]) for c in (1, 4)]
    table = markdown_table(summarise(cells)).splitlines()
    assert len(table) == 2 + 4
    assert table[-1].startswith("| staff case list GET /cases/ | 4 | 9.0 |")
    assert "| 0.111× |" in table[-1]  # a ninth of the raw query's speed
    assert table[-1].endswith("| 1 | 200×1 |")
