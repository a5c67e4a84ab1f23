"""The Content-Security-Policy in a real browser (docs/security.md §1): the main staff, supervisor, admin and
public pages load without one violation; the behaviours moved out of inline handlers still work; an injected
inline script, handler, eval or style attribute is blocked and reported (so "no violation" means something);
and a supervisor reveals a full number only with a purpose.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/tests/test_browser_csp.py -q
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

import django.apps
import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from tiaojie.accounts.models import PiiAccessLog, User
from tiaojie.cases.actions import WorkerInput, do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.documents.tests.factories import accepted_case, issue
from tiaojie.hotline.tests.factories import make_call
from tiaojie.lib.security_headers import CONTENT_SECURITY_POLICY
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.models import Party
from tiaojie.mediation.tests.factories import agreed_case, in_days, mediating_case, staff
from tiaojie.organisations.tests.factories import (
    EmployerFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

# Installed before any page script: every violation the browser reports, kept across htmx swaps.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def browser_as(new_context: Callable[..., BrowserContext], base: str, user: User | None) -> Page:
    """A page whose context watches for violations, signed in as `user` (a session cookie, not the login form:
    the login page is visited as a public page below)."""
    context = new_context()
    context.add_init_script(WATCH)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    return context.new_page()


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp")


def visit(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.wait_for_load_state("networkidle")  # htmx loads, charts drawn
    return violations(page)


@pytest.fixture
def world(org_a, mediator_a, supervisor_county) -> dict[str, Any]:
    received = make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六", id_number=valid_id_number())])
    negotiating = make_case(org_a, mediator_a)
    do_transition_case(case=negotiating, to=Status.NEGOTIATING, actor=staff(mediator_a))
    mediation.do_open_negotiation(
        case=negotiating, requested_by=Party.WORKER, actor=staff(mediator_a), base_url=settings.PUBLIC_BASE_URL,
        contact_name="李经理", contact_phone="13900139000",
    )  # fmt: skip
    mediating = mediating_case(org_a, mediator_a)
    agreed = agreed_case(org_a, mediator_a, due=in_days(20))
    EmployerFactory(name="杭州仓前示例电子有限公司", division_id="330110012")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    document = issue(accepted_case(org_a, mediator_a), mediator_a)
    # The 12351 hotline: its tiers (seeded by a migration the flush empties) and one logged call.
    importlib.import_module("tiaojie.hotline.migrations.0002_seed_tiers").seed(django.apps.apps, None)
    hotline = OrganisationFactory(name="杭州市总工会12351热线", type_id="hotline", division_id="3301")
    operator = MembershipFactory(user=UserFactory(username="operator"), organisation=hotline, role="intake").user
    call = make_call(hotline, operator)
    return {
        "cases": [received, negotiating, mediating, agreed],
        "negotiating": negotiating,
        "root": root,
        "document": document,
        "operator": operator,
        "call": call,
    }


def test_pages_load_without_a_single_policy_violation(
    transactional_db, live_server, new_context, world, mediator_a, admin_a, supervisor_county
):
    base = live_server.url
    found: dict[str, list[str]] = {}

    public = browser_as(new_context, base, None)
    for path in ["/", "/apply/", "/apply/employer/", "/track/", "/accounts/login/", "/calculators/",
                 "/calculators/overtime/"]:  # fmt: skip
        found[path] = visit(public, base + path)

    staff_page = browser_as(new_context, base, mediator_a)
    staff_paths = ["/cases/", "/intake/new/", "/intake/alerts/", "/notifications/"]
    staff_paths += [f"/cases/{case.pk}/" for case in world["cases"]] + ["/api/v1/docs"]
    for path in staff_paths:
        found[f"mediator {path}"] = visit(staff_page, base + path)
    expect(staff_page.locator(".swagger-ui").first).to_be_visible()  # the API docs rendered (the last page)

    document = world["document"]
    found[f"public /v/{document.verification_code}/"] = visit(public, f"{base}/v/{document.verification_code}/")
    for path in [f"/documents/{document.pk}/", f"/documents/case/{document.case_id}/"]:
        found[f"mediator {path}"] = visit(staff_page, base + path)
    org_admin = browser_as(new_context, base, admin_a)
    found["admin_a letterhead"] = visit(org_admin, f"{base}/documents/letterhead/{document.organisation_id}/")
    operator = browser_as(new_context, base, world["operator"])
    for path in ["/hotline/", "/hotline/calls/new/", f"/hotline/calls/{world['call'].pk}/"]:
        found[f"operator {path}"] = visit(operator, base + path)

    supervisor = browser_as(new_context, base, supervisor_county)
    for path in ["/analytics/region/330110/", "/analytics/coverage/330110/", f"/cases/{world['cases'][-1].pk}/"]:
        found[f"supervisor {path}"] = visit(supervisor, base + path)
    supervisor.goto(f"{base}/analytics/region/330110/")
    expect(supervisor.locator("[data-chart] svg").first).to_be_visible()  # ECharts drew, sized by charts.js
    # Each chart's tooltip, as a hover opens it: drawn in the SVG (ECharts' HTML tooltip writes style="…").
    texts = supervisor.locator("[data-chart] svg text").count()
    shown = supervisor.evaluate(
        """() => Array.from(document.querySelectorAll("[data-chart]")).map(el => {
          window.echarts.getInstanceByDom(el).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
          return el.offsetHeight; })"""
    )
    assert len(shown) >= 3 and all(h >= 240 for h in shown)
    supervisor.wait_for_function(f"document.querySelectorAll('[data-chart] svg text').length > {texts}")
    found["supervisor chart tooltips"] = violations(supervisor)

    admin = browser_as(new_context, base, world["root"])
    case = world["cases"][0]
    for path in ["/admin/", "/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/",
                 "/admin/accounts/user/add/", "/admin/organisations/organisation/"]:  # fmt: skip
        found[f"admin {path}"] = visit(admin, base + path)
    expect(admin.locator("#site-name")).to_be_visible()  # the admin itself, not a login page

    assert len(found) >= 32
    assert {page: v for page, v in found.items() if v} == {}


def test_the_behaviours_moved_out_of_inline_handlers_still_work(
    transactional_db, live_server, new_context, world, mediator_a, supervisor_county
):
    base = live_server.url
    page = browser_as(new_context, base, mediator_a)

    # Assisted intake: "再添加一名劳动者" clones the empty form (was an inline <script>; now intake/assisted.js).
    page.goto(f"{base}/intake/new/")
    expect(page.locator("#workers .formrow")).to_have_count(1)
    page.locator("[data-add=workers]").click()
    expect(page.locator("#workers .formrow")).to_have_count(2)
    expect(page.locator("[name=workers-1-name]")).to_be_visible()
    expect(page.locator("#id_workers-TOTAL_FORMS")).to_have_value("2")
    page.locator("[data-add=claims]").click()
    expect(page.locator("[name=claims-1-type]")).to_be_visible()

    # The negotiation link: a click selects all of it for copying (was onclick="this.select()").
    page.goto(f"{base}/cases/{world['negotiating'].pk}/")
    link = page.locator("#negotiation-link")
    link.click()
    value = link.input_value()
    assert value.startswith(settings.PUBLIC_BASE_URL) and "/mediation/n/" in value
    assert link.evaluate("el => [el.selectionStart, el.selectionEnd]") == [0, len(value)]
    assert violations(page) == []

    # The statistics year: choosing one submits the form (was onchange="this.form.submit()").
    supervisor = browser_as(new_context, base, supervisor_county)
    supervisor.goto(f"{base}/analytics/region/330110/")
    select = supervisor.locator("select[name=year]")
    years = select.locator("option").all_inner_texts()
    other = next(y for y in years if y != select.input_value())
    select.select_option(other)
    expect(supervisor).to_have_url(re.compile(rf"[?&]year={other}\b"))
    expect(supervisor.locator("select[name=year]")).to_have_value(other)
    assert violations(supervisor) == []

    # The employer search on Enter (was hx-trigger keyup[key=='Enter'], a filter htmx evaluates with eval).
    public = browser_as(new_context, base, None)
    public.goto(f"{base}/apply/employer/")
    box = public.locator("#id_employer_q")
    box.evaluate(
        "el => { el.value = '仓前示例'; window.__enter = 0;"
        " el.addEventListener('enter-search', () => window.__enter++); }"
    )
    box.press("Enter")
    expect(public.locator("#employer-results button.pick")).to_contain_text("杭州仓前示例电子有限公司")
    assert public.evaluate("window.__enter") == 1
    expect(public).to_have_url(f"{base}/apply/employer/")  # Enter searched; it did not submit the step
    assert violations(public) == []


def test_injected_script_handler_eval_and_style_are_blocked_and_reported(
    transactional_db, live_server, new_context, world, mediator_a
):
    """The attack a stored XSS would make, done from the page itself: each attempt is refused by the browser."""
    page = browser_as(new_context, live_server.url, mediator_a)
    # eval is tried from a same-origin script (code Playwright evaluates itself is exempt from the policy).
    probe = "try { eval('window.__pwned_eval = 1'); } catch (e) { window.__eval_blocked = e instanceof EvalError; }"
    page.route("**/static/probe-eval.js", lambda route: route.fulfill(body=probe, content_type="text/javascript"))
    page.goto(f"{live_server.url}/cases/{world['cases'][0].pk}/")
    assert violations(page) == []
    result = page.evaluate(
        """async () => {
          const s = document.createElement("script");
          s.textContent = "window.__pwned_script = 1";
          document.body.appendChild(s);
          const box = document.createElement("div");
          box.innerHTML = '<img src="data:," onload="window.__pwned_handler = 1"><p style="color:red">x</p>';
          document.body.appendChild(box);
          const p = document.createElement("script");
          p.src = "/static/probe-eval.js";
          document.body.appendChild(p);
          const a = document.createElement("a");
          a.href = "javascript:window.__pwned_url = 1";
          document.body.appendChild(a);
          a.click();
          await new Promise(r => setTimeout(r, 300));
          return {
            ran: ["script", "handler", "eval", "url"].filter(k => window["__pwned_" + k]),
            evalBlocked: window.__eval_blocked === true,
            red: getComputedStyle(box.querySelector("p")).color === "rgb(255, 0, 0)",
          };
        }"""
    )
    assert result == {"ran": [], "evalBlocked": True, "red": False}
    kinds = {v.split()[0] for v in violations(page)}
    assert {"script-src-elem", "script-src-attr", "script-src", "style-src-attr"} <= kinds, violations(page)


def test_supervisor_reveals_a_number_only_with_a_stated_purpose(
    transactional_db, live_server, new_context, org_a, mediator_a, supervisor_county
):
    number = valid_id_number()
    case = make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六", id_number=number, phone="13712345678")])
    page = browser_as(new_context, live_server.url, supervisor_county)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    field = page.locator(f"#pii-{case.workers.get().pk}-id_number")
    expect(page.locator("body")).not_to_contain_text(number)
    field.locator("summary").click()
    field.get_by_role("button", name="显示完整号码").click()
    assert field.locator("input[name=purpose]").evaluate("el => el.validity.valueMissing")  # the browser stops it
    assert not PiiAccessLog.objects.exists()

    # A forged request without the browser's check: the server refuses, and the reason is shown in place.
    field.locator("input[name=purpose]").evaluate("el => { el.required = false; el.minLength = 0; }")
    with page.expect_response(re.compile(r"/reveal/id_number/$")) as answer:
        field.get_by_role("button", name="显示完整号码").click()
    assert answer.value.status == 400
    error = page.locator(f"#pii-{case.workers.get().pk}-id_number [role=alert]")
    expect(error).to_contain_text("请说明查看完整号码的目的")
    assert not PiiAccessLog.objects.exists()

    field = page.locator(f"#pii-{case.workers.get().pk}-id_number")
    field.locator("input[name=purpose]").fill("核查群众投诉")
    field.get_by_role("button", name="显示完整号码").click()
    expect(page.locator(".revealed")).to_have_text(number)
    assert PiiAccessLog.objects.get().purpose == f"case {case.pk}: 核查群众投诉"
    assert violations(page) == []
