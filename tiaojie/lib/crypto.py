"""Field-level encryption and blind indexes for personal data (ID numbers, phones).

Values are encrypted with Fernet (AES-128-CBC + HMAC); the first key in FIELD_ENCRYPTION_KEY encrypts and all
keys decrypt, so keys can be rotated. Exact lookup uses an HMAC-SHA256 "blind index" keyed from the first
key with a distinct label, so the database never holds a plain or unkeyed hash of an ID number (an unkeyed
hash of an 18-digit ID is brute-forced in minutes).
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more comma-separated Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
        ) from exc


@functools.cache
def _index_key() -> bytes:
    return hmac.new(settings.FIELD_ENCRYPTION_KEYS[0].encode(), b"tiaojie blind index v1", hashlib.sha256).digest()


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("An encrypted field cannot be read with the configured keys") from exc


def blind_index(kind: str, plain: str) -> str:
    """Keyed hash for exact lookup; `kind` keeps an ID number and a phone with equal digits apart."""
    return hmac.new(_index_key(), f"{kind}:{plain}".encode(), hashlib.sha256).hexdigest()
