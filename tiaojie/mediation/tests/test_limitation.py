"""Each claim item's last day to apply for arbitration on the case page, the tracking page and in the hand-off
package (issue 14 item 5; docs/law.md §5a)."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.intake.actions import _issue_tracking_code
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.limitation import claim_limitations
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.django_db
PHONE = "13800138000"
ENDED = dt.datetime(2026, 3, 4, 10, 0, tzinfo=LEGAL_TZ)  # + 1 year: Thursday 2027-03-04, a working day


def _failed_case(org, user):
    with time_machine.travel(ENDED - dt.timedelta(days=2), tick=False):
        case = mediating_case(org, user)
        ClaimItem.objects.create(case=case, type=ClaimType.DOUBLE_WAGE, amount_claimed=66000)
        code = _issue_tracking_code(case, PHONE)
    with time_machine.travel(ENDED, tick=False):
        actions.do_fail_mediation(case=case, category="refused", reason="被申请人拒绝调解", actor=staff(user))
    return case, code


def test_while_mediation_runs_every_claim_is_interrupted_and_after_it_the_year_restarts(org_a, mediator_a):
    with time_machine.travel(ENDED - dt.timedelta(days=2), tick=False):
        case = mediating_case(org_a, mediator_a)
        rows = claim_limitations(case, None)
    assert rows and {r.state for r in rows} == {"interrupted"} and {r.last_day for r in rows} == {None}
    with time_machine.travel(ENDED, tick=False):
        actions.do_fail_mediation(case=case, category="refused", reason="被申请人拒绝调解", actor=staff(mediator_a))
    case.refresh_from_db()
    assert {r.last_day for r in claim_limitations(case, None)} == {dt.date(2027, 3, 4)}


def test_the_mediators_case_page_shows_each_claims_last_day(client, org_a, mediator_a):
    case, _code = _failed_case(org_a, mediator_a)
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    section = page[page.index('id="mediation-limitation"') :]
    assert section.count("<strong>2027年3月4日</strong>") == case.claims.count() == 2
    assert "未签劳动合同二倍工资" in section and "第二十七条" in section
    assert "劳动报酬：在职期间不受一年限制" in section  # the wages claim of the factory


def test_the_workers_tracking_page_shows_each_claims_last_day(client, org_a, mediator_a):
    _case, code = _failed_case(org_a, mediator_a)
    with time_machine.travel(ENDED + dt.timedelta(days=1), tick=False):
        client.post(reverse("public:track"), {"code": code, "phone": PHONE}, REMOTE_ADDR="10.9.0.7")
        page = client.get(reverse("public:track")).content.decode()
    section = page[page.index('id="claim-limitations"') :]
    assert section.count("<strong>2027年3月4日</strong>") == 2


def test_the_handoff_package_has_a_limitation_per_claim(client, org_a, mediator_a):
    cover_years_ahead()
    case, _code = _failed_case(org_a, mediator_a)
    client.force_login(mediator_a)
    data = json.loads(client.get(reverse("mediation:handoff", args=[case.pk])).content)
    limitations = [c["limitation"] for c in data["claims"]]
    assert [(x["state"], x["last_day"]) for x in limitations] == [("running", "2027-03-04")] * 2
    assert [x["labour_pay"] for x in limitations] == [True, False]
    assert limitations[0]["steps"][-1]["text"] == "申请仲裁的最后一日：2027-03-04（当日 24 时止）"


def test_another_organisations_user_sees_none_of_it(client, org_a, mediator_a, mediator_b):
    case, _code = _failed_case(org_a, mediator_a)
    client.force_login(mediator_b)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("mediation:handoff", args=[case.pk])).status_code == 404
