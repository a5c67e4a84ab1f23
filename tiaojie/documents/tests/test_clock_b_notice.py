"""The 受理通知书 prints clock B as the organisation's province rules it (docs/law.md §3): from receipt with
浙江条例 art 10 para 2 for a Zhejiang organisation, from acceptance with 17号令 elsewhere."""

from __future__ import annotations

import datetime as dt

import time_machine

from tiaojie.documents.content import Para
from tiaojie.documents.kinds import build
from tiaojie.documents.models import Kind
from tiaojie.documents.tests.factories import accepted_case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory


def notice_text(case) -> str:
    return "\n".join(b.text for b in build(case, Kind.ACCEPTANCE).blocks if isinstance(b, Para))


def test_a_zhejiang_notice_counts_from_receipt_and_cites_the_regulation(org_a, mediator_a):
    received = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 0, tzinfo=LEGAL_TZ), tick=False):
        case = accepted_case(org_a, mediator_a, received_at=received)
        text = notice_text(case)
    assert "本组织将自收到调解申请之日（二〇二六年三月二日）起十五日内结束调解，即于二〇二六年三月十七日前结束" in text
    assert "可以延长调解期限（《浙江省劳动人事争议调解仲裁条例》第十条第二款）" in text
    assert "受理之日（" not in text and "第二十六条" not in text


def test_a_notice_elsewhere_counts_from_acceptance_under_the_national_rule(db):
    org = OrganisationFactory(name="梅园新村街道调解中心", division_id="320102002")
    user = MembershipFactory(organisation=org).user
    received = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 0, tzinfo=LEGAL_TZ), tick=False):
        case = accepted_case(org, user, received_at=received)
        text = notice_text(case)
    assert "本组织将自受理之日（二〇二六年三月四日）起十五日内结束调解，即于二〇二六年三月十九日前结束" in text
    assert "可以延长调解期限（《企业劳动争议协商调解规定》（人社部令第17号））" in text
