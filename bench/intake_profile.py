"""Profile one intake through each door (issue 17 items 4 and 6): `POST /api/v1/cases`, `POST /api/v1/referrals`
(routed by the employer's division) and the public form's submit (`do_submit_online_application`, the action the
submit view calls, with an SMS challenge made here with a known code).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_h22 .venv/bin/python -m bench.intake_profile

Needs the demo data (`tiaojie demo`) in that database. Each door is run once to warm up, then once under cProfile
and CaptureQueriesContext, in the same process and with the task backend of the settings (the database queue of
production: what the worker does later is not part of the request). Prints, per door, the statements by kind
and table with their counts, the number of commits, and the top functions by cumulative time. Writes cases.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import django


def statement_kind(sql: str) -> str:
    """ "INSERT cases_case", "SELECT … FOR UPDATE analytics_casefact": the statement's verb and first table."""
    text = " ".join(sql.split())
    verb = text.split(" ", 1)[0].upper()
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return verb
    pattern = {
        "SELECT": r'\bFROM\s+"?(\w+)"?',
        "INSERT": r'\bINTO\s+"?(\w+)"?',
        "UPDATE": r'^UPDATE\s+"?(\w+)"?',
        "DELETE": r'\bFROM\s+"?(\w+)"?',
    }.get(verb)
    table = ""
    if pattern:
        found = re.search(pattern, text, re.IGNORECASE)
        table = found.group(1) if found else ""
    suffix = ""
    if verb == "SELECT" and ("FOR UPDATE" in text.upper() or "FOR NO KEY UPDATE" in text.upper()):
        suffix = " (lock)"
    if verb == "INSERT" and "ON CONFLICT" in text.upper():
        suffix = " (upsert)"
    return f"{verb} {table}{suffix}".strip()


