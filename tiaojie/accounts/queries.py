"""Reads for the login lockout (docs/security-staff.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from tiaojie.accounts.models import LoginThrottle


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy strips it (docs/configuration.md).
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def username_key(username: str) -> str:
    """One counter for every spelling of a name: `Mediator_A` and `mediator_a` count together."""
    return username.strip().casefold()[:150]


def throttle_keys(*, username: str, request: HttpRequest | None) -> list[tuple[str, str, int]]:
    """(scope, key, limit) of the counters a login attempt touches: its account name and its address."""
    keys = []
    if name := username_key(username):
        keys.append((LoginThrottle.Scope.USERNAME.value, name, settings.LOGIN_MAX_FAILURES))
    if ip := client_ip(request):
        keys.append((LoginThrottle.Scope.IP.value, ip, settings.LOGIN_MAX_FAILURES_PER_IP))
    return keys


def login_locked_until(*, username: str, request: HttpRequest | None) -> dt.datetime | None:
    """The end of the lock on this account name or this address, whichever is later; None when neither is
    locked. A lock whose time has passed is no lock (the next failure starts a new count)."""
    keys = throttle_keys(username=username, request=request)
    if not keys:
        return None
    match = Q()
    for scope, key, _limit in keys:
        match |= Q(scope=scope, key=key)
    found = LoginThrottle.objects.filter(match, locked_until__gt=timezone.now()).aggregate(until=Max("locked_until"))
    return found["until"]
