"""The worked calculation in English for work injury, sick leave, non-compete, service period and probation
(issue 13 item 13; docs/i18n.md "Calculator steps").

Each row is a branch of one of the five calculators: the bounds of the worker's own wage, each grade group, the
subsidies on leaving by a provincial standard (with the reduction near retirement), death, the medical period
bands, the sick-pay shortfall, the non-compete floor and release, the service period's cap, each probation limit,
and every input error the form can reach. A step text left out of `msg()`, a value or label that is not a msgid,
or a msgid without its English shows up here as Chinese."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from tiaojie.calculators.core import CalculatorInputError
from tiaojie.calculators.non_compete import non_compete
from tiaojie.calculators.work_injury import work_injury
from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.stored_text import translate_stored

from .english import CJK, chinese_left, english_result

pytestmark = pytest.mark.django_db

WI = {"monthly_wage": "8000", "local_average_monthly_wage": "6000"}
ZJ = {"employment_end_date": "2024-05-01", "province": "33", "province_average_monthly_wage": "7000"}
SICK = {"total_work_years": "8", "years_with_employer": "3", "local_minimum_wage": "2000"}
NC = {"average_monthly_wage": "10000", "months_observed": "12"}
SP = {"training_cost": "12000", "service_start_date": "2024-01-01", "service_end_date": "2026-12-31"}
PR = {"contract_start_date": "2024-01-01", "post_probation_wage": "9000"}

CASES = {
    "work-injury wage in range": ("work-injury", WI),
    "work-injury wage above the cap": ("work-injury", {**WI, "monthly_wage": "20000"}),
    "work-injury wage below the floor": ("work-injury", {**WI, "monthly_wage": "3000"}),
    "work-injury suspension": ("work-injury", {**WI, "stoppage_months": "6", "original_monthly_wage": "9000"}),
    "work-injury suspension extended": ("work-injury", {**WI, "stoppage_months": "18"}),
    "work-injury grade 1 uninsured": ("work-injury", {**WI, "outcome": "1", "employer_insured": "no"}),
    "work-injury grade 3 pension topped up": ("work-injury", {**WI, "outcome": "3", "local_minimum_wage": "7000"}),
    "work-injury grade 2 end date ignored": (
        "work-injury",
        {**WI, "outcome": "2", "employment_end_date": "2024-05-01"},
    ),
    "work-injury grade 5 suitable work": ("work-injury", {**WI, "outcome": "5", "suitable_work_arranged": "yes"}),
    "work-injury grade 6 leaves, no province": (
        "work-injury",
        {**WI, "outcome": "6", "employment_end_date": "2024-05-01"},
    ),
    "work-injury grade 7 leaves, zhejiang": ("work-injury", {**WI, "outcome": "7", **ZJ}),
    "work-injury grade 9 near retirement": ("work-injury", {**WI, "outcome": "9", **ZJ, "years_to_retirement": "3.5"}),
    "work-injury grade 5 uninsured, nothing left": (
        "work-injury",
        {**WI, "outcome": "5", "employer_insured": "no", **ZJ, "years_to_retirement": "0.5"},
    ),
    "work-injury death": ("work-injury", {**WI, "outcome": "death", "death_date": "2024-03-01"}),
    "work-injury death, income entered": (
        "work-injury",
        {**WI, "outcome": "death", "death_date": "2040-03-01", "national_urban_income": "90000"},
    ),
    "work-injury zero average wage": ("work-injury", {**WI, "local_average_monthly_wage": "0"}),
    "work-injury no provincial standard yet": (
        "work-injury",
        {**WI, "outcome": "8", "employment_end_date": "2017-05-01", "province": "33"},
    ),
    "work-injury provincial average missing": (
        "work-injury",
        {**WI, "outcome": "8", "employment_end_date": "2024-05-01", "province": "33"},
    ),
    "work-injury death without a date": ("work-injury", {**WI, "outcome": "death"}),
    "work-injury death, income not recorded": ("work-injury", {**WI, "outcome": "death", "death_date": "2040-03-01"}),
    "sick-leave three months": ("sick-leave", SICK),
    "sick-leave nine months": ("sick-leave", {**SICK, "total_work_years": "12", "years_with_employer": "6"}),
    "sick-leave pay without months": ("sick-leave", {**SICK, "sick_pay_paid": "1200"}),
    "sick-leave months without pay": ("sick-leave", {**SICK, "sick_months": "2"}),
    "sick-leave shortfall": ("sick-leave", {**SICK, "sick_pay_paid": "1200", "sick_months": "2"}),
    "sick-leave no shortfall": ("sick-leave", {**SICK, "sick_pay_paid": "1800", "sick_months": "2"}),
    "sick-leave beyond the medical period": ("sick-leave", {**SICK, "sick_pay_paid": "1000", "sick_months": "4.5"}),
    "sick-leave more years here than in all": (
        "sick-leave",
        {**SICK, "total_work_years": "3", "years_with_employer": "8"},
    ),
    "non-compete 30 percent": ("non-compete", NC),
    "non-compete minimum wage": (
        "non-compete",
        {"average_monthly_wage": "5000", "months_observed": "6", "local_minimum_wage": "2000"},
    ),
    "non-compete agreed": ("non-compete", {**NC, "agreed_monthly_compensation": "4000"}),
    "non-compete released": ("non-compete", {**NC, "months_observed": "7.5", "released_by_employer": "yes"}),
    "non-compete zero months": ("non-compete", {**NC, "months_observed": "0"}),
    "service-period cap": ("service-period-penalty", {**SP, "left_on": "2025-06-30"}),
    "service-period art 38": ("service-period-penalty", {**SP, "left_on": "2025-06-30", "resigned_under_art38": "yes"}),
    "service-period agreed below the cap": (
        "service-period-penalty",
        {**SP, "left_on": "2025-06-30", "agreed_penalty": "3000"},
    ),
    "service-period agreed above the cap": (
        "service-period-penalty",
        {**SP, "left_on": "2025-06-30", "agreed_penalty": "30000"},
    ),
    "service-period served out": (
        "service-period-penalty",
        {**SP, "service_end_date": "2024-12-31", "left_on": "2025-06-30"},
    ),
    "service-period dates reversed": (
        "service-period-penalty",
        {**SP, "service_end_date": "2023-12-31", "left_on": "2023-06-30"},
    ),
    "probation three-year contract": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-09-15", "contract_end_date": "2026-12-31"},
    ),
    "probation within the limit": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-02-29", "contract_end_date": "2024-12-31"},
    ),
    "probation one-year contract": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-03-31", "contract_end_date": "2024-12-31"},
    ),
    "probation six-month contract": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-03-31", "contract_end_date": "2024-06-30"},
    ),
    "probation two-month contract": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-01-31", "contract_end_date": "2024-02-29"},
    ),
    "probation open-ended": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-08-10", "contract_kind": "open_ended"},
    ),
    "probation task contract": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-02-10", "contract_kind": "task"},
    ),
    "probation a second time": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-02-10", "contract_end_date": "2026-12-31", "earlier_probation": "yes"},
    ),
    "probation served before the start, no end date": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2023-12-10"},
    ),
    "probation end before the start": (
        "unlawful-probation",
        {**PR, "probation_served_until": "2024-02-10", "contract_end_date": "2023-12-31"},
    ),
}


@pytest.mark.parametrize("label", list(CASES))
def test_english_page_shows_no_chinese(client, label):
    name, data = CASES[label]
    assert chinese_left(client, name, data) == []


@pytest.mark.parametrize(
    "call",
    [
        # Limits the form checks first (the fields' maxima), so only the library's other callers see these.
        lambda: work_injury(
            monthly_wage=Decimal(8000), local_average_monthly_wage=Decimal(6000), stoppage_months=Decimal(25)
        ),
        lambda: non_compete(average_monthly_wage=Decimal(8000), months_observed=Decimal(25)),
    ],
    ids=["work-injury suspension too long", "non-compete too long"],
)
def test_errors_only_the_library_raises_read_in_english(call):
    with pytest.raises(CalculatorInputError) as caught:
        call()
    with translation.override("en"):
        messages = [str(translate_stored(error["message"])) for error in caught.value.fields]
    assert messages and not any(CJK.search(m) for m in messages), messages


def _last(client, name, data):
    result, errors = english_result(client, name, data)
    assert errors == []
    return result["steps"][-1]


def test_work_injury_in_english(client):
    result, _ = english_result(client, "work-injury", {**WI, "outcome": "9", **ZJ, "years_to_retirement": "3.5"})
    texts = [step["text"] for step in result["steps"]]
    assert texts[3] == (
        "One-off disability employment subsidy: grade 9 disability, 4 months × 7000.00 yuan = 28000.00 yuan; "
        "3.5 year(s) before the statutory retirement age, fewer than 5: less 20% for each year of age gained, so 60% "
        "is paid: 16800.00 yuan (a part year counts as a year; to be verified) (paid by the employer)"
    )
    assert result["steps"][3]["basis"] == (
        "Regulation on Work-Related Injury Insurance, art. 37 item (2); "
        "Zhejiang Regulation on Work-Related Injury Insurance (amended 2020), art. 27 para. 2"
    )


def test_work_injury_values_read_in_english(client):
    result, _ = english_result(client, "work-injury", {**WI, "outcome": "death", "death_date": "2024-03-01"})
    assert [step["value"] for step in result["steps"]][3] == "Calculated separately"
    uninsured, _ = english_result(client, "work-injury", {**WI, "employer_insured": "no"})
    assert uninsured["steps"][0]["value"] == "Employer"


def test_sick_leave_in_english(client):
    assert _last(client, "sick-leave", {**SICK, "sick_pay_paid": "1200", "sick_months": "2"})["text"] == (
        "Sick pay shortfall to be paid = 400.00 yuan × 2 = 800.00 yuan, rounded to the fen"
    )
    _, errors = english_result(client, "sick-leave", {**SICK, "total_work_years": "3", "years_with_employer": "8"})
    assert errors == ["Years with this employer cannot be more than the total years of work, which include them"]


def test_non_compete_in_english(client):
    result, _ = english_result(client, "non-compete", {**NC, "released_by_employer": "yes"})
    assert result["steps"][-2]["text"] == (
        "The employer ended the non-compete agreement before its term ran out, so three more months of compensation "
        "are owed: 3 × 3000.00 yuan = 9000.00 yuan"
    )


def test_service_period_in_english(client):
    result, _ = english_result(client, "service-period-penalty", {**SP, "left_on": "2025-06-30"})
    assert result["steps"][1]["text"] == (
        "Service period 2024-01-01 to 2026-12-31, 1096 days; left on 2025-06-30, 549 day(s) not served; share of the "
        "training costs = 12000.00 yuan × 549 ÷ 1096 = ≈6010.9489 yuan (shared by calendar days: this calculator's "
        "reading)"
    )


def test_probation_in_english(client):
    data = {**PR, "probation_served_until": "2024-09-15", "contract_end_date": "2026-12-31"}
    result, _ = english_result(client, "unlawful-probation", data)
    first, _, excess, _ = result["steps"]
    assert (first["text"], first["value"]) == (
        "Term of the labour contract: 2024-01-01 to 2026-12-31 (first and last day both counted), "
        "3 year(s) 0 month(s) 0 day(s) in all",
        "3 year(s) 0 month(s) 0 day(s)",
    )
    # The page's basis is HTML (each citation the library holds is a link): compare the words it shows.
    assert (
        html.unescape(strip_tags(excess["basis"]))
        == "Labour Contract Law, art. 83 (a part month counted by calendar days: this calculator's reading)"
    )
    chinese = client.post(reverse("calculators:calculator", args=["unlawful-probation"]), data)
    assert (
        chinese.context["result"]["steps"][2]["basis"]
        == "《劳动合同法》第八十三条（不足一个月的按日历天数折算，系本计算口径）"
    )


def test_values_kept_with_a_claim_show_in_english_on_the_case_page(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    data = {**WI, "outcome": "death", "death_date": "2024-03-01"}
    client.post(reverse("calculators:add_to_case", args=["work-injury", case.pk]), data)
    item = ClaimItem.objects.get(case=case, type=ClaimType.WORK_INJURY)
    assert item.explanation[3]["value"] == "另计"  # what documents print
    detail = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Calculated separately</td>" in detail
    assert "One-off death grant: 20 times the national per capita disposable income" in detail
    chinese = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>另计</td>" in chinese
