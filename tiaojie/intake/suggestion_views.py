"""Dispute-type suggestions on staff pages (docs/knowledge.md, "Suggestions at intake"): the live hint beside
the facts of assisted intake and of the hotline's forms, and the case page's panel where staff confirm or correct
the suggestion stored for a case."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.actions import Actor, do_confirm_dispute_types, suggest_dispute_types
from tiaojie.cases.models import Case, DisputeTypeSuggestion
from tiaojie.cases.panels import Panel, register_panel
from tiaojie.cases.post import form_action
from tiaojie.cases.state import case_state
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.forms import DisputeTypeForm
from tiaojie.intake.suggestions import all_claim_types, highlighted, shown, words_of
from tiaojie.organisations.access import active_memberships

logger = logging.getLogger(__name__)

# The form fields a live hint may read (the facts of assisted intake and of a call's conversion, a call's notes).
LIVE_FIELDS = ("facts", "summary")
# What the live hint reads of the text typed: the same bound as the stored suggestion (SUGGESTION_MAX_CHARS).
LIVE_MAX_CHARS = 5000


@login_required
@require_POST
def suggest_live(request: AuthedRequest) -> HttpResponse:
    """htmx: the top three dispute types of the text being typed, with their words; nothing is stored. Staff
    only (a member of some organisation): the public form shows its hint on the claims step instead."""
    if not active_memberships(request.user):
        raise Http404
    field = request.GET.get("field", "facts")
    text = request.POST.get(field if field in LIVE_FIELDS else "facts", "")[:LIVE_MAX_CHARS].strip()
    context: dict[str, object] = {"empty": not text, "failed": False, "suggestions": [], "claim_types": ""}
    if text:
        try:
            rows, _version = suggest_dispute_types(text)
        except Exception:
            logger.exception("live dispute-type suggestion failed")
            context["failed"] = True
        else:
            suggestions = shown(rows)
            context.update(suggestions=suggestions, claim_types=all_claim_types(suggestions))
    return render(request, "intake/_suggestions.html", context)


@register_panel
def dispute_type_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    # Storing and confirming the suggestion give the case a new state version (cases.state).
    row = case_state(request, case).cached(
        "dispute_types", lambda: DisputeTypeSuggestion.objects.filter(case=case).select_related("confirmed_by").first()
    )
    if row is None and not can_act:
        return None
    suggestions = shown(row.suggestions if row else [])
    form = DisputeTypeForm(initial={"labels": row.confirmed_labels if row else []}, auto_id="dt-%s")
    context = {
        "row": row,
        "suggestions": suggestions,
        "excerpt": highlighted(case.facts, words_of(suggestions)),
        "form": form,
        "suggested": {s.label for s in suggestions},
        "can_act": can_act,
        # Labelling a closed case is still worth having as training data; adding claims to it is not possible.
        "claims_locked": case_state(request, case).claims_locked() if can_act else None,
    }
    return Panel("intake/_dispute_type_panel.html", context, 8)


@login_required
@require_POST
def confirm_dispute_types(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    return form_action(
        request,
        DisputeTypeForm(request.POST),
        invalid=_("请至少选择一种争议类型。"),
        action=lambda d: do_confirm_dispute_types(
            case=case, labels=d["labels"], add_claims=d["add_claims"], actor=Actor(ActorKind.STAFF, request.user)
        ),
        success=_("争议类型已确认。"),
        back=redirect(reverse("cases:detail", args=[case.pk]) + "#dispute-type"),
    )
