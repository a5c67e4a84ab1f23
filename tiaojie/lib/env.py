"""Typed readers for settings from the environment.

Each helper raises ImproperlyConfigured on a value it cannot read, so a typo in a deployment stops the
process at start-up instead of silently falling back to a default (the healthchecks habit).
"""

from __future__ import annotations

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing")
    return items


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone") from exc
    return value


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {sorted(choices)}")
    return value


def env_cache(name: str) -> dict[str, object]:
    """The default cache (Django's CACHES["default"]) from a URL: empty or `locmem:` keeps one cache in each
    process; `file:///absolute/dir` one cache on disk that every process of the machine shares (gunicorn's
    workers), so what one worker rendered serves the others. Entries are keyed by what they depend on (the case
    page's state version), never trusted to be invalidated, so any of them is correct; a shared one hits more."""
    value = env_str(name, "").strip()
    if value in ("", "locmem:", "locmem://"):
        # Django's default of 300 entries is some 50 cases' state; 1,000 bounds a worker's cache near 50 MB.
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}
    if value.startswith("file://"):
        path = value.removeprefix("file://")
        if not path.startswith("/"):
            raise ImproperlyConfigured(f"{name}={value!r}: a file cache needs an absolute path (file:///var/cache/x)")
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": path,
            # The file cache culls (removes a third of its files) when it holds this many; a case page is ~50 KB.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    raise ImproperlyConfigured(f"{name}={value!r} must be empty, locmem: or file:///absolute/dir")
