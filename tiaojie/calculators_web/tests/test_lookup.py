import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tiaojie.calculators.core import CalculatorInputError
from tiaojie.calculators.registry import calculate
from tiaojie.calculators_web.lookup import calculate_with_tables, wage_standard
from tiaojie.calculators_web.models import LocalWageStandard

from .factories import CITY, COUNTY, OTHER_CITY, PROVINCE, wage_row

pytestmark = pytest.mark.django_db

MIN = LocalWageStandard.Kind.MINIMUM_MONTHLY
AVG = LocalWageStandard.Kind.AVERAGE_MONTHLY
D = dt.date.fromisoformat


@pytest.fixture
def jiangsu():
    return {
        "province_old": wage_row(PROVINCE, MIN, "2021-08-01", "1800.00", source="江苏省文件一"),
        "province_new": wage_row(PROVINCE, MIN, "2024-01-01", "2010.00", source="江苏省文件二"),
        "city_old": wage_row(CITY, MIN, "2021-08-01", "2280.00", source="南京市文件一"),
        "city_new": wage_row(CITY, MIN, "2024-01-01", "2490.00", source="南京市文件二", note="第一档"),
        "city_avg": wage_row(CITY, AVG, "2023-07-01", "11000.00", source="南京市平均工资公告"),
    }


def test_latest_row_on_or_before_the_date_for_the_city(jiangsu):
    assert wage_standard(MIN, CITY, D("2024-06-30")) == jiangsu["city_new"]
    assert wage_standard(MIN, CITY, D("2024-01-01")) == jiangsu["city_new"]  # the effective day itself counts
    assert wage_standard(MIN, CITY, D("2023-12-31")) == jiangsu["city_old"]


def test_a_county_or_township_is_looked_up_by_its_city(jiangsu):
    assert wage_standard(MIN, COUNTY, D("2024-06-30")) == jiangsu["city_new"]
    assert wage_standard(MIN, "320102001", D("2024-06-30")) == jiangsu["city_new"]


def test_a_city_without_rows_falls_back_to_its_province(jiangsu):
    assert wage_standard(MIN, OTHER_CITY, D("2024-06-30")) == jiangsu["province_new"]
    assert wage_standard(MIN, PROVINCE, D("2023-06-30")) == jiangsu["province_old"]


def test_no_row_before_the_date(jiangsu):
    assert wage_standard(MIN, CITY, D("2021-07-31")) is None
    assert wage_standard(AVG, CITY, D("2023-06-30")) is None
    assert wage_standard(AVG, OTHER_CITY, D("2024-06-30")) is None  # the province has no average row


def test_one_row_per_place_kind_and_date(jiangsu):
    with pytest.raises(IntegrityError), transaction.atomic():
        wage_row(CITY, MIN, "2024-01-01", "2500.00")


def test_only_provinces_and_cities_are_offered(jiangsu):
    row = LocalWageStandard(division_id=COUNTY, kind=MIN, effective_from=D("2024-01-01"), amount=1, source="x")
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert "division" in exc.value.message_dict


def test_seeded_rows_name_their_source():
    rows = list(LocalWageStandard.objects.select_related("division"))
    assert len(rows) >= 10
    assert all(row.source and row.amount > 0 and row.division.level in (1, 2) for row in rows)
    shanghai = wage_standard(MIN, "310104", D("2024-06-30"))  # 徐汇区 → 上海市
    assert shanghai is not None and shanghai.amount == Decimal("2690.00") and "2023年7月1日" in shanghai.source
    guangzhou = wage_standard(MIN, "4401", D("2025-03-01"))
    assert guangzhou is not None and guangzhou.amount == Decimal("2500.00") and "粤府函〔2025〕23号" in guangzhou.source
    assert wage_standard(MIN, "3301", D("2024-01-01")).note.startswith("浙江省最低工资分三档")
    assert wage_standard(MIN, "33", D("2024-06-30")) is None  # a tiered province has no province-wide row


# --- calculate_with_tables: the function all three doors share ----------------------------------------------

