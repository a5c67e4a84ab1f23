"""Accessibility in a real browser (issue 13 item 9): axe-core, vendored for the tests only
(tiaojie/tests/vendor/, MPL-2.0), runs in Debian's chromium on every public page (the apply wizard's steps,
tracking, the calculators, the privacy notice, the employer search, the negotiation and rating pages reached from
a token, a document's verification page) and the main staff pages (login, case list, a case, the hotline
console and its forms, the dashboards), and finds no serious or critical violation.

The script is injected with add_script_tag(path=...), which makes an inline script; our CSP forbids those, so
this test's contexts, and only these, bypass the CSP (test_browser_csp.py checks the policy itself).

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/tests/test_browser_axe.py -q
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.apps
import pytest
from django.conf import settings
from django.test import Client
from django.utils.http import urlencode
from playwright.sync_api import BrowserContext, Page

from tiaojie.accounts.models import User
from tiaojie.cases.actions import WorkerInput, do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.documents.tests.factories import accepted_case, issue
from tiaojie.hotline.tests.factories import make_call
from tiaojie.intake.triage_views import pack
from tiaojie.knowledge.actions import do_import_law_directory
from tiaojie.knowledge.tests import samples as law_samples
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.actions.common import new_token
from tiaojie.mediation.models import Party, Rating
from tiaojie.mediation.tests.factories import agreed_case, in_days, mediating_case, staff
from tiaojie.organisations.tests.factories import EmployerFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
GUIDED = {  # triage answers that show every part of the result page: claims, a warning, each route
    "still_employed": "no", "left_on": "2020-03-03", "left_reason": "fired", "problems": "fired,unpaid_wages",
    "known_on": "2020-01-15", "employment_start": "", "employer_size": "small", "agreement": "mediation_unperformed",
}  # fmt: skip
SHOTS = Path("/tmp/shots/h6")
# What axe reports, for each serious or critical violation: the rule, and the first few offending nodes.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | "));
}"""


def browser_as(new_context: Callable[..., BrowserContext], base: str, user: User | None, **kwargs: Any) -> Page:
    context = new_context(bypass_csp=True, **kwargs)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    return context.new_page()


def axe_violations(page: Page, url: str, shot: str = "") -> list[str]:
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"HTTP {response and response.status}"]  # a page that did not load is a failure too
    page.wait_for_load_state("networkidle")
    return check(page, shot)


def check(page: Page, shot: str = "") -> list[str]:
    page.add_script_tag(path=str(AXE))
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"axe-{shot}.png"), full_page=True)
    return page.evaluate(RUN_AXE)


@pytest.fixture
def world(org_a, mediator_a, supervisor_county) -> dict[str, Any]:
    received = make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六", id_number=valid_id_number())])
    negotiating = make_case(org_a, mediator_a)
    do_transition_case(case=negotiating, to=Status.NEGOTIATING, actor=staff(mediator_a))
    mediation.do_open_negotiation(
        case=negotiating, requested_by=Party.WORKER, actor=staff(mediator_a), base_url=settings.PUBLIC_BASE_URL,
        contact_name="李经理", contact_phone="13900139000",
    )  # fmt: skip
    agreed = agreed_case(org_a, mediator_a, due=in_days(20))
    raw, index, encrypted = new_token()
    Rating.objects.create(
        case=agreed, party=Party.WORKER, token_index=index, token_encrypted=encrypted, issued_at=agreed.received_at
    )
    EmployerFactory(name="杭州仓前示例电子有限公司", division_id="330110012")
    document = issue(accepted_case(org_a, mediator_a), mediator_a)
    importlib.import_module("tiaojie.hotline.migrations.0002_seed_tiers").seed(django.apps.apps, None)
    hotline = OrganisationFactory(name="杭州市总工会12351热线", type_id="hotline", division_id="3301")
    operator = MembershipFactory(user=UserFactory(username="operator"), organisation=hotline, role="intake").user
    return {
        "cases": [received, negotiating, mediating_case(org_a, mediator_a), agreed],
        "negotiation_token": negotiating.negotiations.get().token,
        "rating_token": raw,
        "document": document,
        "operator": operator,
        "call": make_call(hotline, operator),
    }