class Commits:
    """Counts commits: outermost atomic blocks (connection.commit) and statements run in autocommit."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.explicit = 0
        self.autocommit = 0

    def __enter__(self) -> Commits:
        original = self.connection.commit

        def commit() -> None:
            self.explicit += 1
            original()

        self._original = original
        self.connection.commit = commit  # type: ignore[method-assign]
        self._wrapper = self.connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def _count(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.connection.in_atomic_block and sql.split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.autocommit += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)
        self.connection.commit = self._original  # type: ignore[method-assign]


def profiler_setup(
    description: str,
    *,
    top: int,
    runs: bool = False,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
    needs: str = "cases and staff",
) -> argparse.Namespace:
    """The profilers' common start (this one, bench/api_profile.py, bench/page_profile.py): --top, --sql and,
    with `runs`, --runs (reads timed without the profiler); DATABASE_URL required; Django set up to answer the
    test client's host."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--top", type=int, default=top, help="functions listed by cumulative time")
    parser.add_argument("--sql", action="store_true", help="also print every statement (cut at 160 characters)")
    if runs:
        parser.add_argument("--runs", type=int, default=200, help="reads timed without the profiler")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit(f"set DATABASE_URL to a database holding {needs}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    return args


def busiest_organisation_id() -> int:
    """The organisation with the most cases (exits when there are none)."""
    from django.db.models import Count

    from tiaojie.cases.models import Case

    busiest = Case.objects.values("organisation_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        sys.exit("no cases in this database")
    return busiest["organisation_id"]


def time_reads(read: Callable[[], Any], runs: int) -> None:
    """`read` `runs` times, twice, without the profiler: the mean of each round."""
    for _round in range(2):
        start = time.perf_counter()
        for _i in range(runs):
            read()
        print(f"{runs} reads: mean {(time.perf_counter() - start) / runs * 1000:.2f} ms a request, in process")


def profile(label: str, run: Callable[[], Any], top: int, *, sql: bool = False) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm-up: imports, the classifier's model, caches
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries, Commits() as commits:
        profiler.enable()
        run()
        profiler.disable()
    kinds = Counter(statement_kind(q["sql"]) for q in queries.captured_queries)
    control = sum(n for k, n in kinds.items() if k.split(" ")[0] in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"})
    print(f"\n### {label}\n")
    print(
        f"{len(queries)} SQL statements ({len(queries) - control} without BEGIN/COMMIT/SAVEPOINT/RELEASE), "
        f"{commits.explicit} commits of a transaction + {commits.autocommit} writes in autocommit\n"
    )
    print("```")
    for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{n:4d}  {kind}")
    print("```\n")
    if sql:
        for q in queries.captured_queries:
            print("    " + " ".join(q["sql"].split())[:160])
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # Our own functions (and the database driver's), not the middleware and test-client frames around them.
    stats.sort_stats("cumulative").print_stats(
        r"tiaojie/(?!lib/(proxy|request_metrics|security_headers|request_limits)"
        r"|accounts/middleware)|psycopg/cursor|dispatcher",
        top,
    )
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print("```")
    for line in lines[start:]:
        print(re.sub(r"/\S*/(site-packages|tiaojie)/", r"\1/", line)[:150])
    print("```")


def main() -> None:
    args = profiler_setup(__doc__.split("\n\n")[0], top=25, needs="the demo data")

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.accounts.models import User
    from tiaojie.cases.actions import ClaimInput, WorkerInput
    from tiaojie.cases.tests.factories import case_input, valid_id_number
    from tiaojie.intake.actions import _code_hash, do_submit_online_application
    from tiaojie.intake.models import PhoneChallenge
    from tiaojie.lib import crypto
    from tiaojie.organisations.models import Organisation
    from tiaojie.reference.models import Division

    admin = User.objects.get(username="admin_a")
    org_a = Organisation.objects.get(memberships__user=admin)
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=admin, name='intake profile')}"}
    client = Client()

    def body(**extra: Any) -> dict[str, Any]:
        return {
            "employer": {"name": "杭州剖析测试有限公司"},
            "workers": [{"name": "剖析", "id_number": valid_id_number(), "phone": "13500001111"}],
            "claims": [{"type": "wages", "amount": "20000"}, {"type": "overtime", "amount": "3000"}],
            "facts": "公司拖欠三个月工资和加班费，多次催要未果。",
            **extra,
        }

    def api_intake() -> None:
        response = client.post(
            "/api/v1/cases",
            json.dumps(body(organisation_id=org_a.pk, channel="walk_in")),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 201, response.content

    def referral() -> None:
        payload = body(
            sender_type="court",
            sender_name="杭州市余杭区人民法院",
            reference_number=f"（2026）浙0110民诉前调{secrets.randbelow(10**9)}号",
            employer_division_code=org_a.division_id,
        )
        response = client.post("/api/v1/referrals", json.dumps(payload), content_type="application/json", **headers)
        assert response.status_code == 201, response.content

    division = Division.objects.get(code=org_a.division_id)

    def public_submit() -> None:
        phone = f"139{secrets.randbelow(10**8):08d}"
        nonce, now = secrets.token_hex(8), timezone.now()
        challenge = PhoneChallenge.objects.create(
            purpose=PhoneChallenge.Purpose.APPLY,
            phone_index=crypto.blind_index("phone", phone),
            code_hash=f"{nonce}${_code_hash(nonce, '123456')}",
            created_at=now,
            expires_at=now + dt.timedelta(minutes=10),
        )
        data = case_input(
            channel="online",
            workers=[WorkerInput(name="剖析", id_number=valid_id_number(), phone=phone)],
            claims=[ClaimInput(type="wages", amount=None)],
        )
        data.employer.name, data.employer.credit_code = "杭州剖析小吃店", ""
        result = do_submit_online_application(
            data=data,
            token=secrets.token_urlsafe(16),
            challenge_id=challenge.pk,
            sms_code="123456",
            client_ip=f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}",
            employer_division=division,
            consent_at=now,
        )
        assert result.result is not None

    print(f"tasks backend: {settings.TASKS['default']['BACKEND']}")
    profile("API intake: POST /api/v1/cases", api_intake, args.top, sql=args.sql)
    profile("Referral: POST /api/v1/referrals (routed)", referral, args.top, sql=args.sql)
    profile("Public submit: do_submit_online_application (routed)", public_submit, args.top, sql=args.sql)


if __name__ == "__main__":
    main()
