"""The stated purpose a supervisor gives before a file that prints full ID and phone numbers is sent to them.

A reader who sees a case only through a supervisor scope gets masked numbers on every page; a download that
cannot be masked (an issued document, the case file) first asks why (个人信息保护法 art 6, 最小必要), and the
answer goes into the personal-data access log with the download (docs/security.md §5). The rule itself is
cases.actions.require_stated_purpose; this is its door for GET downloads.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiaojie.accounts.models import User
from tiaojie.cases.actions import PURPOSE_MAX_LENGTH, CaseActionError, require_stated_purpose
from tiaojie.cases.models import Case


def purpose_or_refusal(
    request: HttpRequest, user: User, case: Case, *, what: str, back: str
) -> tuple[str, HttpResponse | None]:
    """(purpose, None) when the download may go ahead; ("", page) when it is refused: a 403 page with the form
    that asks for the purpose (?purpose=…) and, when one was given but said nothing, why it was refused."""
    given = request.GET.get("purpose", "")[:PURPOSE_MAX_LENGTH]
    try:
        return require_stated_purpose(user=user, case=case, purpose=given), None
    except CaseActionError as exc:
        context = {
            "case": case,
            "what": what,
            "back": back,
            "purpose": given,
            "purpose_error": exc.message if "purpose" in request.GET else "",
        }
        return "", render(request, "cases/purpose.html", context, status=403)
