"""Input parsing and validation in registry.calculate, and the metadata a form is generated from."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from tiaojie.calculators import CALCULATORS, CalculatorInputError, calculate, metadata

N_INPUT = {"start_date": "2024-01-01", "end_date": "2024-06-30", "monthly_wage": "6000"}


def errors_for(name, data):
    with pytest.raises(CalculatorInputError) as error:
        calculate(name, data)
    return error.value.fields


def test_names():
    assert list(CALCULATORS) == [
        "economic-compensation",
        "unlawful-termination",
        "double-wage",
        "notice-pay",
        "overtime",
        "annual-leave",
        "work-injury",
        "unlawful-probation",
        "open-ended-double-wage",
        "service-period-penalty",
        "non-compete",
        "sick-leave",
        "arbitration-limitation",
    ]


def test_unknown_calculator():
    assert errors_for("severance", {})[0]["field"] == "name"


def test_end_before_start():
    fields = errors_for("economic-compensation", {**N_INPUT, "end_date": "2023-12-31"})
    assert fields[0]["field"] == "end_date"
    assert "end_date" in fields[0]["message"] and "start_date" in fields[0]["message"]


@pytest.mark.parametrize("wage", ["-1", -1, "-0.01"])
def test_negative_wage(wage):
    fields = errors_for("economic-compensation", {**N_INPUT, "monthly_wage": wage})
    assert fields == [
        {"field": "monthly_wage", "message": "解除或者终止前十二个月的月平均工资（monthly_wage）不能为负数"}
    ]


def test_unknown_field():
    fields = errors_for("economic-compensation", {**N_INPUT, "bonus": "1"})
    assert fields[0]["field"] == "bonus"
    assert "未知字段" in fields[0]["message"]


@pytest.mark.parametrize("day", ["2024/06/30", "30-06-2024", "2024-6-30", "20240630", "2024-02-30", 20240630, ""])
def test_dates_in_the_wrong_form(day):
    fields = errors_for("economic-compensation", {**N_INPUT, "end_date": day})
    assert fields[0]["field"] == "end_date"
    assert "end_date" in fields[0]["message"]


def test_missing_required_fields_are_all_named():
    fields = errors_for("economic-compensation", {"monthly_wage": "6000"})
    assert [f["field"] for f in fields] == ["start_date", "end_date"]
    assert all("请填写" in f["message"] for f in fields)


@pytest.mark.parametrize("money", ["abc", "8,000", "NaN", "Infinity", True, None, [], {}, "1e12", "8000.001"])
def test_non_numeric_or_unreasonable_money(money):
    fields = errors_for("notice-pay", {"last_month_wage": money})
    assert fields[0]["field"] == "last_month_wage"
    assert "last_month_wage" in fields[0]["message"]


@pytest.mark.parametrize(
    ("money", "amount"),
    [
        ("6500", "6500.00"),
        (6500, "6500.00"),
        (6500.1, "6500.10"),
        (Decimal("6500.10"), "6500.10"),
        (" 6500 ", "6500.00"),
    ],
)
def test_money_as_string_or_number(money, amount):
    assert calculate("notice-pay", {"last_month_wage": money})["amount"] == amount


def test_float_is_read_through_its_text():
    # 0.1 + 0.2 is 0.30000000000000004 in binary: more than two places, so refused rather than silently cut.
    fields = errors_for("notice-pay", {"last_month_wage": 0.1 + 0.2})
    assert "两位小数" in fields[0]["message"]


def test_negative_hours():
    fields = errors_for(
        "overtime", {"monthly_wage": "5000", "weekday_hours": "-2", "rest_day_hours": 0, "holiday_hours": 0}
    )
    assert fields[0]["field"] == "weekday_hours"


def test_unknown_termination_reason():
    fields = errors_for("economic-compensation", {**N_INPUT, "termination_reason": "fired"})
    assert fields[0]["field"] == "termination_reason"


def test_input_must_be_an_object():
    assert errors_for("notice-pay", ["6500"])[0]["field"] == "__all__"


def test_several_errors_at_once():
    fields = errors_for("economic-compensation", {"start_date": "x", "end_date": "y", "monthly_wage": "z", "q": 1})
    assert {f["field"] for f in fields} == {"q", "start_date", "end_date", "monthly_wage"}


def test_metadata_is_json_and_describes_every_field():
    meta = metadata()
    json.dumps(meta, ensure_ascii=False)
    by_name = {calculator["name"]: calculator for calculator in meta}
    assert by_name["economic-compensation"]["title"] == "经济补偿（N）"
    fields = {f["name"]: f for f in by_name["economic-compensation"]["fields"]}
    assert fields["monthly_wage"] == {
        "name": "monthly_wage",
        "type": "money",
        "label": fields["monthly_wage"]["label"],
        "required": True,
        "nullable": False,
    }
    assert fields["local_average_monthly_wage"]["required"] is False
    assert fields["termination_reason"]["default"] == "art40"
    assert {c["value"] for c in fields["termination_reason"]["choices"]} == {
        "employer_proposed_mutual",
        "employee_resigned_art38",
        "art38_1_1",
        "art38_1_2",
        "art38_1_3",
        "art38_1_4",
        "art38_1_5",
        "art38_2",
        "art39",
        "art40",
        "art40_1",
        "art40_2",
        "art40_3",
        "art41",
        "contract_expired",
        "task_completed",
        "bankruptcy_or_closure",
    }
    assert "pre2008_monthly_wage" in fields
    assert "pre2008_monthly_wage" not in {f["name"] for f in by_name["unlawful-termination"]["fields"]}
    for calculator in meta:
        for field in calculator["fields"]:
            assert field["type"] in {"money", "date", "number", "choice", "text"}
            assert field["label"]


def test_results_are_json_serialisable():
    result = calculate("economic-compensation", N_INPUT)
    text = json.dumps(result, ensure_ascii=False)
    assert json.loads(text) == result


def test_the_package_does_not_import_django():
    # docs/style.md: calculators depend on nothing of ours and not on Django, so any front end can use them.
    code = "import sys, tiaojie.calculators.cli; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
