"""Real-browser journeys of the dispute-type suggestions (docs/knowledge.md, "Suggestions at intake"): staff at
assisted intake see the suggestion as they type the facts and take its claim type with one click; a mediator
confirms the suggestion stored for a case on its page.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_suggestions.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import DisputeTypeSuggestion
from tiaojie.cases.tests.factories import make_case
from tiaojie.knowledge.models import LabelledText

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SHOTS = "/tmp/shots/h13"


def test_assisted_intake_suggests_while_typing_and_fills_the_claim(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    page = new_context(**DESKTOP).new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/intake/new/")
    expect(page.locator("#facts-suggestions")).to_contain_text("填写事实和理由后")
    # Typed as a person types, so the input events drive the hint (not a value set by script).
    page.locator("#id_facts").press_sequentially("在工地摔伤，要申请工伤", delay=20)
    hint = page.locator("#facts-suggestions")
    expect(hint.locator('[data-suggestion="work_injury"]')).to_be_visible()
    expect(hint.locator("mark").first).to_be_visible()
    select = page.locator("select[name='claims-0-type']")
    expect(select).to_have_value("wages")  # nothing changes by itself
    page.screenshot(path=f"{SHOTS}/assisted-hint.png", full_page=True)
    hint.get_by_role("button", name="使用这些请求事项").click()
    expect(select).to_have_value("work_injury")
    expect(page.locator("select[name$='-type'] >> nth=0")).to_have_value("work_injury")
    assert (
        page.locator("select[name^='claims-'][name$='-type']").evaluate_all(
            "els => els.filter(e => e.value === 'work_injury').length"
        )
        == 1
    )


def test_a_mediator_confirms_the_suggestion_on_the_case_page(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    case = make_case(org_a, mediator_a, facts="申请人在车间受伤，单位不认工伤，要求工伤待遇。")
    assert DisputeTypeSuggestion.objects.get(case=case).suggestions[0]["label"] == "work_injury"
    page = new_context(**DESKTOP).new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.locator("#dispute-type")
    expect(panel).to_contain_text("系统建议的争议类型")
    expect(panel.locator("mark").first).to_be_visible()
    panel.get_by_role("checkbox", name="工伤").check()
    panel.get_by_role("checkbox", name="同时添加本案还没有的对应请求事项").check()
    page.screenshot(path=f"{SHOTS}/case-panel.png", full_page=True)
    panel.get_by_role("button", name="确认争议类型").click()
    expect(page.locator(".messages")).to_contain_text("争议类型已确认")
    expect(page.locator("#dispute-type .confirmed")).to_contain_text("工伤")
    row = DisputeTypeSuggestion.objects.get(case=case)
    assert row.confirmed_labels == ["work_injury"] and row.confirmed_by == mediator_a
    assert LabelledText.objects.get(source="case", reference=str(case.pk)).labels == ["work_injury"]
    assert sorted(case.claims.values_list("type", flat=True)) == ["wages", "work_injury"]
