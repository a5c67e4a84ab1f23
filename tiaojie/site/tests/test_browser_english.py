"""Real-browser journey in English (issue 13 item 13): the switch on the home page, the public apply wizard,
the tracking page, a calculator, then a staff login, the case list and the case page.

On each page the chrome (navigation, headings, labels, buttons, table heads, messages) must hold no Chinese
once the data shown on it (names, the organisation, region names, what was typed) is taken out: a string left
out of gettext, or a missing translation, fails here. Screenshots: /tmp/shots/h7/english-*.png.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/site/tests/test_browser_english.py -q
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import valid_id_number

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # the personas' password (root conftest.py)
MOBILE = "13912345678"
SHOTS = Path("/tmp/shots/h7")
CJK = re.compile(r"[\u4e00-\u9fff]")
CHROME = (
    "header nav a, header nav button, h1, h2, h3, label, button, th, legend, summary, .field-error, .messages li,"
    " .warn strong, .badge"
)
# Region names the location picker shows (浙江省 杭州市 余杭区 仓前街道) and the options of its selects.
REGIONS = ["浙江省", "杭州市", "余杭区", "仓前街道"]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"english-{name}.png"), full_page=True)


def chinese_chrome(page: Page, data: list[str]) -> list[str]:
    """Texts of chrome elements that still hold Chinese once `data` is removed. The language switch's
    other language is named in itself (lang="zh-hans") and is left out; so is a <select>'s list of regions."""
    texts = page.eval_on_selector_all(
        CHROME,
        """els => els.filter(e => !e.closest('[lang="zh-hans"]')).map(e => {
               const c = e.cloneNode(true);
               c.querySelectorAll('select, option').forEach(s => s.remove());
               return c.textContent; })""",
    )
    left = []
    for text in texts:
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        if CJK.search(text):
            left.append(text.strip())
    return left


def assert_english(page: Page, data: list[str]) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert chinese_chrome(page, data) == []


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Next", exact=True).click()


