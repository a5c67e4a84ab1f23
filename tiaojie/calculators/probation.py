"""违法约定试用期的赔偿金 (《劳动合同法》arts 19, 83; docs/law.md §7).

Art 19 limits probation by the contract's term: none for a task contract or a term under three months; at most
one month for three months up to a year, two months for one to three years, six months for three years or more
and for an open-ended contract; and only one probation with the same employer. Art 83: for the part of an
unlawful probation *already served* beyond the lawful limit, the employer pays compensation at the wage the
contract sets for after probation.

Counting (本项目口径, as in double_wage.py): the contract's first day is day 1, months are service months
(core.measure_service); "三个月以上" / "一年以上" / "三年以上" include the figure itself, so a term of exactly one
year allows two months. A part month is pro-rated by the calendar days of that service month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from .core import (
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    add_months,
    conclude,
    day_before,
    format_number,
    gettext_noop,
    measure_service,
    msg,
    show,
    yuan,
)

LCL = "《劳动合同法》"

CONTRACT_KINDS = (
    ("fixed", gettext_noop("固定期限劳动合同")),
    ("open_ended", gettext_noop("无固定期限劳动合同")),
    ("task", gettext_noop("以完成一定工作任务为期限的劳动合同")),
)
YES_NO = (("no", gettext_noop("否")), ("yes", gettext_noop("是")))

# Art 19 ¶1 as data: (term of at least this many months, longest lawful probation in months).
PROBATION_LIMITS = ((36, 6), (12, 2), (3, 1), (0, 0))


# Why that limit, by the longest lawful probation (msgids: a step shows them).
LIMIT_TEXTS = {
    6: gettext_noop("三年以上固定期限劳动合同，试用期不得超过六个月"),
    2: gettext_noop("劳动合同期限一年以上不满三年，试用期不得超过二个月"),
    1: gettext_noop("劳动合同期限三个月以上不满一年，试用期不得超过一个月"),
    0: gettext_noop("劳动合同期限不满三个月，不得约定试用期"),
}


def lawful_probation_months(kind: str, term_months: int | None) -> tuple[int, str]:
    if kind == "task":
        return 0, gettext_noop("以完成一定工作任务为期限的劳动合同不得约定试用期")
    if kind == "open_ended" or term_months is None:
        return 6, gettext_noop("无固定期限劳动合同，试用期不得超过六个月")
    for at_least, limit in PROBATION_LIMITS:
        if term_months >= at_least:
            return limit, LIMIT_TEXTS[limit]
    raise AssertionError("unreachable")


def unlawful_probation(
    *,
    contract_start_date: dt.date,
    probation_served_until: dt.date,
    post_probation_wage: Decimal,
    contract_kind: str = "fixed",
    contract_end_date: dt.date | None = None,
    earlier_probation: str = "no",
) -> Result:
    errors: list[FieldError] = []
    if probation_served_until < contract_start_date:
        errors.append(
            {
                "field": "probation_served_until",
                "message": msg(
                    "试用期实际履行至（probation_served_until）不能早于劳动合同起始日（contract_start_date）"
                ),
            }
        )
    if contract_kind == "fixed" and contract_end_date is None:
        errors.append(
            {
                "field": "contract_end_date",
                "message": msg("固定期限劳动合同请填写劳动合同终止日期（contract_end_date）"),
            }
        )
    if contract_end_date is not None and contract_end_date < contract_start_date:
        errors.append(
            {
                "field": "contract_end_date",
                "message": msg("劳动合同终止日期（contract_end_date）不能早于劳动合同起始日（contract_start_date）"),
            }
        )
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = []
    term_months = None
    if contract_kind == "fixed" and contract_end_date is not None:
        term = measure_service(contract_start_date, contract_end_date)
        term_months = term.months
        steps.append(
            Step(
                text=msg("劳动合同期限：{span}，共 {length}", span=term.span(), length=term.describe()),
                value=term.describe(),
                basis=f"{LCL}第十九条第一款",
            )
        )
    limit, why = lawful_probation_months(contract_kind, term_months)
    basis = f"{LCL}第十九条第三款" if limit == 0 else f"{LCL}第十九条第一款"
    if earlier_probation == "yes":
        limit, why, basis = (
            0,
            gettext_noop("同一用人单位与同一劳动者只能约定一次试用期，此前已约定过，本次试用期违法"),
            f"{LCL}第十九条第二款",
        )
    steps.append(
        Step(text=msg("{why}：法定试用期最长 {limit} 个月", why=why, limit=limit), value=str(limit), basis=basis)
    )

    excess_start = add_months(contract_start_date, limit)
    if probation_served_until < excess_start:
        steps.append(
            Step(
                text=msg(
                    "试用期实际履行至 {served}，未超过法定试用期（至 {lawful_end}），无赔偿金",
                    served=probation_served_until.isoformat(),
                    lawful_end=day_before(excess_start).isoformat(),
                ),
                value="0",
                basis=f"{LCL}第八十三条",
            )
        )
        return conclude(
            steps,
            Fraction(0),
            text=msg("违法约定试用期的赔偿金 0 元"),
            basis=f"{LCL}第八十三条",
            extra={"months": "0", "lawful_probation_months": str(limit)},
        )

    # Service months from the contract start to the last day served, less the lawful months.
    served = measure_service(contract_start_date, probation_served_until)
    whole = served.months - limit
    months = whole + Fraction(served.days, served.month_length)
    part = (
        msg("，另有 {days} 天按该月日历天数 {month_length} 天折算", days=served.days, month_length=served.month_length)
        if served.days
        else ""
    )
    steps.append(
        Step(
            text=msg(
                "已经履行的超过法定试用期的期间：{start} 至 {end}（首尾两日均计入），整月 {whole} 个月{part}，"
                "合计 {months} 个月",
                start=excess_start.isoformat(),
                end=probation_served_until.isoformat(),
                whole=whole,
                part=part,
                months=show(months, 4),
            ),
            value=format_number(months),
            # A msg, not a bare citation: the clause of prose would keep the whole basis Chinese in English.
            basis=msg("{citation}（不足一个月的按日历天数折算，系本计算口径）", citation=f"{LCL}第八十三条"),
        )
    )
    amount = months * Fraction(post_probation_wage)
    return conclude(
        steps,
        amount,
        text=msg(
            "赔偿金以试用期满月工资为标准：{months} 个月 × {wage} = {amount}，四舍五入到分"
            "（试用期工资与转正工资的差额另行主张）",
            months=show(months, 4),
            wage=yuan(post_probation_wage),
            amount=yuan(amount),
        ),
        basis=f"{LCL}第八十三条",
        extra={"months": format_number(months), "lawful_probation_months": str(limit)},
    )
