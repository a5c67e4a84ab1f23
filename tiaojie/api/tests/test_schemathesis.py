"""API v1 keeps its contract: schemathesis generates requests from /api/v1/openapi.json, valid and invalid, sends
them to the WSGI app in the test database, and runs all of its checks on every answer (no 5xx; every status code
declared, with a body matching its schema; what the schema allows is accepted, what it forbids refused; no
answer without the token). docs/api.md says what the checks mean and how to read a failure.

The suite's budget is small (TIAOJIE_FUZZ_EXAMPLES, default 25 per operation, fuzzing only: under a minute on this
machine); `make fuzz-api` runs 100 per operation, the coverage phase (TIAOJIE_FUZZ_COVERAGE=1: each field's
boundary and invalid values) and the stateful scenarios (TIAOJIE_FUZZ_STATEFUL=1), which follow the schema's
links: create a case, read it, move it, list it with the cursor the list returned."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.api.tests import fuzzing
from tiaojie.calculators_web.models import LocalWageStandard
from tiaojie.organisations.tests.factories import OrganisationFactory
from tiaojie.reference.models import Division

EXAMPLES = int(os.environ.get("TIAOJIE_FUZZ_EXAMPLES", "25"))
STATEFUL = os.environ.get("TIAOJIE_FUZZ_STATEFUL") == "1"
COVERAGE = os.environ.get("TIAOJIE_FUZZ_COVERAGE") == "1"  # the boundary values of every field: ~2 min
PROVINCE = "32"  # 江苏: wage rows of its own for the lookup (calculators_web.tests.factories: nothing seeded there)


# Loaded once, at collection (the schema needs no database). schemathesis.pytest.from_fixture would load it per
# test, but it does not run on pytest 9 (it sets the node's `_nodeid`, which pytest 9 no longer has).
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none"},
        "checks": {"enabled": True},
        "phases": {"coverage": {"enabled": COVERAGE}},
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "cache": {"enabled": False},  # nothing written to .schemathesis/ in the checkout
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)
TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class FuzzerToken:
    """The token of the test that runs (api_data makes one in its database)."""

    def get(self, case: schemathesis.Case, context: Any) -> str:
        return TOKEN.get("value", "")  # asked at collection too, before any test has made one

    def set(self, case: schemathesis.Case, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def api_data(mediator_a, org_a) -> Iterator[None]:
    """mediator_a of organisation A (余杭区仓前街道) and its token; a county arbitration centre so that every
    division of 余杭区 routes somewhere; wage rows for 江苏 from 1900 on, for the calculators' city lookup."""
    OrganisationFactory(name="余杭区仲裁院调解中心", type_id="arbitration_centre", division_id="330110")
    for kind in LocalWageStandard.Kind.values:
        LocalWageStandard.objects.create(
            division_id=PROVINCE,
            kind=kind,
            effective_from=dt.date(1900, 1, 1),
            amount=Decimal("2000.00"),
            source="测试文件（测试〔1900〕1号）",
        )
    codes = Division.objects.filter(code__startswith="330110").values_list("code", flat=True)
    fuzzing.PLACES["division_codes"] = sorted(c for c in codes if len(c) >= 6)
    fuzzing.PLACES["city_codes"] = sorted(
        Division.objects.filter(code__startswith=PROVINCE, level__lte=Division.Level.COUNTY).values_list(
            "code", flat=True
        )
    )
    fuzzing.ORGANISATIONS[:] = [org_a.pk]
    TOKEN["value"] = do_create_api_token(user=mediator_a)
    # The WSGI handler closes the database connection after each request, and with it the test's transaction;
    # Django's test client unhooks the same receiver for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
# One database per operation, shared by its examples as a server's would be: the fixture is meant to outlive one.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case: schemathesis.Case, api_data: None) -> None:
    case.call_and_validate()


@pytest.mark.skipif(not STATEFUL, reason="make fuzz-api (TIAOJIE_FUZZ_STATEFUL=1)")
def test_scenarios_along_the_links_keep_the_contract(api_data: None) -> None:
    schema.as_state_machine().run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
