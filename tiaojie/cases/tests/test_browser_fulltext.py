"""Real-browser journey (issue 15 item 3): a mediator types 欠薪 in the case list's search box and sees the
case whose facts say it, with the words highlighted where they matched, and not another organisation's.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/cases/tests/test_browser_fulltext.py -q
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.tests.test_browser import log_in
from tiaojie.cases.tests.test_browser_search import DESK, numbers_listed, search

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TIAOJIE_SHOTS", "/tmp/shots/h11"))


def test_a_mediator_finds_the_case_that_says_qianxin(
    transactional_db, live_server, new_context, org_a, mediator_a, org_b, mediator_b
):
    target = make_case(org_a, mediator_a, facts="公司自去年十月起欠薪三个月，申请人多次催讨未果。")
    make_case(org_a, mediator_a, facts="申请人在工作中受伤，要求支付工伤待遇。")
    make_case(org_b, mediator_b, facts="被申请人欠薪两个月。")
    page = new_context(**DESK).new_page()
    log_in(page, live_server.url, "mediator_a")
    expect(page.locator("#case-rows a.case-number")).to_have_count(2)
    search(page, "欠薪")
    expect(page.locator("#case-rows a.case-number")).to_have_count(1)
    assert numbers_listed(page) == [target.number]
    snippet = page.locator("#case-rows tr.search-snippet")
    expect(snippet).to_contain_text("事实和理由")
    expect(snippet.locator("mark")).to_have_text("欠薪")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "fulltext-qianxin.png"), full_page=True)
    page.get_by_role("link", name=target.number).click()
    expect(page.locator("#case-number")).to_have_text(target.number)
