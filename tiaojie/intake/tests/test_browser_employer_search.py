"""Real-browser journey (issue 13 item 12): the public employer search on a 360 px phone lists each registered
employer once and none that other applicants typed in (which would tell anyone who has been named in a dispute).

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_employer_search.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tiaojie.cases.actions import EmployerInput
from tiaojie.cases.tests.factories import case_input
from tiaojie.intake.actions import do_submit_application
from tiaojie.intake.tests.test_public import APPLICANT
from tiaojie.organisations.models import Employer
from tiaojie.organisations.tests.factories import EmployerFactory

pytestmark = pytest.mark.browser

PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_the_search_shows_each_employer_once_and_no_typed_names(transactional_db, live_server, new_context, org_a):
    # Staff registered the rider company twice, once without its credit code; applicants typed it a third time,
    # and typed a restaurant nobody registered.
    registered = EmployerFactory(name="杭州云帆即时配送有限公司")
    EmployerFactory(name="杭州云帆即时配送有限公司", credit_code=None)
    for name in ("杭州云帆即时配送有限公司", "杭州云帆小馆餐饮店"):
        data = case_input(employer=EmployerInput(name=name), channel="online")
        do_submit_application(data=data, actor=APPLICANT, employer_division=org_a.division)
    assert Employer.objects.filter(name__contains="云帆").count() == 4

    page = new_context(**PHONE_360).new_page()
    page.goto(f"{live_server.url}/apply/employer/")
    page.locator("#id_employer_q").fill("云帆")
    results = page.locator("#employer-results button.pick")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("杭州云帆即时配送有限公司")
    expect(results).to_contain_text(registered.credit_code)
    expect(page.locator("#employer-results")).not_to_contain_text("杭州云帆小馆餐饮店")
    page.screenshot(path="/tmp/shots/h6/employer-search-once.png", full_page=True)

    # The name only an applicant typed is not found, by part or in full.
    page.locator("#id_employer_q").fill("杭州云帆小馆餐饮店")
    expect(page.locator("#employer-results")).to_contain_text("没有找到这个单位")
    expect(page.locator("#employer-results button.pick")).to_have_count(0)

    # Picking the one listed works as before.
    page.locator("#id_employer_q").fill("云帆即时")
    page.locator("#employer-results button.pick").tap()
    expect(page.locator("[data-picked-employer]")).to_have_attribute("data-picked-employer", str(registered.pk))
