"""The client's address behind the reverse proxy (docs/deployment.md).

Behind nginx every request reaches gunicorn from 127.0.0.1, so REMOTE_ADDR — which the login lockout, the
public rate limits and the audit logs key on — would be the same for everyone. nginx sets `X-Real-IP` to the
address it saw (`proxy_set_header` replaces whatever the client sent), so when BEHIND_PROXY is on and the
request came from one of TRUSTED_PROXIES, that header becomes REMOTE_ADDR. From any other peer the header is
ignored: a client talking to gunicorn directly cannot choose its own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _parse(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class RealClientIpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.SECURE_PROXY_SSL_HEADER is not None  # BEHIND_PROXY=1
        self.trusted = {str(ipaddress.ip_address(ip)) for ip in settings.TRUSTED_PROXIES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled and request.META.get("REMOTE_ADDR") in self.trusted:
            real = _parse(request.META.get("HTTP_X_REAL_IP", ""))
            if real is not None:
                request.META["REMOTE_ADDR"] = real
        return self.get_response(request)
