"""仲裁时效: the last day to apply for arbitration, for one claim (调解仲裁法 art 27; docs/law.md §5a).

Art 27 ¶1: one year from the day the party knew or should have known the right was infringed. ¶2: interrupted
by claiming against the other side, asking an organisation for relief, or the other side agreeing to perform;
the year then runs again "from the interruption". ¶3: suspended (中止) by force majeure or another proper cause
(not computed here: it needs facts a form cannot judge, so a step says so). ¶4: labour pay (劳动报酬) owed while
the employment lasts is not barred; once it ends, the claim must come within a year of the end.

The year is counted as 民法典 arts 201–203 count periods: the start day is not counted, so a year from
2023-03-01 ends on 2024-03-01; a year from 29 February ends on 28 February (art 202: no corresponding day, the
month's last day); a last day that is a rest day moves to the next working day (art 203). The holiday calendar
comes from the caller (this library imports nothing of ours): any object with `is_working_day(day)` and
`covers(day)`, such as lib.workdays.WorkCalendar. Without one only weekends roll and the result is uncertain.

A request for mediation interrupts the limitation for as long as the mediation runs; the year restarts from the
day it ends (`Interruption(until=…)`, or `until=None` while it still runs): reading "from the interruption" as
"from the end of the relief asked for" is the project's reading (本项目口径, docs/law.md §5a). One claimed
against the employer, or its agreeing to pay, restarts the year on that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .core import CalculatorInputError, FieldError, JSONObject, Step, Text, gettext_noop, msg

LAW = "《劳动争议调解仲裁法》"
CIVIL_CODE = "《民法典》"

# 民法典 is not among the project's texts: the counting rule is 待核对 (docs/law.md §13).
YEAR_BASIS = f"{CIVIL_CODE}第二百零一条至第二百零三条（待核对）"
LIMITATION_YEAR_BASIS = f"{LAW}第二十七条第一款"
INTERRUPTION_BASIS = f"{LAW}第二十七条第二款"
SUSPENSION_BASIS = f"{LAW}第二十七条第三款"
LABOUR_PAY_BASIS = f"{LAW}第二十七条第四款"

# What kind of claim, for art 27 ¶4. Which claim items count as 劳动报酬 is disputed (double wages, the 200 %
# of unused annual leave); the case page's mapping is `LABOUR_PAY_CLAIMS` in mediation/limitation.py.
KIND_CHOICES = (
    ("other", gettext_noop("其他请求（经济补偿、赔偿金、二倍工资等）：自知道或者应当知道权利被侵害之日起一年")),
    ("labour_pay", gettext_noop("劳动报酬（拖欠工资、加班费等）：在职期间不受一年限制，离职后一年内")),
)


class Calendar(Protocol):
    def is_working_day(self, day: dt.date, /) -> bool: ...

    def covers(self, day: dt.date, /) -> bool: ...


class WeekendsOnly:
    """No holiday table: Saturday and Sunday are the only rest days, and no day is certain."""

    def is_working_day(self, day: dt.date, /) -> bool:
        return day.weekday() < 5

    def covers(self, day: dt.date, /) -> bool:
        return False


@dataclass(frozen=True)
class YearEnd:
    """The last day of a one-year period beginning the day after `start`."""

    start: dt.date
    nominal: dt.date  # the same date a year later, or 28 February
    last_day: dt.date  # `nominal`, or the next working day after it
    uncertain: bool  # looked past the holiday table

    @property
    def rolled(self) -> bool:
        return self.last_day != self.nominal


def one_year_from(start: dt.date, calendar: Calendar) -> YearEnd:
    """民法典 arts 201–203: the same date next year (29 February → 28 February), then the next working day."""
    try:
        nominal = start.replace(year=start.year + 1)
    except ValueError:  # 29 February: art 202, the month's last day
        nominal = start.replace(year=start.year + 1, day=28)
    last = nominal
    uncertain = not calendar.covers(last)
    while not calendar.is_working_day(last):
        last += dt.timedelta(days=1)
        uncertain = uncertain or not calendar.covers(last)
    return YearEnd(start=start, nominal=nominal, last_day=last, uncertain=uncertain)


@dataclass(frozen=True)
class Interruption:
    """A day the limitation was interrupted (art 27 ¶2). `until` is the day the year restarts from: the same
    day for a claim made to the employer or its agreeing to pay, the end of a mediation or negotiation for a
    request of one, None while that still runs."""

    on: dt.date
    until: dt.date | None
    label: str = gettext_noop("时效中断")


class State:
    RUNNING = "running"  # a last day is known
    INTERRUPTED = "interrupted"  # a mediation or negotiation still runs: no last day yet
    NOT_RUNNING = "not_running"  # labour pay while still employed (art 27 ¶4)
    EXPIRED = "expired"  # the year ran out before an interruption: it could not be revived


@dataclass
class Limitation:
    state: str
    steps: list[Step]
    year: YearEnd | None = None  # the period that decides the last day (None unless RUNNING or EXPIRED)
    application_date: dt.date | None = None
    extra: dict[str, str | bool | None] = field(default_factory=dict)

    @property
    def last_day(self) -> dt.date | None:
        return self.year.last_day if self.year is not None else None

    @property
    def in_time(self) -> bool | None:
        """Whether arbitration applied for on `application_date` is within the limitation (None: not asked)."""
        if self.application_date is None:
            return None
        if self.state in (State.NOT_RUNNING, State.INTERRUPTED):
            return True
        return self.last_day is not None and self.state == State.RUNNING and self.application_date <= self.last_day

    def as_dict(self) -> JSONObject:
        """The JSON the CLI and the API return: a day, never an amount."""
        return {
            "kind": "date",
            "state": self.state,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "nominal_last_day": self.year.nominal.isoformat() if self.year else None,
            "uncertain": self.year.uncertain if self.year else False,
            "in_time": self.in_time,
            "steps": [step.as_dict() for step in self.steps],
            **self.extra,
        }


def _year_step(text: Text, year: YearEnd, basis: str) -> list[Step]:
    steps = [
        Step(
            text=msg(
                "{text}：起算日 {start} 不计入，期间为一年，届满日为次年对应日 {nominal}"
                "（2 月 29 日起算的，为次年 2 月 28 日）",
                text=text,
                start=year.start.isoformat(),
                nominal=year.nominal.isoformat(),
            ),
            value=year.nominal.isoformat(),
            basis=f"{basis}；{YEAR_BASIS}",
        )
    ]
    if year.rolled:
        steps.append(
            Step(
                text=msg(
                    "届满日 {nominal} 是法定休假日或者休息日，以其后的第一个工作日 {last} 为期间的最后一日",
                    nominal=year.nominal.isoformat(),
                    last=year.last_day.isoformat(),
                ),
                value=year.last_day.isoformat(),
                basis=f"{CIVIL_CODE}第二百零三条（待核对）",
            )
        )
    if year.uncertain:
        steps.append(
            Step(
                text=msg(
                    "{last} 所在年度的节假日安排尚未录入：该日是否为工作日未经核实，最后一日可能顺延",
                    last=year.last_day.isoformat(),
                ),
                value=year.last_day.isoformat(),
                basis=f"{CIVIL_CODE}第二百零三条（待核对）",
            )
        )
    return steps


def arbitration_limitation(
    *,
    kind: str = "other",
    known_on: dt.date | None = None,
    employment_ended_on: dt.date | None = None,
    interruptions: Sequence[Interruption] = (),
    application_date: dt.date | None = None,
    calendar: Calendar | None = None,
) -> Limitation:
    """The last day to apply for arbitration for one claim, with the steps that reach it."""
    calendar = calendar or WeekendsOnly()
    labour_pay = kind == "labour_pay"
    errors: list[FieldError] = []
    if not labour_pay and known_on is None:
        errors.append({"field": "known_on", "message": msg("请填写知道或者应当知道权利被侵害之日（known_on）")})
    if labour_pay and known_on is not None and employment_ended_on is not None and known_on > employment_ended_on:
        known_on = None  # pay owed after the end: counted from the end all the same (¶4)
    for item in interruptions:
        if item.until is not None and item.until < item.on:
            errors.append({"field": "mediation_ended_on", "message": msg("调解或者协商结束之日不能早于申请之日")})
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = [
        Step(
            text=msg("劳动争议申请仲裁的时效期间为一年"),
            value="1",
            basis=LIMITATION_YEAR_BASIS,
        )
    ]
    if labour_pay:
        if employment_ended_on is None:
            steps.append(
                Step(
                    text=msg(
                        "劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年时效期间的限制；"
                        "劳动关系终止的，应当自终止之日起一年内提出"
                    ),
                    value="—",
                    basis=LABOUR_PAY_BASIS,
                )
            )
            return _concluded(Limitation(state=State.NOT_RUNNING, steps=steps, application_date=application_date))
        start = employment_ended_on
        year = one_year_from(start, calendar)
        steps += _year_step(
            msg("劳动关系于 {day} 终止，拖欠的劳动报酬自终止之日起一年内申请仲裁", day=start.isoformat()),
            year,
            LABOUR_PAY_BASIS,
        )
    else:
        assert known_on is not None
        start = known_on
        year = one_year_from(start, calendar)
        steps += _year_step(
            msg("自知道或者应当知道权利被侵害之日 {day} 起算", day=start.isoformat()), year, LIMITATION_YEAR_BASIS
        )

    for item in sorted(interruptions, key=lambda i: i.on):
        if item.on < start:
            steps.append(
                Step(
                    text=msg(
                        "{label}（{day}）早于时效起算日，不影响本项请求的时效",
                        label=item.label,
                        day=item.on.isoformat(),
                    ),
                    value=item.on.isoformat(),
                    basis=INTERRUPTION_BASIS,
                )
            )
            continue
        if item.on > year.last_day:
            steps.append(
                Step(
                    text=msg(
                        "{label}（{day}）在时效期间届满（{last}）之后，不能使已届满的时效中断",
                        label=item.label,
                        day=item.on.isoformat(),
                        last=year.last_day.isoformat(),
                    ),
                    value=item.on.isoformat(),
                    basis=f"{INTERRUPTION_BASIS}；{CIVIL_CODE}第一百九十五条（待核对）",
                )
            )
            return _concluded(
                Limitation(state=State.EXPIRED, steps=steps, year=year, application_date=application_date)
            )
        if item.until is None:
            steps.append(
                Step(
                    text=msg(
                        "{label}（{day}）使时效中断；调解或者协商尚未结束，结束之日起时效期间重新计算一年",
                        label=item.label,
                        day=item.on.isoformat(),
                    ),
                    value=item.on.isoformat(),
                    basis=INTERRUPTION_BASIS,
                )
            )
            return _concluded(Limitation(state=State.INTERRUPTED, steps=steps, application_date=application_date))
        start = item.until
        year = one_year_from(start, calendar)
        text = (
            msg("{label}（{day}）使时效中断，从中断时起重新计算", label=item.label, day=item.on.isoformat())
            if item.until == item.on
            else msg(
                "{label}（{day}）使时效中断，至 {until} 结束，自结束之日起重新计算",
                label=item.label,
                day=item.on.isoformat(),
                until=item.until.isoformat(),
            )
        )
        steps += _year_step(text, year, INTERRUPTION_BASIS)
    return _concluded(Limitation(state=State.RUNNING, steps=steps, year=year, application_date=application_date))


def _concluded(result: Limitation) -> Limitation:
    steps = result.steps
    steps.append(
        Step(
            text=msg(
                "因不可抗力或者有其他正当理由不能在时效期间申请仲裁的，时效中止，"
                "从中止时效的原因消除之日起继续计算（本计算未适用，如有请另行说明）"
            ),
            value="—",
            basis=SUSPENSION_BASIS,
        )
    )
    if result.state == State.RUNNING:
        assert result.year is not None
        steps.append(
            Step(
                text=msg("申请仲裁的最后一日：{last}（当日 24 时止）", last=result.year.last_day.isoformat()),
                value=result.year.last_day.isoformat(),
                basis=f"{LIMITATION_YEAR_BASIS}；{YEAR_BASIS}",
            )
        )
    elif result.state == State.EXPIRED:
        assert result.year is not None
        steps.append(
            Step(
                text=msg(
                    "仲裁时效已于 {last} 届满；是否存在中止、中断的事由，由仲裁委员会认定",
                    last=result.year.last_day.isoformat(),
                ),
                value=result.year.last_day.isoformat(),
                basis=LIMITATION_YEAR_BASIS,
            )
        )
    if result.application_date is not None:
        in_time = result.in_time
        steps.append(
            Step(
                text=(
                    msg("于 {day} 申请仲裁，在仲裁时效期间内", day=result.application_date.isoformat())
                    if in_time
                    else msg(
                        "警告：于 {day} 申请仲裁，已超过仲裁时效；对方提出时效抗辩的，该项请求可能不被支持",
                        day=result.application_date.isoformat(),
                    )
                ),
                value=result.application_date.isoformat(),
                basis=LIMITATION_YEAR_BASIS,
            )
        )
    return result


def limitation_calculator(
    *,
    kind: str = "other",
    known_on: dt.date | None = None,
    employment_ended_on: dt.date | None = None,
    claimed_on: dt.date | None = None,
    employer_agreed_on: dt.date | None = None,
    mediation_requested_on: dt.date | None = None,
    mediation_ended_on: dt.date | None = None,
    application_date: dt.date | None = None,
    calendar: Calendar | None = None,
) -> Limitation:
    """The registry's form of `arbitration_limitation`: each kind of interruption as its own date field."""
    interruptions: list[Interruption] = []
    if claimed_on is not None:
        interruptions.append(Interruption(claimed_on, claimed_on, gettext_noop("向用人单位主张权利")))
    if employer_agreed_on is not None:
        interruptions.append(Interruption(employer_agreed_on, employer_agreed_on, gettext_noop("用人单位同意履行")))
    if mediation_requested_on is not None:
        interruptions.append(Interruption(mediation_requested_on, mediation_ended_on, gettext_noop("申请调解或者协商")))
    elif mediation_ended_on is not None:
        raise CalculatorInputError(
            [{"field": "mediation_ended_on", "message": msg("填写调解或者协商结束之日的，请同时填写申请之日")}]
        )
    return arbitration_limitation(
        kind=kind,
        known_on=known_on,
        employment_ended_on=employment_ended_on,
        interruptions=interruptions,
        application_date=application_date,
        calendar=calendar,
    )
