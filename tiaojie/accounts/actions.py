"""Writes for accounts: API tokens, the personal-data access log, and staff login security: the lockout
counters, the login audit trail, two-factor devices and password changes (docs/security-staff.md).

The two audit tables (PiiAccessLog, LoginEvent) are written here only, through lib.auditchain.append, which
gives each row its place in the table's hash chain (docs/deployment.md)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts.chains import LOGIN_CHAIN, PII_CHAIN
from tiaojie.accounts.models import ApiToken, LoginEvent, LoginThrottle, PiiAccessLog, User, hash_token
from tiaojie.accounts.queries import client_ip, throttle_keys, username_key
from tiaojie.lib import auditchain
from tiaojie.lib.workdays import LEGAL_TZ

__all__ = ["client_ip"]  # re-exported: callers of do_log_pii_access read the address the same way

RECOVERY_CODE_COUNT = 10
Kind = LoginEvent.Kind


class TwoFactorError(Exception):
    """A second-factor step refused, with the sentence to show."""


def do_create_api_token(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return the raw value, which is shown once and never stored."""
    raw = "tj_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, prefix=raw[:8], key_hash=hash_token(raw))
    return raw


def _user_agent(request: HttpRequest | None) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request else "")[:300]


def do_log_pii_access(
    *,
    user: User,
    record_type: str,
    record_id: object,
    field: str,
    request: HttpRequest | None,
    purpose: str = "",
) -> PiiAccessLog:
    return auditchain.append(
        PII_CHAIN,
        at=timezone.now(),
        user=user,
        record_type=record_type,
        record_id=str(record_id),
        field=field,
        ip_address=client_ip(request),
        user_agent=_user_agent(request),
        purpose=purpose,
    )


# --- the login audit trail ------------------------------------------------------------------------------------


def _log_login_event(
    *,
    kind: str,
    request: HttpRequest | None,
    username: str = "",
    user: User | None = None,
    actor: User | None = None,
    detail: str = "",
) -> LoginEvent:
    # Only what identifies the attempt: never the password or a code typed.
    return auditchain.append(
        LOGIN_CHAIN,
        at=timezone.now(),
        username=(username or (user.get_username() if user else ""))[:150],
        user=user,
        actor=actor,
        ip_address=client_ip(request),
        user_agent=_user_agent(request),
        kind=kind,
        detail=detail[:200],
    )


def _beijing(moment: dt.datetime) -> str:
    return moment.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M")


def _locked_throttle(scope: str, key: str) -> LoginThrottle:
    LoginThrottle.objects.get_or_create(scope=scope, key=key)
    # The row lock makes parallel failures (two workers, one attacker) count one after the other.
    return LoginThrottle.objects.select_for_update().get(scope=scope, key=key)


def do_record_login_failure(
    *,
    username: str,
    request: HttpRequest | None,
    user: User | None = None,
    kind: str = Kind.LOGIN_FAILURE,
) -> dt.datetime | None:
    """Count a wrong password (or second factor) against the account name and the client address, and lock
    whichever reaches its limit within LOGIN_FAILURE_WINDOW_MINUTES for LOGIN_LOCKOUT_MINUTES. Tries during a
    lock are refused before this is reached (do_refuse_locked_login), so they do not extend it. Returns the end
    of a lock this failure started, if any."""
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    lock_for = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    started: dt.datetime | None = None
    with transaction.atomic():
        _log_login_event(kind=kind, request=request, username=username, user=user)
        for scope, key, limit in throttle_keys(username=username, request=request):
            row = _locked_throttle(scope, key)
            if row.locked_until is not None and row.locked_until > now:
                continue  # locked meanwhile by a parallel try
            if row.window_start is None or row.window_start <= now - window or row.locked_until is not None:
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + lock_for
                started = max(started, row.locked_until) if started else row.locked_until
                scope_label = LoginThrottle.Scope(scope).label
                detail = _("%(scope)s %(key)s 连续失败 %(n)d 次，锁定至 %(until)s") % {
                    "scope": scope_label,
                    "key": key,
                    "n": row.failures,
                    "until": _beijing(row.locked_until),
                }
                _log_login_event(kind=Kind.LOCKED_OUT, request=request, username=username, user=user, detail=detail)
            row.save(update_fields=["failures", "window_start", "locked_until"])
    return started


def do_refuse_locked_login(*, username: str, request: HttpRequest | None, until: dt.datetime) -> None:
    """A try while the name or the address is locked: refused before the password is checked, and logged."""
    detail = _("锁定至 %(until)s") % {"until": _beijing(until)}
    _log_login_event(kind=Kind.REFUSED_LOCKED, request=request, username=username, detail=detail)


def do_record_password_ok(*, user: User, request: HttpRequest) -> None:
    _log_login_event(kind=Kind.PASSWORD_OK, request=request, user=user)


