"""Reading the State Council's annual holiday notice (国务院办公厅关于某年部分节假日安排的通知).

The notice has used one phrasing for years, one numbered line per holiday:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
    一、元旦：1月1日（周三）放假1天，不调休。

`parse_notice` turns that into periods (name, first day, last day, which of its days are statutory holidays, from
the rule of reference.statutory) and 调休 working days, and checks what the
text itself lets us check: each stated weekday (周四) against the date, each "共N天" against the period's
length. Anything it cannot read is reported line by line; nothing is guessed. The result is shown to an
administrator for confirmation before anything is saved (reference.views).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from tiaojie.reference.statutory import has_rule, statutory_days

WEEKDAYS = "一二三四五六日"
NOTICE_NUMBER = re.compile(r"国办发明电〔\d{4}〕\d+号")

_LINE = re.compile(r"^\s*[一二三四五六七八九十]+、\s*(?P<name>[^：:]{1,40})[：:](?P<body>.+)$")
# 1月28日（农历除夕、周二） – the year is optional (a 调休 day can fall in the previous December).
_DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日(?:（(?P<{p}note>[^）]*)）)?"
_PERIOD = re.compile(_DATE.format(p="a") + r"(?:至" + _DATE.format(p="b") + r")?放假(?:调休)?(?:(?P<single>\d+)天)?")
_TOTAL = re.compile(r"共(?P<n>\d+)天")
_WORKDAY = re.compile(_DATE.format(p="w"))


@dataclass
class Period:
    """A holiday period: its days off from `first` to `last`, of which `statutory` are the statutory holidays
    (the others are 调休 rest days), and the weekend days worked for it."""

    name: str
    first: dt.date
    last: dt.date
    workdays: list[dt.date] = field(default_factory=list)
    statutory: list[dt.date] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def days_off(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(max(self.days, 0))]

    def with_statutory_days(self) -> Period:
        """This period with its statutory days as the rule of its year gives them (reference.statutory): the
        notice says only "放假调休，共N天"; which of the N days the 办法 lists is known from the rule."""
        rule = statutory_days(self.first.year)
        return replace(self, statutory=[d for d in self.days_off if d in rule])


@dataclass
class ParsedNotice:
    year: int
    periods: list[Period] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Where the rule of statutory days and the periods read disagree (or the year has no rule): shown beside
    # the parsed rows for the administrator to check; a notice pasted in part is not an error.
    warnings: list[str] = field(default_factory=list)

    @property
    def holidays(self) -> list[dt.date]:
        """Every day off (statutory holidays and 调休 rest days)."""
        out: list[dt.date] = []
        for p in self.periods:
            out += p.days_off
        return out

    @property
    def statutory(self) -> list[dt.date]:
        return [d for p in self.periods for d in p.statutory]

    @property
    def workdays(self) -> list[dt.date]:
        return [d for p in self.periods for d in p.workdays]


def _weekday_error(day: dt.date, note: str | None, line_no: int) -> str | None:
    """The notice's own 周X beside a date, checked: a typo in a date shows up as a weekday mismatch."""
    if not note:
        return None
    found = re.search(r"周([一二三四五六日天])", note)
    if not found:
        return None
    stated = "日" if found.group(1) == "天" else found.group(1)
    actual = WEEKDAYS[day.weekday()]
    if stated != actual:
        values = {"line": line_no, "month": day.month, "day": day.day, "year": day.year}
        return _("第%(line)d行：%(month)d月%(day)d日标注为周%(stated)s，但%(year)d年这一天是周%(actual)s") % {
            **values,
            "stated": stated,
            "actual": actual,
        }
    return None


def _date(match: re.Match[str], p: str, year: int, month: int | None, line_no: int) -> tuple[dt.date, int]:
    y = int(match.group(f"{p}y") or year)
    m = int(match.group(f"{p}m") or month or 0)
    if not m:
        raise ValueError(_("第%(line)d行：日期%(date)s没有月份") % {"line": line_no, "date": match.group(0)})
    try:
        return dt.date(y, m, int(match.group(f"{p}d"))), m
    except ValueError:
        raise ValueError(_("第%(line)d行：没有这一天：%(date)s") % {"line": line_no, "date": match.group(0)}) from None


def parse_notice(text: str, year: int) -> ParsedNotice:
    """Periods and 调休 days of `year` from the notice's text (other lines, such as the preamble, are skipped)."""
    result = ParsedNotice(year=year)
    for line_no, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        line = raw.strip().replace(" ", "").replace("　", "")
        matched = _LINE.match(line)
        if not matched or "放假" not in line:
            continue
        name, body = matched.group("name"), matched.group("body")
        period = _PERIOD.search(body)
        if period is None:
            result.errors.append(_("第%(line)d行（%(name)s）：没有读到放假日期") % {"line": line_no, "name": name})
            continue
        try:
            first, month = _date(period, "a", year, None, line_no)
            last = _date(period, "b", first.year, month, line_no)[0] if period.group("bd") else first
        except ValueError as exc:
            result.errors.append(str(exc))
            continue
        if last < first:
            message = _("第%(line)d行（%(name)s）：放假的最后一天早于第一天")
            result.errors.append(message % {"line": line_no, "name": name})
            continue
        for day, p in ((first, "a"), (last, "b")):
            error = _weekday_error(day, period.group(f"{p}note"), line_no)
            if error:
                result.errors.append(error)
        item = Period(name=name, first=first, last=last)
        total = _TOTAL.search(body)
        stated_days = int(total.group("n")) if total else int(period.group("single") or 0)
        if stated_days and stated_days != item.days:
            message = _("第%(line)d行（%(name)s）：写明共%(stated)d天，但日期范围是%(days)d天")
            result.errors.append(message % {"line": line_no, "name": name, "stated": stated_days, "days": item.days})
        # The 调休 working days are in the sentence(s) that end with 上班, after the holiday itself.
        rest = body[period.end() :]
        for sentence in re.split(r"[。；]", rest):
            if not sentence.endswith("上班"):
                continue
            for w in _WORKDAY.finditer(sentence):
                try:
                    day, _month = _date(w, "w", year, None, line_no)
                except ValueError as exc:
                    result.errors.append(str(exc))
                    continue
                error = _weekday_error(day, w.group("wnote"), line_no)
                if error:
                    result.errors.append(error)
                item.workdays.append(day)
        result.periods.append(item.with_statutory_days())
    if not result.periods and not result.errors:
        result.errors.append(_("没有找到“一、元旦：1月1日……放假”这样的条目，请检查粘贴的内容"))
    wrong_year = [p.name for p in result.periods if p.first.year != year]
    if wrong_year:
        result.errors.append(_("%(names)s的日期不在%(year)d年") % {"names": "、".join(wrong_year), "year": year})
    if result.periods and not wrong_year:
        result.warnings = statutory_warnings(year, result.periods)
    return result


def statutory_warnings(year: int, periods: list[Period]) -> list[str]:
    """What the rule and the periods disagree on: a statutory day in no period (the notice and the rule of
    reference.statutory differ: one of them is wrong), or a year the rule does not know yet."""
    if not has_rule(year):
        return [
            _("本系统尚无%(year)d年法定节假日的规则：请在下表“其中法定节假日”一栏逐项填写，其余放假日按调休休息日保存")
            % {"year": year}
        ]
    listed = {d for p in periods for d in p.days_off}
    return [
        _("%(day)s（%(name)s）是法定节假日，但不在通知的任何放假期间内，请核对")
        % {"day": day.isoformat(), "name": name}
        for day, name in statutory_days(year).items()
        if day not in listed
    ]
