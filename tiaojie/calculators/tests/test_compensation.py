"""经济补偿 N and 赔偿金 2N, through the public entry point (docs/law.md §7 worked examples first)."""

import re

import pytest

from tiaojie.calculators import CalculatorInputError, calculate
from tiaojie.calculators.compensation import TerminationReason


def n(**data):
    return calculate("economic-compensation", data)


def two_n(**data):
    return calculate("unlawful-termination", data)


# --- worked examples from docs/law.md §7 ----------------------------------------------------------------


def test_six_months_is_one_month():
    result = n(start_date="2024-01-01", end_date="2024-06-30", monthly_wage="6000")
    assert result["amount"] == "6000.00"
    assert result["months"] == "1"
    assert result["base_wage"] == "6000.00"
    assert result["capped"] is False


def test_wage_below_local_minimum_is_raised_to_it():
    result = n(start_date="2021-01-01", end_date="2023-12-31", monthly_wage="1800", local_minimum_wage="2000")
    assert result["amount"] == "6000.00"
    assert result["months"] == "3"
    assert result["base_wage"] == "2000.00"
    assert any("最低工资" in step["text"] and "第二十七条" in step["basis"] for step in result["steps"])


def test_wage_higher_than_three_times_average_is_capped_with_twelve_years():
    result = n(
        start_date="2009-01-01",
        end_date="2023-12-31",
        monthly_wage="20000",
        local_average_monthly_wage="5000",
    )
    assert result["amount"] == "180000.00"
    assert result["months"] == "12"
    assert result["base_wage"] == "15000.00"
    assert result["capped"] is True


def test_wage_exactly_three_times_average_is_not_higher():
    result = n(
        start_date="2009-01-01",
        end_date="2023-12-31",
        monthly_wage="15000",
        local_average_monthly_wage="5000",
    )
    assert result["amount"] == "225000.00"
    assert result["months"] == "15"
    assert result["capped"] is False


def test_two_n_counts_from_the_start_without_the_2008_split():
    result = two_n(start_date="2005-03-01", end_date="2010-08-31", monthly_wage="8000")
    assert result["amount"] == "96000.00"  # 5 years 6 months → 6 months → 2 × 6 × 8000
    assert result["months"] == "6"
    assert any("第二十五条" in step["basis"] for step in result["steps"])


def test_n_plus_one_example():
    # 3 years 2 months at a 6,000 average, last month 6,500, no notice → 21,000 + 6,500 = 27,500.
    compensation = n(start_date="2021-01-01", end_date="2024-02-29", monthly_wage="6000")
    notice = calculate("notice-pay", {"last_month_wage": "6500"})
    assert compensation["months"] == "3.5"
    assert compensation["amount"] == "21000.00"
    assert notice["amount"] == "6500.00"


# --- counting service at its edges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-01-01", "2024-01-01", "0.5"),  # a single day still earns half a month
        ("2024-03-01", "2024-08-30", "0.5"),  # 5 months 30 days
        ("2024-03-01", "2024-08-31", "1"),  # 6 months
        ("2024-01-01", "2024-06-29", "0.5"),
        ("2023-08-31", "2024-02-28", "0.5"),  # month-end start: 5 months 29 days
        ("2023-08-31", "2024-02-29", "1"),  # ... and six months on 29 February
        ("2024-02-29", "2025-02-28", "1"),  # a year from 29 February
        ("2024-02-29", "2025-03-01", "1.5"),
        ("2020-01-01", "2022-12-31", "3"),
        ("2020-01-01", "2023-01-01", "3.5"),  # one day past three years
        ("2020-01-01", "2023-06-30", "4"),  # three years six months
        ("2020-01-31", "2023-07-30", "4"),
        ("2020-01-31", "2023-07-29", "3.5"),
    ],
)
def test_service_boundaries(start, end, months):
    assert n(start_date=start, end_date=end, monthly_wage="1000")["months"] == months


def test_half_months_round_only_the_total():
    result = n(start_date="2024-01-01", end_date="2024-03-31", monthly_wage="1234.57")
    assert result["months"] == "0.5"
    assert result["amount"] == "617.29"  # 617.285 rounded half up


def test_cap_limits_years_only_when_the_wage_is_capped():
    capped = n(
        start_date="2019-01-01",
        end_date="2023-12-31",
        monthly_wage="20000",
        local_average_monthly_wage="5000",
    )
    assert (capped["amount"], capped["months"], capped["capped"]) == ("75000.00", "5", True)
    one_cent_over = n(
        start_date="2009-01-01",
        end_date="2023-12-31",
        monthly_wage="15000.01",
        local_average_monthly_wage="5000",
    )
    assert (one_cent_over["amount"], one_cent_over["capped"]) == ("180000.00", True)


# --- service before 2008 (劳部发〔1994〕481号 via 劳动合同法 art 97) -------------------------------------


@pytest.mark.parametrize(
    ("reason", "amount", "months"),
    [
        # pre-2008 2 y 10 m → 3 months (part-year counts as a year); post 2 y 8 m → 3 months
        ("employer_proposed_mutual", "48000.00", "6"),
        ("art40", "48000.00", "6"),
        ("art41", "48000.00", "6"),
        ("employee_resigned_art38", "48000.00", "6"),
        ("bankruptcy_or_closure", "48000.00", "6"),
        ("contract_expired", "24000.00", "3"),  # expiry earned nothing before 2008
    ],
)
def test_pre2008_split_by_reason(reason, amount, months):
    result = n(start_date="2005-03-01", end_date="2010-08-31", monthly_wage="8000", termination_reason=reason)
    assert (result["amount"], result["months"]) == (amount, months)
    assert any("第九十七条第三款" in step["basis"] for step in result["steps"])


