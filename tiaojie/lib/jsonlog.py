"""Structured logs: one JSON object a line, without personal data (docs/deployment.md, "Logs").

`JsonFormatter` writes time (UTC, ISO), level, logger, message, the exception if any, and the extra fields a
caller passed (`logger.info("request", extra={"route": …})`). Before anything is written, `redact_personal`
masks what must never reach a log file that operators copy around (PIPL art 51): mobile numbers, ID numbers,
tracking codes and e-mail addresses, in the message, the extras and the traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

_PATTERNS = (
    # 18-character resident ID numbers (17 digits and a digit or X), before phones so their digits go whole.
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[身份证号]"),
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)"), "[手机号]"),
    (re.compile(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b"), "[查询码]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
)
# The attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def redact_personal(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _clean(value: object) -> object:
    if isinstance(value, str):
        return redact_personal(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact_personal(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_personal(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _clean(value)
        if record.exc_info:
            entry["exception"] = redact_personal(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