def test_no_serious_or_critical_violation_on_public_and_staff_pages(
    transactional_db, live_server, new_context, world, mediator_a, supervisor_county, tmp_path
):
    base = live_server.url
    found: dict[str, list[str]] = {}
    do_import_law_directory(root=law_samples.write_laws(tmp_path / "laws"))  # the law library's pages

    phone = browser_as(new_context, base, None, viewport={"width": 360, "height": 740}, is_mobile=True)
    public_paths = [
        "/", "/apply/worker/", "/apply/employer/", "/apply/facts/", "/apply/claims/",
        "/apply/submit/", "/apply/privacy/", "/track/", "/calculators/", "/calculators/overtime/",
        "/calculators/economic-compensation/", f"/v/{world['document'].verification_code}/",
        "/laws/?q=经济补偿", "/laws/劳动合同法/", "/laws/劳动合同法/articles/47/",
        f"/mediation/n/{world['negotiation_token']}/", f"/mediation/r/{world['rating_token']}/", "/accounts/login/",
    ]  # fmt: skip
    shots = {  # the token pages by what they are
        public_paths[-7]: "verification",
        public_paths[-6]: "laws-search",
        public_paths[-5]: "laws-text",
        public_paths[-4]: "laws-article",
        public_paths[-3]: "negotiation",
        public_paths[-2]: "rating",
    }
    for path in public_paths:
        found[path] = axe_violations(
            phone, base + path, shot=shots.get(path) or path.strip("/").replace("/", "-") or "home"
        )
    # Guided triage (issue 15 item 7): each question, one with its errors shown, and the result.
    for slug in ("work", "problems", "dates", "employer", "agreement"):
        found[f"/apply/guide/{slug}/"] = axe_violations(phone, f"{base}/apply/guide/{slug}/", shot=f"guide-{slug}")
    phone.locator("button.primary").click()
    found["guide errors"] = check(phone, shot="guide-errors")
    found["guide result"] = axe_violations(phone, f"{base}/apply/guide/result/?{urlencode({'t': pack(GUIDED)})}")
    # The employer search with its results swapped in, and the region picker one level down.
    phone.goto(f"{base}/apply/employer/")
    phone.locator("#id_employer_q").fill("仓前示例")
    phone.locator("#employer-results button.pick").first.wait_for()
    phone.locator("#division-pick-1").select_option("33")
    phone.locator("#division-pick-2").wait_for()
    found["employer search results"] = check(phone, shot="employer-search")

    staff_page = browser_as(new_context, base, mediator_a, viewport={"width": 1366, "height": 900})
    for path in ["/cases/", *(f"/cases/{case.pk}/" for case in world["cases"]), "/intake/new/", "/notifications/"]:
        found[f"mediator {path}"] = axe_violations(staff_page, base + path, shot="staff" + path.replace("/", "-"))
    operator = browser_as(new_context, base, world["operator"], viewport={"width": 1366, "height": 900})
    call = world["call"].pk
    for path in ["/hotline/", "/hotline/calls/new/", f"/hotline/calls/{call}/", f"/hotline/calls/{call}/convert/"]:
        found[f"operator {path}"] = axe_violations(operator, base + path, shot="op" + path.replace("/", "-"))
    supervisor = browser_as(new_context, base, supervisor_county, viewport={"width": 1366, "height": 900})
    for path in ["/analytics/region/330110/", "/analytics/coverage/330110/"]:
        found[f"supervisor {path}"] = axe_violations(supervisor, base + path, shot="sup" + path.replace("/", "-"))

    # axe does look: a field without a label and grey-on-white text, put into a page, are reported.
    phone.goto(f"{base}/track/")
    phone.evaluate("""() => { const m = document.querySelector("main");
      m.insertAdjacentHTML("beforeend", '<input type="text" id="unlabelled"><p class="faint">看不清的字</p>');
      m.lastElementChild.style.color = "#ccc"; }""")
    planted = check(phone)
    assert any(v.startswith("label (critical): #unlabelled") for v in planted), planted
    assert any(v.startswith("color-contrast (serious)") for v in planted), planted

    assert len(found) == 39
    failing = {page: v for page, v in found.items() if v}
    assert failing == {}, "\n".join(f"{page}: {v}" for page, v in failing.items())
