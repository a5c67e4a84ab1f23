"""What schemathesis needs to know about API v1 beyond its OpenAPI schema (docs/api.md, "The contract").

Imported by test_schemathesis.py, and by the command line through SCHEMATHESIS_HOOKS=tiaojie.api.tests.fuzzing.

- Generators for the custom `format`s the schema names. A pattern gives an identifier's shape; its check digit,
  a cursor's content or a division code that exists are what these draw, so that a request the fuzzer calls
  valid is one the server must accept. Nothing here narrows what the server is sent in negative mode.
- The few rules across fields that JSON Schema cannot state and the operations' descriptions do (an end date
  not before its start date; one ID number once per application): `map_case` makes a positive case follow them,
  so that the "schema-valid request rejected" check keeps its meaning for everything else.

The formats that depend on the data (division codes with an organisation to route to, cities with wage rows)
read `PLACES`, filled by whoever prepared the database: the test's fixture, or `places_from_database()`.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from decimal import Decimal
from typing import Any

import schemathesis
from hypothesis import strategies as st
from stdnum.cn import uscc

from tiaojie.lib.idnumbers import ID_REGION_PREFIXES, id_check_char

PLACES: dict[str, list[str]] = {"division_codes": [], "city_codes": []}
# The organisations where the fuzzer's user may register cases: half of the positive POST /cases name one, so that
# cases get created and the stateful scenarios have something to read and move.
ORGANISATIONS: list[int] = []

# --- formats ----------------------------------------------------------------------------------------------------


@st.composite
def _resident_id(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(sorted(ID_REGION_PREFIXES))) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(2005, 12, 31)))
    first17 = f"{region}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def _credit_code(draw: st.DrawFn) -> str:
    body = draw(st.from_regex(r"\A[0-9]{8}\Z")) + "".join(
        draw(st.lists(st.sampled_from(_USCC_ALPHABET), min_size=9, max_size=9))
    )
    return body + uscc.calc_check_digit(body)


@st.composite
def _cursor(draw: st.DrawFn) -> str:
    """A cursor as a keyset writes it (cases.queries.CASE_ORDER): base64url of "<received_at ISO>|<id>"."""
    moment = draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31), timezones=st.just(dt.UTC)))
    text = f"{moment.isoformat()}|{draw(st.integers(1, 2**63 - 1))}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _from_places(key: str) -> st.SearchStrategy[str]:
    @st.composite
    def drawn(draw: st.DrawFn) -> str:  # PLACES is read at each draw: the fixture fills it after collection
        return draw(st.sampled_from(PLACES[key])) if PLACES[key] else "00"

    return drawn()


schemathesis.openapi.format("cn-resident-id", st.one_of(st.just(""), _resident_id()))
schemathesis.openapi.format("cn-credit-code", st.one_of(st.just(""), _credit_code()))
schemathesis.openapi.format("keyset-cursor", st.one_of(st.just(""), _cursor()))
schemathesis.openapi.format("division-code", st.one_of(st.just(""), _from_places("division_codes")))
schemathesis.openapi.format("wage-city-code", _from_places("city_codes"))


# --- rules across fields ----------------------------------------------------------------------------------------


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _in_order(body: dict[str, Any], start: str, end: str, *, same_year: bool = False) -> None:
    first, last = _day(body.get(start)), _day(body.get(end))
    if first is None or last is None:
        return
    if same_year and last.year != first.year:
        last = last.replace(year=first.year, day=min(last.day, 28) if last.month == 2 else last.day)
    first, last = min(first, last), max(first, last)
    body[start], body[end] = first.isoformat(), last.isoformat()


def _at_most(body: dict[str, Any], small: str, large: str) -> None:
    """Years with this employer are part of the total years of work (sick-leave): swap them when drawn the other
    way round."""
    try:
        low, high = Decimal(str(body[small])), Decimal(str(body[large]))
    except (KeyError, ArithmeticError, ValueError):
        return
    if low > high:
        body[small], body[large] = body[large], body[small]


def _work_injury_tables(body: dict[str, Any]) -> None:
    """The work-injury tables are data with dates (work_injury.py): a death year or a provincial standard outside
    them is a 422 with its message; a positive case stays inside them."""
    from tiaojie.calculators.work_injury import NATIONAL_URBAN_INCOME, PROVINCIAL_SUBSIDIES

    death = _day(body.get("death_date"))
    if death is not None and death.year - 1 not in NATIONAL_URBAN_INCOME and body.get("national_urban_income") is None:
        body["national_urban_income"] = "50000.00"
    end = _day(body.get("employment_end_date"))
    starts = [p.effective_from for p in PROVINCIAL_SUBSIDIES if p.province == body.get("province")]
    if end is not None and starts and end < min(starts):
        body["employment_end_date"] = min(starts).isoformat()


def _one_id_number_each(body: dict[str, Any]) -> None:
    seen: set[str] = set()
    for worker in body.get("workers") or []:
        if isinstance(worker, dict) and isinstance(worker.get("id_number"), str) and worker["id_number"]:
            number = worker["id_number"].upper()
            if number in seen:
                worker["id_number"] = ""
            seen.add(number)


def _existing(body: dict[str, Any], key: str, places: str) -> None:
    """The coverage phase draws values from the patterns, not from the formats' generators: put a value that
    exists in place of one that does not (a place chosen by the value, so that the case stays reproducible)."""
    value, known = body.get(key), PLACES[places]
    if isinstance(value, str) and value and known and value not in known:
        body[key] = known[sum(map(ord, value)) % len(known)]


def _written_by_the_list(query: dict[str, Any]) -> None:
    from tiaojie.cases.models import Case
    from tiaojie.cases.queries import CASE_ORDER
    from tiaojie.lib.paging import BadCursor

    cursor = query.get("cursor")
    if isinstance(cursor, str) and cursor:
        try:
            CASE_ORDER.decode(cursor, Case)
        except BadCursor:
            query["cursor"] = ""


def _known_on_in_range(claim: Any) -> None:
    """A claim's known_on is a day that has already come (and from 1950 on): the action refuses a later one with
    a 422 (docs/api.md), a rule of today's date that no static schema can state."""
    if isinstance(claim, dict) and "known_on" in claim:
        day = _day(claim["known_on"])
        if day is not None and not dt.date(1950, 1, 1) <= day <= dt.date.today():
            claim["known_on"] = None


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    path, body = case.operation.path, case.body
    if path.endswith("/cases") and case.method.upper() == "GET" and isinstance(case.query, dict):
        _written_by_the_list(case.query)
    if not isinstance(body, dict):
        return case
    if path.endswith(("/economic-compensation", "/unlawful-termination", "/double-wage")):
        _in_order(body, "start_date", "end_date")
    elif path.endswith("/annual-leave"):
        _in_order(body, "period_start", "period_end", same_year=True)
    elif path.endswith("/open-ended-double-wage"):
        _in_order(body, "due_date", "end_date")
    elif path.endswith("/unlawful-probation"):
        _in_order(body, "contract_start_date", "probation_served_until")
        _in_order(body, "contract_start_date", "contract_end_date")
    elif path.endswith("/service-period-penalty"):
        _in_order(body, "service_start_date", "service_end_date")
        _in_order(body, "service_start_date", "left_on")
    elif path.endswith("/sick-leave"):
        _at_most(body, "years_with_employer", "total_work_years")
    elif path.endswith("/work-injury"):
        _work_injury_tables(body)
    elif path.endswith("/arbitration-limitation"):
        _in_order(body, "mediation_requested_on", "mediation_ended_on")
    elif path.endswith("/overtime") and isinstance(body.get("days_worked"), str):
        # Free text the schema can only call "a string": days the holiday table knows, with sensible hours
        # (a day of a year not entered, or 25 hours, is a 422 by design, docs/api.md).
        body["days_worked"] = "2025-10-01 8；2025-10-04 6；2025-03-03 2"
    elif "/claims" in path:
        _known_on_in_range(body)
    elif path.endswith(("/cases", "/referrals")):
        _one_id_number_each(body)
        for claim in body.get("claims") or []:
            _known_on_in_range(claim)
        organisation = body.get("organisation_id")
        if path.endswith("/cases") and ORGANISATIONS and isinstance(organisation, int) and organisation % 2 == 0:
            body["organisation_id"] = ORGANISATIONS[organisation // 2 % len(ORGANISATIONS)]
    _existing(body, "employer_division_code", "division_codes")
    _existing(body, "city_code", "city_codes")
    return case


# --- the data-dependent formats, for a run against a server ----------------------------------------------------


def places_from_database() -> None:
    """Fill PLACES from the database the server uses (DATABASE_URL), for `schemathesis run`: the divisions where
    routing finds an organisation, the cities with wage rows of both kinds, and ORGANISATIONS: where the user
    TIAOJIE_FUZZ_USER (default mediator_a, whose token the run sends) may register cases."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from tiaojie.calculators_web.models import LocalWageStandard
    from tiaojie.organisations.models import Membership, Organisation
    from tiaojie.reference.models import Division

    memberships = Membership.objects.filter(user__username=os.environ.get("TIAOJIE_FUZZ_USER", "mediator_a"))
    ORGANISATIONS[:] = sorted(m.organisation_id for m in memberships if m.can_register_cases)

    counties = {o.division_id[:6] for o in Organisation.objects.filter(type_id="arbitration_centre", is_active=True)}
    PLACES["division_codes"] = sorted(
        code for code in Division.objects.values_list("code", flat=True) if code[:6] in counties and len(code) >= 6
    )
    provinces = {
        code[:2]
        for code in LocalWageStandard.objects.filter(effective_from__lte=dt.date(1900, 1, 1)).values_list(
            "division_id", flat=True
        )
    }
    PLACES["city_codes"] = sorted(
        code for code in Division.objects.values_list("code", flat=True) if code[:2] in provinces and len(code) <= 9
    )


if os.environ.get("SCHEMATHESIS_HOOKS") == __name__:
    places_from_database()
