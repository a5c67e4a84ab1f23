"""Pages of the 12351 hotline console: parse input, fetch through hotline.access, call an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.actions import CaseActionError
from tiaojie.cases.post import form_action
from tiaojie.hotline.access import access_call, access_hotline_organisation, calls_visible_to, require_hotline_member
from tiaojie.hotline.actions import (
    do_close_work_order,
    do_convert_call_to_case,
    do_log_call,
    do_open_work_order,
    do_record_rating,
    do_reveal_caller_phone,
)
from tiaojie.hotline.forms import CallFilterForm, CallForm, CloseWorkOrderForm, ConvertForm, RatingForm, WorkOrderForm
from tiaojie.hotline.models import CallKind, ComplexityTier, HotlineCall, ServiceRating, WorkOrder
from tiaojie.hotline.queries import CallFilters, call_events, call_page, division_options, filter_calls
from tiaojie.lib.paging import BadCursor
from tiaojie.lib.workdays import legal_date


def _tiers() -> list[ComplexityTier]:
    return list(ComplexityTier.objects.filter(is_active=True))


def _work_order(call: HotlineCall) -> WorkOrder | None:
    try:
        return call.work_order
    except ObjectDoesNotExist:
        return None


def _rating(call: HotlineCall) -> ServiceRating | None:
    try:
        return call.rating
    except ObjectDoesNotExist:
        return None


@login_required
@require_GET
def console(request: AuthedRequest) -> HttpResponse:
    organisations = require_hotline_member(request.user)
    form = CallFilterForm(request.GET or None)
    qs = filter_calls(calls_visible_to(request.user), CallFilters(**form.values()))
    cursor = request.GET.get("cursor", "")
    status = 200
    try:
        page = call_page(qs, cursor=cursor)
    except BadCursor:
        # A link no page wrote (edited by hand, cut short): say so with a 400, and show the first page.
        messages.error(request, _("翻页参数无效（链接可能被改动或不完整），下面显示的是第一页。"))
        page = call_page(qs)
        cursor = ""
        status = 400
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "organisations": organisations,
        "today": legal_date(timezone.now()),
    }
    template = "hotline/_rows.html" if request.htmx and cursor else "hotline/console.html"
    return render(request, template, context, status=status)


@login_required
def call_new(request: AuthedRequest) -> HttpResponse:
    organisations = require_hotline_member(request.user)
    if request.method == "POST":
        form = CallForm(request.POST, organisations=organisations)
        if form.is_valid():
            organisation = access_hotline_organisation(request.user, form.cleaned_data["organisation"])
            try:
                call = do_log_call(organisation=organisation, operator=request.user, data=form.call_input())
            except CaseActionError as exc:
                form.attach_action_errors(exc.fields)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已登记%(name)s的来电。") % {"name": call.caller_name})
                return redirect("hotline:detail", call_id=call.pk)
        else:
            messages.error(request, _("来电记录有误，请按提示修改。"))
    else:
        form = CallForm(organisations=organisations, initial={"duration_seconds": 0})
    return render(request, "hotline/call_new.html", {"form": form})


@login_required
@require_GET
def call_detail(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = access_call(request.user, call_id)
    work_order = _work_order(call)
    today = legal_date(timezone.now())
    days_left = (work_order.due_date - today).days if work_order else 0
    context = {
        "call": call,
        "work_order": work_order,
        "today": today,
        "days_left": days_left,
        "overdue_days": -days_left,
        "rating": _rating(call),
        "events": list(call_events(call)),
        "work_order_form": WorkOrderForm(tiers=_tiers()),
        "close_form": CloseWorkOrderForm(),
        "rating_form": RatingForm(),
        "can_convert": call.kind == CallKind.DISPUTE and call.case_id is None,
        "can_rate": work_order is None or work_order.status == WorkOrder.Status.CLOSED,
    }
    return render(request, "hotline/call_detail.html", context)


@login_required
@require_POST
def work_order_open(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = access_call(request.user, call_id)
    return form_action(
        request,
        WorkOrderForm(request.POST, tiers=_tiers()),
        invalid=_("请选择复杂程度。"),
        action=lambda d: do_open_work_order(
            call=call, tier_code=d["tier"], description=d["description"], actor=request.user
        ),
        success=lambda order: _("工单已派发，办理期限 %(due)s。") % {"due": order.due_date.strftime("%Y-%m-%d")},
        back=redirect("hotline:detail", call_id=call.pk),
    )


@login_required
@require_POST
def work_order_close(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = access_call(request.user, call_id)
    return form_action(
        request,
        CloseWorkOrderForm(request.POST),
        invalid=_("请填写办结情况。"),
        action=lambda d: do_close_work_order(call=call, note=d["note"], actor=request.user),
        success=_("工单已办结。"),
        back=redirect("hotline:detail", call_id=call.pk),
    )


@login_required
@require_POST
def call_rate(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = access_call(request.user, call_id)
    return form_action(
        request,
        RatingForm(request.POST),
        invalid=_("请选择1到5分的评分；评价意见不超过500字。"),
        action=lambda d: do_record_rating(call=call, score=d["score"], comment=d["comment"], actor=request.user),
        success=_("服务评价已记录。"),
        back=redirect("hotline:detail", call_id=call.pk),
    )


@login_required
def call_convert(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = access_call(request.user, call_id)
    if call.kind != CallKind.DISPUTE or call.case_id is not None:
        messages.error(
            request,
            _("该来电已转为案件。") if call.case_id else _("只有争议类来电可以转为调解案件。"),
        )
        return redirect("hotline:detail", call_id=call.pk)
    if request.method == "POST":
        form = ConvertForm(request.POST)
        if form.is_valid():
            try:
                result = do_convert_call_to_case(call=call, data=form.conversion_input(), actor=request.user)
            except CaseActionError as exc:
                form.attach_action_errors(exc.fields)
                messages.error(request, exc.message)
            else:
                text = _("已转为调解案件%(id)s，由%(org)s受理。")
                messages.success(request, text % {"id": result.case.display_number, "org": result.organisation.name})
                if result.duplicate_of is not None:
                    messages.warning(
                        request,
                        _("该劳动者对该用人单位已有在办案件%(id)s，新案件已标记为疑似重复，由调解组织核实后合并。")
                        % {"id": result.duplicate_of.display_number},
                    )
                if result.tracking_code_sent:
                    messages.info(request, _("案件查询码已通过短信发送到劳动者手机。"))
                return redirect("hotline:detail", call_id=call.pk)
        else:
            messages.error(request, _("申请内容有误，请按提示修改。"))
    else:
        form = ConvertForm(initial=ConvertForm.initial_from_call(call))
    context = {"call": call, "form": form, "divisions": division_options([call.organisation])}
    return render(request, "hotline/convert.html", context)


@login_required
@require_POST
def reveal_phone(request: AuthedRequest, call_id: int) -> HttpResponse:
    """Show the caller's full number (htmx swaps it in) and log the display."""
    call = access_call(request.user, call_id)
    try:
        value = do_reveal_caller_phone(user=request.user, call=call, request=request)
    except CaseActionError as exc:
        value = exc.message
    return render(request, "hotline/_revealed.html", {"value": value})
