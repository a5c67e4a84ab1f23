"""Every document kind built from case data set up through the real actions, rendered to PDF and .docx, and
read back (pdftotext, pdfinfo, python-docx): the key fields are printed in both files, page counts are sane, and
an agreement keeps its signature block on one page however long its table of claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from tiaojie.cases.actions import ClaimInput
from tiaojie.documents import kinds
from tiaojie.documents.actions import draft_letter
from tiaojie.documents.kinds import NotApplicable
from tiaojie.documents.models import Document, Kind
from tiaojie.documents.render import Rendered, render
from tiaojie.documents.tests.kind_fixtures import (
    CONTACT_PHONE,
    CREDIT_CODE,
    EMPLOYER,
    LEGAL_REP,
    WORKER,
    WORKER_PHONE,
    accept_and_mediate,
    assert_contains,
    bj,
    declined_case,
    default_claims,
    docx_text,
    draft,
    failed_case,
    hold_session,
    issue,
    pdf_pages,
    pdf_text,
    received_case,
    record_oral,
    serve_in_person,
    sign_every_way,
    squeeze,
    worker,
)
from tiaojie.mediation.tests.factories import sign_all

pytestmark = pytest.mark.django_db

SIGNATURE_LABELS = ("申请人（签名）", "被申请人（盖章）", "调解员（签名）", "调解组织（盖章）")


def at(*args: int) -> time_machine.travel:
    return time_machine.travel(bj(*args), tick=False)


def subject_of(case, kind: str) -> str:
    return next(subject for spec, subject in kinds.applicable(case) if spec.kind == kind)


def choose_route(case, route: str, user) -> None:
    """The parties' choice of confirmation, registered as staff do it (mediation's 调解协议确认 form)."""
    from tiaojie.mediation.actions import do_record_confirmation
    from tiaojie.mediation.models import Agreement
    from tiaojie.mediation.tests.factories import staff

    do_record_confirmation(
        agreement=Agreement.objects.get(case=case), route=route, outcome="pending", actor=staff(user)
    )


def check(rendered: Rendered, wanted: dict[str, str] | list[str], tmp: Path, where: str, max_pages: int = 4) -> str:
    """The wanted strings are in the PDF and in the Word file; the PDF has 1..max_pages pages. Returns the PDF
    text for further checks."""
    text = pdf_text(rendered.pdf, tmp)
    assert_contains(text, wanted, f"{where}.pdf")
    assert_contains(docx_text(rendered.docx), wanted, f"{where}.docx")
    assert 1 <= rendered.pages <= max_pages, f"{where}: {rendered.pages} pages"
    assert pdf_pages(rendered.pdf, tmp) == rendered.pages
    return text


def draft_of(case, kind: str, subject: str = "") -> tuple[kinds.Content, Rendered]:
    content = kinds.build(case, kind, subject)
    return content, render(content, draft_letter(case))


def stored(document: Document) -> tuple[bytes, bytes, int]:
    version = document.versions.get(version=document.current_version)
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return (root / version.pdf_path).read_bytes(), (root / version.docx_path).read_bytes(), version.pdf_pages


@pytest.fixture
def mediating(org_a, mediator_a, admin_a):
    """Received 2 March 2026 (oral application), accepted on the 3rd, a session with minutes on the 4th."""
    with at(2026, 3, 2, 9, 30):
        case = received_case(org_a, mediator_a, received_at=bj(2026, 3, 2, 9, 0))
        record_oral(case, mediator_a)
    with at(2026, 3, 3, 10, 0):
        accept_and_mediate(case, mediator_a, admin_a, at=bj(2026, 3, 3, 10, 0))
    with at(2026, 3, 4, 16, 0):
        hold_session(case, mediator_a, at=bj(2026, 3, 4, 14, 0))
    case.refresh_from_db()
    return case


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the signature code SMS) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def agreed(mediating, mediator_a, admin_a, on_commit, _sms_outbox):
    """The mediating case's agreement, signed on 5 March 2026 in every way; first instalment due on the 10th."""
    with at(2026, 3, 5, 10, 0):
        agreement = draft(mediating, mediator_a, due=dt.date(2026, 3, 10))
        sign_every_way(agreement, mediator_a, admin_a, commit=on_commit, outbox=_sms_outbox)
    mediating.refresh_from_db()
    return mediating


