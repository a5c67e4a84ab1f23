"""Identifier checks: resident ID numbers (GB 11643), credit codes (GB 32100), mobile numbers.

The ID check is our own because stdnum.cn.ric rejects the 81/82/83 prefixes of Hong Kong, Macao and Taiwan
residence permits and accepts birth dates in the future (docs/stack.md).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from tiaojie.lib.workdays import LEGAL_TZ

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level prefixes, plus 81/82/83 for HK/Macao/Taiwan residence permits.
ID_REGION_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdentifier(ValueError):
    """Raised with a Chinese message that names what is wrong."""


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-character ID number or raise InvalidIdentifier."""
    number = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdentifier(_("身份证号码应为18位，前17位为数字，最后一位为数字或X"))
    if number[:2] not in ID_REGION_PREFIXES:
        raise InvalidIdentifier(_("身份证号码的地区代码不存在"))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdentifier(_("身份证号码中的出生日期不是有效日期")) from exc
    if birth > (today or dt.datetime.now(LEGAL_TZ).date()) or birth.year < 1900:
        raise InvalidIdentifier(_("身份证号码中的出生日期不可能"))
    if id_check_char(number[:17]) != number[17]:
        raise InvalidIdentifier(_("身份证号码校验位不正确，请核对"))
    return number


def id_number_sex(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd = male)."""
    return "M" if int(number[16]) % 2 else "F"


def id_number_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate_mobile(value: str) -> str:
    number = value.strip().replace(" ", "").replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE.match(number):
        raise InvalidIdentifier(_("手机号码应为11位，以1开头，第二位为3至9"))
    return number


def validate_credit_code(value: str) -> str:
    code = value.strip().replace(" ", "").upper()
    try:
        return str(uscc.validate(code))
    except StdnumError as exc:
        raise InvalidIdentifier(_("统一社会信用代码无效（应为18位，校验位须正确）")) from exc


def mask_id_number(number: str) -> str:
    """110101********1234: region code and last four only."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "****" + number[-4:]
