"""Writes for accounts: API tokens and the personal-data access log."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest

from tiaojie.accounts.models import ApiToken, PiiAccessLog, User, hash_token


def do_create_api_token(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return the raw value, which is shown once and never stored."""
    raw = "tj_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, prefix=raw[:8], key_hash=hash_token(raw))
    return raw


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy strips it (docs/configuration.md).
    return request.META.get("REMOTE_ADDR") or None


def do_log_pii_access(
    *,
    user: User,
    record_type: str,
    record_id: object,
    field: str,
    request: HttpRequest | None,
    purpose: str = "",
) -> PiiAccessLog:
    return PiiAccessLog.objects.create(
        user=user,
        record_type=record_type,
        record_id=str(record_id),
        field=field,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        purpose=purpose,
    )