def test_registry_lists_every_kind_in_case_file_order():
    assert set(kinds.REGISTRY) == set(Kind.values)
    orders = [spec.order for spec in kinds.REGISTRY.values()]
    assert len(set(orders)) == len(orders)
    served = {kind for kind, spec in kinds.REGISTRY.items() if spec.served}
    assert served == {"acceptance", "decline", "agreement", "termination"}
    assert all(spec.basis for spec in kinds.REGISTRY.values())


def test_application_oral_record_acceptance_and_minutes(mediating, tmp_path):
    case = mediating
    w = case.case_workers.get().worker
    id_number = w.reveal("id_number")
    with at(2026, 3, 4, 17, 0):
        assert [spec.kind for spec, _ in kinds.applicable(case)] == [
            "application",
            "oral_record",
            "acceptance",
            "minutes",
        ]

        content, rendered = draft_of(case, "application")
        check(
            rendered,
            [
                *content.key_fields.values(),
                WORKER,
                "男" if w.sex == "M" else "女",
                id_number,
                WORKER_PHONE,
                EMPLOYER,
                CREDIT_CODE,
                LEGAL_REP,
                CONTACT_PHONE,
                "12,500.00",
                "人民币壹万贰仟伍佰元整",
                "15,500.00元（人民币壹万伍仟伍佰元整）",
                "二〇二六年三月二日",
                "被申请人拖欠申请人2025年11月至12月工资",
                "样稿",
            ],
            tmp_path,
            "application",
        )
        # The full numbers printed are listed for the access log.
        assert ("cases.worker", w.pk, "id_number") in content.pii
        assert ("cases.worker", w.pk, "phone") in content.pii
        assert any(record == "mediation.employercontact" for record, _, _ in content.pii)

        content, rendered = draft_of(case, "oral_record")
        check(
            rendered,
            [
                *content.key_fields.values(),
                id_number,
                "本中心接待窗口",
                "二〇二六年三月二日 09:00",
                "当场宣读后由申请人签名",
            ],
            tmp_path,
            "oral_record",
        )

        content, rendered = draft_of(case, "acceptance")
        check(rendered, [*content.key_fields.values(), "二〇二六年三月三日"], tmp_path, "acceptance", max_pages=2)

        content, rendered = draft_of(case, "minutes", subject_of(case, "minutes"))
        text = check(
            rendered,
            [
                *content.key_fields.values(),
                "第一调解室",
                "二〇二六年三月四日 14:00",
                "被申请人拖欠两个月工资",
                "被申请人分两期支付工资12000元",
                "双方当事人及调解员已在笔录上签名",
                "记录人（签名）",
            ],
            tmp_path,
            "minutes",
        )
        assert "调解员（签名）" in squeeze(text)


def test_agreement_issued_with_its_number_and_four_signatures_on_one_page(agreed, mediator_a, tmp_path):
    case = agreed
    with at(2026, 3, 5, 11, 0):
        document = issue(case, "agreement", mediator_a)
    pdf, docx, pages = stored(document)
    wanted = [
        document.number,
        WORKER,
        EMPLOYER,
        "（一式三份）",
        "12,000.00",
        "2,000.00",
        "14,000.00元（人民币壹万肆仟元整）",
        "人民币柒仟元整",  # each instalment in capitals
        "二〇二六年三月十日前",
        "二〇二六年四月九日前",
        "转入申请人工资卡",
        "个人所得税由被申请人依法代扣代缴",
        "申请人放弃其余加班费请求",
        "本协议已于二〇二六年三月五日生效",
        "第十四条第二款",
        "二〇二六年三月二十日二十四时",  # 仲裁审查确认: 15 days
        "第七十四条",
        "第二百零五条",
        "本协议书一式三份，双方当事人和调解组织各执一份",
        "二〇二六年三月五日 10:00 短信验证码确认",
        "签字扫描件存档",
        "本人登录确认",
        "管理员登录确认盖章",
    ]
    text = pdf_text(pdf, tmp_path)
    assert_contains(text, wanted, "agreement.pdf")
    assert_contains(docx_text(docx), wanted, "agreement.docx")
    assert "待核对" not in text  # an internal review mark never reaches a printed document
    assert 1 <= pages <= 4
    # The signature block, with every box and the date it took effect, is on one page.
    last = pdf_text(pdf, tmp_path, page=pages)
    assert_contains(last, [*SIGNATURE_LABELS, "二〇二六年三月五日"], "agreement signature page")


