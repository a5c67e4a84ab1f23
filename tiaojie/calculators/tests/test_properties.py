"""Hypothesis properties of the calculators (docs/law.md §7).

* 2N is exactly twice an all-post-2008 N: the same dates moved 28 years later (the Gregorian calendar repeats
  every 28 years between 1901 and 2099, so month lengths and 29 Februaries line up) never meet the 2008 split.
* Amounts never decrease as service grows.
* The 3× cap never raises an amount.
* Any JSON object whatsoever gets either a result or a field-level error, never an exception.
"""

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tiaojie.calculators.annual_leave import annual_leave
from tiaojie.calculators.cli import run
from tiaojie.calculators.compensation import (
    REASONS,
    TerminationReason,
    economic_compensation,
    unlawful_termination,
)
from tiaojie.calculators.core import round_yuan
from tiaojie.calculators.double_wage import double_wage
from tiaojie.calculators.registry import CALCULATORS

# Per test rather than a global profile, so other apps' hypothesis tests keep their own settings.
thorough = settings(max_examples=300, deadline=None)

money = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)
positive_money = st.decimals(min_value=Decimal("0.01"), max_value=100000, places=2)
optional_money = st.none() | positive_money
# A generic art 38 or art 40 ground is refused for service before 2008 (its clauses differ then).
reasons = st.sampled_from([r for r in TerminationReason if not REASONS[r].pre2008_choose])
# 2N sanctions the employer's unlawful dismissal; a worker's art-38 resignation earns N only, and a lawful
# art 39 dismissal earns nothing, so 2N is not twice its N.
dismissal_reasons = st.sampled_from(
    [r for r in TerminationReason if not REASONS[r].worker_resigned and REASONS[r].pays]
)
days = st.integers(min_value=0, max_value=40 * 366)


def shift_28_years(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 28)


@thorough
@given(
    start=st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2040, 12, 31)),
    length=days,
    wage=money,
    average=optional_money,
    minimum=optional_money,
    reason=dismissal_reasons,
)
def test_two_n_is_twice_n_counted_from_the_start(start, length, wage, average, minimum, reason):
    end = max(start + dt.timedelta(days=length), dt.date(2008, 1, 1))
    end = min(end, dt.date(2071, 12, 31))
    start = min(start, end)
    common = {"monthly_wage": wage, "local_average_monthly_wage": average, "local_minimum_wage": minimum}
    two_n = unlawful_termination(start_date=start, end_date=end, termination_reason=reason, **common)
    post2008 = (start, end) if start >= dt.date(2008, 1, 1) else (shift_28_years(start), shift_28_years(end))
    n = economic_compensation(start_date=post2008[0], end_date=post2008[1], termination_reason=reason, **common)
    assert two_n.exact == 2 * n.exact
    assert two_n.amount == round_yuan(2 * n.exact)
    assert two_n.extra["months"] == n.extra["months"]
    assert two_n.extra["capped"] == n.extra["capped"]


@thorough
@given(
    start=st.dates(min_value=dt.date(1985, 1, 1), max_value=dt.date(2030, 12, 31)),
    length=days,
    more=st.integers(min_value=0, max_value=3 * 366),
    wage=money,
    pre2008_wage=st.none() | money,
    average=optional_money,
    minimum=optional_money,
    reason=reasons,
)
def test_compensation_never_decreases_as_service_grows(
    start, length, more, wage, pre2008_wage, average, minimum, reason
):
    end = start + dt.timedelta(days=length)
    later = end + dt.timedelta(days=more)
    common = {
        "start_date": start,
        "monthly_wage": wage,
        "local_average_monthly_wage": average,
        "local_minimum_wage": minimum,
        "termination_reason": reason,
    }
    n_before = economic_compensation(end_date=end, pre2008_monthly_wage=pre2008_wage, **common)
    n_after = economic_compensation(end_date=later, pre2008_monthly_wage=pre2008_wage, **common)
    assert n_before.exact <= n_after.exact
    assert n_before.amount <= n_after.amount
    if end >= dt.date(2008, 1, 1) and not REASONS[reason].worker_resigned:
        assert (
            unlawful_termination(end_date=end, **common).exact <= unlawful_termination(end_date=later, **common).exact
        )


