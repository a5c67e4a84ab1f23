"""The tail of a POST view that runs one action: check the form, run, say the outcome, go back.

Shared by the staff and public pages of cases, intake and the hotline, whose POST views differ only in the
form, the action, the two messages and where they return to. A refused action (CaseActionError) is not an
error page: its message is shown on the page the user returns to, as is the success message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from tiaojie.cases.actions import CaseActionError

T = TypeVar("T")


def refusal_text(exc: CaseActionError) -> str:
    """A refused action's message, with the field messages it does not already say: a redirect loses the form,
    so the reasons must travel in the one message."""
    details = "；".join(dict.fromkeys(v for v in exc.fields.values() if v and v not in exc.message))
    return f"{exc.message}（{details}）" if details else exc.message


def report_action(request: HttpRequest, action: Callable[[], T], success: str | Callable[[T], str]) -> None:
    """Run `action`; show its refusal, or `success` (a callable gets the action's result)."""
    try:
        result = action()
    except CaseActionError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)


def form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    invalid: str,
    action: Callable[[dict[str, Any]], T],
    success: str | Callable[[T], str],
    back: HttpResponse,
) -> HttpResponse:
    """An invalid form shows `invalid` and runs nothing; a valid one runs `action` on its cleaned data."""
    if not form.is_valid():
        messages.error(request, invalid)
        return back
    report_action(request, lambda: action(form.cleaned_data), success)
    return back
