"""Hotline calls are built through the real action, so tests see the same events as production."""

from __future__ import annotations

import datetime as dt

from tiaojie.accounts.models import User
from tiaojie.hotline.actions import CallInput, ConversionInput, do_log_call
from tiaojie.hotline.models import HotlineCall
from tiaojie.organisations.models import Organisation

CALLER_PHONE = "13912345678"


def call_input(**overrides: object) -> CallInput:
    data = CallInput(
        caller_name="李四",
        caller_phone=CALLER_PHONE,
        topic="wages",
        kind="dispute",
        summary="来电人称所在公司拖欠两个月工资共12000元，多次讨要未果。",
        answer="已告知可申请调解或劳动仲裁，来电人同意申请调解。",
        duration_seconds=6 * 60 + 30,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_call(
    organisation: Organisation, operator: User, *, started_at: dt.datetime | None = None, **overrides: object
) -> HotlineCall:
    return do_log_call(
        organisation=organisation, operator=operator, data=call_input(started_at=started_at, **overrides)
    )


def conversion_input(**overrides: object) -> ConversionInput:
    data = ConversionInput(
        worker_name="李四",
        employer_name="杭州仓前示例科技有限公司",
        employer_division="330110012",  # 仓前街道: org A's township
        claim_type="wages",
        facts="来电人称所在公司拖欠两个月工资共12000元，多次讨要未果。",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data
