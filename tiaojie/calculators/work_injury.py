"""工伤待遇 (《工伤保险条例》arts 33, 35–37, 39, 62, 64; 浙江省工伤保险条例 art 27; docs/law.md §7).

What a mediator needs for a work-injury claim, item by item, each with who pays it:

* 停工留薪期 pay: the original wage and benefits, unchanged, paid monthly by the employer (art 33 ¶1), normally
  up to 12 months, extendable by at most 12 more on the city appraisal committee's confirmation (art 33 ¶2).
  It is the *original* wage, so the 60 %–300 % bounds of art 64 do not touch it.
* 一次性伤残补助金: grade 1–10 → 27, 25, 23, 21, 18, 16, 13, 11, 9, 7 months of the worker's wage (arts 35–37).
* 伤残津贴 (monthly, not in the total): grades 1–4 at 90/85/80/75 % from the fund (art 35); grades 5–6 at 70/60 %
  from the employer when no suitable work is arranged (art 36); topped up to the local minimum wage.
* On the end of employment of a grade 5–10 worker: 一次性工伤医疗补助金 (fund) and 一次性伤残就业补助金
  (employer) by the *province's* standard (arts 36 ¶2, 37 (二)): `PROVINCIAL_SUBSIDIES`, versioned rows.
* Death: 丧葬补助金 = 6 months of the local average monthly wage, 一次性工亡补助金 = 20 × the previous year's
  national per-capita urban disposable income (art 39): `NATIONAL_URBAN_INCOME`, a row per year.
* "本人工资" is the 12-month average contribution wage before the injury, bounded at 60 %–300 % of the local
  (统筹地区) average monthly wage (art 64 ¶2).
* An employer that should have insured the worker and did not pays every item itself (art 62 ¶2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .core import (
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    conclude,
    format_amount,
    format_number,
    gettext_noop,
    msg,
    yuan,
)

REGULATION = "《工伤保险条例》"
ZHEJIANG = "《浙江省工伤保险条例》（2020 年修正）"

FUND = "工伤保险基金"
EMPLOYER = gettext_noop("用人单位")  # a msgid: also a step's value

# Art 33 ¶2: "一般不超过12个月……延长不得超过12个月".
STOPPAGE_NORMAL_MONTHS = 12
STOPPAGE_MAX_MONTHS = 24
# Art 64 ¶2: bounds of 本人工资 against the 统筹地区 average.
WAGE_FLOOR_PERCENT = 60
WAGE_CAP_PERCENT = 300
# Art 39 (一), (三).
FUNERAL_MONTHS = 6
DEATH_GRANT_MULTIPLE = 20


@dataclass(frozen=True)
class GradeRule:
    grade: int
    lump_sum_months: int  # 一次性伤残补助金
    allowance_percent: int | None  # 伤残津贴, grades 1–6 only
    allowance_payer: str | None
    basis: str


# Arts 35–37, grade by grade (核对 against the 2010 text).
GRADES: dict[int, GradeRule] = {
    rule.grade: rule
    for rule in (
        GradeRule(1, 27, 90, FUND, f"{REGULATION}第三十五条"),
        GradeRule(2, 25, 85, FUND, f"{REGULATION}第三十五条"),
        GradeRule(3, 23, 80, FUND, f"{REGULATION}第三十五条"),
        GradeRule(4, 21, 75, FUND, f"{REGULATION}第三十五条"),
        GradeRule(5, 18, 70, EMPLOYER, f"{REGULATION}第三十六条"),
        GradeRule(6, 16, 60, EMPLOYER, f"{REGULATION}第三十六条"),
        GradeRule(7, 13, None, None, f"{REGULATION}第三十七条"),
        GradeRule(8, 11, None, None, f"{REGULATION}第三十七条"),
        GradeRule(9, 9, None, None, f"{REGULATION}第三十七条"),
        GradeRule(10, 7, None, None, f"{REGULATION}第三十七条"),
    )
}

OUTCOME_CHOICES: tuple[tuple[str, str], ...] = (
    ("none", gettext_noop("未评定伤残等级（仅停工留薪期）")),
    ("1", gettext_noop("1级伤残")),
    ("2", gettext_noop("2级伤残")),
    ("3", gettext_noop("3级伤残")),
    ("4", gettext_noop("4级伤残")),
    ("5", gettext_noop("5级伤残")),
    ("6", gettext_noop("6级伤残")),
    ("7", gettext_noop("7级伤残")),
    ("8", gettext_noop("8级伤残")),
    ("9", gettext_noop("9级伤残")),
    ("10", gettext_noop("10级伤残")),
    ("death", gettext_noop("因工死亡")),
)
YES_NO = (("yes", gettext_noop("是")), ("no", gettext_noop("否")))


@dataclass(frozen=True)
class ProvincialSubsidies:
    """One province's 一次性工伤医疗补助金 / 伤残就业补助金 standard from one day on (arts 36 ¶2, 37 (二) leave it
    to the province). A new standard is a new row with a later `effective_from`, so an older case still finds
    the standard in force when its employment ended."""

    province: str  # GB/T 2260 code of the province
    name: str  # a msgid, like `base` and `unconfirmed`: they are shown in the steps
    effective_from: dt.date
    base: str  # what the months multiply
    medical_months: dict[int, int]
    employment_months: dict[int, int]
    # Employment subsidy reduced by this percent per year when fewer than `reduction_years` years remain to the
    # statutory retirement age.
    reduction_years: int
    reduction_percent: int
    basis: str
    unconfirmed: str = ""  # what an administrator should still confirm


_ZJ_MONTHS = {5: 30, 6: 25, 7: 10, 8: 7, 9: 4, 10: 2}
PROVINCIAL_SUBSIDIES: tuple[ProvincialSubsidies, ...] = (
    ProvincialSubsidies(
        province="33",
        name=gettext_noop("浙江省"),
        # The 2017 regulation took effect on 2018-01-01; the months below are those of the 2020 text read.
        effective_from=dt.date(2018, 1, 1),
        base=gettext_noop("解除或者终止劳动关系时上年度全省职工月平均工资"),
        medical_months=_ZJ_MONTHS,
        employment_months=_ZJ_MONTHS,
        reduction_years=5,
        reduction_percent=20,
        basis=f"{ZHEJIANG}第二十七条第二款",
        unconfirmed=gettext_noop("施行日期 2018-01-01 及 2020 年修正前的月数未与官方文本核对（待核对）"),
    ),
)
PROVINCE_CHOICES: tuple[tuple[str, str], ...] = (
    ("none", gettext_noop("不计算（未收录本省标准，请按本省规定另行核算）")),
    *((p.province, p.name) for p in PROVINCIAL_SUBSIDIES),
)


@dataclass(frozen=True)
class NationalIncome:
    year: int
    amount: Decimal
    source: str


def _communique(year: int) -> str:
    return msg("国家统计局《{year}年国民经济和社会发展统计公报》（待核对）", year=year)


# 上一年度全国城镇居民人均可支配收入 for art 39 (三). Figures as published in 国家统计局's yearly statistical
# communiqués; not among the texts the project holds, so every row is 待核对 until an administrator checks it.
NATIONAL_URBAN_INCOME: dict[int, NationalIncome] = {
    row.year: row
    for row in (
        NationalIncome(2019, Decimal("42359"), _communique(2019)),
        NationalIncome(2020, Decimal("43834"), _communique(2020)),
        NationalIncome(2021, Decimal("47412"), _communique(2021)),
        NationalIncome(2022, Decimal("49283"), _communique(2022)),
        NationalIncome(2023, Decimal("51821"), _communique(2023)),
        NationalIncome(2024, Decimal("54188"), _communique(2024)),
    )
}


def provincial_standard(province: str, on: dt.date) -> ProvincialSubsidies | None:
    rows = [p for p in PROVINCIAL_SUBSIDIES if p.province == province and p.effective_from <= on]
    return max(rows, key=lambda p: p.effective_from) if rows else None


def _percent(value: Fraction, percent: int) -> Fraction:
    return value * percent / 100


class _Items:
    """The items of the result, each with its payer, summed per payer."""

    def __init__(self, insured: bool) -> None:
        self.insured = insured
        self.totals = {FUND: Fraction(0), EMPLOYER: Fraction(0)}

    def payer(self, by_law: str) -> str:
        # Art 62 ¶2: uninsured, the employer pays every item "按照本条例规定的工伤保险待遇项目和标准".
        return by_law if self.insured else EMPLOYER

    def add(self, by_law: str, amount: Fraction) -> str:
        payer = self.payer(by_law)
        self.totals[payer] += amount
        return payer


# "由…支付" as whole phrases, not the payer's name in a template: "paid by the employer" in English, where the
# name alone ("Employer", a label) would not read.
PAID_BY = {FUND: msg("由工伤保险基金支付"), EMPLOYER: msg("由用人单位支付")}


def _payer_note(items: _Items, by_law: str) -> str:
    payer = items.payer(by_law)
    if payer != by_law:  # only the fund's items move to the employer (art 62 ¶2)
        return msg("依法由工伤保险基金支付，用人单位未参加工伤保险，由用人单位支付")
    return PAID_BY[payer]


def work_injury(
    *,
    monthly_wage: Decimal,
    local_average_monthly_wage: Decimal,
    outcome: str = "none",
    employer_insured: str = "yes",
    original_monthly_wage: Decimal | None = None,
    stoppage_months: Decimal | None = None,
    suitable_work_arranged: str = "no",
    local_minimum_wage: Decimal | None = None,
    employment_end_date: dt.date | None = None,
    province: str = "none",
    province_average_monthly_wage: Decimal | None = None,
    years_to_retirement: Decimal | None = None,
    death_date: dt.date | None = None,
    national_urban_income: Decimal | None = None,
) -> Result:
    errors: list[FieldError] = []
    if local_average_monthly_wage <= 0:
        errors.append(
            {
                "field": "local_average_monthly_wage",
                "message": msg("统筹地区上年度职工月平均工资（local_average_monthly_wage）须大于零"),
            }
        )
    if stoppage_months is not None and stoppage_months > STOPPAGE_MAX_MONTHS:
        errors.append(
            {
                "field": "stoppage_months",
                "message": msg(
                    "停工留薪期（stoppage_months）一般不超过 {normal} 个月，经确认延长的也不得超过 {longest} 个月",
                    normal=STOPPAGE_NORMAL_MONTHS,
                    longest=STOPPAGE_MAX_MONTHS,
                ),
            }
        )
    grade = GRADES.get(int(outcome)) if outcome.isdigit() else None
    standard = None
    ends = employment_end_date is not None and grade is not None and grade.grade >= 5
    if ends and province != "none":
        assert employment_end_date is not None
        standard = provincial_standard(province, employment_end_date)
        if standard is None:
            errors.append(
                {
                    "field": "employment_end_date",
                    "message": msg(
                        "{province}在 {date} 没有已收录的一次性工伤医疗补助金、伤残就业补助金标准，"
                        "请按当时的规定另行核算",
                        province=dict(PROVINCE_CHOICES)[province],
                        date=employment_end_date.isoformat(),
                    ),
                }
            )
        elif province_average_monthly_wage is None or province_average_monthly_wage <= 0:
            errors.append(
                {
                    "field": "province_average_monthly_wage",
                    "message": msg("请填写{base}（province_average_monthly_wage，须大于零）", base=standard.base),
                }
            )
    income = None
    if outcome == "death":
        if death_date is None:
            errors.append({"field": "death_date", "message": msg("因工死亡的，请填写死亡日期（death_date）")})
        elif national_urban_income is None and death_date.year - 1 not in NATIONAL_URBAN_INCOME:
            errors.append(
                {
                    "field": "national_urban_income",
                    "message": msg(
                        "未收录 {year} 年全国城镇居民人均可支配收入，请填写该数字"
                        "（national_urban_income，见国家统计局当年统计公报）",
                        year=death_date.year - 1,
                    ),
                }
            )
        else:
            income = national_urban_income
    if errors:
        raise CalculatorInputError(errors)

    items = _Items(insured=employer_insured == "yes")
    steps: list[Step] = []
    if not items.insured:
        steps.append(
            Step(
                text=msg("用人单位应当参加而未参加工伤保险：由用人单位按工伤保险待遇的项目和标准支付全部费用"),
                value=EMPLOYER,
                basis=f"{REGULATION}第六十二条第二款",
            )
        )

    # 本人工资, bounded by art 64 ¶2.
    average = Fraction(local_average_monthly_wage)
    floor, cap = _percent(average, WAGE_FLOOR_PERCENT), _percent(average, WAGE_CAP_PERCENT)
    wage = Fraction(monthly_wage)
    art64 = f"{REGULATION}第六十四条第二款"
    if wage > cap:
        text = msg(
            "本人工资 {wage}高于统筹地区职工月平均工资 {average}的 {percent}%（{cap}），按 {percent}% 计",
            wage=yuan(monthly_wage),
            average=yuan(average),
            percent=WAGE_CAP_PERCENT,
            cap=yuan(cap),
        )
        wage = cap
    elif wage < floor:
        text = msg(
            "本人工资 {wage}低于统筹地区职工月平均工资 {average}的 {percent}%（{floor}），按 {percent}% 计",
            wage=yuan(monthly_wage),
            average=yuan(average),
            percent=WAGE_FLOOR_PERCENT,
            floor=yuan(floor),
        )
        wage = floor
    else:
        text = msg(
            "本人工资（受伤前十二个月平均月缴费工资）{wage}在统筹地区职工月平均工资的 "
            "{floor_percent}%–{cap_percent}%（{floor}–{cap}）之间，按实际计",
            wage=yuan(monthly_wage),
            floor_percent=WAGE_FLOOR_PERCENT,
            cap_percent=WAGE_CAP_PERCENT,
            floor=yuan(floor),
            cap=yuan(cap),
        )
    steps.append(Step(text=text, value=format_amount(wage), basis=art64))

    total = Fraction(0)
    if stoppage_months is not None and stoppage_months > 0:
        original = Fraction(monthly_wage if original_monthly_wage is None else original_monthly_wage)
        months = Fraction(stoppage_months)
        pay = original * months
        items.add(EMPLOYER, pay)
        extended = months > STOPPAGE_NORMAL_MONTHS
        steps.append(
            Step(
                text=msg(
                    "停工留薪期内原工资福利待遇不变，由所在单位按月支付：{months} 个月 × 原工资 {wage} = {pay}"
                    "（不适用本人工资的上下限{note}；已按月支付的应扣除）",
                    months=format_number(months),
                    wage=yuan(original),
                    pay=yuan(pay),
                    note=msg(
                        "；超过 {normal} 个月的部分须经设区的市级劳动能力鉴定委员会确认延长",
                        normal=STOPPAGE_NORMAL_MONTHS,
                    )
                    if extended
                    else "",
                ),
                value=format_amount(pay),
                basis=f"{REGULATION}第三十三条第一款、第二款",
            )
        )
        total += pay

    extra: dict[str, str | bool | None] = {"wage_base": format_amount(wage), "monthly_disability_allowance": None}
    if grade is not None:
        lump = wage * grade.lump_sum_months
        items.add(FUND, lump)
        steps.append(
            Step(
                text=msg(
                    "一次性伤残补助金：{grade}级伤残为 {months} 个月的本人工资，"
                    "{months} × {wage} = {amount}（{payer}）",
                    grade=grade.grade,
                    months=grade.lump_sum_months,
                    wage=yuan(wage),
                    amount=yuan(lump),
                    payer=_payer_note(items, FUND),
                ),
                value=format_amount(lump),
                basis=grade.basis,
            )
        )
        total += lump
        _allowance(grade, wage, local_minimum_wage, suitable_work_arranged, items, steps, extra)
        if employment_end_date is not None:
            total += _on_leaving(
                grade, employment_end_date, province, standard, province_average_monthly_wage,
                years_to_retirement, items, steps,
            )  # fmt: skip
    elif outcome == "death":
        assert death_date is not None
        funeral = average * FUNERAL_MONTHS
        items.add(FUND, funeral)
        total += funeral
        steps.append(
            Step(
                text=msg(
                    "丧葬补助金：{months} 个月的统筹地区上年度职工月平均工资，"
                    "{months} × {average} = {amount}（{payer}）",
                    months=FUNERAL_MONTHS,
                    average=yuan(average),
                    amount=yuan(funeral),
                    payer=_payer_note(items, FUND),
                ),
                value=format_amount(funeral),
                basis=f"{REGULATION}第三十九条第一款第（一）项",
            )
        )
        year = death_date.year - 1
        if income is None:
            row = NATIONAL_URBAN_INCOME[year]
            income, source = row.amount, row.source
        else:
            source = msg("按输入的数字计算")
        grant = Fraction(income) * DEATH_GRANT_MULTIPLE
        items.add(FUND, grant)
        steps.append(
            Step(
                text=msg(
                    "一次性工亡补助金：上一年度（{year} 年）全国城镇居民人均可支配收入 {income}的 {multiple} 倍"
                    " = {amount}（{payer}；数字来源：{source}）",
                    year=year,
                    income=yuan(income),
                    multiple=DEATH_GRANT_MULTIPLE,
                    amount=yuan(grant),
                    payer=_payer_note(items, FUND),
                    source=source,
                ),
                value=format_amount(grant),
                basis=f"{REGULATION}第三十九条第一款第（三）项",
            )
        )
        total += grant
        steps.append(
            Step(
                text=msg(
                    "供养亲属抚恤金按月发给（配偶 40%、其他亲属每人 30%，合计不高于生前工资），本计算未含，请另行核算"
                ),
                value=msg("另计"),
                basis=f"{REGULATION}第三十九条第一款第（二）项",
            )
        )

    extra["fund_pays"] = format_amount(items.totals[FUND])
    extra["employer_pays"] = format_amount(items.totals[EMPLOYER])
    return conclude(
        steps,
        total,
        text=msg(
            "一次性支付的工伤待遇合计 {total}，四舍五入到分：其中工伤保险基金支付 {fund_pays}，"
            "用人单位支付 {employer_pays}（按月支付的伤残津贴不计入合计）",
            total=yuan(total),
            fund_pays=yuan(items.totals[FUND]),
            employer_pays=yuan(items.totals[EMPLOYER]),
        ),
        basis=f"{REGULATION}第三十三条、第三十五条至第三十九条、第六十二条、第六十四条",
        extra=extra,
    )


def _allowance(
    grade: GradeRule,
    wage: Fraction,
    local_minimum_wage: Decimal | None,
    suitable_work_arranged: str,
    items: _Items,
    steps: list[Step],
    extra: dict[str, str | bool | None],
) -> None:
    """伤残津贴 for grades 1–6: a monthly amount, shown beside the total, never in it."""
    if grade.allowance_percent is None or grade.allowance_payer is None:
        return
    if grade.grade >= 5 and suitable_work_arranged == "yes":
        steps.append(
            Step(
                text=msg("{grade}级伤残：用人单位已安排适当工作，不发伤残津贴", grade=grade.grade),
                value="0",
                basis=f"{REGULATION}第三十六条第一款第（二）项",
            )
        )
        return
    monthly = _percent(wage, grade.allowance_percent)
    allowance = msg(
        "伤残津贴（按月支付，不计入合计）：本人工资的 {percent}%，{wage} × {percent}% = {amount}",
        percent=grade.allowance_percent,
        wage=yuan(wage),
        amount=yuan(monthly),
    )
    topped_up: str = ""
    if local_minimum_wage is not None and monthly < local_minimum_wage:
        monthly = Fraction(local_minimum_wage)
        topped_up = msg("，低于当地最低工资标准，补足到 {amount}", amount=yuan(monthly))
    payer = items.payer(grade.allowance_payer)
    if grade.grade >= 5:
        text = msg(
            "{grade}级伤残、用人单位难以安排工作：{allowance}{topped_up}（每月，{payer}）",
            grade=grade.grade,
            allowance=allowance,
            topped_up=topped_up,
            payer=PAID_BY[payer],
        )
    else:
        text = msg(
            "{allowance}{topped_up}（每月，{payer}）", allowance=allowance, topped_up=topped_up, payer=PAID_BY[payer]
        )
    steps.append(
        Step(
            text=text,
            value=format_amount(monthly),
            basis=f"{grade.basis}第一款第（二）项",
        )
    )
    extra["monthly_disability_allowance"] = format_amount(monthly)


def _on_leaving(
    grade: GradeRule,
    end: dt.date,
    province: str,
    standard: ProvincialSubsidies | None,
    province_average: Decimal | None,
    years_to_retirement: Decimal | None,
    items: _Items,
    steps: list[Step],
) -> Fraction:
    if grade.grade <= 4:
        steps.append(
            Step(
                text=msg(
                    "一级至四级伤残保留劳动关系、退出工作岗位，不因解除或者终止劳动关系支付一次性补助金，已忽略解除日期"
                ),
                value=msg("不适用"),
                basis=f"{REGULATION}第三十五条第一款",
            )
        )
        return Fraction(0)
    when = (
        gettext_noop("经工伤职工本人提出解除或者终止劳动关系")
        if grade.grade <= 6
        else gettext_noop("劳动合同期满终止或者职工本人提出解除")
    )
    law = f"{REGULATION}第三十六条第二款" if grade.grade <= 6 else f"{REGULATION}第三十七条第（二）项"
    if standard is None:
        steps.append(
            Step(
                text=msg(
                    "{when}的，由工伤保险基金支付一次性工伤医疗补助金、由用人单位支付一次性伤残就业补助金，"
                    "具体标准由省级人民政府规定；未选择已收录的省份标准，本计算未含，请按本省规定另行核算",
                    when=when,
                ),
                value=msg("另计"),
                basis=law,
            )
        )
        return Fraction(0)
    assert province_average is not None
    base = Fraction(province_average)
    medical = base * standard.medical_months[grade.grade]
    items.add(FUND, medical)
    steps.append(
        Step(
            text=msg(
                "{when}（{date}）：{province}一次性工伤医疗补助金以{base}为基数，"
                "{grade}级伤残 {months} 个月 × {wage} = {amount}（{payer}）{unconfirmed}",
                when=when,
                date=end.isoformat(),
                province=standard.name,
                base=standard.base,
                grade=grade.grade,
                months=standard.medical_months[grade.grade],
                wage=yuan(base),
                amount=yuan(medical),
                payer=_payer_note(items, FUND),
                unconfirmed=msg("；{note}", note=standard.unconfirmed) if standard.unconfirmed else "",
            ),
            value=format_amount(medical),
            basis=f"{law}；{standard.basis}",
        )
    )
    months = standard.employment_months[grade.grade]
    employment = base * months
    full = yuan(employment)  # before any reduction for age
    reduced: str = ""
    if years_to_retirement is not None and years_to_retirement < standard.reduction_years:
        # "离法定退休年龄不足五年的，……按照职工每增加一周岁递减百分之二十": each year of age past the
        # five-year mark takes 20 % off, so 4.x years left → 80 %, 0.x → 0 %; a part year counts as a year of age
        # gained (本项目口径, 待核对).
        short_years = standard.reduction_years - int(years_to_retirement)
        factor = max(0, 100 - standard.reduction_percent * short_years)
        employment = employment * factor / 100
        reduced = msg(
            "；距法定退休年龄 {years} 年、不足 {limit} 年，按每增加一周岁递减 {percent}% 计发 {factor}%：{amount}"
            "（不足一年的按一岁计，待核对）",
            years=format_number(Fraction(years_to_retirement)),
            limit=standard.reduction_years,
            percent=standard.reduction_percent,
            factor=factor,
            amount=yuan(employment),
        )
    items.add(EMPLOYER, employment)
    steps.append(
        Step(
            text=msg(
                "一次性伤残就业补助金：{grade}级伤残 {months} 个月 × {wage} = {amount}{reduced}（{payer}）",
                grade=grade.grade,
                months=months,
                wage=yuan(base),
                amount=full,
                reduced=reduced,
                payer=_payer_note(items, EMPLOYER),
            ),
            value=format_amount(employment),
            basis=f"{law}；{standard.basis}",
        )
    )
    return medical + employment
