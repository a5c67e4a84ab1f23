"""Real-browser journey: a mediator hands a received case to another organisation from the case page. The
form is not part of the kept page; it comes when the 转交 section is opened.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_reroute.py -q
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import make_case
from tiaojie.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_a_mediator_opens_the_section_and_reroutes_the_case(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    other = OrganisationFactory(name="良渚人民调解委员会", type_id="people_mediation", division_id="330110010")
    case = make_case(org_a, mediator_a)

    page = new_context().new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    section = page.locator("#reroute")
    expect(section.locator("select")).to_have_count(0)  # nothing fetched before it is opened
    section.locator("summary").click()
    choice = section.get_by_label("转交给")
    expect(choice).to_be_visible()
    choice.select_option(label=f"{other.name}（{other.type.name}）")
    section.get_by_label("转交原因").fill("用人单位注册地在良渚街道")
    section.get_by_role("button", name="转交").click()

    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.locator(".messages")).to_contain_text("案件已转交「良渚人民调解委员会」")
    assert Case.objects.get(pk=case.pk).organisation_id == other.pk