def test_confirmation_and_payment_order_applications(agreed, mediator_a, tmp_path):
    case = agreed
    with at(2026, 3, 5, 11, 0):
        number = issue(case, "agreement", mediator_a).number
        # An application is the parties' joint choice: none applies until it is registered.
        applicable = {spec.kind for spec, _ in kinds.applicable(case)}
        assert not applicable & {"review_application", "judicial_application"}
        with pytest.raises(NotApplicable, match="尚未选择申请仲裁审查确认"):
            kinds.REGISTRY["review_application"].build(case, "")
        choose_route(case, "arbitration_review", mediator_a)
        assert subject_of(case, "review_application") == ""
        assert "judicial_application" not in {spec.kind for spec, _ in kinds.applicable(case)}
        assert "payment_order" not in {spec.kind for spec, _ in kinds.applicable(case)}  # nothing overdue yet
    with at(2026, 3, 20, 10, 0):  # the first instalment (due 10 March) is overdue
        common = [WORKER, EMPLOYER, number, "二〇二六年三月五日", "14,000.00元（人民币壹万肆仟元整）", CONTACT_PHONE]
        content, rendered = draft_of(case, "review_application")
        check(
            rendered,
            [
                *content.key_fields.values(),
                *common,
                "杭州市余杭区劳动人事争议仲裁委员会",
                "申请人一（劳动者）",
                "申请人二（用人单位）",
                "送达地址",
                "二〇二六年三月二十日二十四时前",
                "申请人二（盖章）",
            ],
            tmp_path,
            "review_application",
        )

        choose_route(case, "judicial", mediator_a)
        assert "review_application" not in {spec.kind for spec, _ in kinds.applicable(case)}
        content, rendered = draft_of(case, "judicial_application")
        check(
            rendered,
            [*content.key_fields.values(), *common, "杭州市余杭区人民法院", "第二百零六条"],
            tmp_path,
            "judicial",
        )

        content, rendered = draft_of(case, "payment_order", subject_of(case, "payment_order"))
        check(
            rendered,
            [
                *content.key_fields.values(),
                WORKER,
                EMPLOYER,
                "12,000.00元（人民币壹万贰仟元整）",
                "拖欠劳动报酬",
                "第1期7,000.00元（应于二〇二六年三月十日前支付）",
                "杭州市余杭区人民法院",
                "第十六条",
                "第二百二十五条",
                "二〇二六年三月二十日",
            ],
            tmp_path,
            "payment_order",
        )
        assert "加班费（" not in squeeze(pdf_text(rendered.pdf, tmp_path))  # overtime is not eligible (art 16)
    with at(2026, 3, 21, 10, 0):  # the review period has passed: the application says so
        choose_route(case, "arbitration_review", mediator_a)
        content = kinds.build(case, "review_application")
        assert any("该期限已于二〇二六年三月二十日届满" in getattr(b, "text", "") for b in content.blocks)


def test_decline_termination_and_service_receipts(org_a, mediator_a, tmp_path):
    with at(2026, 3, 2, 15, 0):
        declined = declined_case(
            org_a, mediator_a, received_at=bj(2026, 3, 2, 9, 0), reason="争议事项不属于劳动争议调解范围"
        )
        content, rendered = draft_of(declined, "decline")
        check(rendered, [*content.key_fields.values(), WORKER, "二〇二六年三月二日"], tmp_path, "decline", max_pages=2)
        decline_doc = issue(declined, "decline", mediator_a)
        # Nothing served yet: a blank form for the applicant only (a decline goes to the applicant).
        content, rendered = draft_of(declined, "service_receipt", f"doc:{decline_doc.pk}")
        text = check(
            rendered,
            [
                "送达回证",
                "不予受理通知书",
                decline_doc.number,
                WORKER,
                "送达方式",
                "受送达人签名或盖章",
                "拒收事由及见证人",
            ],
            tmp_path,
            "service_blank",
            max_pages=2,
        )
        assert EMPLOYER not in squeeze(text)

    with at(2026, 3, 12, 15, 0):
        case, _notice = failed_case(
            org_a, mediator_a, received_at=bj(2026, 3, 10, 9, 0), reason="被申请人明确表示不同意调解"
        )
        content, rendered = draft_of(case, "termination")
        check(
            rendered,
            [
                *content.key_fields.values(),
                WORKER,
                EMPLOYER,
                "一方拒绝调解",
                "二〇二六年三月十日",  # application date, and the claim assertion that interrupts the limitation
                "二〇二六年三月二十五日二十四时前",  # clock A
                "第二十七条",
                "仲裁不收费",
                "二〇二六年三月十二日",
            ],
            tmp_path,
            "termination",
        )
        document = issue(case, "termination", mediator_a)
    with at(2026, 3, 12, 17, 0):
        serve_in_person(document, mediator_a, at=bj(2026, 3, 12, 16, 30))
        content, rendered = draft_of(case, "service_receipt", f"doc:{document.pk}")
        check(
            rendered,
            [
                "调解终止书",
                document.number,
                WORKER,
                "直接送达",
                "二〇二六年三月十二日 16:30",
                f"已签收（{WORKER}）",
                "调解员甲",
            ],
            tmp_path,
            "service_filled",
            max_pages=2,
        )


