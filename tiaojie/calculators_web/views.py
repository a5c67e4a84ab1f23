"""Calculator pages: public, no login. A signed-in mediator who came from a case (`?case=<id>`) gets a
button that adds the result to that case's claim items, with the steps kept as the explanation.

The page posts its form to itself (a Django view, not the token-protected API) and calculates through
`lookup.calculate_with_tables`, the same function the CLI and the API use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.accounts.models import User
from tiaojie.accounts.typing import AuthedRequest
from tiaojie.calculators.core import CalculatorInputError, JSONObject, Text
from tiaojie.calculators.registry import CALCULATORS, Calculator
from tiaojie.calculators_web.forms import CalculatorForm
from tiaojie.calculators_web.lookup import calculate_with_tables
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.actions import Actor, CaseActionError, do_set_claim_from_calculator
from tiaojie.cases.models import Case, ClaimType
from tiaojie.cases.transitions import ActorKind
from tiaojie.knowledge.templatetags.law_links import law_links
from tiaojie.lib.stored_text import translate_stored

# Which claim item a calculator's result becomes (cases.models.ClaimType).
CLAIM_TYPES: dict[str, ClaimType] = {
    "economic-compensation": ClaimType.COMPENSATION,
    "unlawful-termination": ClaimType.UNLAWFUL_TERMINATION,
    "double-wage": ClaimType.DOUBLE_WAGE,
    "notice-pay": ClaimType.NOTICE_PAY,
    "overtime": ClaimType.OVERTIME,
    "annual-leave": ClaimType.ANNUAL_LEAVE,
    "work-injury": ClaimType.WORK_INJURY,
    "unlawful-probation": ClaimType.OTHER,
    "open-ended-double-wage": ClaimType.DOUBLE_WAGE,
    # What the worker owes the employer at most: a mediator records it to settle against, not as a worker's claim.
    "service-period-penalty": ClaimType.OTHER,
    "non-compete": ClaimType.OTHER,
    "sick-leave": ClaimType.WAGES,
    # "arbitration-limitation" gives a day, not an amount: nothing to add as a claim (each claim's last day is
    # shown on the case page itself, mediation/limitation.py).
}


def _calculator(name: str) -> Calculator:
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise Http404
    return calculator


def _case_from_query(request: HttpRequest) -> Case | None:
    """The case named by ?case=, if the signed-in user may add claims to it; otherwise no case (the page
    stays the public calculator, and whether the case exists is not revealed)."""
    case_id = request.GET.get("case", "")
    if not case_id or not isinstance(request.user, User):  # anonymous: just the calculator
        return None
    try:
        case = access_case(request.user, case_id, need=Need.ACT)
    except Http404:
        return None
    return case if case.is_open else None


def _place_of(case: Case | None) -> str:
    """A case's city code, to preselect its local wage table (the form ignores a place with no rows)."""
    if case is None:
        return ""
    return case.division_id[:4]


def _run(form: CalculatorForm) -> JSONObject | None:
    """The result, or None with the library's messages attached to the form's fields."""
    if not form.is_valid():
        return None
    try:
        result = calculate_with_tables(form.calculator.name, form.calculator_input())
    except CalculatorInputError as exc:
        form.add_calculator_errors(exc.fields)
        return None
    return result


def _shown(form: CalculatorForm, result: JSONObject | None) -> JSONObject | None:
    """The result as the page shows it: step texts, values, bases and the rounding note in the reader's
    language (a step's `Text` is rebuilt from its translated template; a value may be a word such as "另计"),
    without the JSON keys meant for the CLI."""
    if result is None:
        return None
    return {
        **result,
        "steps": [
            {
                **step,
                "text": form.for_people(str(translate_stored(step["text"]))),
                # A value is a figure, or now and then a few words ("下一年度 0 天"): a Text, translated too.
                "value": translate_stored(step["value"]),
                # Each citation the law library holds is a link to its article (knowledge/links.py).
                "basis": law_links(step["basis"]),
            }
            for step in result["steps"]
        ],
        **({"rounding": translate_stored(result["rounding"])} if "rounding" in result else {}),
        # A day-valued result (the limitation) is shown in the reader's date format.
        **({"last_day_shown": dt.date.fromisoformat(result["last_day"])} if result.get("last_day") else {}),
    }


