"""What a user reads, in a real browser (issue 13 item 10): no raw ids or English keys on screen; the 404 for
another organisation's case, the 403 and a refused form are the project's Chinese pages even with DEBUG on (as
under `make run`); and no link on a supervisor's main pages leads to a 404.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/tests/test_browser_plain_pages.py -q
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from tiaojie.accounts.models import User
from tiaojie.cases.actions import Actor, ActorKind, do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation.tests.factories import agreed_case, in_days

pytestmark = pytest.mark.browser
STAFF = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}
SHOTS = "/tmp/shots/h1"
# Django's English pages under DEBUG, and its default 403 and CSRF pages.
DJANGO_PAGES = ("Page not found", "Using the URLconf", "Forbidden", "CSRF verification", "CSRF验证失败", "DEBUG")
# An identifier-looking word (snake_case, or art40-style rule keys) in what the page shows.
KEYISH = re.compile(r"\b(?:[a-z]+_[a-z_]+|art\d+|applicant)\b")


def signed_in(new_context: Callable[..., BrowserContext], base: str, user: User | None, **kwargs) -> Page:
    context = new_context(**kwargs)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    return context.new_page()


@pytest.fixture
def debug_on(settings):
    """As under `make run`: the live server answers with DEBUG on."""
    settings.DEBUG = True


def test_another_organisation_gets_the_chinese_404_under_debug(
    transactional_db, debug_on, live_server, new_context, org_a, mediator_a, mediator_b
):
    case = make_case(org_a, mediator_a)
    page = signed_in(new_context, live_server.url, mediator_b, viewport=STAFF)
    response = page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到该页面")
    body = page.locator("body").inner_text()
    assert not any(words in body for words in DJANGO_PAGES), body
    page.screenshot(path=f"{SHOTS}/404-other-org-1366.png", full_page=True)
    # The same page as for a case that does not exist: existence is not revealed.
    missing = page.goto(f"{live_server.url}/cases/{case.pk + 1000}/")
    assert missing is not None and missing.status == 404
    assert page.locator("body").inner_text() == body


def test_a_forbidden_export_is_the_chinese_403_under_debug(
    transactional_db, debug_on, live_server, new_context, org_a, mediator_a, supervisor_county
):
    case = make_case(org_a, mediator_a)
    page = signed_in(new_context, live_server.url, supervisor_county, viewport=STAFF)
    response = page.goto(f"{live_server.url}{reverse('documents:export', args=[case.pk])}?full=1")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问该页面")
    body = page.locator("body").inner_text()
    assert not any(words in body for words in DJANGO_PAGES), body
    page.screenshot(path=f"{SHOTS}/403-export-1366.png", full_page=True)


def test_a_refused_form_is_the_chinese_page_under_debug(transactional_db, debug_on, live_server, new_context):
    """A form posted without its cookie (expired, or cookies blocked) gets a page a worker can act on."""
    page = signed_in(new_context, live_server.url, None, viewport=PHONE, is_mobile=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()
    page.locator("input[name=username]").fill("someone")
    page.locator("input[name=password]").fill("pw-for-tests-1")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form:not(.language-switch) button[type=submit]").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("提交未成功：页面已过期")
    body = page.locator("body").inner_text()
    assert not any(words in body for words in DJANGO_PAGES), body
    page.screenshot(path=f"{SHOTS}/403-csrf-360.png", full_page=True)


def test_case_history_and_calculator_speak_chinese(transactional_db, live_server, new_context, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    do_transition_case(
        case=case, to=Status.WITHDRAWN, actor=Actor(ActorKind.APPLICANT, None, "applicant"), reason="已自行和解"
    )
    page = signed_in(new_context, live_server.url, mediator_a, viewport=STAFF)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("申请人（在线）")
    shown = timeline.inner_text().replace(mediator_a.username, "")  # a user's own login name is a name
    assert not KEYISH.search(shown), shown
    page.screenshot(path=f"{SHOTS}/case-history-1366.png", full_page=True)

    # 经济补偿 with the default reason, and then dates the wrong way round: no key in the steps or the message.
    page.goto(f"{live_server.url}/calculators/economic-compensation/")
    page.locator("[name=start_date]").fill("2020-01-01")
    page.locator("[name=end_date]").fill("2024-06-30")
    page.locator("[name=monthly_wage]").fill("8000")
    page.get_by_role("button", name="计算", exact=True).click()
    expect(page.locator("#steps")).to_contain_text("无过失性辞退")
    assert not KEYISH.search(page.locator("#steps").inner_text()), page.locator("#steps").inner_text()
    page.screenshot(path=f"{SHOTS}/calculator-steps-1366.png", full_page=True)
    page.locator("[name=end_date]").fill("2019-06-30")
    page.get_by_role("button", name="计算", exact=True).click()
    errors = page.locator(".errorlist")
    expect(errors.first).to_contain_text("不能早于入职日期")
    assert "（" not in errors.first.inner_text() and not KEYISH.search(errors.first.inner_text())


def test_the_public_calculator_page_has_no_developer_note(transactional_db, live_server, new_context, mediator_a):
    page = signed_in(new_context, live_server.url, None, viewport=PHONE, is_mobile=True)
    page.goto(f"{live_server.url}/calculators/")
    expect(page.get_by_role("heading", level=1)).to_have_text("劳动争议计算器")
    body = page.locator("body").inner_text()
    assert "tiaojie calc" not in body and "/api/v1/" not in body
    page.screenshot(path=f"{SHOTS}/calculators-public-360.png", full_page=True)
    staff = signed_in(new_context, live_server.url, mediator_a, viewport=STAFF)
    staff.goto(f"{live_server.url}/calculators/")
    expect(staff.locator("#calc-cli-note")).to_contain_text("tiaojie calc NAME")


def test_no_link_on_a_supervisors_pages_leads_to_a_404(
    transactional_db, debug_on, live_server, new_context, org_a, mediator_a, supervisor_county
):
    received = make_case(org_a, mediator_a)
    agreed = agreed_case(org_a, mediator_a, due=in_days(20))
    base = live_server.url
    page = signed_in(new_context, base, supervisor_county, viewport=STAFF)
    start = ["/cases/", f"/cases/{received.pk}/", f"/cases/{agreed.pk}/", "/analytics/", "/calculators/"]
    seen: dict[str, int] = {}
    for path in start:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        if path == "/cases/":
            page.screenshot(path=f"{SHOTS}/supervisor-cases-1366.png", full_page=True)
            expect(page.locator("header nav")).not_to_contain_text("登记案件")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            url = urljoin(base + path, href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base or parts.path in seen:
                continue
            seen[parts.path] = page.request.get(url, max_redirects=5).status
    assert len(seen) >= 10, seen  # the crawl did reach the pages' links
    assert "/intake/new/" not in seen
    dead = {path: status for path, status in seen.items() if status == 404}
    assert not dead, dead
