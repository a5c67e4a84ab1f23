"""Article numbers: '第一千二百六十条' ↔ 1260, '第十七条之一' ↔ (17, 1). Pure Python."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "[零〇一二两三四五六七八九十百千]+"
ARTICLE_LABEL = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?$")
_WRITTEN = "零一二三四五六七八九"


def chinese_to_int(text: str) -> int:
    """'四十七' → 47, '一百零六' → 106, '十二' → 12, '一千二百六十' → 1260."""
    if not text or any(c not in _DIGITS and c not in _UNITS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = 0
    digit = 0
    for char in text:
        if char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            digit = _DIGITS[char]
    return total + digit


def int_to_chinese(n: int) -> str:
    """47 → '四十七', 106 → '一百零六', 10 → '十', 1260 → '一千二百六十' (as statutes write article numbers)."""
    if not 0 < n < 10000:
        raise ValueError(f"article numbers run from 1 to 9999: {n}")
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        # 十二, not 一十二, when the number starts with its tens; 一百一十二 inside a larger number.
        if not (unit == "十" and digit == 1 and not parts):
            parts.append(_WRITTEN[digit])
        parts.append(unit)
    return "".join(parts)


def parse_label(label: str) -> tuple[int, int]:
    """'第四十七条' → (47, 0); '第十七条之一' → (17, 1). ValueError for anything else."""
    match = ARTICLE_LABEL.match(label.strip())
    if match is None:
        raise ValueError(f"not an article label: {label!r}")
    return chinese_to_int(match[1]), chinese_to_int(match[2]) if match[2] else 0


def label(number: int, sub: int = 0) -> str:
    """(47, 0) → '第四十七条'; (17, 1) → '第十七条之一'."""
    return f"第{int_to_chinese(number)}条" + (f"之{int_to_chinese(sub)}" if sub else "")


def url_number(number: int, sub: int = 0) -> str:
    """The article's part of a stable URL: '47', or '17-1' for 第十七条之一."""
    return f"{number}-{sub}" if sub else str(number)


def parse_url_number(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([1-9]\d{0,3})(?:-([1-9]\d?))?", text)
    if match is None:
        return None
    return int(match[1]), int(match[2] or 0)
