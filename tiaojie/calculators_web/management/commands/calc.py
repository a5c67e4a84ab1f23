"""`tiaojie calc NAME`: a JSON object on stdin, the result as a JSON object on stdout.

Exit status 0 with the result; 2 with {"error": ..., "fields": [{"field", "message"}]} on bad input or an
unknown NAME. Same contract as `POST /api/v1/calculators/NAME` and the web form: all three go through
`lookup.calculate_with_tables`, so `city_code` / `on_date` fill the local wages from the tables here too.

    echo '{"start_date": "2005-03-01", "end_date": "2010-08-31", "monthly_wage": "8000"}' \
        | tiaojie calc unlawful-termination
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tiaojie.calculators.cli import EXIT_BAD_INPUT
from tiaojie.calculators.core import CalculatorInputError
from tiaojie.calculators.registry import CALCULATORS
from tiaojie.calculators_web.lookup import calculate_with_tables


def _reject_constant(name: str) -> object:
    raise ValueError(_("JSON 中不允许 %(name)s") % {"name": name})


def run(name: str, text: str) -> tuple[int, str]:
    """Exit status and JSON text; pure apart from the table lookup, so tests can call it directly."""
    try:
        # parse_float=Decimal keeps a JSON number's own digits: 5000.10 stays exactly 5000.10.
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message = _("输入不是有效的 JSON（第 %(line)s 行第 %(col)s 列：%(msg)s）") % {
            "line": exc.lineno,
            "col": exc.colno,
            "msg": exc.msg,
        }
        return EXIT_BAD_INPUT, _dumps({"error": message, "fields": []})
    except ValueError as exc:  # NaN/Infinity, or an integer too long to read
        return EXIT_BAD_INPUT, _dumps({"error": _("输入不是有效的 JSON：%(exc)s") % {"exc": exc}, "fields": []})
    try:
        result = calculate_with_tables(name, data)
    except CalculatorInputError as exc:
        return EXIT_BAD_INPUT, _dumps(exc.as_dict())
    return 0, _dumps(result)


def _dumps(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


class Command(BaseCommand):
    help = "运行一个计算器：从标准输入读取 JSON 对象，向标准输出写出 JSON 结果；输入有误时退出码为 2。"

    stealth_options = ("stdin",)  # call_command(..., stdin=io.StringIO(...)) in tests

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="、".join(CALCULATORS))

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        status, output = run(options["name"], stdin.read())
        self.stdout.write(output)
        if status:
            sys.exit(status)
