"""cli.run: exit 0 with the result, exit 2 with {"error", "fields"}; Chinese stays readable."""

import json

from tiaojie.calculators.cli import main, run


def test_success():
    status, output = run(
        "overtime", '{"monthly_wage": 5000, "weekday_hours": 2, "rest_day_hours": 0, "holiday_hours": 0}'
    )
    assert status == 0
    result = json.loads(output)
    assert result["amount"] == "86.21"
    assert "小时工资" in output  # ensure_ascii=False


def test_json_numbers_keep_their_digits():
    status, output = run("notice-pay", '{"last_month_wage": 6500.10}')
    assert (status, json.loads(output)["amount"]) == (0, "6500.10")


def test_bad_field():
    status, output = run("notice-pay", '{"last_month_wage": "-5"}')
    assert status == 2
    error = json.loads(output)
    assert set(error) == {"error", "fields"}
    assert error["fields"][0]["field"] == "last_month_wage"
    assert "负数" in output


def test_not_json():
    status, output = run("notice-pay", "{last_month_wage: 1}")
    assert status == 2
    assert json.loads(output)["fields"] == []


def test_nan_is_refused():
    status, _output = run("notice-pay", '{"last_month_wage": NaN}')
    assert status == 2


def test_unknown_calculator():
    status, output = run("nope", "{}")
    assert status == 2
    assert json.loads(output)["fields"][0]["field"] == "name"


def test_main_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO('{"last_month_wage": "6500"}'))
    assert main(["notice-pay"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "6500.00"
