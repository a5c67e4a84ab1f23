"""The login between its two steps (docs/security-staff.md).

After a correct password, a user who has an authenticator, or who must have one (STAFF_2FA_REQUIRED), is not
logged in yet: the session holds only who passed the password, until when, and where to go next. The second
step (a code, or enrolment for a user with no authenticator) calls django.contrib.auth.login, so every page
behind login_required, the admin included, sees only users who passed both steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone

from tiaojie.accounts.actions import has_totp_device
from tiaojie.accounts.models import User

PENDING_KEY = "tiaojie_2fa_pending"
NEW_CODES_KEY = "tiaojie_2fa_new_codes"
PENDING_MINUTES = 10  # long enough to install an authenticator app and scan the code


def second_step_needed(user: User) -> bool:
    return settings.STAFF_2FA_REQUIRED or has_totp_device(user)


def begin(request: HttpRequest, user: Any, next_url: str) -> None:
    request.session.cycle_key()  # a fixed session id planted before the password is worth nothing after it
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "auth_hash": user.get_session_auth_hash(),  # a password changed meanwhile ends the pending login
        "backend": user.backend,
        "next": next_url,
        "until": (timezone.now() + dt.timedelta(minutes=PENDING_MINUTES)).isoformat(),
    }


def pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The user between the two steps and the saved state, or None (no such login, expired, or stale)."""
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(state["until"])
        user = User.objects.get(pk=state["user_id"], is_active=True)
    except (KeyError, TypeError, ValueError, User.DoesNotExist):
        user = None
    if user is None or until <= timezone.now() or user.get_session_auth_hash() != state.get("auth_hash"):
        cancel(request)
        return None
    return user, state


def cancel(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def complete(request: HttpRequest, user: User, state: dict[str, Any], device: Any) -> str:
    """Log the user in with the device that passed; returns where to go next."""
    cancel(request)
    user.otp_device = device  # type: ignore[attr-defined]  # read by the login audit row (and django-otp)
    login(request, user, backend=state["backend"])
    django_otp.login(request, device)
    return state["next"]


def store_new_codes(request: HttpRequest, codes: list[str], next_url: str) -> None:
    request.session[NEW_CODES_KEY] = {"codes": codes, "next": next_url}


def pop_new_codes(request: HttpRequest) -> dict[str, Any] | None:
    value = request.session.pop(NEW_CODES_KEY, None)
    return value if isinstance(value, dict) else None


def qr_data_uri(url: str) -> str:
    """The otpauth:// address as an inline SVG image (data: URI): no image file, nothing fetched."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)
