"""Profile one API read, `GET /api/v1/cases/{id}` (issue 17 item 3): its statements and where its time goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_h28 .venv/bin/python -m bench.api_profile

Any database with cases and staff will do (the demo data, or bench/requests.py's). Takes the busiest
organisation's first active member, makes an API token for them (a write), reads one of that organisation's cases
once to warm up, --runs times twice (timed, no profiler) and once under cProfile and CaptureQueriesContext
(Django's test client, in one process). Run it with the production settings (DEBUG=0 and the deployment's
variables): DEBUG=1 adds its own per-request cost. Prints the statements, the commits and the top functions
by cumulative time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time")
    parser.add_argument("--sql", action="store_true", help="also print every statement (cut at 160 characters)")
    parser.add_argument("--runs", type=int, default=200, help="reads timed without the profiler")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a database holding cases and staff")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from bench.intake_profile import profile
    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.cases.models import Case
    from tiaojie.organisations.models import Membership

    settings.ALLOWED_HOSTS = ["*"]
    busiest = Case.objects.values("organisation_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        sys.exit("no cases in this database")
    org_id = busiest["organisation_id"]
    member = Membership.objects.filter(organisation_id=org_id, is_active=True, user__is_active=True).first()
    if member is None:
        sys.exit("no active member of the busiest organisation")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=member.user, name='api profile')}"}
    case_id = Case.objects.filter(organisation_id=org_id).order_by("-id").values_list("pk", flat=True).first()
    client = Client()

    def read() -> None:
        response = client.get(f"/api/v1/cases/{case_id}", **headers)
        assert response.status_code == 200, response.content

    read()
    for _round in range(2):
        start = time.perf_counter()
        for _i in range(args.runs):
            read()
        print(
            f"{args.runs} reads: mean {(time.perf_counter() - start) / args.runs * 1000:.2f} ms a request, in process"
        )
    profile(f"GET /api/v1/cases/{case_id}", read, args.top, sql=args.sql)


if __name__ == "__main__":
    main()
