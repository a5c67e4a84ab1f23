"""Real-browser journey (issue 13 item 8): a mediator at a 1366 px desk finds a case by each kind of term in
the one search box, opens it by its number, and never finds another organisation's case.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/cases/tests/test_browser_search.py -q
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tiaojie.cases.actions import EmployerInput, WorkerInput
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.tests.test_browser import log_in
from tiaojie.organisations.tests.factories import valid_credit_code

pytestmark = pytest.mark.browser

DESK = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path(os.environ.get("TIAOJIE_SHOTS", "/tmp/shots/h5"))


def search(page: Page, text: str) -> None:
    box = page.get_by_role("searchbox", name="查找")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def numbers_listed(page: Page) -> list[str]:
    return page.locator("#case-rows a.case-number").all_inner_texts()


def test_a_mediator_finds_a_case_by_each_kind_of_term_and_never_another_organisations(
    transactional_db, live_server, new_context, org_a, mediator_a, org_b, mediator_b
):
    org_a.case_prefix = "仓调"
    org_a.save(update_fields=["case_prefix"])
    code, id_number = valid_credit_code(), valid_id_number()
    hua_xing = {"name": "杭州华兴电子有限公司", "credit_code": code}
    li_si = {"name": "李四", "id_number": id_number, "phone": "13900001111"}
    target = make_case(org_a, mediator_a, employer=EmployerInput(**hua_xing), workers=[WorkerInput(**li_si)])
    make_case(
        org_a,
        mediator_a,
        employer=EmployerInput(name="宁波远达物流有限公司"),
        workers=[WorkerInput(name="王五", id_number=valid_id_number(), phone="13700002222")],
    )
    # Organisation B's case of the same worker against the same employer, and one only B has.
    theirs = make_case(org_b, mediator_b, employer=EmployerInput(**hua_xing), workers=[WorkerInput(**li_si)])
    only_b = make_case(
        org_b,
        mediator_b,
        employer=EmployerInput(name="温州乙方鞋业有限公司"),
        workers=[WorkerInput(name="赵六", id_number=valid_id_number(), phone="13600003333")],
    )
    year = target.number_year
    assert target.number == f"仓调〔{year}〕1号"

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(**DESK).new_page()
    log_in(page, live_server.url, "mediator_a")
    expect(page.locator("#case-rows a.case-number")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "search-0-list.png"), full_page=True)

    terms = {
        "number": target.number,
        "number-typed": f"仓调[{year}]1",
        "this-year": "1",
        "name": "李四",
        "id": id_number,
        "phone": "139 0000 1111",
        "employer": "华兴",
        "credit-code": code,
    }
    for kind, text in terms.items():
        search(page, text)
        expect(page.locator("#case-rows a.case-number")).to_have_count(1)
        assert numbers_listed(page) == [target.number], kind
        expect(page.get_by_role("searchbox", name="查找")).to_have_value(text)  # what was typed stays
        if kind in ("number", "id", "employer"):
            page.screenshot(path=str(SHOTS / f"search-1-{kind}.png"), full_page=True)
        # The list shows only masked numbers, whatever was searched for.
        expect(page.locator("#case-rows")).not_to_contain_text(id_number)
        expect(page.locator("#case-rows")).not_to_contain_text("13900001111")

    # Open it by its number: the case page is headed with it.
    page.get_by_role("link", name=target.number).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{target.pk}/")
    expect(page.locator("#case-number")).to_have_text(target.number)
    expect(page).to_have_title(re.compile(re.escape(f"案件 {target.number}")))
    page.screenshot(path=str(SHOTS / "search-2-detail.png"), full_page=True)

    # Organisation B's own case is never found from A: not by its worker, number or employer.
    page.goto(f"{live_server.url}/cases/")
    for text in ("赵六", "温州乙方", only_b.number):
        search(page, text)
        expect(page.locator("#case-rows a.case-number")).to_have_count(0)
        expect(page.locator("#no-results")).to_contain_text("没有找到")
    page.screenshot(path=str(SHOTS / "search-3-not-found.png"), full_page=True)
    for text in (id_number, "华兴"):
        search(page, text)
        expect(page.locator(f'#case-rows a[href="/cases/{theirs.pk}/"]')).to_have_count(0)
        assert numbers_listed(page) == [target.number]

    # Mediator B finds B's case with the same terms, never A's.
    other = new_context(**DESK).new_page()
    log_in(other, live_server.url, "mediator_b")
    search(other, id_number)
    expect(other.locator("#case-rows a.case-number")).to_have_count(1)
    expect(other.locator(f'#case-rows a[href="/cases/{theirs.pk}/"]')).to_have_count(1)
    expect(other.locator(f'#case-rows a[href="/cases/{target.pk}/"]')).to_have_count(0)
    response = other.goto(f"{live_server.url}/cases/{target.pk}/")
    assert response is not None and response.status == 404


def test_a_too_long_term_gets_a_chinese_message_and_keeps_the_filters(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    make_case(org_a, mediator_a)
    page = new_context(**DESK).new_page()
    log_in(page, live_server.url, "mediator_a")
    # The box itself stops at 60 characters; a longer term arrives only from an edited link.
    assert page.get_by_role("searchbox", name="查找").get_attribute("maxlength") == "60"
    page.goto(f"{live_server.url}/cases/?q={'长' * 61}&status=received")
    expect(page.locator("[role=alert]")).to_contain_text("查找内容不超过60个字")
    expect(page.locator("select[name=status]")).to_have_value("received")
    expect(page.locator("#case-rows a.case-number")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-4-too-long.png"), full_page=True)