@thorough
@given(
    start=st.dates(min_value=dt.date(1985, 1, 1), max_value=dt.date(2030, 12, 31)),
    length=days,
    wage=money,
    pre2008_wage=st.none() | money,
    average=positive_money,
    minimum=optional_money,
    reason=reasons,
)
def test_the_cap_never_raises_an_amount(start, length, wage, pre2008_wage, average, minimum, reason):
    end = start + dt.timedelta(days=length)
    common = {
        "start_date": start,
        "end_date": end,
        "monthly_wage": wage,
        "local_minimum_wage": minimum,
        "termination_reason": reason,
    }
    capped = economic_compensation(local_average_monthly_wage=average, pre2008_monthly_wage=pre2008_wage, **common)
    uncapped = economic_compensation(pre2008_monthly_wage=pre2008_wage, **common)
    assert capped.exact <= uncapped.exact
    if not capped.extra["capped"]:
        assert capped.exact == uncapped.exact
    if end >= dt.date(2008, 1, 1) and not REASONS[reason].worker_resigned:
        assert (
            unlawful_termination(local_average_monthly_wage=average, **common).exact
            <= unlawful_termination(**common).exact
        )


@thorough
@given(
    start=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
    more=st.integers(min_value=0, max_value=400),
    signed_after=st.none() | st.integers(min_value=-30, max_value=800),
    wage=money,
)
def test_double_wage_grows_with_time_and_stays_within_eleven_months(start, length, more, signed_after, wage):
    signed = None if signed_after is None else start + dt.timedelta(days=signed_after)
    end = start + dt.timedelta(days=length)
    before = double_wage(start_date=start, end_date=end, contract_signed_date=signed, monthly_wage=wage)
    after = double_wage(
        start_date=start,
        end_date=end + dt.timedelta(days=more),
        contract_signed_date=signed,
        monthly_wage=wage,
    )
    assert 0 <= before.exact <= after.exact <= 11 * Fraction(wage)


@thorough
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    more=st.integers(min_value=0, max_value=365),
    years=st.decimals(min_value=0, max_value=40, places=2),
    taken=st.decimals(min_value=0, max_value=20, places=2),
    wage=money,
)
def test_annual_leave_grows_with_the_period_and_never_exceeds_the_entitlement(day, more, years, taken, wage):
    start = day.replace(month=1, day=1)
    later = min(day + dt.timedelta(days=more), day.replace(month=12, day=31))
    common = {"monthly_wage": wage, "cumulative_years": years, "period_start": start, "days_taken": taken}
    before = annual_leave(period_end=day, **common)
    after = annual_leave(period_end=later, **common)
    assert before.exact <= after.exact
    assert Fraction(after.extra["unused_days"]) <= 15


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5,
)
field_names = st.sampled_from([*sorted({f.name for c in CALCULATORS.values() for f in c.fields}), "other"])
plausible = (
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2110, 12, 31)).map(dt.date.isoformat)
    | money.map(str)
    | st.sampled_from([r.value for r in TerminationReason])
    | json_values
)


@thorough
@given(
    name=st.sampled_from([*CALCULATORS, "unknown"]),
    data=st.dictionaries(field_names, plausible, max_size=8) | json_values,
)
@example(name="arbitration-limitation", data={"known_on": "2000-01-01"})  # a date, not an amount
def test_run_always_answers_with_json(name, data):
    try:
        text = json.dumps(data)
    except ValueError:
        return
    status, output = run(name, text)
    payload = json.loads(output)
    if status == 0:
        # The limitation calculators answer with a date (or a state without one), the others with an amount.
        if payload.get("kind") == "date":
            assert payload["state"]
            assert payload["last_day"] is None or dt.date.fromisoformat(payload["last_day"])
        else:
            assert Decimal(payload["amount"]) >= 0
        assert payload["steps"]
    else:
        assert status == 2
        assert payload["error"]
        assert isinstance(payload["fields"], list)
