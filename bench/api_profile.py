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

import sys

from bench.intake_profile import busiest_organisation_id, profile, profiler_setup, time_reads


def main() -> None:
    args = profiler_setup(__doc__.split("\n\n")[0], top=25, runs=True)

    from django.test import Client

    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.cases.models import Case
    from tiaojie.organisations.models import Membership

    org_id = busiest_organisation_id()
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
    time_reads(read, args.runs)
    profile(f"GET /api/v1/cases/{case_id}", read, args.top, sql=args.sql)


if __name__ == "__main__":
    main()
