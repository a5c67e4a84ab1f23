"""The agreement (调解协议书): drafting from the claims, the payment schedule, the four signatures by SMS code,
scan or login, becoming effective (mediating → agreed), races, and the 15/30-day confirmation windows."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.actions import CaseActionError, ClaimInput, StaleCaseError
from tiaojie.cases.models import CaseEvent, Status
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.actions.agreement import _record_signature
from tiaojie.mediation.deadlines import mediation_deadlines
from tiaojie.mediation.models import Agreement, Signature, SignatureCode, SignerRole
from tiaojie.mediation.tests.factories import PNG, draft_agreement, in_days, mediating_case, pdf_upload, sign_all, staff

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ


def soon() -> dt.date:
    """A due date a month after today in Beijing (a travelled-to today inside `at`): never in the past."""
    return timezone.localdate() + dt.timedelta(days=30)


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=BJ), tick=False)


def two_claims():
    return [ClaimInput(type="wages", amount=Decimal("12000.00")), ClaimInput(type="overtime", amount=Decimal("3000"))]


def edit(agreement, user, *, amounts, payments, method="bank_transfer", **kw):
    items = list(agreement.items.all())
    data = actions.AgreementInput(
        items=[actions.ItemInput(item_id=i.pk, amount_agreed=Decimal(a)) for i, a in zip(items, amounts, strict=True)],
        payments=[actions.PaymentInput(due_date=d, amount=Decimal(a)) for d, a in payments],
        payment_method=method,
        **kw,
    )
    return actions.do_update_agreement(
        agreement=agreement, data=data, expected_version=agreement.version, actor=staff(user)
    )


def scan(agreement, role, user, content=None):
    upload = pdf_upload() if content is None else pdf_upload(content=content)
    return actions.do_sign_with_scan(
        agreement=agreement, role=role, upload=upload, name=upload.name, size=upload.size, signer_name="",
        version=agreement.version, actor=staff(user),
    )  # fmt: skip


def test_draft_starts_from_the_claims_and_schedule_must_add_up(org_a, mediator_a):
    with at(2026, 11, 2, 9, 0):
        case = mediating_case(org_a, mediator_a, claims=two_claims())
        agreement = actions.do_create_agreement(case=case, actor=staff(mediator_a))
        assert [(i.type, i.amount_agreed) for i in agreement.items.all()] == [
            ("wages", Decimal("12000.00")),
            ("overtime", Decimal("3000.00")),
        ]
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000", "0"], payments=[(soon(), "9000")])
        assert "不一致" in exc.value.fields["payments"]
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000", "-1"], payments=[(soon(), "10000")])
        assert "items.1.amount_agreed" in exc.value.fields
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000", "0"], payments=[(dt.date(2026, 11, 1), "10000")])
        assert "payments.0.due_date" in exc.value.fields
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000", "0"], payments=[])
        assert "支付安排" in exc.value.fields["payments"]
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000.001", "0"], payments=[(soon(), "10000.001")])
        with pytest.raises(CaseActionError) as exc:
            edit(agreement, mediator_a, amounts=["10000", "0"], payments=[(soon(), "10000")], method="other")
        assert "payment_method_note" in exc.value.fields
        agreement = edit(
            agreement, mediator_a, amounts=["10000", "0"],
            payments=[(dt.date(2026, 12, 31), "4000"), (dt.date(2026, 11, 30), "6000")],
            waived_note="申请人放弃加班费请求", tax_note="个人所得税由申请人自行承担",
        )  # fmt: skip
    assert agreement.version == 2
    assert [(p.seq, p.due_date, p.amount) for p in agreement.payments.all()] == [
        (1, dt.date(2026, 11, 30), Decimal("6000.00")),
        (2, dt.date(2026, 12, 31), Decimal("4000.00")),
    ]
    assert actions.agreement_total(agreement) == Decimal("10000.00")


def test_stale_edit_loses(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    agreement = actions.do_create_agreement(case=case, actor=staff(mediator_a))
    seen = Agreement.objects.get(pk=agreement.pk)
    edit(agreement, mediator_a, amounts=["12500"], payments=[(soon(), "12500")])
    with pytest.raises(StaleCaseError, match="刚刚已被他人修改"):
        edit(seen, admin_a, amounts=["100"], payments=[(soon(), "100")])


def test_agreement_needs_mediating_case_and_is_created_once(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    actions.do_create_agreement(case=case, actor=staff(mediator_a))
    with pytest.raises(StaleCaseError):
        actions.do_create_agreement(case=case, actor=staff(admin_a))


def test_sms_code_signature_hash_only_expiry_and_five_tries(org_a, mediator_a, _sms_outbox, commit):
    with at(2026, 11, 2, 9, 0):
        case = mediating_case(org_a, mediator_a)
        agreement = draft_agreement(case, mediator_a, due=soon())
        with commit():
            row = actions.do_send_signature_code(
                agreement=agreement, role=SignerRole.WORKER, version=agreement.version, actor=staff(mediator_a)
            )
        phone, text = _sms_outbox[-1]
        code = re.search(r"验证码(\d{6})", text).group(1)
        assert phone == "13800138000" and row.phone_masked == "138****8000"
        # The worker reads which dispute it is by the employer's name, not by a database id (issue 13 item 10).
        assert f"签署与{case.employer.name}的调解协议书" in text and f"案件{case.pk}" not in text
        assert code not in row.code_hash and len(row.code_hash) == 64  # only a keyed hash is stored
    # Expired after 10 minutes.
    with at(2026, 11, 2, 9, 10), pytest.raises(CaseActionError, match="已过期"):
        actions.do_sign_with_code(
            agreement=agreement, role="worker", code=code, signer_name="", version=agreement.version,
            actor=staff(mediator_a),
        )  # fmt: skip
    with at(2026, 11, 2, 9, 20):
        with commit():
            actions.do_send_signature_code(
                agreement=agreement, role="worker", version=agreement.version, actor=staff(mediator_a)
            )
        code = re.search(r"验证码(\d{6})", _sms_outbox[-1][1]).group(1)
        wrong = "000000" if code != "000000" else "111111"
        for left in (4, 3, 2, 1):
            with pytest.raises(CaseActionError, match=f"还可以再试{left}次"):
                actions.do_sign_with_code(
                    agreement=agreement, role="worker", code=wrong, signer_name="", version=agreement.version,
                    actor=staff(mediator_a),
                )  # fmt: skip
        with pytest.raises(CaseActionError, match="次数过多"):
            actions.do_sign_with_code(
                agreement=agreement, role="worker", code=wrong, signer_name="", version=agreement.version,
                actor=staff(mediator_a),
            )  # fmt: skip
        with pytest.raises(CaseActionError, match="次数过多"):  # even the right code, after five wrong ones
            actions.do_sign_with_code(
                agreement=agreement, role="worker", code=code, signer_name="", version=agreement.version,
                actor=staff(mediator_a),
            )  # fmt: skip
        with commit():
            actions.do_send_signature_code(
                agreement=agreement, role="worker", version=agreement.version, actor=staff(mediator_a)
            )
        code = re.search(r"验证码(\d{6})", _sms_outbox[-1][1]).group(1)
        signature = actions.do_sign_with_code(
            agreement=agreement, role="worker", code=code, signer_name="", version=agreement.version,
            actor=staff(mediator_a),
        )  # fmt: skip
    assert signature.method == Signature.Method.SMS_CODE and signature.signer_name == "张三"
    assert SignatureCode.objects.filter(agreement=agreement, used_at__isnull=False).count() == 1


def test_employer_code_needs_a_contact_phone_and_codes_are_rate_limited(org_a, mediator_a, commit):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    with pytest.raises(CaseActionError, match="没有登记手机号码"):
        actions.do_send_signature_code(
            agreement=agreement, role="employer", version=agreement.version, actor=staff(mediator_a)
        )
    actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    with commit():
        for _ in range(5):
            actions.do_send_signature_code(
                agreement=agreement, role="employer", version=agreement.version, actor=staff(mediator_a)
            )
    with pytest.raises(CaseActionError, match="过于频繁"):
        actions.do_send_signature_code(
            agreement=agreement, role="employer", version=agreement.version, actor=staff(mediator_a)
        )
    with pytest.raises(CaseActionError, match="只用于双方当事人"):
        actions.do_send_signature_code(
            agreement=agreement, role="mediator", version=agreement.version, actor=staff(mediator_a)
        )


def test_scan_is_checked_by_content(org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    with pytest.raises(CaseActionError, match="只接受 PDF、JPEG 或 PNG"):
        scan(agreement, "worker", mediator_a, content=b"<html><script>alert(1)</script>")
    with pytest.raises(CaseActionError, match="空"):
        scan(agreement, "worker", mediator_a, content=b"")
    signature = scan(agreement, "worker", mediator_a, content=PNG)
    assert signature.file_kind == "png" and signature.file_path.startswith(f"signatures/{case.pk}/")


def test_in_person_signing_rules(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    with pytest.raises(CaseActionError, match="指派的调解员"):
        actions.do_sign_in_person(
            agreement=agreement, role="mediator", version=agreement.version, actor=staff(mediator_a)
        )
    actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
    actions.do_sign_in_person(agreement=agreement, role="mediator", version=agreement.version, actor=staff(mediator_a))
    with pytest.raises(CaseActionError, match="组织管理员"):
        actions.do_sign_in_person(
            agreement=agreement, role="organisation", version=agreement.version, actor=staff(mediator_a)
        )
    seal = actions.do_sign_in_person(
        agreement=agreement, role="organisation", version=agreement.version, actor=staff(admin_a)
    )
    assert seal.signer_name == org_a.name
    with pytest.raises(CaseActionError, match="当事人请用"):
        actions.do_sign_in_person(agreement=agreement, role="worker", version=agreement.version, actor=staff(admin_a))


def test_fourth_signature_makes_it_effective_through_the_state_machine(org_a, mediator_a):
    with at(2026, 11, 2, 9, 0):
        case = mediating_case(org_a, mediator_a)
        agreement = draft_agreement(case, mediator_a, due=soon())
        for role in ("worker", "employer", "mediator"):
            scan(agreement, role, mediator_a)
            case.refresh_from_db()
            assert case.status == Status.MEDIATING
    with at(2026, 11, 3, 15, 0):
        scan(agreement, "organisation", mediator_a)
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert case.status == Status.AGREED
    assert agreement.effective_at == dt.datetime(2026, 11, 3, 15, 0, tzinfo=BJ)
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert (event.from_status, event.to_status) == (Status.MEDIATING, Status.AGREED)
    assert "调解协议书由双方当事人签名或者盖章" in event.basis
    assert agreement.review_due == dt.date(2026, 11, 18)  # 15 days
    assert agreement.judicial_due == dt.date(2026, 12, 3)  # 30 days


def test_editing_after_a_signature_is_refused_voiding_allows_it(org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    scan(agreement, "worker", mediator_a)
    with pytest.raises(CaseActionError, match="已有当事人签署"):
        edit(agreement, mediator_a, amounts=["100"], payments=[(soon(), "100")])
    actions.do_void_signatures(agreement=agreement, reason="被申请人要求调整支付日期", actor=staff(mediator_a))
    agreement.refresh_from_db()
    assert not agreement.signatures.exists()
    edit(agreement, mediator_a, amounts=["12500"], payments=[(soon() - dt.timedelta(days=1), "12500")])


def test_two_staff_record_the_same_signature_one_wins(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    seen_by_admin = Agreement.objects.select_related("case").get(pk=agreement.pk)
    scan(agreement, "employer", mediator_a)
    with pytest.raises(StaleCaseError, match="用人单位（被申请人）」的签署已经记录"):
        scan(seen_by_admin, "employer", admin_a)
    assert agreement.signatures.count() == 1


def test_signature_race_at_the_database_is_a_clear_message(org_a, mediator_a):
    """If the pre-check passed for both (truly simultaneous), the unique constraint decides."""
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    scan(agreement, "employer", mediator_a)
    with pytest.raises(StaleCaseError, match="刚刚已由他人记录"):
        _record_signature(
            agreement=agreement, role="employer", method="scan", signer_name="x", version=agreement.version,
            actor=staff(mediator_a), now=agreement.updated_at,
        )  # fmt: skip


def test_signing_a_stale_version_is_refused(org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=soon())
    old = Agreement.objects.select_related("case").get(pk=agreement.pk)
    edit(agreement, mediator_a, amounts=["12000"], payments=[(soon(), "12000")])
    with pytest.raises(StaleCaseError, match="已被修改"):
        scan(old, "worker", mediator_a)


@pytest.mark.parametrize(
    ("effective", "review_last", "judicial_last"),
    [
        ((2026, 9, 15, 10, 0), dt.date(2026, 9, 30), dt.date(2026, 10, 15)),
        ((2026, 9, 16, 10, 0), dt.date(2026, 10, 8), dt.date(2026, 10, 16)),  # 10-01 is National Day: rolls to 10-08
        ((2026, 9, 25, 10, 0), dt.date(2026, 10, 10), dt.date(2026, 10, 26)),  # 10-10 调休 Saturday; 10-25 Sunday rolls
    ],
)
def test_confirmation_windows_at_their_edges(org_a, mediator_a, effective, review_last, judicial_last):
    with at(*effective):
        case = mediating_case(org_a, mediator_a)
        agreement = sign_all(draft_agreement(case, mediator_a, due=dt.date(2026, 12, 31)), mediator_a)
    assert (agreement.review_due, agreement.judicial_due) == (review_last, judicial_last)

    def keys(now):
        return {d["kind"] for d in mediation_deadlines(now) if d["case_id"] == case.pk}

    last_minute = dt.datetime.combine(review_last, dt.time(23, 59), tzinfo=BJ)
    assert "arbitration_review_window" in keys(last_minute)
    assert "arbitration_review_window" not in keys(last_minute + dt.timedelta(minutes=1))
    last_minute = dt.datetime.combine(judicial_last, dt.time(23, 59), tzinfo=BJ)
    assert "judicial_confirmation_window" in keys(last_minute)
    assert "judicial_confirmation_window" not in keys(last_minute + dt.timedelta(minutes=1))


def test_confirmation_choice_and_outcome(client, org_a, mediator_a):
    with at(2026, 11, 2, 9, 0):
        case = mediating_case(org_a, mediator_a)
        agreement = sign_all(draft_agreement(case, mediator_a, due=soon()), mediator_a)
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-deadline="arbitration_review"' in page and 'data-deadline="judicial_confirmation"' in page
    assert "2026年11月17日 24:00" in page and "2026年12月2日 24:00" in page
    assert "第二百零五条" in page
    with pytest.raises(CaseActionError, match="选择了确认途径"):
        actions.do_record_confirmation(
            agreement=agreement, route="none", outcome="confirmed", outcome_on=in_days(0), actor=staff(mediator_a)
        )
    with at(2026, 11, 20, 9, 0):
        actions.do_record_confirmation(
            agreement=agreement, route="judicial", outcome="pending", actor=staff(mediator_a)
        )
        actions.do_record_confirmation(
            agreement=agreement, route="judicial", outcome="confirmed", outcome_on=dt.date(2026, 11, 20),
            actor=staff(mediator_a),
        )  # fmt: skip
        with pytest.raises(CaseActionError, match="结果日期"):
            actions.do_record_confirmation(
                agreement=agreement, route="judicial", outcome="refused", outcome_on=dt.date(2026, 12, 1),
                actor=staff(mediator_a),
            )  # fmt: skip
    agreement.refresh_from_db()
    assert (agreement.confirmation_route, agreement.confirmation_outcome) == ("judicial", "confirmed")
    kinds = {
        d["kind"] for d in mediation_deadlines(dt.datetime(2026, 11, 20, 10, 0, tzinfo=BJ)) if d["case_id"] == case.pk
    }
    assert "judicial_confirmation_window" not in kinds and "arbitration_review_window" not in kinds