def test_the_whole_journey_in_english(transactional_db, live_server, new_context, org_a, mediator_a, _sms_outbox):
    base = live_server.url
    page = new_context(viewport={"width": 1100, "height": 900}).new_page()
    data = [org_a.name, *REGIONS, "李四", "杭州某某小吃店"]

    # The home page starts in Chinese; the switch turns the page, and the next ones, English.
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator("[data-testid=language-switch] button[value=en]").click()
    expect(page.locator("[data-testid=language-switch] button[value=en]")).to_be_disabled()
    expect(page).to_have_url(f"{base}/")
    assert_english(page, data)
    shot(page, "1-home")
    cookie = next(c for c in page.context.cookies() if c["name"] == "django_language")
    assert cookie["value"] == "en" and cookie["expires"] > 0  # kept when the browser closes

    # The apply wizard.
    page.get_by_role("main").get_by_role("link", name="Apply for mediation").click()
    expect(page).to_have_url(f"{base}/apply/worker/")
    expect(page.get_by_role("heading", name="What mediation is")).to_be_visible()
    page.locator("[name=name]").fill("李四")
    page.locator("[name=id_number]").fill(valid_id_number())
    page.locator("[name=phone]").fill(MOBILE)
    page.get_by_label(re.compile("I have read the Personal Information Notice")).check()
    next_step(page)  # without the separate consent: an English error beside the field
    expect(page.locator("[data-field=id_consent] .field-error")).to_contain_text("separate consent")
    assert_english(page, data)
    shot(page, "2-apply-error")
    page.get_by_label(re.compile("I separately agree")).check()
    next_step(page)

    expect(page).to_have_url(f"{base}/apply/employer/")
    page.locator("[name=employer_name]").fill("杭州某某小吃店")
    selects = page.locator("#division-picker select[name=pick]")
    for depth, code in enumerate(["33", "3301", "330110", "330110012"]):
        expect(selects).to_have_count(depth + 1)
        selects.nth(depth).select_option(code)
        expect(page.locator("#division-picker [name=division_code]")).to_have_value(code)
        expect(page.locator("#division-picker.htmx-settling")).to_have_count(0)
    assert_english(page, data)
    next_step(page)

    expect(page).to_have_url(f"{base}/apply/facts/")
    page.locator("[name=facts]").fill("我在店里做厨师，老板拖欠我三个月工资。")
    page.locator("[name=employment_start]").fill("2024-03-01")
    page.get_by_label("Still working there").check()
    assert_english(page, data)
    next_step(page)

    expect(page).to_have_url(f"{base}/apply/claims/")
    page.get_by_role("checkbox", name="Wages", exact=True).check()
    page.locator("[name=amount_wages]").fill("15000")
    assert_english(page, data)
    next_step(page)

    expect(page).to_have_url(f"{base}/apply/submit/")
    page.get_by_role("button", name="Get code").click()
    expect(page.locator("main")).to_contain_text("The code was sent to 139****5678")
    texted = re.search(r"Code (\d{6}) for: Submit", _sms_outbox[-1][1])
    assert texted and _sms_outbox[-1][0] == MOBILE and not CJK.search(_sms_outbox[-1][1])
    page.locator("[name=sms_code]").fill(texted.group(1))
    page.get_by_label("I confirm the above is true").check()
    assert_english(page, [*data, "我在店里做厨师，老板拖欠我三个月工资。"])
    shot(page, "3-apply-submit")
    page.get_by_role("button", name="Submit the application").click()

    expect(page).to_have_url(f"{base}/apply/done/")
    code = page.locator("#tracking-code").inner_text()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    assert_english(page, data)
    shot(page, "4-apply-done")
    tracking_sms = _sms_outbox[-1][1]
    assert code in tracking_sms and "Case tracking code" in tracking_sms and not CJK.search(tracking_sms)
    case = Case.objects.get()
    assert case.language == "en"

    # The tracking page.
    page.get_by_role("navigation").get_by_role("link", name="Track progress").click()
    page.locator("[name=code]").fill(code)
    page.locator("[name=phone]").fill(MOBILE)
    page.get_by_role("button", name="Look up").click()
    expect(page.locator("#case-status")).to_have_text("Application received")
    expect(page.locator("#status-sentence")).to_contain_text("The mediation organisation has received")
    expect(page.locator("[data-deadline=acceptance]")).not_to_contain_text("年")  # an English date
    assert_english(page, data)
    shot(page, "5-track")
    page.get_by_role("button", name="Leave the look-up").click()

    # A calculator's form: title, field labels and choices come from the calculation library, marked for the
    # catalogue there (calculators.core.gettext_noop) and translated by calculators_web.
    page.get_by_role("navigation").get_by_role("link", name="Calculators").click()
    expect(page.get_by_role("heading", name="Labour dispute calculators")).to_be_visible()
    assert_english(page, data)
    page.get_by_role("link", name="Severance (economic compensation, N)").click()
    expect(page.get_by_role("button", name="Calculate")).to_be_visible()
    expect(page.get_by_label("Start date (first day of employment)")).to_be_visible()
    assert_english(page, data)
    # The worked calculation reads in English too: every step, value and basis (docs/i18n.md).
    page.locator("[name=start_date]").fill("2005-03-01")
    page.locator("[name=end_date]").fill("2010-08-31")
    page.locator("[name=monthly_wage]").fill("8000")
    page.locator("[name=termination_reason]").select_option("art40_2")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator("#result-amount")).to_have_text("48000.00")  # (3 months before 2008 + 3 after) × 8000
    cells = page.locator("#steps td").all_inner_texts()
    assert len(cells) > 20
    naturally_chinese = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号|《[^》]*》")
    assert [c for c in cells if CJK.search(naturally_chinese.sub("", c))] == []
    assert_english(page, data)
    shot(page, "6-calculator")

    # Staff: the login page and everything after it stay English (the same cookie).
    page.get_by_role("navigation").get_by_role("link", name="Staff login").click()
    assert_english(page, data)
    page.locator("input[name=username]").fill(mediator_a.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/cases/")
    assert_english(page, [*data, mediator_a.username])
    shot(page, "7-case-list")
    page.locator(f"a[href='/cases/{case.pk}/']").first.click()
    expect(page.locator("#case-number")).to_have_text(case.display_number)
    assert_english(page, [*data, mediator_a.username, case.display_number, "我在店里做厨师，老板拖欠我三个月工资。"])
    shot(page, "8-case")
