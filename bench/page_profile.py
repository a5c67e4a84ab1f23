"""Profile the staff case page, `GET /cases/{id}/` (issue 17 item 2): its statements and where its time goes.

    DATABASE_URL=postgres://… DEBUG=0 … .venv/bin/python -m bench.page_profile [--case ID] [--cold]

Any database with cases and staff will do (the demo data, or bench/requests.py's). Takes the busiest
organisation's first active member with a confirmed authenticator (bench/requests.py makes them), signs them in
past both factors without the login pages, reads one of that organisation's cases once to warm up, --runs
times twice (timed, no profiler) and once under cProfile and CaptureQueriesContext (Django's test client, in
one process). `--cold` clears the cache before every read, so each one renders the whole page (a state of the
case seen for the first time); without it the page comes kept (cases.page_cache) from the second read on. Run
it with the production settings (DEBUG=0 and the deployment's variables): DEBUG=1 adds its own per-request cost.
"""

from __future__ import annotations

import argparse
import sys

from bench.intake_profile import busiest_organisation_id, profile, profiler_setup, time_reads


def main() -> None:
    def own(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--case", type=int, help="the case to read (default: the organisation's newest)")
        parser.add_argument("--cold", action="store_true", help="clear the cache before each read")

    args = profiler_setup(__doc__.split("\n\n")[0], top=30, runs=True, extra=own)

    from django.core.cache import cache
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiaojie.cases.models import Case
    from tiaojie.organisations.models import Membership

    if args.case:
        org_id = Case.objects.values_list("organisation_id", flat=True).get(pk=args.case)
    else:
        org_id = busiest_organisation_id()
    device = (
        TOTPDevice.objects.filter(
            confirmed=True,
            user__is_active=True,
            user__memberships__organisation_id=org_id,
            user__memberships__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if device is None:
        member = Membership.objects.filter(organisation_id=org_id, is_active=True, user__is_active=True).first()
        if member is None:
            sys.exit("no active member of the busiest organisation")
        device = TOTPDevice.objects.create(user=member.user, name="page profile", confirmed=True)  # a write
    case_id = args.case or Case.objects.filter(organisation_id=org_id).order_by("-id").values_list("pk", flat=True)[0]
    client = Client()
    client.force_login(device.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def read() -> None:
        if args.cold:
            cache.clear()
        response = client.get(f"/cases/{case_id}/")
        assert response.status_code == 200, response.status_code

    read()
    time_reads(read, args.runs)
    profile(f"GET /cases/{case_id}/" + (" (cold)" if args.cold else " (kept)"), read, args.top, sql=args.sql)


if __name__ == "__main__":
    main()
