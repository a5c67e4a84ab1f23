"""API v1 for the calculators: `POST /api/v1/calculators/NAME` takes the same JSON object as
`tiaojie calc NAME` and returns the same result object.

Authentication: like the rest of API v1, a token (`Authorization: Bearer …`); no case is needed. The public
web pages do not call this API: they post their form to a Django view (`views.calculator`), which runs the
same `lookup.calculate_with_tables`, so calculating needs no token and the API has no unauthenticated hole.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema
from ninja.responses import Status as Reply

from tiaojie.calculators.core import CalculatorInputError
from tiaojie.calculators.registry import CALCULATORS, metadata
from tiaojie.calculators_web.lookup import calculate_with_tables

router = Router(tags=["calculators"])


class FieldErrorOut(Schema):
    field: str
    message: str


class CalculatorErrorOut(Schema):
    detail: str
    fields: list[FieldErrorOut] = []


@router.get("", response=list[dict[str, Any]], summary="计算器列表及各自的输入字段")
def list_calculators(request: HttpRequest) -> Any:
    return metadata()


@router.post(
    "/{name}",
    response={200: dict[str, Any], 404: CalculatorErrorOut, 422: CalculatorErrorOut},
    summary="运行计算器：输入与 tiaojie calc NAME 相同的 JSON 对象，返回金额与逐步计算过程",
)
def run_calculator(request: HttpRequest, name: str, payload: Body[dict[str, Any]]) -> Any:
    if name not in CALCULATORS:
        detail = _("未知的计算器“%(name)s”，可选：%(names)s") % {"name": name, "names": "、".join(CALCULATORS)}
        return Reply(404, {"detail": detail, "fields": [{"field": "name", "message": detail}]})
    try:
        return calculate_with_tables(name, payload)
    except CalculatorInputError as exc:
        return Reply(422, {"detail": exc.message, "fields": exc.fields})
