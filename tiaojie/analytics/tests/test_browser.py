"""Real-browser journey (issue 7 item 6): a county supervisor drills down and downloads the ledger; the other
county's supervisor sees none of it.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/analytics/tests/test_browser.py -q
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.actions import WorkerInput
from tiaojie.cases.tests.factories import make_case, valid_id_number

pytestmark = pytest.mark.browser


def kpi(page: Page, metric: str):
    return page.locator(f"[data-metric={metric}] .kpi-value")


def test_county_supervisor_drills_down_and_downloads_the_ledger_other_county_sees_nothing(
    transactional_db, live_server, new_context, org_a, mediator_a, supervisor_county, supervisor_other_county
):
    ids = [valid_id_number(), valid_id_number()]
    cases = [
        make_case(org_a, mediator_a, workers=[WorkerInput(name="王小明", id_number=ids[0])]),
        make_case(org_a, mediator_a, workers=[WorkerInput(name="赵四", id_number=ids[1])]),
    ]
    base = live_server.url

    page = new_context().new_page()
    log_in(page, base, "supervisor_county")
    page.get_by_role("link", name="统计", exact=True).click()
    expect(page).to_have_url(f"{base}/analytics/region/330110/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("余杭区")
    expect(kpi(page, "received")).to_contain_text("2")
    # Every metric carries its definition on the page.
    expect(page.locator("[data-metric=mediation_success_rate] details")).to_contain_text("调解协议数")
    # The chart is drawn (ECharts renders SVG) beside the table that carries the same numbers.
    expect(page.locator("[data-chart=chart-monthly] svg")).to_have_count(1)

    page.locator("#t-regions").get_by_role("link", name="仓前街道").click()
    expect(page).to_have_url(f"{base}/analytics/region/330110012/")
    expect(kpi(page, "received")).to_contain_text("2")
    expect(page.locator("nav.crumbs")).to_contain_text("余杭区")
    expect(page.locator("#t-organisations")).to_contain_text(org_a.name)

    with page.expect_download() as download_info:
        page.locator("[data-ledger=csv]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert sorted(r[0] for r in rows[1:]) == sorted(c.number for c in cases)
    for number in ids:
        assert number not in content
        assert f"{number[:6]}********{number[-4:]}" in content
    assert "王**" in content and "王小明" not in content

    other = new_context().new_page()
    log_in(other, base, "supervisor_xihu")
    other.get_by_role("link", name="统计", exact=True).click()
    expect(other).to_have_url(f"{base}/analytics/region/330106/")
    expect(kpi(other, "received")).to_have_text("0 件")
    response = other.goto(f"{base}/analytics/region/330110012/")
    assert response is not None and response.status == 404
    response = other.goto(f"{base}/analytics/region/330110012/ledger.csv")
    assert response is not None and response.status == 404
