"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

Production uses the HTTP gateway backend (`tiaojie.lib.sms_http.HttpSmsBackend`, configured by settings);
a deployment with another protocol writes a class with `send(phone, text)`. The console backend prints and is
refused by the settings when DEBUG is off; the locmem backend keeps messages in `outbox` for tests.

Only `tiaojie.notifications.channels.SmsChannel` calls `send_sms`: everything else queues a stored
notification (`tiaojie.notifications.actions.do_queue_sms`), so a gateway failure is retried by the task
worker instead of failing the request that caused the message (docs/notifications.md, "SMS outbox").
"""

from __future__ import annotations

import re
import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tiaojie.lib.idnumbers import mask_phone


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


# A link (it may carry a secret token: the employer's negotiation page, a rating link); URLs are ASCII, so the
# Chinese text after one is not swallowed.
_LINK = re.compile(r"https?://[!-~]+")
# A run of code characters: letters and digits, possibly joined by - or _ (tracking codes are XXXX-XXXX-XXXX,
# link tokens are URL-safe base64).
_CODE_RUN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_-]*[0-9A-Za-z])?")
REDACTED = "****"


def redact(text: str) -> str:
    """`text` with every secret a party could act on hidden: links, and every run of four or more code
    characters (tracking codes, signing codes, tokens; long case numbers go too). Four digits followed by 年
    are a year and stay, so dates remain readable. For logs and staff screens; the gateway gets the original."""

    def hide(match: re.Match[str]) -> str:
        run = match.group(0)
        if sum(ch.isalnum() for ch in run) < 4:
            return run
        if run.isdigit() and len(run) == 4 and text.startswith("年", match.end()):
            return run
        return REDACTED

    return _CODE_RUN.sub(hide, _LINK.sub("[链接]", text))


class ConsoleSmsBackend:
    """Prints instead of sending. With DEBUG on (`make run`, the demo) the message is printed in full, so a
    demo user can read the code; with DEBUG off the console is a server log, and the number is masked and the
    text redacted (a signing or tracking code in a log lets whoever reads it act as the party)."""

    def send(self, phone: str, text: str) -> None:
        if settings.DEBUG:
            line = f"[SMS to {phone}] {text}\n"
        else:
            line = f"[SMS to {mask_phone(phone)}] {redact(text)} ({len(text)} chars)\n"
        sys.stdout.write(line)
        sys.stdout.flush()


outbox: list[tuple[str, str]] = []


class LocmemSmsBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send_sms(phone: str, text: str, *, template_key: str = "", reference: str = "") -> str | None:
    """Hand one message to the configured gateway; raises when it fails. Called by the SMS channel only.

    A backend with `send_message` (the HTTP gateway, lib/sms_http.py) gets the template key and a reference that
    stays the same across retries, and returns the gateway's message id, which delivery receipts refer to."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    send_message = getattr(backend, "send_message", None)
    if send_message is not None:
        return send_message(phone, text, template_key=template_key, reference=reference)
    backend.send(phone, text)
    return None
