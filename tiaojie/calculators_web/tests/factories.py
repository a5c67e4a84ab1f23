"""Wage table rows for tests, in 江苏 (32) / 南京 (3201), where the seed migration puts nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tiaojie.calculators_web.models import LocalWageStandard

PROVINCE = "32"  # 江苏省
CITY = "3201"  # 南京市
COUNTY = "320102"  # 南京市玄武区
OTHER_CITY = "3202"  # 无锡市: no row of its own, falls back to 江苏省


def wage_row(
    code: str,
    kind: str,
    effective_from: str,
    amount: str,
    *,
    source: str = "测试文件（测试〔2024〕1号）",
    note: str = "",
) -> LocalWageStandard:
    return LocalWageStandard.objects.create(
        division_id=code,
        kind=kind,
        effective_from=dt.date.fromisoformat(effective_from),
        amount=Decimal(amount),
        source=source,
        note=note,
    )
