"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

Deployments plug in their carrier or government SMS gateway by writing a class with `send(phone, text)`;
the default console backend prints, and the locmem backend keeps messages in `outbox` for tests.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


outbox: list[tuple[str, str]] = []


class LocmemSmsBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)
