"""Chromium at 360 px: a worker's phone. Search 经济补偿 in the law library, open 《劳动合同法》第四十七条 from the
results, and read it at its stable URL; screenshots in /tmp/shots/h9/.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/knowledge/tests/test_browser_laws.py -q
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tiaojie.knowledge.actions import do_import_law_directory
from tiaojie.knowledge.tests import samples

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h9")


def test_search_then_open_the_article_on_a_phone(transactional_db, live_server, new_context, tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="2f4c5c2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport={"width": 360, "height": 780}).new_page()
    page.goto(f"{live_server.url}/laws/")
    expect(page.get_by_role("heading", name="法律法规库")).to_be_visible()
    page.locator("#law-q").fill("经济补偿")
    page.get_by_role("button", name="检索").click()
    hits = page.locator("#article-hits li")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("mark").first).to_have_text("经济补偿")
    page.screenshot(path=str(SHOTS / "1-search.png"), full_page=True)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="《劳动合同法》第四十七条").click()
    expect(page).to_have_url(f"{live_server.url}/laws/{quote('劳动合同法')}/articles/47/")
    expect(page.get_by_role("heading", level=1)).to_have_text("《劳动合同法》第四十七条")
    expect(page.locator("#article-text")).to_contain_text("每满一年支付一个月工资")
    expect(page.locator("#law-status")).to_have_text("有效")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "2-article-47.png"), full_page=True)

    # The breadcrumb leads to the whole text, at the article's anchor.
    page.get_by_role("link", name="劳动合同法", exact=True).click()
    expect(page.locator("#a47")).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / "3-text-at-47.png"))
