"""Seed the production check's database (scripts/prod-check): one organisation, one mediator with a confirmed
authenticator (its secret printed for the smoke journey), and one walk-in case received 12–19 days ago, whose
clock A ends within two days, so the deadline watcher owes its parties and staff a reminder now.

Runs with the production settings (DEBUG off) as the app role, through the same actions the pages use.
Prints one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from tiaojie.accounts.models import User  # noqa: E402
from tiaojie.cases.actions import Actor, CaseInput, ClaimInput, EmployerInput, WorkerInput  # noqa: E402
from tiaojie.cases.transitions import ActorKind  # noqa: E402
from tiaojie.intake.actions import do_submit_application  # noqa: E402
from tiaojie.lib.idnumbers import id_check_char  # noqa: E402
from tiaojie.organisations.models import Membership, Organisation  # noqa: E402

REMINDED_PHONE = "13700000013"


class _TryAnother(Exception):
    pass


def id_number(body: str) -> str:
    return body + id_check_char(body)


def main() -> None:
    password = secrets.token_urlsafe(16)
    organisation = Organisation.objects.create(
        name="生产检查 仓前街道调解中心", type_id="township_centre", division_id="330110012"
    )
    user = User.objects.create_user(username="prodcheck_mediator", password=password, email="mediator@prodcheck.test")
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.MEDIATOR)
    device = TOTPDevice.objects.create(user=user, name="prod-check", confirmed=True)
    # Clock A's last day must fall within the reminder window (today to two days ahead) whatever today is:
    # weekends and holidays move it, so try receipt dates until one lands there, and roll the others back.
    today = timezone.localdate()
    for days_back in range(12, 20):
        try:
            with transaction.atomic():
                result = do_submit_application(
                    data=CaseInput(
                        employer=EmployerInput(name="杭州生产检查有限公司"),
                        workers=[
                            WorkerInput(name="赵六", id_number=id_number("33010519900101001"), phone=REMINDED_PHONE)
                        ],
                        claims=[ClaimInput(type="wages", amount=None)],
                        channel="walk_in",
                        facts="来访登记：单位拖欠两个月工资。",
                        received_at=timezone.now() - dt.timedelta(days=days_back),
                    ),
                    actor=Actor(ActorKind.STAFF, user),
                    organisation=organisation,
                )
                if not today <= result.case.clock_a_due <= today + dt.timedelta(days=2):
                    raise _TryAnother
                break
        except _TryAnother:
            continue
    else:
        raise SystemExit("no receipt date puts clock A within the reminder window")
    json.dump(
        {
            "username": user.username,
            "password": password,
            "totp_key": device.key,
            "organisation": organisation.name,
            "reminded_case": result.case.display_number,
            "reminded_phone": REMINDED_PHONE,
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
