"""工伤待遇: 工伤保险条例 arts 33, 35–37, 39, 62, 64 and the Zhejiang table of 浙江省工伤保险条例 art 27."""

import datetime as dt
from decimal import Decimal

import pytest

from tiaojie.calculators import CalculatorInputError, calculate
from tiaojie.calculators.work_injury import GRADES, NATIONAL_URBAN_INCOME, provincial_standard

BASE = {"monthly_wage": "8000", "local_average_monthly_wage": "6000"}


def run(**extra):
    return calculate("work-injury", {**BASE, **extra})


def errors(**extra):
    with pytest.raises(CalculatorInputError) as error:
        run(**extra)
    return {f["field"]: f["message"] for f in error.value.fields}


@pytest.mark.parametrize(
    ("grade", "months"), [(1, 27), (2, 25), (3, 23), (4, 21), (5, 18), (6, 16), (7, 13), (8, 11), (9, 9), (10, 7)]
)
def test_lump_sum_by_grade(grade, months):
    result = run(outcome=str(grade), suitable_work_arranged="yes")
    assert result["amount"] == f"{months * 8000}.00"
    assert GRADES[grade].lump_sum_months == months
    assert any(f"{months} 个月的本人工资" in s["text"] for s in result["steps"])


@pytest.mark.parametrize(
    ("wage", "base"),
    [
        ("18000", "18000.00"),  # exactly 300 %: not above it
        ("18000.01", "18000.00"),  # above 300 %: capped
        ("3600", "3600.00"),  # exactly 60 %
        ("3599.99", "3600.00"),  # below 60 %: raised
        ("1000", "3600.00"),
    ],
)
def test_wage_bounded_at_60_and_300_percent_of_the_local_average(wage, base):
    result = calculate("work-injury", {**BASE, "monthly_wage": wage, "outcome": "10"})
    assert result["wage_base"] == base
    assert result["amount"] == f"{Decimal(base) * 7:.2f}"
    assert "第六十四条第二款" in result["steps"][0]["basis"]


def test_stoppage_pay_is_the_original_wage_unbounded_paid_by_the_employer():
    result = calculate(
        "work-injury", {**BASE, "monthly_wage": "30000", "stoppage_months": "2", "original_monthly_wage": "30000"}
    )
    # 300 % cap is 18,000 but 停工留薪期 keeps the original 30,000 (art 33 ¶1).
    assert result["amount"] == "60000.00"
    assert result["employer_pays"] == "60000.00" and result["fund_pays"] == "0.00"


def test_stoppage_beyond_12_months_needs_confirmation_and_never_beyond_24():
    steps = run(stoppage_months="12")["steps"]
    assert not any("须经设区的市级劳动能力鉴定委员会确认" in s["text"] for s in steps)
    steps = run(stoppage_months="12.5")["steps"]
    assert any("须经设区的市级劳动能力鉴定委员会确认" in s["text"] for s in steps)
    assert run(stoppage_months="24")["amount"] == "192000.00"
    assert "stoppage_months" in errors(stoppage_months="24.01")


@pytest.mark.parametrize(("grade", "percent"), [(1, 90), (2, 85), (3, 80), (4, 75), (5, 70), (6, 60)])
def test_monthly_disability_allowance(grade, percent):
    result = run(outcome=str(grade))
    assert result["monthly_disability_allowance"] == f"{8000 * percent // 100}.00"
    # Monthly, so not in the one-off total.
    assert result["amount"] == f"{GRADES[grade].lump_sum_months * 8000}.00"
    payer = "工伤保险基金" if grade <= 4 else "用人单位"
    assert any("伤残津贴" in s["text"] and f"由{payer}支付" in s["text"] for s in result["steps"])


def test_grade_5_6_allowance_only_when_no_suitable_work_and_none_for_grade_7():
    assert run(outcome="5", suitable_work_arranged="yes")["monthly_disability_allowance"] is None
    assert run(outcome="7")["monthly_disability_allowance"] is None


def test_allowance_topped_up_to_the_minimum_wage():
    # 60 % × 3,600 (the floor) = 2,160 < 2,490.
    result = calculate("work-injury", {**BASE, "monthly_wage": "3000", "outcome": "6", "local_minimum_wage": "2490"})
    assert result["monthly_disability_allowance"] == "2490.00"
    assert run(outcome="6", local_minimum_wage="4800")["monthly_disability_allowance"] == "4800.00"
    assert run(outcome="6", local_minimum_wage="4799.99")["monthly_disability_allowance"] == "4800.00"


