"""Rate limits of the public door: every write and costly read that needs no account.

Each limit is "at most N events per key in a sliding window of S seconds", counted in ThrottleHit rows so
every web worker sees the same count. `take()` inserts its row first, in its own autocommit statement, and
then counts: of any number of concurrent requests the k-th insert to commit counts at least k rows, so no more
than N get through, however they interleave. A refused request keeps its row: a flood holds itself back.

The figures come from settings.PUBLIC_RATE_LIMITS ("scope": "N/S"), overridable one by one with environment
variables (docs/configuration.md). Keys are keyed hashes (crypto.blind_index): no address or phone is stored.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.intake.models import ThrottleHit
from tiaojie.lib import crypto


@dataclass(frozen=True)
class Limit:
    scope: str
    message: str | Promise


# What the user reads when refused: which action, and that waiting is enough.
LIMITS: dict[str, Limit] = {
    "apply_ip": Limit(
        "apply_ip", _("这台设备（网络）提交的申请太多了，请过一段时间再提交。如有急事请拨打12333或12351。")
    ),
    "apply_phone": Limit("apply_phone", _("这个手机号码已经提交了多份申请，请过一段时间再提交，或联系调解组织。")),
    "sms_phone": Limit("sms_phone", _("发给这个手机号码的验证码太多了，请过一段时间再获取。")),
    "sms_ip": Limit("sms_ip", _("获取验证码太频繁了，请过一段时间再试。")),
    "track_ip": Limit("track_ip", _("查询次数太多，请一小时后再试。")),
    "track_ipcode": Limit("track_ipcode", _("查询次数太多，请一小时后再试。")),
    "evidence_ip": Limit("evidence_ip", _("上传的文件太多了，请过一段时间再上传。")),
    "search_ip": Limit("search_ip", _("查询太频繁了，请稍后再试。")),
}


class RateLimited(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(limit.scope)
        self.limit = limit
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return str(self.limit.message)


def window(scope: str) -> tuple[int, int]:
    """(events allowed, seconds) for a scope."""
    count, seconds = settings.PUBLIC_RATE_LIMITS[scope]
    return count, seconds


def key_for(kind: str, value: str | None) -> str:
    return crypto.blind_index(kind, value or "?")


def ip_key(client_ip: str | None) -> str:
    return key_for("ip", client_ip)


def recent(scope: str, key: str, seconds: int | None = None) -> int:
    span = seconds if seconds is not None else window(scope)[1]
    since = timezone.now() - dt.timedelta(seconds=span)
    return ThrottleHit.objects.filter(scope=scope, key=key, at__gte=since).count()


def take(scope: str, key: str) -> None:
    """Count one event; raise RateLimited if it is beyond the scope's limit."""
    allowed, seconds = window(scope)
    ThrottleHit.objects.create(scope=scope, key=key)
    if recent(scope, key, seconds) > allowed:
        raise RateLimited(LIMITS[scope], seconds)
    if random.random() < 0.01:  # housekeeping, not security
        cutoff = timezone.now() - dt.timedelta(seconds=max(seconds, 86400))
        ThrottleHit.objects.filter(scope=scope, at__lt=cutoff).delete()


def check(scope: str, key: str) -> None:
    """Refuse if the scope is already at its limit, without counting (for counts of failures only)."""
    allowed, seconds = window(scope)
    if recent(scope, key, seconds) >= allowed:
        raise RateLimited(LIMITS[scope], seconds)


def record(scope: str, key: str) -> None:
    ThrottleHit.objects.create(scope=scope, key=key)