def do_record_login_success(*, user: User, request: HttpRequest | None) -> None:
    """A completed login (password, and the second factor where there is one): logged, and the account
    name's failure count starts again. The address's count is left alone, so that one good account does not
    let an address go on guessing the passwords of others."""
    device = getattr(user, "otp_device", None)
    if device is None:
        detail = _("密码")
    elif isinstance(device, StaticDevice):
        detail = _("密码 + 恢复码")
    else:
        detail = _("密码 + 动态验证码")
    with transaction.atomic():
        _log_login_event(kind=Kind.LOGIN_SUCCESS, request=request, user=user, detail=detail)
        LoginThrottle.objects.filter(
            scope=LoginThrottle.Scope.USERNAME, key=username_key(user.get_username()), locked_until__isnull=True
        ).update(failures=0, window_start=None)


def do_record_logout(*, user: User | None, request: HttpRequest, idle: bool = False) -> None:
    kind = Kind.IDLE_LOGOUT if idle else Kind.LOGOUT
    _log_login_event(kind=kind, request=request, user=user)


def do_unlock_logins(*, throttles: Iterable[LoginThrottle], actor: User, request: HttpRequest | None) -> int:
    """An administrator lifts locks (admin actions on the lock list and on users). Returns how many were
    locked."""
    now = timezone.now()
    unlocked = 0
    with transaction.atomic():
        for throttle in throttles:
            row = _locked_throttle(throttle.scope, throttle.key)
            was_locked = row.locked_until is not None and row.locked_until > now
            LoginThrottle.objects.filter(pk=row.pk).update(failures=0, window_start=None, locked_until=None)
            if not was_locked:
                continue
            unlocked += 1
            is_name = row.scope == LoginThrottle.Scope.USERNAME
            user = User.objects.filter(username__iexact=row.key).first() if is_name else None
            detail = _("解除 %(scope)s %(key)s 的锁定") % {"scope": row.get_scope_display(), "key": row.key}
            _log_login_event(
                kind=Kind.UNLOCKED,
                request=request,
                username=row.key if is_name else "",
                user=user,
                actor=actor,
                detail=detail,
            )
    return unlocked


def do_unlock_user(*, user: User, actor: User, request: HttpRequest | None) -> int:
    rows = LoginThrottle.objects.filter(scope=LoginThrottle.Scope.USERNAME, key=username_key(user.get_username()))
    return do_unlock_logins(throttles=list(rows), actor=actor, request=request)


# --- two-factor devices (django-otp: one TOTP authenticator app and one set of recovery codes per user) -----


def has_totp_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def do_start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator for `user`, made on the first visit and kept, so that reloading the page
    shows the same QR code. Refused if one is confirmed already (an administrator resets it first)."""
    with transaction.atomic():
        if has_totp_device(user):
            raise TwoFactorError(_("您已绑定两步验证。如需更换手机，请联系管理员重置。"))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def do_confirm_totp_enrolment(*, user: User, token: str, request: HttpRequest) -> list[str]:
    """The first code from the authenticator app confirms it; returns new recovery codes (shown once)."""
    token = _clean_token(token)
    codes: list[str] = []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise TwoFactorError(_("绑定已失效，请重新扫描二维码。"))
        verified = token.isdigit() and device.verify_token(token)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_recovery_codes(user)
            _log_login_event(kind=Kind.OTP_ENROLLED, request=request, user=user)
    if not verified:
        # Outside the block above, which keeps the failed try's throttle count and this row.
        _log_login_event(kind=Kind.OTP_ENROL_FAILURE, request=request, user=user)
        raise TwoFactorError(_("验证码不正确。请确认手机时间准确，输入验证器当前显示的 6 位数字。"))
    return codes


def do_regenerate_recovery_codes(*, user: User, request: HttpRequest) -> list[str]:
    with transaction.atomic():
        if not has_totp_device(user):
            raise TwoFactorError(_("请先绑定两步验证。"))
        codes = _new_recovery_codes(user)
        _log_login_event(kind=Kind.RECOVERY_CODES_NEW, request=request, user=user)
    return codes


def _clean_token(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()[:20]


def do_verify_second_factor(*, user: User, token: str, request: HttpRequest) -> Device | None:
    """Check a 6-digit code from the authenticator app, or a recovery code (each works once). A wrong one
    counts towards the lockout like a wrong password. Returns the device that accepted it."""
    token = _clean_token(token)
    model: type[Device] = TOTPDevice if re.fullmatch(r"\d{6}", token) else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    verified = django_otp.verify_token(user, device.persistent_id, token) if device and token else None
    if verified is None:
        do_record_login_failure(username=user.get_username(), request=request, user=user, kind=Kind.OTP_FAILURE)
        return None
    if isinstance(verified, StaticDevice):
        left = StaticToken.objects.filter(device=verified).count()
        detail = _("剩余 %(n)d 个恢复码") % {"n": left}
        _log_login_event(kind=Kind.RECOVERY_CODE_USED, request=request, user=user, detail=detail)
    return verified


def do_reset_two_factor(*, user: User, actor: User, request: HttpRequest | None) -> None:
    """An administrator removes a user's authenticator and recovery codes (a lost phone); the user enrols
    again at the next login."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _log_login_event(kind=Kind.OTP_RESET, request=request, user=user, actor=actor)


def do_change_password(*, user: User, password: str, request: HttpRequest) -> None:
    """The user's own change (the form checked the old password and the validators)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _log_login_event(kind=Kind.PASSWORD_CHANGED, request=request, user=user)