BASE = {"start_date": "2021-01-01", "end_date": "2024-05-31", "monthly_wage": "1800"}


def test_without_a_place_it_is_the_library(jiangsu):
    assert calculate_with_tables("economic-compensation", BASE) == calculate("economic-compensation", BASE)


def test_fills_local_wages_by_city_and_end_date_and_names_the_source(jiangsu):
    result = calculate_with_tables("economic-compensation", {**BASE, "city_code": CITY})
    explicit = calculate(
        "economic-compensation", {**BASE, "local_minimum_wage": "2490.00", "local_average_monthly_wage": "11000.00"}
    )
    assert result["amount"] == explicit["amount"] == "8715.00"  # 3.5 months × the 2490 floor
    lookups = result["steps"][:2]
    assert result["steps"][2:] == explicit["steps"]
    assert [s["value"] for s in lookups] == ["11000.00", "2490.00"]
    assert [s["basis"] for s in lookups] == ["南京市平均工资公告", "南京市文件二"]
    assert "2024-05-31" in lookups[1]["text"] and "2024-01-01 起施行" in lookups[1]["text"]
    assert "第一档" in lookups[1]["text"]


def test_on_date_picks_an_earlier_figure(jiangsu):
    result = calculate_with_tables("economic-compensation", {**BASE, "city_code": CITY, "on_date": "2023-12-31"})
    assert result["steps"][1]["value"] == "2280.00"


def test_explicit_values_win_over_the_tables(jiangsu):
    data = {**BASE, "city_code": CITY, "local_minimum_wage": "2000", "local_average_monthly_wage": ""}
    result = calculate_with_tables("economic-compensation", data)
    assert [s["value"] for s in result["steps"][:1]] == ["11000.00"]
    assert "2490" not in str(result["steps"])
    assert result["amount"] == "7000.00"  # 3.5 × 2000


def test_province_fallback_and_a_missing_average_are_said_in_the_steps(jiangsu):
    result = calculate_with_tables("unlawful-termination", {**BASE, "city_code": "320205"})  # 无锡市锡山区
    missing, found = result["steps"][:2]
    assert "没有当地上年度职工月平均工资" in missing["text"] and "未适用三倍封顶" in missing["text"]
    assert found["value"] == "2010.00" and "适用江苏省的标准" in found["text"]


def test_no_row_before_the_date_is_an_error_on_city_code(jiangsu):
    with pytest.raises(CalculatorInputError) as exc:
        calculate_with_tables("economic-compensation", {**BASE, "city_code": CITY, "on_date": "2020-01-01"})
    assert [f["field"] for f in exc.value.fields] == ["city_code"]
    assert "2020-01-01" in exc.value.fields[0]["message"]


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"city_code": "9999"}, "city_code", "不是有效的行政区划代码"),
        ({"city_code": "abc"}, "city_code", "不是有效的行政区划代码"),
        ({"city_code": CITY, "on_date": "2024-02-30"}, "on_date", "YYYY-MM-DD"),
        ({"on_date": "2024-01-01"}, "on_date", "须与城市代码"),
    ],
)
def test_bad_lookup_input_names_the_field(jiangsu, extra, field, words):
    with pytest.raises(CalculatorInputError) as exc:
        calculate_with_tables("economic-compensation", {**BASE, **extra})
    assert exc.value.fields[0]["field"] == field and words in exc.value.fields[0]["message"]


def test_lookup_and_calculator_errors_come_together(jiangsu):
    with pytest.raises(CalculatorInputError) as exc:
        calculate_with_tables("economic-compensation", {**BASE, "monthly_wage": "abc", "city_code": "9999"})
    assert {f["field"] for f in exc.value.fields} == {"city_code", "monthly_wage"}


def test_a_calculator_without_local_wages_refuses_a_city(jiangsu):
    with pytest.raises(CalculatorInputError) as exc:
        calculate_with_tables("notice-pay", {"last_month_wage": "6500", "city_code": CITY})
    assert exc.value.fields[0]["field"] == "city_code" and "不使用当地工资标准" in exc.value.fields[0]["message"]
