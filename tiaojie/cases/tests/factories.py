"""Cases are built through the real action, so tests see the same events and deadlines as production."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from tiaojie.accounts.models import User
from tiaojie.cases.actions import Actor, CaseInput, ClaimInput, EmployerInput, WorkerInput, do_create_case
from tiaojie.cases.models import Case
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.idnumbers import id_check_char
from tiaojie.organisations.models import Organisation

_seq = count(1)


def valid_id_number(region: str = "330110", birth: str = "19900101") -> str:
    first17 = f"{region}{birth}{next(_seq) % 1000:03d}"
    return first17 + id_check_char(first17)


def case_input(**overrides: object) -> CaseInput:
    data = CaseInput(
        employer=EmployerInput(name="杭州示例电子有限公司"),
        workers=[WorkerInput(name="张三", id_number=valid_id_number(), phone="13800138000")],
        claims=[ClaimInput(type="wages", amount=Decimal("12500.00"))],
        channel="walk_in",
        facts="被申请人拖欠申请人两个月工资。",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_case(
    organisation: Organisation, user: User, *, received_at: dt.datetime | None = None, **overrides: object
) -> Case:
    return do_create_case(
        organisation=organisation,
        data=case_input(received_at=received_at, **overrides),
        actor=Actor(ActorKind.STAFF, user),
    )
