"""Real-browser check of the legal bases on the case page (docs/i18n.md): a mediator who switches to English
reads every basis (deadlines, the period rule, the next steps, the history, the documents) in English; back in
Chinese they are the Chinese citations as written. Screenshots: /tmp/shots/h10/bases-*.png.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/site/tests/test_browser_legal_bases.py -q
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tiaojie.cases import transitions
from tiaojie.cases.actions import do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation.tests.factories import staff
from tiaojie.reference import rules

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # the personas' password (root conftest.py)
SHOTS = Path("/tmp/shots/h10")
CJK = re.compile(r"[\u4e00-\u9fff]")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"bases-{name}.png"), full_page=True)


def bases(page: Page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".basis").all_inner_texts()]


def test_a_mediator_reads_the_bases_in_english_and_back_in_chinese(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    case = make_case(org_a, mediator_a)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
    page = new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[data-testid=language-switch] button[value=en]").click()
    page.locator("input[name=username]").fill(mediator_a.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    clock_b = page.locator("[data-deadline=clock_b] .basis")
    # Organisation A is in Zhejiang: clock B is the province's rule (reference.rules, docs/law.md §3).
    expect(clock_b).to_have_text(re.compile(r"^Basis：Zhejiang Province Regulations on Mediation and Arbitration"))
    expect(clock_b).to_contain_text("within 15 days of receiving the application")
    expect(page.locator("#timeline .basis")).to_contain_text("accepted within 3 working days of its receipt")
    shown = bases(page)
    assert len(shown) >= 8 and [b for b in shown if CJK.search(b.replace(org_a.name, ""))] == []
    page.locator("#timeline").scroll_into_view_if_needed()
    shot(page, "1-english")

    # The switch on the same page: Chinese again, the citations exactly as the code holds them.
    page.locator("[data-testid=language-switch] button[value=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(clock_b).to_have_text(f"依据：{rules.ZHEJIANG_CLOCK_B_BASIS}")
    accepted = transitions.find_transition(Status.RECEIVED, Status.ACCEPTED)
    expect(page.locator("#timeline .basis")).to_have_text(accepted.basis)
    assert not any("Labour Dispute" in b for b in bases(page))
    shot(page, "2-chinese")
