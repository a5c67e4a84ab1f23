"""Dates in Chinese numerals, as mediation documents write them."""

import datetime as dt

import pytest

from tiaojie.lib.cndates import chinese_date, chinese_datetime


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 10), "二〇二六年三月十日"),
        (dt.date(2026, 12, 31), "二〇二六年十二月三十一日"),
        (dt.date(2020, 10, 20), "二〇二〇年十月二十日"),
        (dt.date(2000, 1, 1), "二〇〇〇年一月一日"),
        (dt.date(2019, 11, 15), "二〇一九年十一月十五日"),
    ],
)
def test_chinese_date(day, expected):
    assert chinese_date(day) == expected


def test_chinese_datetime_is_beijing_time():
    # 16:30 UTC on 9 March is 00:30 on 10 March in Beijing: the day printed is the Beijing day.
    moment = dt.datetime(2026, 3, 9, 16, 30, tzinfo=dt.UTC)
    assert chinese_datetime(moment) == "二〇二六年三月十日 00:30"
