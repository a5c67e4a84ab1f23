"""Severance N and damages 2N in English: every branch's steps, values, bases and input errors (issue 13 item 13).

Each row is a branch of `calculators/compensation.py`: every ground, the wage floor and the 3× cap, the 12-year
cap, each pre-2008 rule (its cap, its wage floors, the grounds that paid nothing), a zero result and each input
error the form can reach. A step text left out of `msg()`, a msgid without its English, or a basis with prose
the citation grammar cannot read shows up as Chinese left on the page. The errors the form cannot reach (a
value only the CLI or the API can send) are translated directly at the end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tiaojie.calculators.compensation import REASONS, TerminationReason, economic_compensation, unlawful_termination
from tiaojie.calculators.core import CalculatorInputError, measure_service
from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case

from .english import chinese_left, english_result

pytestmark = pytest.mark.django_db

N = "economic-compensation"
TWO_N = "unlawful-termination"
POST_2008 = {"start_date": "2015-03-01", "end_date": "2024-08-31", "monthly_wage": "8000"}
ACROSS_2008 = {"start_date": "1995-03-01", "end_date": "2024-08-31", "monthly_wage": "8000"}
BEFORE_2008 = {"start_date": "2001-03-01", "end_date": "2007-06-30", "monthly_wage": "3000"}


def _n(base, **more):
    return (N, {**base, **more})


CASES = {
    **{f"N {reason.value}": _n(POST_2008, termination_reason=reason.value) for reason in TerminationReason},
    # Every precise ground across 2008 (the generic art 38 and art 40 grounds ask for the clause instead).
    **{
        f"N across 2008 {reason.value}": _n(ACROSS_2008, termination_reason=reason.value)
        for reason in TerminationReason
        if reason not in (TerminationReason.ART40, TerminationReason.EMPLOYEE_RESIGNED_ART38)
    },
    "N generic art 40 before 2008 asks for the clause": _n(ACROSS_2008, termination_reason="art40"),
    "N generic art 38 before 2008 asks for the clause": _n(ACROSS_2008, termination_reason="employee_resigned_art38"),
    "N ended before 2008": _n(BEFORE_2008, termination_reason="art41"),
    "N ended before 2008, ground that paid nothing": _n(BEFORE_2008, termination_reason="contract_expired"),
    "N no part year": _n(POST_2008, end_date="2024-02-29", termination_reason="art41"),
    "N part year under six months": _n(POST_2008, end_date="2024-05-31", termination_reason="art41"),
    "N one day": _n(POST_2008, end_date="2015-03-01", termination_reason="art41"),
    "N minimum-wage floor": _n(POST_2008, monthly_wage="1500", local_minimum_wage="2490", termination_reason="art41"),
    "N not above 3x": _n(POST_2008, local_average_monthly_wage="9000", termination_reason="art41"),
    "N 3x cap and 12-year cap": _n(
        {**POST_2008, "start_date": "2008-01-01"}, monthly_wage="40000", local_average_monthly_wage="8000"
    ),
    "N pre-2008 12-month cap bites": _n(ACROSS_2008, termination_reason="employer_proposed_mutual"),
    "N pre-2008 wage given": _n(ACROSS_2008, pre2008_monthly_wage="2000", termination_reason="art41"),
    "N pre-2008 wage below the minimum": _n(
        ACROSS_2008, pre2008_monthly_wage="1000", local_minimum_wage="2490", termination_reason="art41"
    ),
    "N pre-2008 enterprise average raises the wage": _n(
        ACROSS_2008, enterprise_average_monthly_wage="9000", termination_reason="art40_1"
    ),
    "N pre-2008 enterprise average below the wage": _n(
        ACROSS_2008, enterprise_average_monthly_wage="5000", termination_reason="art40_3"
    ),
    "N pre-2008 enterprise average ignored": _n(
        ACROSS_2008, enterprise_average_monthly_wage="5000", termination_reason="art40_2"
    ),
    "N with notice pay": _n(POST_2008, last_month_wage="8500", termination_reason="art40_2"),
    "N notice pay refused for art 41": _n(POST_2008, last_month_wage="8500", termination_reason="art41"),
    "N art 39 pays nothing": _n(ACROSS_2008, termination_reason="art39"),
    "N negative wages": _n(
        POST_2008,
        monthly_wage="-1",
        local_minimum_wage="-1",
        local_average_monthly_wage="0",
        termination_reason="art41",
    ),
    "N negative pre-2008 wages": _n(
        ACROSS_2008, pre2008_monthly_wage="-1", enterprise_average_monthly_wage="-1", termination_reason="art41"
    ),
    "N end before start": _n(POST_2008, end_date="2014-01-01", termination_reason="art41"),
    **{
        f"2N {reason.value}": (TWO_N, {**ACROSS_2008, "termination_reason": reason.value})
        for reason in TerminationReason
    },
    "2N 3x cap and 12-year cap": (
        TWO_N,
        {**ACROSS_2008, "monthly_wage": "40000", "local_average_monthly_wage": "8000", "local_minimum_wage": "2490"},
    ),
    "2N minimum-wage floor": (TWO_N, {**POST_2008, "monthly_wage": "1000", "local_minimum_wage": "2490"}),
    "2N ended before 2008": (TWO_N, {**BEFORE_2008, "termination_reason": "art41"}),
    "2N negative wage": (TWO_N, {**POST_2008, "monthly_wage": "-1"}),
}


@pytest.mark.parametrize("label", list(CASES))
def test_english_page_shows_no_chinese(client, label):
    name, data = CASES[label]
    assert chinese_left(client, name, data) == []


def test_severance_reads_in_english(client):
    result, errors = english_result(client, N, {**ACROSS_2008, "termination_reason": "art41"})
    assert errors == []
    texts = [step["text"] for step in result["steps"]]
    assert texts[0] == (
        "Reason the contract ended: Economic redundancy (article 41); the employer must pay severance (economic "
        "compensation)"
    )
    assert result["steps"][0]["value"] == "Severance owed"
    assert (
        "Service before 2008: 1995-03-01 to 2007-12-31 (first and last day both counted), in all "
        "12 year(s) 10 month(s) 0 day(s); the rules of the time paid one month per full year and counted a part "
        "of a year as a full year: 13 year(s)"
    ) in texts
    assert "Part before 2008: 13 month(s) × 8000.00 yuan (the three-times cap does not apply) = 104000.00 yuan" in texts
    assert texts[-1] == "Severance in total: 240000.00 yuan, rounded to 0.01 yuan"
    assert result["steps"][-1]["basis"] == "Labour Contract Law, arts. 46 and 47"


def test_a_pre2008_basis_with_prose_and_a_repealed_interpretation_read_in_english(client):
    result, _ = english_result(client, N, {**ACROSS_2008, "termination_reason": "art38_1_3"})
    step = next(s for s in result["steps"] if s["text"].startswith("Years worked before 2008"))
    assert step["text"] == (
        "Years worked before 2008: Termination by worker: the employer did not pay social insurance contributions "
        "for the worker as required by law; art. 15 of the SPC Interpretation on Several Issues Concerning the "
        "Application of Law in Labour Dispute Cases (法释〔2001〕14号, repealed) does not list this case, so no "
        "severance is paid for the years worked before 2008; this part counts as 0 months"
    )
    assert step["basis"] == (
        "SPC Interpretation on Several Issues Concerning the Application of Law in Labour Dispute Cases "
        "(法释〔2001〕14号, repealed), art. 15"
    )
    result, _ = english_result(client, N, {**ACROSS_2008, "termination_reason": "contract_expired"})
    step = next(s for s in result["steps"] if s["text"].startswith("Years worked before 2008"))
    assert step["basis"] == (
        "Labour Law, art. 23; the Measures on Economic Compensation for Breach and Termination of Labour Contracts "
        "(劳部发〔1994〕481号) provide no severance for a contract that ends on expiry"
    )


def test_damages_read_in_english(client):
    result, errors = english_result(client, TWO_N, {**POST_2008, "termination_reason": "contract_expired"})
    assert errors == []
    assert result["steps"][0]["text"].startswith(
        "The employer ended the labour contract on the ground “The labour contract expired (except where"
    )
    assert result["steps"][0]["value"] == "Damages = 2 × severance"
    assert result["steps"][-1]["text"] == "Damages = 2 × 80000.00 yuan = 160000.00 yuan, rounded to 0.01 yuan"


def test_an_input_error_reads_in_english_without_its_json_key(client):
    _, errors = english_result(client, N, {**ACROSS_2008, "termination_reason": "art40"})
    assert errors == [
        "Part of the service is before 2008-01-01, and the rules of the time treated the cases of Art. 40 "
        "differently (whether severance is paid, whether it is capped at 12 months, whether there is a wage floor); "
        "choose the exact case: (1) Illness or non-work-related injury (art40_1); (2) Unable to do the job "
        "(art40_2); (3) Major change in objective circumstances (art40_3)"
    ]
    _, errors = english_result(client, N, {**POST_2008, "end_date": "2014-01-01"})
    assert errors == ["The leaving date cannot be before the start date"]


def _english(error: CalculatorInputError) -> list[str]:
    with translation.override("en"):
        return [f["message"].in_language(gettext) for f in error.fields] + [error.message.in_language(gettext)]


def test_errors_only_the_cli_and_the_api_can_cause_read_in_english():
    start, end = dt.date(2015, 3, 1), dt.date(2024, 8, 31)
    with pytest.raises(CalculatorInputError) as bad_reason:
        economic_compensation(start_date=start, end_date=end, monthly_wage=Decimal(8000), termination_reason="x")
    message, whole = _english(bad_reason.value)
    assert message.startswith(
        "The reason the contract ended (termination_reason) must be one of: employer_proposed_mutual, "
    )
    assert message.endswith(", bankruptcy_or_closure")
    assert whole == f"Input error: {message}"
    with pytest.raises(CalculatorInputError) as with_notice:
        unlawful_termination(start_date=start, end_date=end, monthly_wage=Decimal(8000), last_month_wage=Decimal(1))
    assert _english(with_notice.value)[0].startswith(
        "A worker who claims damages for unlawful termination (2N) is not also paid pay in lieu of notice"
    )
    with pytest.raises(CalculatorInputError) as two:
        economic_compensation(start_date=start, end_date=end, monthly_wage=Decimal(-1), local_minimum_wage=Decimal(-1))
    assert _english(two.value)[-1] == (
        "Input error: The monthly wage (monthly_wage) cannot be negative; "
        "The local minimum wage (local_minimum_wage) cannot be negative"
    )


def test_the_chinese_stays_as_it_was():
    service = measure_service(dt.date(2000, 3, 1), dt.date(2024, 6, 30))
    assert (service.describe(), service.span()) == ("24 年 4 个月 0 天", "2000-03-01 至 2024-06-30（首尾两日均计入）")
    with pytest.raises(CalculatorInputError) as two:
        economic_compensation(
            start_date=dt.date(2015, 3, 1),
            end_date=dt.date(2024, 8, 31),
            monthly_wage=Decimal(-1),
            local_minimum_wage=Decimal(-1),
        )
    assert two.value.message == (
        "输入有误：月工资（monthly_wage）不能为负数；当地最低工资标准（local_minimum_wage）不能为负数"
    )


def test_a_grounds_pre2008_name_is_its_label_before_the_bracket():
    # The step used to cut the label at its first "（"; the name is its own msgid now and must read the same.
    for rule in REASONS.values():
        if rule.pre2008_name:
            assert rule.pre2008_name == rule.label.split("（")[0]
        else:
            assert rule.pre2008_pays or not rule.pays  # a ground that pays nothing before 2008 names itself


def test_the_case_page_shows_a_kept_severance_in_english(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    data = {**ACROSS_2008, "termination_reason": "art41"}
    client.post(reverse("calculators:add_to_case", args=[N, case.pk]), data)
    item = ClaimItem.objects.get(case=case, type=ClaimType.COMPENSATION)
    assert item.explanation[0]["value"] == "应支付经济补偿"  # what documents print
    english = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reason the contract ended: Economic redundancy (article 41)" in english
    assert "<td>Severance owed</td>" in english
    assert "Severance in total: 240000.00 yuan, rounded to 0.01 yuan" in english
    chinese = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>应支付经济补偿</td>" in chinese