def test_agreement_with_fifty_claims_keeps_its_signature_boxes_together(org_a, mediator_a, admin_a, tmp_path):
    claims = [ClaimInput(type="wages", amount=Decimal(1000 + i), description=f"第{i + 1}个月工资") for i in range(50)]
    with at(2026, 3, 2, 10, 0):
        case = received_case(org_a, mediator_a, received_at=bj(2026, 3, 2, 9, 0), claims=claims)
        accept_and_mediate(case, mediator_a, admin_a, at=bj(2026, 3, 2, 9, 30))
        sign_all(draft(case, mediator_a, due=dt.date(2026, 3, 20)), mediator_a)
        _content, rendered = draft_of(case, "agreement")
    assert rendered.pages >= 2
    total = sum((c.amount for c in claims if c.amount is not None), Decimal("0"))
    assert_contains(pdf_text(rendered.pdf, tmp_path), [f"{total:,.2f}", "1,049.00"], "long agreement")
    pages_with_seal = [
        n
        for n in range(1, rendered.pages + 1)
        if "调解组织（盖章）" in squeeze(pdf_text(rendered.pdf, tmp_path, page=n))
    ]
    assert len(pages_with_seal) == 1
    page = pdf_text(rendered.pdf, tmp_path, page=pages_with_seal[0])
    # The closing sentence travels with the boxes: they never stand alone on a page.
    assert_contains(page, [*SIGNATURE_LABELS, "二〇二六年三月二日", "本协议书一式三份"], "signature page")


def test_collective_dispute_is_signed_by_its_representative_and_lists_every_worker(org_a, mediator_a, tmp_path):
    names = [f"工人{i:02d}" for i in range(12)]
    phones = [f"1380013{i:04d}" for i in range(12)]
    with at(2026, 3, 2, 10, 0):
        case = received_case(
            org_a,
            mediator_a,
            received_at=bj(2026, 3, 2, 9, 0),
            workers=[worker(name=n, phone=p) for n, p in zip(names, phones, strict=True)],
        )
        assert case.is_collective
        content, rendered = draft_of(case, "application")
    text = check(
        rendered, [*names, "全体申请人名册（共12人）", "工人00（代表人）"], tmp_path, "collective", max_pages=6
    )
    assert squeeze(text).count("申请人（签名）") == 1
    assert len({pk for record, pk, _ in content.pii if record == "cases.worker"}) == 12


def test_missing_data_is_not_applicable_with_a_reason(org_a, mediator_a):
    with at(2026, 3, 2, 10, 0):
        case = received_case(org_a, mediator_a, received_at=bj(2026, 3, 2, 9, 0), claims=default_claims())
    assert [(spec.kind, subject) for spec, subject in kinds.applicable(case)] == [("application", "")]
    for kind, message in [
        ("oral_record", "口头申请"),
        ("acceptance", "尚未受理"),
        ("decline", "不予受理"),
        ("agreement", "调解协议"),
        ("termination", "调解终止"),
        ("review_application", "尚未生效"),
        ("judicial_application", "尚未生效"),
        ("payment_order", "调解协议"),
    ]:
        with pytest.raises(NotApplicable, match=message):
            kinds.REGISTRY[kind].build(case, "")
    for kind, subject in [("minutes", "minutes:999999"), ("service_receipt", "doc:999999"), ("minutes", "x")]:
        with pytest.raises(NotApplicable, match="没有"):
            kinds.REGISTRY[kind].build(case, subject)
    # Through the public entry point a subject that does not apply now is refused before building.
    with pytest.raises(NotApplicable, match="本案目前不能出具调解协议书"):
        kinds.build(case, "agreement")
    with pytest.raises(NotApplicable, match="未知的文书类型"):
        kinds.build(case, "nonsense")


def test_subjects_are_cheap(agreed, django_assert_max_num_queries):
    with at(2026, 3, 20, 10, 0), django_assert_max_num_queries(16):
        found = kinds.applicable(agreed)
    assert {spec.kind for spec, _ in found} == {
        "application",
        "oral_record",
        "acceptance",
        "minutes",
        "agreement",
        "payment_order",
    }
