"""加班费: 150 / 200 / 300% of monthly ÷ 174, rounded once at the end."""

from decimal import Decimal

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def overtime(wage="5000", weekday=0, rest=0, holiday=0):
    return calculate(
        "overtime",
        {"monthly_wage": wage, "weekday_hours": weekday, "rest_day_hours": rest, "holiday_hours": holiday},
    )


def test_worked_example_weekday_two_hours():
    result = overtime(weekday=2)
    assert result["amount"] == "86.21"
    assert result["hourly_wage"].startswith("28.7356321839")


def test_rates_per_kind_of_day():
    # 17400 / 174 = 100 yuan an hour keeps the arithmetic visible.
    assert overtime("17400", weekday=1)["amount"] == "150.00"
    assert overtime("17400", rest=1)["amount"] == "200.00"
    assert overtime("17400", holiday=1)["amount"] == "300.00"
    assert overtime("17400", weekday="1.5", rest=2, holiday=3)["amount"] == "1525.00"


def test_no_intermediate_rounding():
    # Rounding each part first would give 28.74 × 1.5 × 3 = 129.33; exact arithmetic gives 129.31.
    assert overtime(weekday=3)["amount"] == "129.31"


def test_steps_cite_article_44_and_the_21_75_rule():
    bases = [step["basis"] for step in overtime(weekday=1, rest=1, holiday=1)["steps"]]
    assert "劳社部发〔2008〕3号" in bases[0]
    assert any("第四十四条第（一）项" in b for b in bases)
    assert any("第四十四条第（二）项" in b for b in bases)
    assert any("第四十四条第（三）项" in b for b in bases)


def test_negative_hours_name_the_field():
    with pytest.raises(CalculatorInputError) as error:
        overtime(rest=-1)
    assert error.value.fields == [{"field": "rest_day_hours", "message": error.value.fields[0]["message"]}]
    assert "rest_day_hours" in error.value.fields[0]["message"]
    assert "负数" in error.value.fields[0]["message"]


# --- by date: each day classified by the caller's calendar (issue 14 item 3) -------------------------------

import datetime as dt  # noqa: E402

from tiaojie.calculators.overtime import CalendarDay, DayKind, parse_days_worked  # noqa: E402

D = dt.date
KINDS = {
    D(2026, 10, 1): CalendarDay(DayKind.STATUTORY_HOLIDAY, "国庆节"),
    D(2026, 10, 4): CalendarDay(DayKind.SHIFTED_REST_DAY, "国庆节"),
    D(2026, 10, 10): CalendarDay(DayKind.SHIFTED_WORKING_DAY, "国庆节"),
    D(2026, 10, 17): CalendarDay(DayKind.REST_DAY),
    D(2026, 3, 3): CalendarDay(DayKind.WORKING_DAY),
}


def by_date(text, kinds=KINDS, wage="17400"):
    return calculate("overtime", {"monthly_wage": wage, "days_worked": text}, context={"day_kinds": kinds})


def test_each_day_takes_its_kinds_rate():
    # 100 yuan an hour: 8 × 300 + 6 × 200 + 2 × 150 + 3 × 200 + 2 × 150.
    result = by_date("2026-10-01 8；2026-10-04 6；2026-10-10 2；2026-10-17 3；2026-03-03 2")
    assert result["amount"] == "4800.00"
    texts = [s["text"] for s in result["steps"]]
    assert texts[1] == "2026-03-03（周二，工作日）：2 小时 × 150%（工作日延长工作时间）× 小时工资 = 300.00 元"
    assert texts[2] == "2026-10-01（周四，国庆节，法定节假日）：8 小时 × 300%（法定休假日工作）× 小时工资 = 2400.00 元"
    assert texts[3] == (
        "2026-10-04（周日，国庆节假期中的调休休息日，不是法定节假日）：6 小时 × 200%（休息日工作且未安排补休）"
        "× 小时工资 = 1200.00 元"
    )
    assert texts[4].startswith("2026-10-10（周六，国庆节调休上班日，按工作日计）：2 小时 × 150%")
    assert texts[5].startswith("2026-10-17（周六，休息日）：3 小时 × 200%")
    assert texts[6] == "共 5 天：工作日延长 4 小时，休息日 9 小时，法定节假日 8 小时"
    bases = [s["basis"] for s in result["steps"]]
    assert bases[2] == "《劳动法》第四十四条第（三）项；《全国年节及纪念日放假办法》第二条"
    assert bases[3] == "《劳动法》第四十四条第（二）项"
    assert bases[4] == "《劳动法》第四十四条第（一）项"


def test_the_entry_formats_a_phone_user_types():
    entries, errors = parse_days_worked("2026-10-01 8\n2026/10/04 6小时，2026年3月3日：2.5；")
    assert errors == []
    assert entries == [(D(2026, 10, 1), 8), (D(2026, 10, 4), 6), (D(2026, 3, 3), Decimal("2.5"))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10月1日 8", "第 1 项“10月1日 8”应写成“2026-10-01 8”：日期、空格、小时数"),
        ("2026-02-30 8", "第 1 项“2026-02-30 8”的日期不存在"),
        ("2026-10-01 25", "第 1 项“2026-10-01 25”：每天的小时数须大于 0、不超过 24，最多两位小数"),
        ("2026-10-01 0", "第 1 项“2026-10-01 0”：每天的小时数须大于 0、不超过 24，最多两位小数"),
        ("2026-10-01 8；2026-10-01 2", "2026-10-01 填写了两次，请合并为一项"),
        ("；", "请按日期填写加班日期和时数，如“2026-10-01 8；2026-10-04 6”"),
    ],
)
def test_unreadable_entries_are_refused_one_by_one(text, message):
    with pytest.raises(CalculatorInputError) as error:
        by_date(text)
    assert [f["message"] for f in error.value.fields] == [message]
    assert error.value.fields[0]["field"] == "days_worked"


def test_a_date_outside_the_calendar_is_refused_never_guessed():
    with pytest.raises(CalculatorInputError) as error:
        by_date("2026-10-01 8；2099-10-01 8")
    assert error.value.fields[0]["message"].startswith("2099 年的节假日安排尚未录入本系统")
    with pytest.raises(CalculatorInputError) as error:  # the pure library, without any calendar
        calculate("overtime", {"monthly_wage": "17400", "days_worked": "2026-10-01 8"})
    assert "需要节假日安排表" in error.value.fields[0]["message"]


def test_one_mode_or_the_other():
    with pytest.raises(CalculatorInputError, match="二者选一"):
        calculate("overtime", {"monthly_wage": "17400", "days_worked": "2026-10-01 8", "weekday_hours": "1"})
    with pytest.raises(CalculatorInputError, match="请按日期填写加班日期和时数"):
        calculate("overtime", {"monthly_wage": "17400"})
    assert calculate("overtime", {"monthly_wage": "17400", "weekday_hours": "1"})["amount"] == "150.00"
