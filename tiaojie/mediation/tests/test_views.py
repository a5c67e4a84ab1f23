"""The staff pages over HTTP: the agreement form, signing, and the case page in every state."""

import re

import pytest
from django.urls import reverse

from tiaojie.cases.actions import do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation import actions
from tiaojie.mediation.models import Party
from tiaojie.mediation.tests.factories import agreed_case, draft_agreement, in_days, mediating_case, staff

pytestmark = pytest.mark.django_db


def agreement_post(agreement, *, amount="12500", payments=None):
    payments = payments or ((in_days(30).isoformat(), "12500"),)
    item = agreement.items.get()
    data = {
        "version": str(agreement.version),
        "payment_method": "bank_transfer",
        "payment_method_note": "转入申请人工资卡",
        "tax_note": "",
        "waived_note": "",
        "other_terms": "双方就本争议再无其他纠纷",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-item_id": str(item.pk),
        "items-0-type": item.type,
        "items-0-amount_agreed": amount,
        "items-0-note": "",
        "payments-TOTAL_FORMS": str(len(payments) + 1),
        "payments-INITIAL_FORMS": "0",
    }
    for i, (due, value) in enumerate(payments):
        data[f"payments-{i}-due_date"] = due
        data[f"payments-{i}-amount"] = value
    return data


def test_agreement_form_round_trip(client, org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(reverse("mediation:agreement_create", args=[case.pk]))
    assert response["Location"] == reverse("mediation:agreement_edit", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "劳动报酬" in page and "请求 12500.00 元" in page and 'name="payments-2-amount"' in page
    agreement = case.agreement
    bad = client.post(response["Location"], agreement_post(agreement, payments=((in_days(30).isoformat(), "100"),)))
    body = bad.content.decode()
    assert bad.status_code == 200 and "不一致" in body and 'value="转入申请人工资卡"' in body
    ok = client.post(
        response["Location"],
        agreement_post(agreement, payments=((in_days(1).isoformat(), "6000"), (in_days(31).isoformat(), "6500"))),
    )
    assert ok.status_code == 302 and ok["Location"].endswith("#mediation-agreement")
    agreement.refresh_from_db()
    assert agreement.version == 2 and agreement.payments.count() == 2
    old_version = agreement_post(agreement)
    old_version["version"] = "1"  # the page another mediator opened before the save above
    refused = client.post(response["Location"], old_version).content.decode()
    assert "刚刚已被他人修改" in refused


def test_signing_over_http_by_code_and_scan(client, org_a, mediator_a, admin_a, _sms_outbox, commit):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=in_days(30))
    actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="sign-worker"' in page and "138****8000" in page
    version = str(agreement.version)
    with commit():
        r = client.post(reverse("mediation:sign_send_code", args=[case.pk]), {"role": "worker", "version": version})
    assert r["Location"].endswith("#sign-worker")
    code = re.search(r"验证码(\d{6})", _sms_outbox[-1][1]).group(1)
    client.post(reverse("mediation:sign_code", args=[case.pk]), {"role": "worker", "version": version, "code": code})
    from tiaojie.mediation.tests.factories import pdf_upload

    client.post(
        reverse("mediation:sign_scan", args=[case.pk]),
        {"role": "employer", "version": version, "file": pdf_upload(), "signer_name": "李经理"},
    )
    client.post(reverse("mediation:sign_in_person", args=[case.pk]), {"role": "mediator", "version": version})
    client.force_login(admin_a)
    client.post(reverse("mediation:sign_in_person", args=[case.pk]), {"role": "organisation", "version": version})
    case.refresh_from_db()
    assert case.status == Status.AGREED
    signature = agreement.signatures.get(role="employer")
    download = client.get(reverse("mediation:signature_file", args=[case.pk, signature.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "已生效" in page and page.count("已签署") >= 4


def test_case_page_renders_in_every_state(client, org_a, mediator_a):
    client.force_login(mediator_a)
    received = make_case(org_a, mediator_a)
    negotiating = make_case(org_a, mediator_a)
    actions.do_open_negotiation(
        case=negotiating, requested_by=Party.EMPLOYER, actor=staff(mediator_a), base_url="http://testserver/"
    )
    settled = make_case(org_a, mediator_a)
    actions.do_record_settlement(
        negotiation=actions.do_open_negotiation(
            case=settled, requested_by=Party.WORKER, actor=staff(mediator_a), base_url="http://testserver/"
        ),
        terms="和解",
        signed_on=in_days(0),
        actor=staff(mediator_a),
    )
    accepted = make_case(org_a, mediator_a)
    do_transition_case(case=accepted, to=Status.ACCEPTED, actor=staff(mediator_a))
    drafting = mediating_case(org_a, mediator_a)
    draft_agreement(drafting, mediator_a, due=in_days(30))
    agreed = agreed_case(org_a, mediator_a, due=in_days(30))
    declined = make_case(org_a, mediator_a)
    do_transition_case(case=declined, to=Status.DECLINED, actor=staff(mediator_a), reason="不属于受理范围")
    expected = {
        received: ["先行协商"],
        negotiating: ["协商请求答复期限", "记录对方口头或书面答复"],
        settled: ["和解协议", "登记履行情况"],
        accepted: ["安排调解", "调解不成"],
        drafting: ["调解协议书", "发送验证码", "上传并签署"],
        agreed: ["仲裁审查确认", "司法确认", "协议履行", "登记已支付"],
        declined: [],
    }
    for case, words in expected.items():
        response = client.get(reverse("cases:detail", args=[case.pk]))
        body = response.content.decode()
        assert response.status_code == 200, case.status
        for word in words:
            assert word in body, (case.status, word)


def test_case_page_query_count_does_not_grow_with_payments(client, org_a, mediator_a, django_assert_max_num_queries):
    one = agreed_case(org_a, mediator_a, due=in_days(30), instalments=1)
    many = agreed_case(org_a, mediator_a, due=in_days(30), instalments=12)
    client.force_login(mediator_a)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Both views render the whole page (nothing kept: cases.page_cache), after the law links' memo, kept across
    # requests, was filled by a first view.
    client.get(reverse("cases:detail", args=[one.pk]))
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:detail", args=[one.pk]))
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("cases:detail", args=[many.pk]))
    assert len(more) == len(few)
