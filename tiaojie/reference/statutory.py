"""Which days are statutory holidays (法定节假日) under 《全国年节及纪念日放假办法》, year by year.

The State Council's yearly notice gives each holiday *period* ("1月28日至2月4日放假调休，共8天"); only some days
of it are the statutory days the 办法 lists, the others are weekends and days moved by 调休. The difference is
money: work on a statutory day is paid at 300 %, on any other rest day at 200 % or with time off in lieu
(《劳动法》第四十四条第（二）项、第（三）项; docs/law.md §6). So each version of the 办法 is data here
(`VERSIONS`: from which year it governs, which festival, which days), and the days are computed from it:

* solar festivals (元旦, 劳动节, 国庆节) are fixed dates;
* 清明节 is the day of the solar term 清明, taken from chinese-calendar's solar-term table (computed);
* the lunar festivals (春节 and its 除夕, 端午节, 中秋节) need the lunar calendar, which chinese-calendar does not
  convert: `LUNAR_DATES` gives each year's 正月初一, 端午 and 中秋 (checked against an astronomical lunar
  converter when written, and by the tests against the seeded holiday periods). A year past the table has no
  rule: the entry page then asks the administrator to mark the statutory days themselves.

Pure Python (no models), so the data migration, the loader, the notice parser and the tests share it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The festivals and how each one's days are found: ("solar", month, day) or ("lunar_new_year"|"qingming"|
# "duanwu"|"mid_autumn",), with the offsets (in days) from that anchor that are statutory.
Anchor = tuple[str, int, int] | tuple[str]


@dataclass(frozen=True)
class Festival:
    name: str
    anchor: Anchor
    offsets: tuple[int, ...] = (0,)


@dataclass(frozen=True)
class Version:
    """One text of the 办法, governing the holidays of `first_year` and after (until the next version)."""

    first_year: int
    amendment: str
    festivals: tuple[Festival, ...]

    @property
    def day_count(self) -> int:
        return sum(len(f.offsets) for f in self.festivals)


BANFA = "《全国年节及纪念日放假办法》"
# The article that lists the days for everyone (全体公民放假的节日) in every version (待核对: the text is not among
# the project's).
STATUTORY_BASIS = f"{BANFA}第二条"

NEW_YEAR = Festival("元旦", ("solar", 1, 1))
NATIONAL_DAY = Festival("国庆节", ("solar", 10, 1), (0, 1, 2))
QINGMING = Festival("清明节", ("qingming",))
DUANWU = Festival("端午节", ("duanwu",))
MID_AUTUMN = Festival("中秋节", ("mid_autumn",))

# Each amendment as it changed the list (docs/law.md §6, §13: the texts themselves are not among the
# project's, so each row is 待核对 apart from the 10 → 11 days of 2008, which 劳社部发〔2008〕3号 states).
VERSIONS = (
    # 1999 text (国务院令第270号): 元旦 1, 春节 3 (初一–初三), 劳动节 3, 国庆节 3 = 10 days.
    Version(
        2000,
        "1999年修订，国务院令第270号",
        (
            NEW_YEAR,
            Festival("春节", ("lunar_new_year",), (0, 1, 2)),
            Festival("劳动节", ("solar", 5, 1), (0, 1, 2)),
            NATIONAL_DAY,
        ),
    ),
    # 2007 text (国务院令第513号, from 2008-01-01): 春节 除夕–初二, 清明 1, 劳动节 1, 端午 1, 中秋 1 = 11 days.
    Version(
        2008,
        "2007年修订，国务院令第513号",
        (
            NEW_YEAR,
            Festival("春节", ("lunar_new_year",), (-1, 0, 1)),
            QINGMING,
            Festival("劳动节", ("solar", 5, 1)),
            DUANWU,
            NATIONAL_DAY,
            MID_AUTUMN,
        ),
    ),
    # 2013 text (国务院令第644号, from 2014-01-01): 春节 初一–初三 instead of 除夕–初二; still 11 days.
    Version(
        2014,
        "2013年修订，国务院令第644号",
        (
            NEW_YEAR,
            Festival("春节", ("lunar_new_year",), (0, 1, 2)),
            QINGMING,
            Festival("劳动节", ("solar", 5, 1)),
            DUANWU,
            NATIONAL_DAY,
            MID_AUTUMN,
        ),
    ),
    # 2024 text (国务院令第795号, from 2025-01-01): 春节 除夕–初三 (4), 劳动节 5月1日、2日 (2) = 13 days.
    Version(
        2025,
        "2024年修订，国务院令第795号",
        (
            NEW_YEAR,
            Festival("春节", ("lunar_new_year",), (-1, 0, 1, 2)),
            QINGMING,
            Festival("劳动节", ("solar", 5, 1), (0, 1)),
            DUANWU,
            NATIONAL_DAY,
            MID_AUTUMN,
        ),
    ),
)

# Days a State Council decision made a holiday for everyone outside the 办法 (待核对 whether 300 % applies:
# the decision called it a 放假 day for all; 人社部 answered press questions that it did).
SPECIAL_DAYS = {
    dt.date(2015, 9, 3): (
        "抗战胜利70周年纪念日",
        "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知（待核对）",
    ),
}

# 正月初一, 端午 (五月初五), 中秋 (八月十五) of each year, as Gregorian dates.
LUNAR_DATES: dict[int, tuple[dt.date, dt.date, dt.date]] = {
    year: (dt.date(year, *ny), dt.date(year, *dw), dt.date(year, *ma))
    for year, ny, dw, ma in (
        (2004, (1, 22), (6, 22), (9, 28)),
        (2005, (2, 9), (6, 11), (9, 18)),
        (2006, (1, 29), (5, 31), (10, 6)),
        (2007, (2, 18), (6, 19), (9, 25)),
        (2008, (2, 7), (6, 8), (9, 14)),
        (2009, (1, 26), (5, 28), (10, 3)),
        (2010, (2, 14), (6, 16), (9, 22)),
        (2011, (2, 3), (6, 6), (9, 12)),
        (2012, (1, 23), (6, 23), (9, 30)),
        (2013, (2, 10), (6, 12), (9, 19)),
        (2014, (1, 31), (6, 2), (9, 8)),
        (2015, (2, 19), (6, 20), (9, 27)),
        (2016, (2, 8), (6, 9), (9, 15)),
        (2017, (1, 28), (5, 30), (10, 4)),
        (2018, (2, 16), (6, 18), (9, 24)),
        (2019, (2, 5), (6, 7), (9, 13)),
        (2020, (1, 25), (6, 25), (10, 1)),
        (2021, (2, 12), (6, 14), (9, 21)),
        (2022, (2, 1), (6, 3), (9, 10)),
        (2023, (1, 22), (6, 22), (9, 29)),
        (2024, (2, 10), (6, 10), (9, 17)),
        (2025, (1, 29), (5, 31), (10, 6)),
        (2026, (2, 17), (6, 19), (9, 25)),
        (2027, (2, 6), (6, 9), (9, 15)),
        (2028, (1, 26), (5, 28), (10, 3)),
        (2029, (2, 13), (6, 16), (9, 22)),
        (2030, (2, 3), (6, 5), (9, 12)),
        (2031, (1, 23), (6, 24), (10, 1)),
        (2032, (2, 11), (6, 12), (9, 19)),
        (2033, (1, 31), (6, 1), (9, 8)),
        (2034, (2, 19), (6, 20), (9, 27)),
        (2035, (2, 8), (6, 10), (9, 16)),
    )
}
FIRST_YEAR = VERSIONS[0].first_year
LAST_YEAR = max(LUNAR_DATES)


def version_for(year: int) -> Version | None:
    if year < FIRST_YEAR:
        return None
    return [v for v in VERSIONS if v.first_year <= year][-1]


def _qingming(year: int) -> dt.date:
    from chinese_calendar import get_solar_terms

    days = [day for day, term in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)) if "清明" in str(term)]
    if not days:
        raise LookupError(year)
    return days[0]


def _anchor(anchor: Anchor, year: int) -> dt.date:
    kind = anchor[0]
    if kind == "solar":
        return dt.date(year, anchor[1], anchor[2])  # type: ignore[misc]
    if kind == "qingming":
        return _qingming(year)
    new_year, duanwu, mid_autumn = LUNAR_DATES[year]
    return {"lunar_new_year": new_year, "duanwu": duanwu, "mid_autumn": mid_autumn}[kind]


def has_rule(year: int) -> bool:
    return version_for(year) is not None and year in LUNAR_DATES


def statutory_days(year: int) -> dict[dt.date, str]:
    """Every statutory holiday of `year` with its festival's name; {} for a year without a rule (has_rule).

    除夕 of the coming year's 春节 can fall in the year before only in theory (初一 is never before 21 January),
    so each year's days lie in that year."""
    version = version_for(year)
    if version is None or year not in LUNAR_DATES:
        return {}
    days: dict[dt.date, str] = {}
    for festival in version.festivals:
        anchor = _anchor(festival.anchor, year)
        for offset in festival.offsets:
            day = anchor + dt.timedelta(days=offset)
            # 中秋 on 1 October (2020, 2031) is one day of two festivals: it is named after both.
            days[day] = f"{days[day]}、{festival.name}" if day in days else festival.name
    for day, (name, _basis) in SPECIAL_DAYS.items():
        if day.year == year:
            days[day] = name
    return dict(sorted(days.items()))


def source_for(day: dt.date) -> str:
    """The text that makes `day` a statutory holiday: the 办法's version, or the special decision."""
    if day in SPECIAL_DAYS:
        return SPECIAL_DAYS[day][1]
    version = version_for(day.year)
    return f"{STATUTORY_BASIS}（{version.amendment}）" if version else STATUTORY_BASIS
