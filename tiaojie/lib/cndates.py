"""Dates written the way Chinese official documents write them: 二〇二六年三月十日 (GB/T 9704 uses Arabic
numerals for the 成文日期 of government documents, but mediation and court practice, and the forms issued by
the arbitration institutes, write the date in Chinese numerals with 〇 for zero in the year)."""

from __future__ import annotations

import datetime as dt

from tiaojie.lib.workdays import LEGAL_TZ

_DIGITS = "〇一二三四五六七八九"


def _number(n: int) -> str:
    """1..31 as read: 十, 十一, 二十, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_number(n: int) -> str:
    """0..999 as a document writes a count of days: 十五, 三十, 一百零五."""
    if not 0 <= n <= 999:
        raise ValueError(f"out of range: {n}")
    if n < 100:
        return _number(n)
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return f"{_DIGITS[hundreds]}百"
    tail = ("零" + _DIGITS[rest]) if rest < 10 else ("一" + _number(rest) if rest < 20 else _number(rest))
    return f"{_DIGITS[hundreds]}百{tail}"


def chinese_date(day: dt.date) -> str:
    """2026-03-10 → 二〇二六年三月十日."""
    year = "".join(_DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{_number(day.month)}月{_number(day.day)}日"


def chinese_datetime(moment: dt.datetime) -> str:
    """An aware datetime in Beijing time (whatever TIME_ZONE says: a legal document states Beijing time):
    二〇二六年三月十日 14:30."""
    local = moment.astimezone(LEGAL_TZ)
    return f"{chinese_date(local.date())} {local:%H:%M}"
