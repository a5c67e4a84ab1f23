"""`tiaojie calc NAME`: the real console script through subprocess (no database needed without a place), and
call_command for lookups, which need the test database."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .factories import CITY, wage_row

# The console script next to this interpreter (.venv/bin/tiaojie); `python -m tiaojie` is the same entry point.
_SCRIPT = Path(sys.executable).with_name("tiaojie")
TIAOJIE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "tiaojie"]
TWO_N = {"start_date": "2005-03-01", "end_date": "2010-08-31", "monthly_wage": "8000"}


def tiaojie_calc(name: str, stdin: str) -> tuple[int, dict]:
    done = subprocess.run(
        [*TIAOJIE, "calc", name],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        timeout=60,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_worked_example_2n_through_the_console_script():
    status, body = tiaojie_calc("unlawful-termination", json.dumps(TWO_N))
    assert status == 0
    assert body["amount"] == "96000.00" and body["months"] == "6"
    assert all(set(step) == {"text", "value", "basis"} for step in body["steps"])
    assert body["rounding"].startswith("全程按精确数值计算")


def test_bad_input_exits_2_with_a_json_error_naming_the_field():
    # (The hours by kind are optional since overtime also takes dates: a bad one is reported, a missing one not.)
    status, body = tiaojie_calc("overtime", '{"monthly_wage": "五千", "weekday_hours": 2, "rest_day_hours": "-1"}')
    assert status == 2
    fields = {f["field"]: f["message"] for f in body["fields"]}
    assert "monthly_wage" in fields and "须为数字" in fields["monthly_wage"]
    assert "rest_day_hours" in fields  # every bad field at once
    assert body["error"].startswith("输入有误")


def test_unknown_name_exits_2():
    status, body = tiaojie_calc("severance", "{}")
    assert status == 2 and body["fields"][0]["field"] == "name" and "severance" in body["error"]


def test_not_json_exits_2():
    status, body = tiaojie_calc("notice-pay", "{not json")
    assert status == 2 and "不是有效的 JSON" in body["error"] and body["fields"] == []


def run_command(name: str, payload: object) -> tuple[int, dict]:
    out = io.StringIO()
    status = 0
    try:
        call_command("calc", name, stdin=io.StringIO(json.dumps(payload)), stdout=out)
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, json.loads(out.getvalue())


@pytest.mark.django_db
def test_city_code_fills_local_wages_from_the_tables():
    wage_row(CITY, "minimum_monthly", "2024-01-01", "2490.00", source="南京市文件")
    status, body = run_command(
        "economic-compensation",
        {"start_date": "2023-01-01", "end_date": "2024-06-30", "monthly_wage": "2000", "city_code": CITY},
    )
    assert status == 0
    assert body["amount"] == "4980.00"  # 1 year 6 months → 2 months × 2490 (the floor)
    # No average row: said so first; then the minimum wage row with its source.
    assert [s["basis"] for s in body["steps"][:2]] == ["当地工资标准表（管理员维护）", "南京市文件"]
    assert body["steps"][1]["value"] == "2490.00"


@pytest.mark.django_db
def test_city_code_with_no_row_exits_2():
    status, body = run_command(
        "economic-compensation",
        {"start_date": "2023-01-01", "end_date": "2024-06-30", "monthly_wage": "2000", "city_code": "3202"},
    )
    assert status == 2 and body["fields"][0]["field"] == "city_code"