def test_uninsured_employer_pays_everything():
    insured = run(outcome="7", stoppage_months="3")
    assert (insured["fund_pays"], insured["employer_pays"]) == ("104000.00", "24000.00")
    uninsured = run(outcome="7", stoppage_months="3", employer_insured="no")
    assert uninsured["amount"] == insured["amount"] == "128000.00"
    assert (uninsured["fund_pays"], uninsured["employer_pays"]) == ("0.00", "128000.00")
    assert "第六十二条第二款" in uninsured["steps"][0]["basis"]
    assert any("未参加工伤保险，由用人单位支付" in s["text"] for s in uninsured["steps"])


def test_zhejiang_subsidies_on_leaving_grade_7():
    result = run(outcome="7", employment_end_date="2024-06-30", province="33", province_average_monthly_wage="6500")
    # 13 × 8,000 + medical 10 × 6,500 + employment 10 × 6,500.
    assert result["amount"] == "234000.00"
    assert result["fund_pays"] == "169000.00" and result["employer_pays"] == "65000.00"
    assert any("浙江省工伤保险条例" in s["basis"] for s in result["steps"])


@pytest.mark.parametrize(("grade", "months"), [(5, 30), (6, 25), (7, 10), (8, 7), (9, 4), (10, 2)])
def test_zhejiang_months_by_grade(grade, months):
    standard = provincial_standard("33", dt.date(2024, 1, 1))
    assert standard is not None
    assert standard.medical_months[grade] == standard.employment_months[grade] == months


@pytest.mark.parametrize(("years", "percent"), [("5", 100), ("4.99", 80), ("4", 80), ("1", 20), ("0.5", 0)])
def test_zhejiang_employment_subsidy_reduced_near_retirement(years, percent):
    result = run(
        outcome="10",
        employment_end_date="2024-06-30",
        province="33",
        province_average_monthly_wage="6000",
        years_to_retirement=years,
    )
    employment = 2 * 6000 * percent // 100
    assert result["employer_pays"] == f"{employment}.00"
    assert result["amount"] == f"{7 * 8000 + 12000 + employment}.00"


def test_grades_1_to_4_keep_the_relationship_and_no_table_means_no_silent_amount():
    result = run(outcome="3", employment_end_date="2024-06-30", province="33", province_average_monthly_wage="6500")
    assert result["amount"] == "184000.00"  # 23 × 8,000, nothing for leaving
    assert any("保留劳动关系" in s["text"] for s in result["steps"])
    result = run(outcome="7", employment_end_date="2024-06-30")
    assert result["amount"] == "104000.00"
    assert any(s["value"] == "另计" and "具体标准由省级人民政府规定" in s["text"] for s in result["steps"])


def test_zhejiang_needs_the_province_average_and_a_standard_in_force():
    assert "province_average_monthly_wage" in errors(outcome="7", employment_end_date="2024-06-30", province="33")
    message = errors(
        outcome="7", employment_end_date="2017-12-31", province="33", province_average_monthly_wage="6500"
    )["employment_end_date"]
    assert "没有已收录" in message
    assert (
        run(outcome="7", employment_end_date="2018-01-01", province="33", province_average_monthly_wage="1")["amount"]
        == "104020.00"
    )


def test_death_benefits():
    result = run(outcome="death", death_date="2024-05-01")
    # 丧葬补助金 6 × 6,000 + 一次性工亡补助金 20 × 51,821 (2023).
    assert result["amount"] == f"{6 * 6000 + 20 * 51821}.00"
    assert NATIONAL_URBAN_INCOME[2023].amount == Decimal("51821")
    assert any("2023 年" in s["text"] and "待核对" in s["text"] for s in result["steps"])
    # The year before the death decides: 2025-01-01 takes 2024's figure.
    assert run(outcome="death", death_date="2025-01-01")["amount"] == f"{36000 + 20 * 54188}.00"
    assert run(outcome="death", death_date="2024-12-31")["amount"] == f"{36000 + 20 * 51821}.00"


def test_death_outside_the_table_asks_for_the_figure():
    assert "death_date" in errors(outcome="death")
    assert "national_urban_income" in errors(outcome="death", death_date="2031-03-01")
    result = run(outcome="death", death_date="2031-03-01", national_urban_income="60000")
    assert result["amount"] == "1236000.00"


def test_local_average_must_be_positive():
    assert "local_average_monthly_wage" in errors(local_average_monthly_wage="0")


@pytest.mark.parametrize(
    "extra",
    [
        {"outcome": "death", "death_date": "2024-05-01", "stoppage_months": "2"},
        {"outcome": "6", "stoppage_months": "1.5", "employment_end_date": "2024-06-30", "province": "33",
         "province_average_monthly_wage": "6500", "years_to_retirement": "2"},
        {"outcome": "9", "employer_insured": "no", "stoppage_months": "4"},
    ],
)  # fmt: skip
def test_the_payers_add_up_to_the_total(extra):
    result = run(**extra)
    assert Decimal(result["fund_pays"]) + Decimal(result["employer_pays"]) == Decimal(result["amount"])
