"""The mediator's assistant (mediation/assistant.py): the checks of the agreement draft (pure), the citations
against the law texts, and the panel on the case page (only the case's claim types, links, queries, 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from tiaojie.cases.actions import ClaimInput, do_set_claim_from_calculator
from tiaojie.knowledge.actions import do_import_law_directory
from tiaojie.knowledge.claim_articles import ARTICLES, Citation, articles_for, citation_links
from tiaojie.knowledge.tests import samples
from tiaojie.knowledge.tests.test_citations_resolve import build_full_library
from tiaojie.lib.request_memo import request_scope
from tiaojie.lib.workdays import Deadline
from tiaojie.mediation import actions, assistant, panels
from tiaojie.mediation.models import Agreement
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case, sign_all, staff
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.tests.factories import cover_years_ahead

TODAY = dt.date(2026, 3, 2)
WINDOWS = assistant.Windows(Deadline(dt.date(2026, 3, 17)), Deadline(dt.date(2026, 4, 1)), estimated=False)


def item(type="wages", claimed="5000", agreed="5000", note=""):
    return SimpleNamespace(
        type=type, amount_claimed=Decimal(claimed) if claimed else None, amount_agreed=Decimal(agreed), note=note
    )


def pay(due: dt.date, amount="5000", seq=1):
    return SimpleNamespace(seq=seq, due_date=due, amount=Decimal(amount))


def keys(findings) -> list[str]:
    return [f.key for f in findings]


# --- (a) a promise of court enforcement -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "一方不履行本协议的，另一方可向法院申请强制执行。",
        "被申请人逾期未付的，申请人可以向人民法院申请执行",
        "本协议具有强制执行效力",
        "付款后双方再无争议；如不履行，由人民法院依法执行。",
    ],
)
def test_a_clause_promising_court_enforcement_is_flagged_with_its_sentence(text):
    found = assistant.enforcement_findings({"other_terms": text}, org_type="township_centre", confirmed=False)
    assert keys(found) == ["court_enforcement"]
    assert "执行" in found[0].quote and "。" not in found[0].quote
    assert found[0].detail == "其他约定"


@pytest.mark.parametrize(
    "text",
    [
        "经司法确认后，一方不履行的，另一方可以依法向人民法院申请强制执行。",
        "双方同意在协议生效后15日内共同申请仲裁审查确认，仲裁调解书生效后可申请执行。",
        "用人单位逾期不支付的，劳动者可以持本调解协议书向人民法院申请支付令。",
        "一方不履行的，另一方可以依法申请仲裁。",
        "双方按约定执行本协议。",
    ],
)
def test_enforcement_through_confirmation_a_payment_order_or_arbitration_is_not_flagged(text):
    assert assistant.enforcement_findings({"other_terms": text}, org_type="township_centre", confirmed=False) == []


def test_no_enforcement_finding_once_confirmed_or_for_an_arbitration_centre():
    texts = {"other_terms": "可向法院申请强制执行"}
    assert assistant.enforcement_findings(texts, org_type="township_centre", confirmed=True) == []
    assert assistant.enforcement_findings(texts, org_type="arbitration_centre", confirmed=False) == []


# --- (b) a blanket waiver without an amount ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["双方就劳动关系再无任何争议。", "申请人放弃其他一切权利主张", "今后不再就劳动关系向对方主张任何权利", "双方两清"],
)
def test_a_blanket_waiver_on_an_agreement_of_no_amount_is_flagged(text):
    found = assistant.waiver_findings({"waived_note": text}, [item(agreed="0")])
    assert keys(found) == ["blanket_waiver"]
    assert found[0].quote


def test_a_waiver_with_an_agreed_amount_or_an_agreement_without_one_is_not_flagged():
    assert assistant.waiver_findings({"other_terms": "双方再无任何争议"}, [item(agreed="3000")]) == []
    assert assistant.waiver_findings({"other_terms": "申请人撤回加班费请求"}, [item(agreed="0")]) == []


# --- (c) payment after the confirmation windows ------------------------------------------------------------


def test_payment_within_the_review_window_is_fine():
    assert assistant.window_findings([pay(dt.date(2026, 3, 17))], WINDOWS) == []


def test_payment_after_the_review_window_but_within_the_judicial_one_is_a_notice():
    found = assistant.window_findings([pay(dt.date(2026, 3, 10), seq=1), pay(dt.date(2026, 3, 18), seq=2)], WINDOWS)
    assert keys(found) == ["payment_after_review_window"]
    assert found[0].rule.severity == "notice"
    assert "第2期" in found[0].detail and "2026-03-18" in found[0].detail


def test_payment_after_both_windows_is_a_warning_and_an_estimate_says_so():
    estimated = assistant.Windows(WINDOWS.review, WINDOWS.judicial, estimated=True)
    found = assistant.window_findings([pay(dt.date(2026, 4, 2))], estimated)
    assert keys(found) == ["payment_after_windows"]
    assert found[0].rule.severity == "warning"
    assert "若协议今天生效" in found[0].detail and "2026-04-01" in found[0].detail
    # Due on the judicial window's last day: only the review window has passed.
    assert keys(assistant.window_findings([pay(dt.date(2026, 4, 1))], WINDOWS)) == ["payment_after_review_window"]


# --- (d) what the agreement must carry ---------------------------------------------------------------------


def test_a_positive_amount_without_a_payment_term_is_flagged():
    assert "no_payment_term" in keys(assistant.content_findings({"tax_note": "税后"}, [item()], []))
    assert "no_payment_term" not in keys(assistant.content_findings({"tax_note": "税后"}, [item()], [pay(TODAY)]))


def test_a_claim_agreed_at_zero_needs_a_word_on_what_was_given_up():
    items = [item(), item(type="overtime", claimed="2000", agreed="0")]
    found = assistant.content_findings({"tax_note": "税后"}, items, [pay(TODAY)])
    assert keys(found) == ["waived_item_unexplained"]
    assert found[0].detail == "加班费"
    assert (
        assistant.content_findings({"tax_note": "税后", "waived_note": "申请人放弃加班费请求"}, items, [pay(TODAY)])
        == []
    )
    noted = [item(), item(type="overtime", claimed="2000", agreed="0", note="证据不足，放弃")]
    assert assistant.content_findings({"tax_note": "税后"}, noted, [pay(TODAY)]) == []


def test_the_tax_note_is_asked_for_only_when_something_is_paid():
    assert keys(assistant.content_findings({}, [item()], [pay(TODAY)])) == ["no_tax_note"]
    assert assistant.content_findings({}, [item(claimed="100", agreed="0", note="放弃")], []) == []


def test_check_draft_puts_warnings_first():
    found = assistant.check_draft(
        {"other_terms": "可向法院申请强制执行"},
        [item()],
        [pay(dt.date(2026, 3, 20))],
        org_type="township_centre",
        confirmed=False,
        windows=WINDOWS,
    )
    assert keys(found) == ["court_enforcement", "payment_after_review_window", "no_tax_note"]


# --- the citations are real articles ------------------------------------------------------------------------


def _all_citations() -> set[Citation]:
    cited = {c for cs in ARTICLES.values() for c in cs}
    cited |= {c for points in assistant.FOCUS.values() for p in points for c in p.citations}
    cited |= {c for r in assistant.DRAFT_RULES.values() for c in r.citations}
    return cited


@pytest.mark.django_db
def test_every_citation_names_an_article_and_paragraph_the_library_holds():
    """The library built from the wheel and the committed texts (as the knowledge tests build it) holds every
    article the panel cites, and each paragraph or item named exists in the article's text."""
    from tiaojie.knowledge.models import Article

    build_full_library()
    cited = sorted(_all_citations(), key=lambda c: c.label)
    missing = [c.label for c, url in citation_links(cited) if url is None]
    assert not missing, missing
    for c in cited:
        if not c.part:
            continue
        article = Article.objects.filter(
            version__text__current_version=F("version"),
            version__text__short_title=c.title,
            number=c.number,
            sub_number=c.sub_number,
        ).get()
        paragraphs = [p for p in article.text.split("\n") if p.strip()]
        if c.part.endswith("款"):
            assert len(paragraphs) >= ["一", "二", "三", "四", "五", "六"].index(c.part[1:-1]) + 1, c
        else:
            assert c.part[1:-1] in article.text, c


