import datetime as dt

import pytest

from tiaojie.lib.idnumbers import (
    InvalidIdentifier,
    id_check_char,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def test_valid_id_number_normalises_lowercase_x():
    number = "11010519491231002X"  # the GB 11643 standard's own example
    assert validate_id_number(number.lower()) == number


@pytest.mark.parametrize("prefix", ["81", "82", "83"])
def test_residence_permit_prefixes_are_accepted(prefix):
    number = with_check(prefix + "0000" + "19900101" + "123")
    assert validate_id_number(number) == number


def test_wrong_check_digit_is_refused_with_chinese_message():
    good = with_check("330110199001011234"[:17])
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidIdentifier, match="校验位"):
        validate_id_number(bad)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "18位"),
        (with_check("99010119900101123"), "地区"),
        (with_check("33011019900230123"), "出生日期"),
    ],
)
def test_malformed_id_numbers(number, message):
    with pytest.raises(InvalidIdentifier, match=message):
        validate_id_number(number)


def test_birth_date_in_the_future_is_refused():
    number = with_check("33011020990101123")
    with pytest.raises(InvalidIdentifier, match="不可能"):
        validate_id_number(number, today=dt.date(2026, 11, 23))


def test_mobile_numbers():
    assert validate_mobile("+86 138 0013 8000") == "13800138000"
    for bad in ["12800138000", "1380013800", "abc"]:
        with pytest.raises(InvalidIdentifier):
            validate_mobile(bad)


def test_credit_code():
    assert validate_credit_code("91110000600037341L") == "91110000600037341L"
    with pytest.raises(InvalidIdentifier):
        validate_credit_code("91110000600037341X")


def test_masks():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_phone("13800138000") == "138****8000"