def _explanation(form: CalculatorForm, result: JSONObject) -> list[dict[str, object]]:
    """The steps kept with the claim: the Chinese as computed (documents print it) and, for a composed text,
    its template and parameters so the case page can still show it in English."""
    kept: list[dict[str, object]] = []
    for step in result["steps"]:
        entry: dict[str, object] = {
            "text": form.for_people(step["text"]),
            "value": step["value"],
            "basis": step["basis"],
        }
        if isinstance(step["text"], Text):
            entry["i18n"] = _without_keys(form, step["text"].as_json())
        kept.append(entry)
    return kept


def _without_keys(form: CalculatorForm, data: JSONObject) -> JSONObject:
    return {
        "template": form.for_people(data["template"]),
        "params": {
            k: _without_keys(form, v) if isinstance(v, dict) else form.for_people(v) for k, v in data["params"].items()
        },
    }


def _render(request: HttpRequest, form: CalculatorForm, result: JSONObject | None, case: Case | None) -> HttpResponse:
    addable = form.calculator.name in CLAIM_TYPES
    return render(
        request,
        "calculators_web/calculator.html",
        {
            "calculator": form.calculator,
            "form": form,
            "result": _shown(form, result),
            "case": case,
            "addable": addable,
            # The same inputs again as hidden fields for "add to case"; no ids, so none are duplicated.
            "hidden_form": (
                CalculatorForm(form.calculator, form.data, auto_id=False) if result and case and addable else None
            ),
            # The claim the result would replace, named beside the button so nobody is surprised.
            "existing_claim": (
                case.claims.filter(type=CLAIM_TYPES[form.calculator.name]).order_by("id").first()
                if result and case and addable
                else None
            ),
        },
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    case = _case_from_query(request)
    return render(
        request,
        "calculators_web/index.html",
        {"calculators": list(CALCULATORS.values()), "case": case},
    )


@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest, name: str) -> HttpResponse:
    calc = _calculator(name)
    case = _case_from_query(request)
    result = None
    if request.method == "POST":
        form = CalculatorForm(calc, request.POST)
        result = _run(form)
        if result is None:
            messages.error(request, _("输入有误，请按各项下方的提示修改。"))
    else:
        form = CalculatorForm(calc, place=_place_of(case))
    return _render(request, form, result, case)


@login_required
@require_POST
def add_to_case(request: AuthedRequest, name: str, case_id: int) -> HttpResponse:
    """Recalculate from the submitted inputs (never trust a posted amount) and make the result the case's claim
    of its type: it replaces the amount of an existing claim of that type (one the worker typed, say) rather
    than adding a second row that every total would count twice; the case's timeline keeps the old amount."""
    calc = _calculator(name)
    case = access_case(request.user, case_id, need=Need.ACT)
    if calc.name not in CLAIM_TYPES:
        raise Http404
    form = CalculatorForm(calc, request.POST)
    result = _run(form)
    if result is None:
        messages.error(request, _("输入有误，未加入案件，请修改后重新计算。"))
        return _render(request, form, None, case)
    try:
        change = do_set_claim_from_calculator(
            case=case,
            type=CLAIM_TYPES[calc.name],
            amount=Decimal(result["amount"]),
            description=_(calc.title),
            explanation=_explanation(form, result),
            via=_("计算器：%(title)s") % {"title": _(calc.title)},
            actor=Actor(ActorKind.STAFF, request.user),
        )
    except CaseActionError as exc:
        messages.error(request, exc.message)
    else:
        claim = change.claim
        if change.kind == "edited":
            messages.success(
                request,
                _(
                    "已用「%(title)s」的结果 %(amount)s 元替换请求事项「%(type)s」原来的 %(old)s 元，"
                    "计算过程作为说明一并保存。"
                )
                % {
                    "title": calc.title,
                    "amount": result["amount"],
                    "type": claim.get_type_display(),
                    "old": "—" if change.old_amount is None else change.old_amount,
                },
            )
        else:
            messages.success(
                request,
                _("已将「%(title)s」%(amount)s 元加入请求事项，计算过程作为说明一并保存。")
                % {"title": calc.title, "amount": result["amount"]},
            )
        # Entered twice at intake (the wizard allows it): only the first was replaced; the rest would still
        # be counted in every total, so say so rather than guess which one to delete.
        others = case.claims.filter(type=claim.type).exclude(pk=claim.pk).count()
        if others:
            messages.warning(
                request,
                _("本案还有%(n)d项「%(type)s」，合计时会重复计算；如属重复，请在请求事项中删除。")
                % {"n": others, "type": claim.get_type_display()},
            )
    return redirect("cases:detail", case_id=case.pk)