@pytest.mark.parametrize(
    ("reason", "amount"),
    [
        ("employer_proposed_mutual", "65000.00"),  # 18 pre-2008 years capped at 12 months, + 1 month
        ("art40", "65000.00"),
        ("art41", "95000.00"),  # no cap: 18 + 1
        ("contract_expired", "5000.00"),
    ],
)
def test_pre2008_twelve_month_cap_for_mutual_termination_and_incompetence(reason, amount):
    result = n(start_date="1990-01-01", end_date="2008-06-30", monthly_wage="5000", termination_reason=reason)
    assert result["amount"] == amount


def test_three_times_cap_does_not_touch_the_pre2008_part():
    result = n(
        start_date="1990-01-01",
        end_date="2020-12-31",
        monthly_wage="20000",
        local_average_monthly_wage="5000",
        termination_reason="art41",
    )
    # 18 years × 20,000 before 2008; 13 years from 2008 capped at 12 × 15,000.
    assert result["amount"] == str(18 * 20000 + 12 * 15000) + ".00"
    assert result["months"] == "30"
    assert result["capped"] is True
    assert result["base_wage"] == "15000.00"


def test_pre2008_wage_may_differ_and_defaults_to_the_monthly_wage():
    data = {
        "start_date": "2005-01-01",
        "end_date": "2009-12-31",
        "monthly_wage": "8000",
        "termination_reason": "art41",
    }
    assert n(**data)["amount"] == "40000.00"  # 3 + 2 months × 8,000
    assert n(**data, pre2008_monthly_wage="6000")["amount"] == "34000.00"  # 3 × 6,000 + 2 × 8,000


def test_minimum_wage_floor_applies_to_the_pre2008_part_too():
    result = n(
        start_date="2006-01-01",
        end_date="2009-12-31",
        monthly_wage="1800",
        local_minimum_wage="2000",
        termination_reason="art41",
    )
    assert result["amount"] == "8000.00"  # (2 + 2) × 2,000


def test_employment_ended_before_2008():
    result = n(start_date="2005-01-01", end_date="2007-06-30", monthly_wage="3000", termination_reason="art41")
    assert result["amount"] == "9000.00"  # 2 years 6 months → 3 years under the then rules
    assert result["capped"] is False


def test_default_reason_is_art40():
    result = n(start_date="2024-01-01", end_date="2024-06-30", monthly_wage="6000")
    assert "无过失性辞退（第四十条" in result["steps"][0]["text"]
    assert result["steps"][0]["value"] == "应支付经济补偿"  # not the key "art40" (issue 13 item 10)
    assert "第四十六条第（三）项" in result["steps"][0]["basis"]


@pytest.mark.parametrize("reason", [r.value for r in TerminationReason])
def test_every_reason_gives_n_after_2008_and_cites_article_46(reason):
    result = n(start_date="2015-01-01", end_date="2020-06-30", monthly_wage="7000", termination_reason=reason)
    assert result["amount"] == "42000.00"
    assert "《劳动合同法》第四十六条" in result["steps"][0]["basis"]


# --- 2N --------------------------------------------------------------------------------------------------


def test_two_n_with_the_cap_and_the_floor():
    capped = two_n(
        start_date="2009-01-01",
        end_date="2023-12-31",
        monthly_wage="20000",
        local_average_monthly_wage="5000",
    )
    assert (capped["amount"], capped["months"], capped["capped"]) == ("360000.00", "12", True)
    floored = two_n(start_date="2021-01-01", end_date="2023-12-31", monthly_wage="1800", local_minimum_wage="2000")
    assert floored["amount"] == "12000.00"


def test_two_n_ignores_the_pre2008_rules_of_contract_expiry():
    result = two_n(
        start_date="2005-03-01",
        end_date="2010-08-31",
        monthly_wage="8000",
        termination_reason="contract_expired",
    )
    assert result["amount"] == "96000.00"


def test_two_n_needs_an_end_from_2008():
    with pytest.raises(CalculatorInputError) as error:
        two_n(start_date="2005-03-01", end_date="2007-12-31", monthly_wage="8000")
    assert error.value.fields[0]["field"] == "end_date"


def test_two_n_rejects_pre2008_wage():
    with pytest.raises(CalculatorInputError) as error:
        two_n(start_date="2005-03-01", end_date="2010-08-31", monthly_wage="8000", pre2008_monthly_wage="1")
    assert error.value.fields[0]["field"] == "pre2008_monthly_wage"


# --- the shape of every result ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["economic-compensation", "unlawful-termination"])
def test_steps_cite_an_instrument_and_rounding_is_stated(name):
    result = calculate(
        name,
        {
            "start_date": "2005-03-01",
            "end_date": "2020-08-31",
            "monthly_wage": "30000",
            "local_average_monthly_wage": "5000",
            "local_minimum_wage": "2000",
        },
    )
    assert result["steps"]
    for step in result["steps"]:
        assert set(step) == {"text", "value", "basis"}
        assert re.match(r"《[^》]+》(（[^）]+）)?第", step["basis"]), step["basis"]
        assert step["text"]
    assert "四舍五入" in result["rounding"] and "0.01" in result["rounding"]


def test_two_n_is_not_for_a_worker_who_resigned_under_article_38():
    with pytest.raises(CalculatorInputError) as error:
        two_n(
            start_date="2015-01-01",
            end_date="2020-06-30",
            monthly_wage="7000",
            termination_reason="employee_resigned_art38",
        )
    assert error.value.fields[0]["field"] == "termination_reason"
