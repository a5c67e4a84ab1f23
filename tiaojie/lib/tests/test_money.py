"""Amounts in figures and in capitals (大写) as documents print them."""

from decimal import Decimal

import pytest

from tiaojie.lib.money import both, capitals, figures


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角"),
        ("10", "人民币壹拾元整"),
        ("1005.30", "人民币壹仟零伍元叁角"),
        ("12500", "人民币壹万贰仟伍佰元整"),
        ("20000005", "人民币贰仟万零伍元整"),
        ("100010000.01", "人民币壹亿零壹万元零壹分"),
        ("-12.50", "人民币负壹拾贰元伍角"),
    ],
)
def test_capitals(amount, expected):
    assert capitals(Decimal(amount)) == expected


def test_figures_and_both():
    assert figures(Decimal("12500")) == "12,500.00"
    assert figures(Decimal("-0.5")) == "-0.50"
    assert both(Decimal("12500.00")) == "12,500.00元（人民币壹万贰仟伍佰元整）"


@pytest.mark.parametrize("amount", [Decimal("1.005"), Decimal("0.001"), 1.5, Decimal("NaN"), Decimal("1e16")])
def test_refuses_what_a_document_cannot_state_exactly(amount):
    with pytest.raises(ValueError):
        capitals(amount)
    with pytest.raises(ValueError):
        figures(amount)