def test_articles_for_keeps_order_and_drops_repeats():
    cited = articles_for(["compensation", "unlawful_termination", "compensation", "nonsense"])
    assert cited[: len(ARTICLES["compensation"])] == list(ARTICLES["compensation"])
    assert len(cited) == len(set(cited))
    assert Citation("劳动合同法", 87) in cited


def test_every_claim_type_with_focus_points_has_deciding_articles():
    assert set(assistant.FOCUS) <= set(ARTICLES)
    assert Citation("劳动合同法", 47, part="第二款").label == "《劳动合同法》第四十七条第二款"


# --- the panel on the case page --------------------------------------------------------------------------


@pytest.fixture
def library(db, tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="2f4c5c2")


def _case(org, user, *claims: tuple[str, str]):
    return mediating_case(org, user, claims=[ClaimInput(type=t, amount=Decimal(a)) for t, a in claims])


@pytest.mark.django_db
def test_the_panel_shows_the_focus_points_of_the_cases_claim_types_only(client, org_a, mediator_a, library):
    case = _case(org_a, mediator_a, ("overtime", "3000"), ("compensation", "18000"))
    client.force_login(mediator_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="mediation-assistant"' in html
    assert "是否存在加班事实及举证责任" in html
    assert "是否超过三倍封顶" in html
    assert 'data-claim-type="overtime"' in html and 'data-claim-type="compensation"' in html
    assert "未签书面合同的起止时间" not in html and "累计工作年限和应休天数" not in html
    # The library holds 劳动合同法 art 47 (the sample), so that citation links to it; art 42 of the
    # interpretation is not in the library and is shown without a link.
    assert 'href="/laws/%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95/articles/47/"' in html or (
        'href="/laws/劳动合同法/articles/47/"' in html
    )
    assert "《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》第四十二条" in html


@pytest.mark.django_db
def test_the_calculator_result_is_summarised_with_a_link_to_recompute(client, org_a, mediator_a):
    case = _case(org_a, mediator_a, ("wages", "12500"))
    do_set_claim_from_calculator(
        case=case,
        type="compensation",
        amount=Decimal("18000.00"),
        description="经济补偿",
        explanation=[
            {"text": "工作年限", "value": "3年", "basis": "《劳动合同法》第四十七条第一款"},
            {"text": "经济补偿", "value": "18000.00元", "basis": "《劳动合同法》第四十七条"},
        ],
        via="计算器：经济补偿",
        actor=staff(mediator_a),
    )
    client.force_login(mediator_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    table = html[html.index('id="assistant-calculations"') :]
    assert "经济补偿：18000.00元" in table
    assert f"/calculators/economic-compensation/?case={case.pk}" in table
    assert "未使用计算器，金额为录入值" in table  # the wages claim was typed in
    assert f"/calculators/?case={case.pk}" in table


@pytest.mark.django_db
def test_a_draft_promising_court_enforcement_shows_the_warning_and_the_count_at_the_signatures(
    client, org_a, mediator_a
):
    cover_years_ahead()
    case = _case(org_a, mediator_a, ("wages", "12500"))
    a = draft_agreement(case, mediator_a, due=in_days(10))
    data = actions.AgreementInput(
        items=[actions.ItemInput(item_id=i.pk, amount_agreed=i.amount_agreed) for i in a.items.all()],
        payments=[actions.PaymentInput(due_date=in_days(10), amount=Decimal("12500.00"))],
        payment_method=Agreement.Method.BANK_TRANSFER,
        tax_note="税后金额",
        other_terms="被申请人逾期不支付的，申请人可向法院申请强制执行。",
    )
    actions.do_update_agreement(agreement=a, data=data, expected_version=a.version, actor=staff(mediator_a))
    client.force_login(mediator_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-finding="court_enforcement"' in html
    assert "被申请人逾期不支付的，申请人可向法院申请强制执行" in html
    assert "调解助手对协议草稿有 1 条提示" in html
    # Advice only: the signature forms are still there.
    assert "发送验证码" in html


@pytest.mark.django_db
def test_a_clean_draft_says_nothing_was_found(client, org_a, mediator_a):
    cover_years_ahead()
    case = _case(org_a, mediator_a, ("wages", "12500"))
    a = draft_agreement(case, mediator_a, due=in_days(10))
    Agreement.objects.filter(pk=a.pk).update(tax_note="税后")
    client.force_login(mediator_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="assistant-no-findings"' in html
    assert 'id="agreement-findings"' not in html


@pytest.mark.django_db
def test_an_effective_agreement_is_checked_against_its_stored_windows(org_a, mediator_a):
    cover_years_ahead()
    case = _case(org_a, mediator_a, ("wages", "12500"))
    a = sign_all(draft_agreement(case, mediator_a, due=in_days(40)), mediator_a)
    found = assistant.agreement_findings(a, list(a.items.all()), list(a.payments.all()), case)
    after = next(f for f in found if f.key == "payment_after_windows")
    assert a.judicial_due.isoformat() in after.detail and "若协议今天生效" not in after.detail


@pytest.mark.django_db
def test_the_panel_adds_at_most_three_queries(org_a, mediator_a, library, django_assert_max_num_queries):
    cover_years_ahead()
    case = _case(org_a, mediator_a, ("overtime", "3000"), ("compensation", "18000"), ("double_wage", "9000"))
    draft_agreement(case, mediator_a, due=in_days(50))
    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = mediator_a
    # Inside a request, as on the case page: the calendar's revision is then read once for the whole request
    # (lib/request_memo.py); outside one it is read at every look-up.
    with request_scope():
        panels._state(request, case)  # loaded once per request for every mediation panel
        case.organisation  # noqa: B018 - the case page has it already
        work_calendar()
        with django_assert_max_num_queries(3):
            panel = panels.assistant_panel(request, case, True)
    assert panel is not None and len(panel.context["focus"]) == 3
    assert panel.context["findings"]


@pytest.mark.django_db
def test_another_organisations_mediator_gets_404_and_sees_no_assistant(client, org_a, mediator_a, mediator_b):
    case = _case(org_a, mediator_a, ("overtime", "3000"))
    client.force_login(mediator_b)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 404
    assert "争议焦点" not in response.content.decode()


@pytest.mark.django_db
def test_a_case_without_claims_or_agreement_has_no_assistant_panel(org_a, mediator_a):
    case = _case(org_a, mediator_a, ("wages", "100"))
    case.claims.all().delete()
    request = RequestFactory().get("/")
    request.user = mediator_a
    assert panels.assistant_panel(request, case, True) is None


def test_windows_of_a_draft_are_counted_from_today(db):
    cover_years_ahead()
    a = Agreement()
    today = timezone.localdate()
    w = assistant.confirmation_windows(a, today)
    assert w.estimated
    assert w.review.last_day >= today + dt.timedelta(days=15)
    assert w.judicial.last_day >= today + dt.timedelta(days=30)
