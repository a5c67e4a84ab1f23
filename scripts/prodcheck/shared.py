"""What the production checks' scripts (smoke.py for prod-check, scaleout.py for scaleout-check) share: waiting
for a condition, reading /healthz, and the authenticator code a staff login asks for. They run as scripts, so this
directory is on their import path."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from django_otp.oath import TOTP


def wait_for(what: str, probe: Callable[[], Any], seconds: float = 90, *, check: str) -> Any:
    """The first true value `probe()` returns, trying once a second; exits naming `check` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(1)
    raise SystemExit(f"{check}: FAILED: gave up waiting {seconds:.0f} s for {what}")


def healthz(base: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310 (loopback)
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except OSError:  # not up yet (gunicorn preloading), busy, or a check failing (503 is an HTTPError)
        return None


def totp_code(key_hex: str) -> str:
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"
