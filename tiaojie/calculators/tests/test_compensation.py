"""经济补偿 N and 赔偿金 2N, through the public entry point (docs/law.md §7 worked examples first)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from tiaojie.calculators import CalculatorInputError, calculate
from tiaojie.calculators.compensation import REASONS, TerminationReason, unlawful_termination


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
        ("art40_1", "48000.00", "6"),
        ("art40_2", "48000.00", "6"),
        ("art40_3", "48000.00", "6"),
        ("art41", "48000.00", "6"),
        ("art38_1_1", "48000.00", "6"),
        ("art38_1_2", "48000.00", "6"),
        ("art38_2", "48000.00", "6"),
        # 法释〔2001〕14号 art 15 did not pay for these before 2008
        ("art38_1_3", "24000.00", "3"),
        ("art38_1_4", "24000.00", "3"),
        ("art38_1_5", "24000.00", "3"),
        ("task_completed", "24000.00", "3"),
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
        ("art40_2", "65000.00"),  # incompetence: 481号 art 7 caps
        ("art40_1", "95000.00"),  # illness: 481号 art 6 does not cap
        ("art40_3", "95000.00"),  # objective change: 481号 art 8 does not cap
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


@pytest.mark.parametrize("reason", [r.value for r in TerminationReason if REASONS[r].pays])
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
            "termination_reason": "art40_2",
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


# --- issue 14 item 1: each ground's pre-2008 treatment is a row of data -----------------------------------


def test_every_ground_cites_its_article_for_both_periods():
    for reason, rule in REASONS.items():
        assert re.search(r"第[一二三四五六七八九十]+条", rule.basis), reason
        assert re.search(r"第[一二三四五六七八九十]+条", rule.pre2008_basis), reason


@pytest.mark.parametrize("reason", ["art40", "employee_resigned_art38"])
def test_a_generic_ground_with_pre2008_service_asks_for_the_clause(reason):
    with pytest.raises(CalculatorInputError) as error:
        n(start_date="2007-12-31", end_date="2010-08-31", monthly_wage="8000", termination_reason=reason)
    field = error.value.fields[0]
    assert field["field"] == "termination_reason"
    assert "请选择具体情形" in field["message"]
    # From 2008 on every clause of art 40 (or art 38) gives the same N, so the generic ground is enough.
    assert (
        n(start_date="2008-01-01", end_date="2010-08-31", monthly_wage="8000", termination_reason=reason)["amount"]
        == "24000.00"
    )


def test_service_straddling_2008_counts_one_day_before_as_a_pre2008_year():
    # 2007-12-31 alone is a part-year before 2008 → one month; 2008-01-01..2008-06-30 is six months → one.
    result = n(start_date="2007-12-31", end_date="2008-06-30", monthly_wage="5000", termination_reason="art41")
    assert (result["amount"], result["months"]) == ("10000.00", "2")
    # Under six months after 2008 counts as half a month.
    half = n(start_date="2007-12-31", end_date="2008-06-29", monthly_wage="5000", termination_reason="art41")
    assert (half["amount"], half["months"]) == ("7500.00", "1.5")


@pytest.mark.parametrize(
    ("reason", "amount"),
    [
        # 2 pre-2008 years at the enterprise average 6,000 (481号 art 11 ¶2) + 2 post-2008 months at 4,000
        ("art40_1", "20000.00"),
        ("art40_3", "20000.00"),
        ("art41", "20000.00"),
        # mutual termination and incompetence: no such floor
        ("employer_proposed_mutual", "16000.00"),
        ("art40_2", "16000.00"),
    ],
)
def test_enterprise_average_wage_floor_for_articles_6_8_9(reason, amount):
    result = n(
        start_date="2006-01-01",
        end_date="2009-12-31",
        monthly_wage="4000",
        enterprise_average_monthly_wage="6000",
        termination_reason=reason,
    )
    assert result["amount"] == amount
    texts = " ".join(step["text"] for step in result["steps"])
    assert ("按企业月平均工资计" in texts) == (amount == "20000.00")


def test_enterprise_floor_not_given_is_said_not_silently_skipped():
    result = n(start_date="2006-01-01", end_date="2009-12-31", monthly_wage="4000", termination_reason="art41")
    assert result["amount"] == "16000.00"
    assert any("未填写企业月平均工资" in step["text"] for step in result["steps"])


def test_art38_social_insurance_pays_nothing_for_pre2008_years():
    result = n(start_date="1998-07-01", end_date="2012-06-30", monthly_wage="5000", termination_reason="art38_1_3")
    # 1998-07-01..2007-12-31 → 0 months; 2008-01-01..2012-06-30 = 4 y 6 m → 5 months
    assert (result["amount"], result["months"]) == ("25000.00", "5")
    pre = next(step for step in result["steps"] if "此段计 0 个月" in step["text"])
    assert "法释〔2001〕14号" in pre["basis"]
    paid = n(start_date="1998-07-01", end_date="2012-06-30", monthly_wage="5000", termination_reason="art38_1_2")
    assert paid["amount"] == "75000.00"  # 10 pre-2008 years, uncapped, + 5


def test_the_three_times_cap_with_its_twelve_year_limit_leaves_pre2008_alone():
    result = n(
        start_date="1995-01-01",
        end_date="2021-03-31",
        monthly_wage="30000",
        local_average_monthly_wage="6000",
        termination_reason="art40_2",
    )
    # pre: 13 years capped at 12 months (481号 art 7) × 30,000; post: 13 y 3 m → 13.5 capped at 12 × 18,000
    assert result["amount"] == "576000.00"
    assert result["capped"] is True


# --- issue 14 item 6: art 39, 2N wording, the task-completion end, 代通知金 beside art 40 ------------------


def test_lawful_art39_dismissal_pays_nothing():
    result = n(start_date="2015-01-01", end_date="2020-06-30", monthly_wage="7000", termination_reason="art39")
    assert result["amount"] == "0.00"
    assert "第三十九条" in result["steps"][0]["basis"]
    assert "不支付经济补偿" in result["steps"][0]["text"]
    # Before 2008 no more than after.
    old = n(start_date="2001-01-01", end_date="2020-06-30", monthly_wage="7000", termination_reason="art39")
    assert old["amount"] == "0.00"


def test_unlawful_art39_dismissal_is_2n_with_its_own_wording():
    result = two_n(start_date="2015-01-01", end_date="2020-06-30", monthly_wage="7000", termination_reason="art39")
    assert result["amount"] == "84000.00"
    texts = " ".join(step["text"] for step in result["steps"])
    assert "第三十九条" in texts
    assert "无过失性辞退" not in texts
    assert "第四十条" not in texts


@pytest.mark.parametrize("reason", [r.value for r in TerminationReason if not REASONS[r].art40])
def test_no_2n_or_n_step_names_article_40_for_another_ground(reason):
    data = {"start_date": "2015-01-01", "end_date": "2020-06-30", "monthly_wage": "7000", "termination_reason": reason}
    results = [n(**data)]
    if not REASONS[TerminationReason(reason)].worker_resigned:
        results.append(two_n(**data))
    for result in results:
        texts = " ".join(step["text"] + step["basis"] for step in result["steps"])
        assert "无过失性辞退" not in texts
        assert "第四十条" not in texts


def test_contract_expiry_2n_says_terminated_not_dismissed():
    result = two_n(
        start_date="2015-01-01", end_date="2020-06-30", monthly_wage="7000", termination_reason="contract_expired"
    )
    assert "为由终止劳动合同" in result["steps"][0]["text"]


def test_task_completion_end_pays_n_from_2008_only():
    result = n(start_date="2006-05-01", end_date="2009-04-30", monthly_wage="6000", termination_reason="task_completed")
    assert (result["amount"], result["months"]) == ("9000.00", "1.5")  # 1 y 4 m from 2008 → 1.5; nothing before
    assert "第二十二条" in result["steps"][0]["basis"]
    assert "第四十六条第（七）项" in result["steps"][0]["basis"]


def test_notice_pay_is_shown_beside_an_art40_ground_but_not_added_to_n():
    result = n(
        start_date="2021-01-01",
        end_date="2024-02-29",
        monthly_wage="6000",
        termination_reason="art40_2",
        last_month_wage="6500",
    )
    assert result["amount"] == "21000.00"  # 3.5 months × 6,000: N alone
    assert result["notice_pay"] == "6500.00"
    notice = next(step for step in result["steps"] if "代通知金" in step["text"])
    assert "第四十条" in notice["basis"] and "第二十条" in notice["basis"]
    without = n(start_date="2021-01-01", end_date="2024-02-29", monthly_wage="6000")
    assert "notice_pay" not in without
    assert any(step["value"] == "另计" for step in without["steps"])


def test_notice_pay_is_refused_for_a_ground_other_than_art40():
    with pytest.raises(CalculatorInputError) as error:
        n(
            start_date="2021-01-01",
            end_date="2024-02-29",
            monthly_wage="6000",
            termination_reason="art41",
            last_month_wage="6500",
        )
    assert error.value.fields[0]["field"] == "last_month_wage"
    assert "第四十条" in error.value.fields[0]["message"]


def test_notice_pay_is_refused_together_with_2n():
    # The 2N form has no notice-pay field; a program that passes one is told why (the notice-pay calculator
    # refuses the same combination through its own question, see test_notice_pay.py).
    with pytest.raises(CalculatorInputError) as error:
        unlawful_termination(
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2024, 2, 29),
            monthly_wage=Decimal("6000"),
            last_month_wage=Decimal("6500"),
        )
    assert error.value.fields[0]["field"] == "last_month_wage"
    assert "不再支付代通知金" in error.value.fields[0]["message"]
    ok = two_n(start_date="2021-01-01", end_date="2024-02-29", monthly_wage="6000")
    assert ok["amount"] == "42000.00"
    assert any("不再另付第四十条的代通知金" in step["text"] for step in ok["steps"])
