"""Staff pages for cases: parse input, fetch through access_*, call an action, render."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases import clock_b
from tiaojie.cases.access import (
    Need,
    access_case,
    can_act_on,
    cases_visible_to,
    reads_as_supervisor,
    visibility_q,
)
from tiaojie.cases.actions import (
    PURPOSE_MAX_LENGTH,
    UNCHANGED,
    Actor,
    CaseActionError,
    do_add_claim_item,
    do_edit_claim_item,
    do_extend_clock_b,
    do_remove_claim_item,
    do_reveal_worker_field,
    do_transition_case,
)
from tiaojie.cases.deadlines import case_deadlines
from tiaojie.cases.forms import (
    EXTENSION_INPUT_MAX_DAYS,
    CaseFilterForm,
    ClaimAddForm,
    ClaimEditForm,
    ExtendClockBForm,
    TransitionForm,
    first_errors,
)
from tiaojie.cases.models import Case, ClaimItem, Status
from tiaojie.cases.page_cache import CACHE_SECONDS as PAGE_CACHE_SECONDS
from tiaojie.cases.page_cache import CSRF_PLACEHOLDER, fill, page_key
from tiaojie.cases.panels import Panel, case_panels
from tiaojie.cases.post import form_action, report_action
from tiaojie.cases.queries import (
    TIMELINE_PAGE,
    case_page,
    case_parties,
    case_timeline,
    document_filters,
    filter_cases,
    latest_events,
    scope_divisions,
    search_page,
)
from tiaojie.cases.rows import case_rows, filter_fields
from tiaojie.cases.state import case_state
from tiaojie.cases.transitions import ActorKind, transitions_from
from tiaojie.lib.paging import BadCursor
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.access import intake_organisations


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.filters()
    # A search ranks its matches (cases.queries.search_page) among the cases the other filters leave.
    qs = filter_cases(cases_visible_to(request.user), replace(filters, q=""))
    if filters.q:
        # The search finds its candidates on the documents' copies of the scope (cases.search), with the other
        # filters tested there when the documents copy their columns too, else joined to them.
        narrow = document_filters(replace(filters, q=""))
        read = partial(
            search_page, qs, filters.q, visible=visibility_q(request.user), narrow=narrow, filtered=narrow is None
        )
    else:
        read = partial(case_page, qs, divisions=scope_divisions(request.user))
    status = 200
    try:
        page = read(cursor=request.GET.get("cursor", ""))
    except BadCursor:
        # A link no page wrote (edited by hand, cut short): say so with a 400, and show the first page.
        messages.error(request, _("翻页参数无效（链接可能被改动或不完整），下面显示的是第一页。"))
        page = read()
        status = 400
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "rows": case_rows(page.items),
        "filter_fields": filter_fields(form),
        "query": query.urlencode(),
        "can_register": bool(intake_organisations(request.user)),
    }
    template = "cases/_rows.html" if request.htmx and request.GET.get("cursor") and status == 200 else "cases/list.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id, keep=True)


def render_case_page(request: AuthedRequest, case_id: int, *, status: int = 200) -> HttpResponse:
    """The case page as the answer to a refused POST of a panel's form: rendered in place instead of a
    redirect, so the panel can show the form as it was typed, with its errors (a redirect loses the text).
    Never from or into the kept pages: it shows this POST's form."""
    return _case_page(request, case_id, keep=False, status=status)


def _case_page(request: AuthedRequest, case_id: int, *, keep: bool, status: int = 200) -> HttpResponse:
    """The page's body comes rendered from cases.page_cache when this state of the case was rendered for a
    viewer with the same rights; only its live panels are rendered now."""
    case = access_case(request.user, case_id)
    actor_can_act = can_act_on(request.user, case)
    purpose_required = reads_as_supervisor(request.user, case)
    key = page_key(request, case, can_act=actor_can_act, reads_as_supervisor=purpose_required) if keep else ""
    kept: str | None = cache.get(key) if key else None
    body = None
    if kept is not None:
        body = fill(
            kept, case_panels(request, case, actor_can_act, only_live=True), request, case=case, can_act=actor_can_act
        )
    if body is None:
        context = _detail_context(request, case, actor_can_act, purpose_required)
        rendered = render_to_string("cases/_detail_body.html", {**context, "csrf_token": CSRF_PLACEHOLDER}, request)
        if key:
            cache.set(key, rendered, PAGE_CACHE_SECONDS)
        panels: list[Panel] = context["panels"]  # type: ignore[assignment]
        # A body just rendered has a mark for each of its live panels.
        body = fill(rendered, [p for p in panels if p.live], request, case=case, can_act=actor_can_act) or rendered
    return render(
        request,
        "cases/detail.html",
        {"case": case, "body": mark_safe(body)},  # noqa: S308 - rendered by templates, which escaped it
        status=status,
    )


def _detail_context(
    request: AuthedRequest, case: Case, actor_can_act: bool, purpose_required: bool
) -> dict[str, object]:
    # The rows every section reads, loaded once and handed to the panels too (cases.state).
    state = case_state(request, case)
    claims = state.claims
    claims_locked = state.claims_locked() if actor_can_act else None
    today = legal_date(timezone.now())
    events, earlier = latest_events(case)
    return {
        "case": case,
        "parties": state.parties,
        "claims": claims,
        # The same sum the documents and the ledger make: amounts left empty count as nothing.
        "claims_total": sum((c.amount_claimed for c in claims if c.amount_claimed is not None), Decimal("0")),
        "can_edit_claims": actor_can_act and not claims_locked,
        "claims_locked": claims_locked,
        "claim_add_form": ClaimAddForm(auto_id="claim-add-%s"),
        "events": events,
        "earlier_events": earlier,
        "deadlines": case_deadlines(case, timezone.now()),
        "transitions": transitions_from(case.status, ActorKind.STAFF) if actor_can_act else [],
        "can_act": actor_can_act,
        "can_extend": actor_can_act and clock_b.may_extend(case, today),
        "extension_hint": clock_b.extension_hint(case, today),
        "extend_form": ExtendClockBForm(),
        "panels": case_panels(request, case, actor_can_act),
        "purpose_required": purpose_required,
    }


