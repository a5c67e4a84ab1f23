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


def test_a_claims_known_day_decides_its_year_and_one_run_out_before_the_application_stays_out(org_a, mediator_a):
    case, _code = _failed_case(org_a, mediator_a)
    early, recent = case.claims.order_by("id")[:2]
    # Known infringed two years before the application: the year ended 2025-01-10, before mediation could
    # interrupt it (no revival); known three months before: interrupted, and a year again from the failure.
    ClaimItem.objects.filter(pk=early.pk).update(known_on=dt.date(2024, 1, 10))
    ClaimItem.objects.filter(pk=recent.pk).update(known_on=dt.date(2025, 12, 1))
    rows = {row.claim.pk: row for row in claim_limitations(case, None)}
    assert (rows[early.pk].state, rows[early.pk].last_day) == ("expired", dt.date(2025, 1, 10))
    assert (rows[recent.pk].state, rows[recent.pk].last_day) == ("running", dt.date(2027, 3, 4))


def test_staff_record_the_known_day_on_the_page_and_through_the_api(client, org_a, mediator_a):
    from tiaojie.cases.tests.test_api import auth
    from tiaojie.cases.tests.test_api_claims import patch

    with time_machine.travel(ENDED - dt.timedelta(days=2), tick=False):
        case = mediating_case(org_a, mediator_a)
        claim = case.claims.order_by("id").first()
        client.force_login(mediator_a)
        url = reverse("cases:claim_edit", args=[case.pk, claim.pk])
        client.post(url, {"amount": "12500.00", "description": "", "known_on": "2025-11-30"})
        claim.refresh_from_db()
        assert claim.known_on == dt.date(2025, 11, 30)
        client.post(url, {"amount": "12500.00", "description": "", "known_on": "2026-03-03"})  # tomorrow: refused
        claim.refresh_from_db()
        assert claim.known_on == dt.date(2025, 11, 30)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert 'name="known_on" type="date" value="2025-11-30"' in page
        headers = auth(mediator_a)
        api = f"/api/v1/cases/{case.pk}/claims/{claim.pk}"
        assert patch(client, api, {"amount": "1.00"}, headers).json()["claims"][0]["known_on"] == "2025-11-30"
        cleared = patch(client, api, {"known_on": None}, headers)
        assert cleared.status_code == 200 and cleared.json()["claims"][0]["known_on"] is None
        future = patch(client, api, {"known_on": "2026-03-03"}, headers)
        assert future.status_code == 422 and "known_on" in future.json()["errors"]
