"""What is still Chinese on a calculator page read in English (docs/i18n.md, issue 13 item 13).

`chinese_left(client, name, data)` posts the calculator's form with English chosen and returns every piece of
the result (step texts, values, bases, the rounding note) and of the field errors that still holds Chinese,
apart from what is Chinese by nature: a document number (劳社部发〔2008〕3号) and a title the citation grammar
does not know, kept in its 《》. An empty list means the reader sees English only."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

CJK = re.compile(r"[\u4e00-\u9fff]")
NATURALLY_CHINESE = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号|《[^》]*》")


def _left(text: object) -> bool:
    return bool(CJK.search(NATURALLY_CHINESE.sub("", str(text))))


def english_result(client: Client, name: str, data: dict[str, str]) -> tuple[dict | None, list[str]]:
    """The page's result and its field errors, posted with English chosen."""
    response = client.post(reverse("calculators:calculator", args=[name]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return response.context["result"], errors


def chinese_left(client: Client, name: str, data: dict[str, str]) -> list[str]:
    result, errors = english_result(client, name, data)
    pieces: list[str] = list(errors)
    if result is not None:
        for step in result["steps"]:
            pieces += [str(step["text"]), str(step["value"]), str(step["basis"])]
        pieces.append(str(result.get("rounding", "")))
    return [p for p in pieces if _left(p)]
