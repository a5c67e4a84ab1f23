"""Command-line front end: `run(name, text)` is pure (text in, exit status and JSON text out) so the
`tiaojie` console script, a management command or a test can wrap it without touching stdin/stdout.

    python -m tiaojie.calculators.cli overtime <<< '{"monthly_wage": "5000", "weekday_hours": 2, ...}'
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from .core import CalculatorInputError, input_error
from .registry import calculate

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _reject_constant(name: str) -> object:
    raise ValueError(f"JSON 中不允许 {name}")


def _dumps(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def run(name: str, text: str) -> tuple[int, str]:
    """Exit status 0 with the result as JSON, or 2 with {"error": ..., "fields": [...]}."""
    try:
        # parse_float=Decimal keeps a JSON number's own digits: 5000.10 stays exactly 5000.10.
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return EXIT_BAD_INPUT, _dumps(
            {"error": f"输入不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）", "fields": []}
        )
    except ValueError as exc:  # NaN/Infinity, or an integer too long to read
        return EXIT_BAD_INPUT, _dumps({"error": f"输入不是有效的 JSON：{exc}", "fields": []})
    try:
        result = calculate(name, data)
    except CalculatorInputError as exc:
        return EXIT_BAD_INPUT, _dumps(exc.as_dict())
    return EXIT_OK, _dumps(result)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        status, output = (
            EXIT_BAD_INPUT,
            _dumps(input_error("name", "用法：python -m tiaojie.calculators.cli NAME < input.json").as_dict()),
        )
    else:
        status, output = run(args[0], sys.stdin.read())
    print(output)
    return status


if __name__ == "__main__":
    sys.exit(main())
