"""Money for documents: figures with thousands separators and the capital numerals (大写) that Chinese
legal and financial documents carry beside them, so an amount cannot be altered by adding a stroke.

Amounts are Decimal yuan with at most two decimal places (fen); anything finer is refused rather than
rounded, because a document must state exactly the amount that was agreed.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _check(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"not a finite Decimal amount: {amount!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount has more than two decimal places: {amount}")
    if abs(amount) >= Decimal("1e16"):
        raise ValueError(f"amount too large: {amount}")
    return amount.quantize(Decimal("0.01"))


def figures(amount: Decimal) -> str:
    """12500 → '12,500.00'."""
    return f"{_check(amount):,.2f}"


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, with 零 for inner gaps ('壹仟零伍')."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[digit] + SMALL_UNITS[pos])
    return "".join(out)


def capitals(amount: Decimal) -> str:
    """12500 → '人民币壹万贰仟伍佰元整'; 1005.30 → '人民币壹仟零伍元叁角'; 0.05 → '人民币伍分'.

    Follows the usual 大写 rules: a zero inside the integer part is read once ('壹万零伍元'), 整 ends an amount
    without fen, and an amount of less than one yuan has no 元."""
    value = _check(amount)
    sign = "负" if value < 0 else ""
    value = abs(value)
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "人民币零元整"
    text = ""
    if yuan:
        groups = []
        rest = yuan
        while rest:
            groups.append(rest % 10000)
            rest //= 10000
        parts: list[str] = []
        pending_zero = False
        for index in range(len(groups) - 1, -1, -1):
            g = groups[index]
            if g == 0:
                pending_zero = bool(parts)
                continue
            if parts and (pending_zero or g < 1000):
                parts.append("零")
            pending_zero = False
            parts.append(_group(g) + GROUP_UNITS[index])
        text = "".join(parts) + "元"
    if jiao == 0 and fen == 0:
        return f"人民币{sign}{text}整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return f"人民币{sign}{text}"


def both(amount: Decimal) -> str:
    """'12,500.00元（人民币壹万贰仟伍佰元整）' — how an amount is written in the body of a document."""
    return f"{figures(amount)}元（{capitals(amount)}）"