@login_required
@require_GET
def case_events(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The whole 办理记录, a page of TIMELINE_PAGE events at a time, newest page first (page 1 is what the case
    page shows); the case page links here when it leaves earlier events out."""
    case = access_case(request.user, case_id)
    paginator = Paginator(case_timeline(case).reverse(), TIMELINE_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    events = list(page.object_list)
    events.reverse()
    return render(request, "cases/events.html", {"case": case, "page": page, "events": events})


@login_required
@require_POST
def case_transition(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    return form_action(
        request,
        TransitionForm(request.POST),
        invalid=_("操作参数无效，请刷新页面后重试。"),
        action=lambda d: do_transition_case(
            case=case,
            to=d["to"],
            expected_status=d["expected_status"],
            reason=d["reason"],
            actor=Actor(ActorKind.STAFF, request.user),
        ),
        # Read after the action, which has moved the case.
        success=lambda done: _("案件状态已变更为「%(status)s」。") % {"status": Status(case.status).label},
        back=redirect("cases:detail", case_id=case.pk),
    )


@login_required
@require_POST
def case_extend(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    return form_action(
        request,
        ExtendClockBForm(request.POST),
        invalid=_("请填写1到%(max)d之间的延长天数，并注明双方同意的情况。") % {"max": EXTENSION_INPUT_MAX_DAYS},
        action=lambda d: do_extend_clock_b(
            case=case, days=d["days"], reason=d["reason"], actor=Actor(ActorKind.STAFF, request.user)
        ),
        success=_("调解期限已延长。"),
        back=redirect("cases:detail", case_id=case.pk),
    )


@login_required
@require_POST
def worker_reveal(request: AuthedRequest, case_id: int, worker_id: int, field: str) -> HttpResponse:
    """Show one full ID or phone number (htmx swaps it in) and log the display. A supervisor states a purpose
    (the form in cases/_pii_field.html); without one the field comes back masked, with the reason, as a 400."""
    case = access_case(request.user, case_id)
    party = next((p for p in case_parties(case) if p.worker_id == worker_id), None)
    if party is None or field not in ("id_number", "phone"):
        raise Http404
    try:
        value = do_reveal_worker_field(
            user=request.user,
            case=case,
            worker=party.worker,
            field=field,
            request=request,
            purpose=request.POST.get("purpose", "")[:PURPOSE_MAX_LENGTH],
        )
    except CaseActionError as exc:
        context = {
            "case": case,
            "worker": party.worker,
            "field": field,
            "purpose_required": True,
            "purpose_error": exc.message,
        }
        return render(request, "cases/_pii_field.html", context, status=400)
    return render(request, "cases/_revealed.html", {"value": value})


def _claim_of(case_id: int, claim_id: int, request: AuthedRequest) -> ClaimItem:
    """A claim of a case the user may act on; another organisation's case or claim is a 404."""
    case = access_case(request.user, case_id, need=Need.ACT)
    claim = ClaimItem.objects.filter(pk=claim_id, case=case).first()
    if claim is None:
        raise Http404
    claim.case = case
    return claim


def _back_to_claims(case_id: int) -> HttpResponse:
    response = redirect("cases:detail", case_id=case_id)
    response["Location"] += "#claims"
    return response


@login_required
@require_POST
def claim_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = ClaimAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未增加请求事项：%(errors)s") % {"errors": first_errors(form)})
        return _back_to_claims(case.pk)
    d = form.cleaned_data
    report_action(
        request,
        lambda: do_add_claim_item(
            case=case,
            type=d["type"],
            amount=d["amount"],
            description=d["description"],
            known_on=d["known_on"],
            actor=Actor(ActorKind.STAFF, request.user),
        ),
        lambda item: _("已增加请求事项「%(type)s」。") % {"type": item.get_type_display()},
    )
    return _back_to_claims(case.pk)


@login_required
@require_POST
def claim_edit(request: AuthedRequest, case_id: int, claim_id: int) -> HttpResponse:
    claim = _claim_of(case_id, claim_id, request)
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未保存修改：%(errors)s") % {"errors": first_errors(form)})
        return _back_to_claims(case_id)
    d = form.cleaned_data
    report_action(
        request,
        lambda: do_edit_claim_item(
            claim=claim,
            amount=d["amount"],
            description=d["description"],
            known_on=d["known_on"] if "known_on" in request.POST else UNCHANGED,
            expected_amount=d["expected_amount"] if "expected_amount" in request.POST else "",
            actor=Actor(ActorKind.STAFF, request.user),
        ),
        lambda item: _("请求事项「%(type)s」已修改。") % {"type": item.get_type_display()},
    )
    return _back_to_claims(case_id)


@login_required
@require_POST
def claim_remove(request: AuthedRequest, case_id: int, claim_id: int) -> HttpResponse:
    claim = _claim_of(case_id, claim_id, request)
    label = claim.get_type_display()
    report_action(
        request,
        lambda: do_remove_claim_item(claim=claim, actor=Actor(ActorKind.STAFF, request.user)),
        lambda _done: _("已删除请求事项「%(type)s」。") % {"type": label},
    )
    return _back_to_claims(case_id)
