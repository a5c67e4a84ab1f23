"""Claims and the agreement stay one set of figures (issue 13 item 2).

The reported failure: a worker typed 经济补偿 22,750; the calculator's 26,000 was added as a second row; the
agreement then listed both (22,750 shown as 放弃), the PDF totalled 68,250 and the county ledger counted
68,250. Here the calculator's result replaces the typed claim, claims stay editable until the first
signature (a draft agreement follows each change), and every total agrees: the case page, the agreement
panel, the PDF and Word files, the ledger and the dashboard.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tiaojie.cases.actions import (
    CaseActionError,
    ClaimInput,
    do_edit_claim_item,
    do_set_claim_from_calculator,
)
from tiaojie.cases.models import Case, CaseEvent, ClaimItem, ClaimType
from tiaojie.documents.actions import preview
from tiaojie.documents.tests.kind_fixtures import docx_text, pdf_text, squeeze
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import actions
from tiaojie.mediation.models import Agreement, AgreementItem, Signature
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case, sign_all, staff
from tiaojie.mediation.tests.test_concurrency import race

pytestmark = pytest.mark.django_db

CLAIMS = [
    ClaimInput(type="wages", amount=Decimal("12500.00")),
    ClaimInput(type="overtime", amount=Decimal("7000.00")),
    ClaimInput(type="compensation", amount=Decimal("22750.00"), description="申请人自行计算"),
]


def calculator_26000(case, user):
    return do_set_claim_from_calculator(
        case=case,
        type=ClaimType.COMPENSATION,
        amount=Decimal("26000.00"),
        description="经济补偿",
        explanation=[{"text": "2年 × 13,000.00", "value": "26000.00", "basis": "《劳动合同法》第四十七条"}],
        via="计算器：经济补偿",
        actor=staff(user),
    )


def claim(case, type_):
    return ClaimItem.objects.get(case=case, type=type_)


def item(agreement, type_):
    return AgreementItem.objects.get(agreement=agreement, type=type_)


def test_a_draft_follows_claim_changes_and_signing_waits_for_a_matching_schedule(org_a, mediator_a):
    case = mediating_case(org_a, mediator_a, claims=CLAIMS)
    agreement = draft_agreement(case, mediator_a, due=in_days(10))
    assert actions.agreement_total(agreement) == Decimal("42250.00")
    version = agreement.version

    calculator_26000(case, mediator_a)  # agreed still equalled the claim: it follows
    overtime = item(agreement, ClaimType.OVERTIME)
    AgreementItem.objects.filter(pk=overtime.pk).update(amount_agreed=Decimal("5000.00"))  # negotiated down
    do_edit_claim_item(
        claim=claim(case, ClaimType.OVERTIME), amount=Decimal("8000.00"), description="", actor=staff(mediator_a)
    )

    agreement.refresh_from_db()
    assert agreement.version == version + 2  # open forms and signing pages are now stale
    compensation = item(agreement, ClaimType.COMPENSATION)
    assert (compensation.amount_claimed, compensation.amount_agreed) == (Decimal("26000.00"), Decimal("26000.00"))
    overtime.refresh_from_db()
    assert (overtime.amount_claimed, overtime.amount_agreed) == (Decimal("8000.00"), Decimal("5000.00"))
    assert AgreementItem.objects.filter(agreement=agreement).count() == 3  # no second 经济补偿 row

    # The schedule saved for 42,250 no longer matches 43,500: nobody can sign until the draft is saved again.
    with pytest.raises(
        CaseActionError, match=re.escape("各期金额合计 42,250.00 元，与协议金额合计 43,500.00 元不一致")
    ):
        actions.do_sign_in_person(
            agreement=agreement, role="organisation", version=agreement.version, actor=staff(mediator_a)
        )


def test_claims_lock_at_the_first_signature(client, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a, claims=CLAIMS)
    agreement = draft_agreement(case, mediator_a, due=in_days(10))
    actions.do_sign_in_person(agreement=agreement, role="organisation", version=agreement.version, actor=staff(admin_a))
    with pytest.raises(CaseActionError, match="已有当事人签署调解协议，请求事项不能再修改"):
        calculator_26000(case, mediator_a)
    with pytest.raises(CaseActionError, match="请先撤销全部签署"):
        do_edit_claim_item(
            claim=claim(case, ClaimType.WAGES), amount=Decimal("1.00"), description="", actor=staff(mediator_a)
        )
    # The case page says why there are no forms; a post made from a page opened earlier is refused.
    client.force_login(mediator_a)
    detail = reverse("cases:detail", args=[case.pk])
    html = client.get(detail).content.decode()
    assert 'id="claims-locked"' in html and "请先撤销全部签署" in html
    assert reverse("cases:claim_edit", args=[case.pk, claim(case, ClaimType.WAGES).pk]) not in html
    wages = claim(case, ClaimType.WAGES)
    response = client.post(reverse("cases:claim_edit", args=[case.pk, wages.pk]), {"amount": "1"}, follow=True)
    assert "请求事项不能再修改" in response.content.decode()
    response = client.post(
        reverse("calculators:add_to_case", args=["economic-compensation", case.pk]),
        {"start_date": "2022-01-01", "end_date": "2023-12-31", "monthly_wage": "13000"},
        follow=True,
    )
    assert "请求事项不能再修改" in response.content.decode()
    assert claim(case, ClaimType.COMPENSATION).amount_claimed == Decimal("22750.00")
    assert claim(case, ClaimType.WAGES).amount_claimed == Decimal("12500.00")
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLAIM_EDITED).exists()


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_every_total_agrees_page_agreement_pdf_word_ledger_dashboard(
    client, org_a, mediator_a, admin_a, supervisor_county, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):  # the rollups follow each committed change
        case = mediating_case(org_a, mediator_a, claims=CLAIMS)
        calculator_26000(case, mediator_a)
        do_edit_claim_item(
            claim=claim(case, ClaimType.OVERTIME), amount=Decimal("6500.00"), description="", actor=staff(mediator_a)
        )
        agreement = sign_all(draft_agreement(case, mediator_a, due=in_days(10)), mediator_a)
    assert agreement.effective_at is not None
    claimed = agreed = Decimal("45000.00")  # 12,500 + 6,500 + 26,000; the typed 22,750 is gone everywhere
    assert ClaimItem.objects.filter(case=case).count() == 3

    client.force_login(mediator_a)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert html.split('id="claims-total"')[1].split("<")[0].endswith(">45000.00")
    assert html.split('id="agreement-claimed-total">')[1].startswith("45000.00<")
    assert html.split('id="agreement-total">')[1].startswith("45000.00<")
    assert "22750" not in html.split('id="mediation-agreement"')[1].split("</section>")[0]

    rendered = preview(case, "agreement", user=mediator_a)
    pdf = squeeze(pdf_text(rendered.pdf, tmp_path))
    word = squeeze(docx_text(rendered.docx))
    for text, where in ((pdf, "PDF"), (word, "Word")):
        assert "合计45,000.0045,000.00" in text, where
        assert "合计45,000.00元（人民币肆万伍仟元整）" in text, where
        assert "22,750" not in text and "68,250" not in text and "放弃" not in text.split("协议内容")[1][:200], where

    client.force_login(supervisor_county)
    ledger = _csv(client.get("/analytics/region/330110/ledger.csv"))
    head, row = ledger[0], next(r for r in ledger[1:] if r and r[0] == Case.objects.get(pk=case.pk).display_number)
    assert Decimal(row[head.index("请求金额（元）")]) == claimed
    assert Decimal(row[head.index("协议金额（元）")]) == agreed
    assert row[head.index("请求事项")].count("经济补偿") == 1 and "经济补偿 26000.00" in row[head.index("请求事项")]

    year = legal_date(case.received_at).year
    response = client.get("/analytics/region/330110/", {"year": year})
    summary = {s.metric.id: s.value for s in response.context["d"].summary}
    assert (summary["amount_claimed"], summary["amount_agreed"]) == (claimed, agreed)
    compensation = next(r for r in response.context["d"].table("claim_type").rows if r.cells["name"] == "经济补偿")
    assert compensation.cells["amount_claimed"] == Decimal("26000.00")
    assert Agreement.objects.get(case=case).items.count() == 3


# --- at the same instant (PostgreSQL: parallel writers) -------------------------------------------------------

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")


@needs_postgres
def test_two_calculator_results_at_once_leave_one_claim_of_the_type(transactional_db, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)  # no 经济补偿 yet: both would add one without the case lock

    def add(user):
        return lambda: calculator_26000(Case.objects.get(pk=case.pk), user)

    results = race(add(mediator_a), add(admin_a))
    assert sorted(r.kind for r in results) == ["added", "edited"], results
    assert ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION).count() == 1


@needs_postgres
@pytest.mark.parametrize("round_", range(8))  # the deadlock (FOR UPDATE on the case) hit about one round in six
def test_a_claim_edit_and_a_signature_at_once_never_both_land(transactional_db, org_a, mediator_a, admin_a, round_):
    case = mediating_case(org_a, mediator_a, claims=CLAIMS)
    agreement = draft_agreement(case, mediator_a, due=in_days(10))

    def edit():
        wages = ClaimItem.objects.select_related("case").get(case=case, type=ClaimType.WAGES)
        return do_edit_claim_item(claim=wages, amount=Decimal("13000.00"), description="", actor=staff(mediator_a))

    def sign():
        fresh = Agreement.objects.select_related("case").get(pk=agreement.pk)
        return actions.do_sign_in_person(
            agreement=fresh, role="organisation", version=agreement.version, actor=staff(admin_a)
        )

    edited, signed = race(edit, sign)
    # One lands, the other is refused with a message; anything else (a deadlock error: None here) fails.
    assert isinstance(edited, ClaimItem) != isinstance(signed, Signature), (edited, signed)
    assert isinstance(edited, CaseActionError) or isinstance(signed, CaseActionError), (edited, signed)
    wages = claim(case, ClaimType.WAGES).amount_claimed
    assert item(agreement, ClaimType.WAGES).amount_claimed == wages  # the agreement and the claim agree
    assert Signature.objects.filter(agreement=agreement).exists() == (wages == Decimal("12500.00"))
