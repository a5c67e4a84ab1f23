"""Public pages for workers without an account: the online application wizard and the tracking page.

Thin views: parse the step (public_forms) → action (do_submit_application, do_add_evidence,
do_transition_case) or access (access_case_by_tracking) → render. What a worker types is kept in the session
after every step (encrypted, as it holds an ID number) and in the browser's localStorage as they type
(static/tiaojie/draft.js), so a validation error or a reload loses nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.cases.actions import Actor, CaseActionError
from tiaojie.cases.deadlines import case_deadlines
from tiaojie.cases.models import Case, CaseEvent, ClaimType, Status
from tiaojie.cases.post import form_action
from tiaojie.cases.tracking import tracking_sections
from tiaojie.cases.transitions import ActorKind, transitions_from
from tiaojie.intake import limits
from tiaojie.intake.access import (
    Throttled,
    TrackingNotFound,
    access_case_by_tracking,
    access_case_for_tracking_session,
    tracking_keys,
)
from tiaojie.intake.actions import (
    do_add_evidence,
    do_record_submission_receipt,
    do_send_phone_code,
    do_send_tracking_unlock_code,
    do_submit_online_application,
    do_unlock_tracking,
    do_withdraw_by_applicant,
    submission_index,
    submission_receipt,
)
from tiaojie.intake.models import PhoneChallenge, Submission
from tiaojie.intake.public_forms import (
    STEP_FORMS,
    STEP_SLUGS,
    STEPS,
    ClaimsStepForm,
    Draft,
    EmployerStepForm,
    EvidenceUploadForm,
    StepForm,
    TrackForm,
    UnlockForm,
    WithdrawForm,
    case_input_from_draft,
    division_from_picks,
    division_picker,
    employer_matches,
    employment_summary,
    preview_employer,
    public_employers,
    step_field_names,
    step_for_key,
    time_limit_warning,
)
from tiaojie.intake.routing import NoRoute, RouteSuggestion, negotiation_suggested, suggest_route
from tiaojie.intake.suggestions import public_claims_hint
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import InvalidIdentifier, mask_phone, validate_mobile
from tiaojie.organisations.models import Employer

APPLICANT = Actor(ActorKind.APPLICANT, None, "applicant")
DRAFT_KEY = "public_apply_draft"
ERRORS_KEY = "public_apply_errors"
DONE_KEY = "public_apply_done"
TRACK_KEY = "public_track"
CHALLENGE_KEY = "public_apply_challenge"  # the id of the SMS code sent for this application
WITHDRAW_CHALLENGE_KEY = "public_withdraw_challenge"
UNLOCK_KEY = "public_track_unlock"  # the unlock SMS asked for: challenge id, code and phone (encrypted)
TOKEN = "_token"  # the draft's submission key: a double click on 提交申请 registers one case
TRACK_HOURS = 1  # how long a successful look-up lets the worker add evidence or withdraw without re-entry
DONE_HOURS = 1  # how long the confirmation page (with the tracking code) can be reloaded
MAX_EVIDENCE_FILES = 10


# --- the session: encrypted, because drafts hold an ID number and the confirmation a tracking code ----------


def _load(request: HttpRequest, key: str) -> dict[str, Any]:
    token = request.session.get(key)
    if not isinstance(token, str):
        return {}
    try:
        value = json.loads(crypto.decrypt(token))
    except (ImproperlyConfigured, ValueError):
        return {}  # written under a retired key, or damaged: start again rather than fail
    return value if isinstance(value, dict) else {}


def _store(request: HttpRequest, key: str, value: dict[str, Any]) -> None:
    request.session[key] = crypto.encrypt(json.dumps(value, ensure_ascii=False))


def _draft(request: HttpRequest) -> Draft:
    return {k: v for k, v in _load(request, DRAFT_KEY).items() if isinstance(k, str) and isinstance(v, str)}


def _expiry(hours: int) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def _still_valid(until: object) -> bool:
    try:
        return isinstance(until, str) and dt.datetime.fromisoformat(until) > timezone.now()
    except ValueError:
        return False


# --- the wizard ----------------------------------------------------------------------------------------------


def _step_url(slug: str, check: bool = False) -> str:
    url = reverse("public:apply_step", args=[slug])
    return f"{url}?check=1" if check else url


def _neighbour(slug: str, offset: int) -> str:
    index = min(max(STEP_SLUGS.index(slug) + offset, 0), len(STEP_SLUGS) - 1)
    return STEP_SLUGS[index]


def _posted_fields(request: HttpRequest, slug: str) -> Draft:
    """The step's fields as typed, whatever their validity: these go into the draft. A field the page did not
    show keeps its draft value (the free-entry employer fields while one is picked); an unticked box is ""."""
    values: Draft = {}
    for name, field in STEP_FORMS[slug]().fields.items():
        if name in request.POST:
            values[name] = request.POST.get(name, "")[:20000]
        elif isinstance(field, forms.BooleanField):
            values[name] = ""
    if slug == "employer":
        values.pop("employer_id", None)  # set by picking from the search, never typed
        if "pick" in request.POST:
            values["division_code"] = division_from_picks(request.POST.getlist("pick"))
        if "employer_q" in request.POST:
            values["employer_q"] = request.POST.get("employer_q", "")[:200]
    return values


def _bound_form(slug: str, draft: Draft) -> StepForm:
    return STEP_FORMS[slug](data={name: draft.get(name, "") for name in step_field_names(slug)})


def _route_for(draft: Draft) -> tuple[RouteSuggestion | None, Employer | None]:
    employer, division = preview_employer(draft)
    if employer is None:
        return None, None
    try:
        return suggest_route(employer, division), employer
    except NoRoute:
        return None, employer


NO_ROUTE = gettext_lazy("暂未找到负责该地区的调解组织，请联系当地人社部门或拨打12333、12351。")


@require_GET
def apply_start(request: HttpRequest) -> HttpResponse:
    return redirect("public:apply_step", step=STEP_SLUGS[0])


@require_http_methods(["GET", "POST"])
def apply_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    draft = _draft(request)
    if request.method == "POST":
        nav = request.POST.get("nav", "next")
        if nav == "discard":
            for key in (DRAFT_KEY, ERRORS_KEY):
                request.session.pop(key, None)
            messages.success(request, _("已清除填写的内容。"))
            return redirect(f"{_step_url(STEP_SLUGS[0])}?cleared=1")
        if step == "submit" and not draft and _still_valid(_load(request, DONE_KEY).get("until")):
            return redirect("public:apply_done")  # a second click on 提交申请: the first one went through
        draft.update(_posted_fields(request, step))
        draft.setdefault(TOKEN, secrets.token_urlsafe(18))
        if step == "employer" and (nav.startswith("pick:") or nav == "unpick"):
            picked = nav.removeprefix("pick:")
            # Kept as posted: the page and the step's form read it through public_employers(), so a hand-made
            # pick:<id> of a row the search would not list shows nothing and is refused like a missing one.
            draft["employer_id"] = picked if nav != "unpick" and picked.isdigit() else ""
        _store(request, DRAFT_KEY, draft)
        request.session.pop(ERRORS_KEY, None)
        if nav == "back":
            return redirect(_step_url(_neighbour(step, -1)))
        if step == "submit" and nav == "sendcode":
            return _send_code(request, draft)
        if step == "employer" and nav == "search":
            try:
                limits.take("search_ip", limits.ip_key(client_ip(request)))
            except limits.RateLimited as exc:
                messages.error(request, exc.message)
                draft["employer_q"] = ""
                _store(request, DRAFT_KEY, draft)
        if nav != "next" and not (step == "submit" and nav == "submit"):
            return redirect(_step_url(step))  # search, pick, refresh the location selects: same step again
        form = _bound_form(step, draft)
        if step == "submit":
            return _submit(request, draft, form)
        if form.is_valid() and step == "employer" and _route_for(draft)[0] is None:
            form.add_error(None, str(NO_ROUTE))
        if form.is_valid():
            return redirect(_step_url(_neighbour(step, 1)))
        messages.error(request, _("有几处需要修改，请看红字提示。"))
        return _render_step(request, step, form, draft)
    if request.GET.get("check"):
        form = _bound_form(step, draft)
        form.is_valid()
        form.add_action_errors(_load(request, ERRORS_KEY))
    else:
        form = STEP_FORMS[step](initial=draft)
    return _render_step(request, step, form, draft)


def _render_step(request: HttpRequest, step: str, form: StepForm, draft: Draft, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "steps": STEPS,
        "step": step,
        "step_number": STEP_SLUGS.index(step) + 1,
        "step_count": len(STEPS),
        "form": form,
        "draft": draft,
        "cleared": bool(request.GET.get("cleared")),
        "warning": time_limit_warning(draft),
    }
    if step == "employer":
        context.update(_employer_context(draft, form))
    elif step == "claims":
        context.update(public_claims_hint(str(draft.get("facts", ""))))  # a hint only: nothing is ticked
    elif step == "submit":
        context.update(_review_context(draft))
        context["code_sent"] = isinstance(request.session.get(CHALLENGE_KEY), int)
    return render(request, f"intake/public/step_{step}.html", context, status=status)


def _employer_context(draft: Draft, form: StepForm) -> dict[str, Any]:
    picked = (
        public_employers().filter(pk=int(draft["employer_id"])).first()
        if draft.get("employer_id", "").isdigit()
        else None
    )
    levels, division = division_picker(draft.get("division_code", ""))
    query = draft.get("employer_q", "")
    return {
        "picked": picked,
        "levels": levels,
        "division": division,
        "query": query,
        "matches": employer_matches(query) if query and picked is None else [],
    }


def _review_context(draft: Draft) -> dict[str, Any]:
    route, employer = _route_for(draft)
    claims_form = ClaimsStepForm(data={n: draft.get(n, "") for n in step_field_names("claims")})
    claims = []
    if claims_form.is_valid():
        labels = dict(ClaimType.choices)
        claims = [(labels[c.type], c.amount, c.description) for c in claims_form.partial_input().claims]
    employer_form = EmployerStepForm(data={n: draft.get(n, "") for n in step_field_names("employer")})
    employer_form.is_valid()
    return {
        "route": route,
        "employer": employer,
        "employer_place": employer_form.division.full_name if employer_form.division else "",
        "negotiation_offered": employer is not None and negotiation_suggested(employer),
        "claims": claims,
        "employment": employment_summary(draft),
        "phone_masked": mask_phone(draft.get("phone", "").strip()) if draft.get("phone") else "",
        "code_minutes": settings.PHONE_CODE_MINUTES,
        "max_files": MAX_EVIDENCE_FILES,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


def _send_code(request: HttpRequest, draft: Draft) -> HttpResponse:
    """获取验证码: text a code to the phone of the draft, which the submission must then answer."""
    try:
        phone = validate_mobile(draft.get("phone", ""))
    except InvalidIdentifier:
        messages.error(request, _("请先填写正确的手机号码。"))
        return redirect(_step_url("worker", check=True))
    try:
        challenge = do_send_phone_code(purpose=PhoneChallenge.Purpose.APPLY, phone=phone, client_ip=client_ip(request))
    except limits.RateLimited as exc:
        messages.error(request, exc.message)
        return _render_step(request, "submit", STEP_FORMS["submit"](initial=draft), draft, status=429)
    request.session[CHALLENGE_KEY] = challenge.pk
    draft.pop("sms_code", None)
    _store(request, DRAFT_KEY, draft)
    messages.success(request, _("验证码已发送到 %(phone)s，请查看短信。") % {"phone": mask_phone(phone)})
    return redirect(_step_url("submit"))


def _submit(request: HttpRequest, draft: Draft, form: StepForm) -> HttpResponse:
    for slug in STEP_SLUGS[:-1]:
        if not _bound_form(slug, draft).is_valid():
            messages.error(request, _("这一步还有内容需要补充或修改。"))
            return redirect(_step_url(slug, check=True))
    if not form.is_valid():
        messages.error(request, _("有几处需要修改，请看红字提示。"))
        return _render_step(request, "submit", form, draft)
    data = case_input_from_draft(draft)
    employer, division = preview_employer(draft)
    data.negotiation_first = data.negotiation_first and employer is not None and negotiation_suggested(employer)
    token = draft.get(TOKEN, "")
    try:
        outcome = do_submit_online_application(
            data=data,
            token=token,
            challenge_id=request.session.get(CHALLENGE_KEY),
            sms_code=form.cleaned_data["sms_code"].strip(),
            client_ip=client_ip(request),
            employer_division=division,
            consent_at=timezone.now(),
        )
    except limits.RateLimited as exc:
        messages.error(request, exc.message)
        return _render_step(request, "submit", form, draft, status=429)
    except CaseActionError as exc:
        messages.error(request, exc.message)
        if exc.fields and step_for_key(next(iter(exc.fields))) != "submit":
            _store(request, ERRORS_KEY, exc.fields)
            return redirect(_step_url(step_for_key(next(iter(exc.fields))), check=True))
        form.add_action_errors(exc.fields)
        return _render_step(request, "submit", form, draft)
    if outcome.result is not None:
        result = outcome.result
        failed = _attach_evidence(request, result.case)
        organisation = result.case.organisation
        receipt = {
            "code": result.tracking_code or "",
            "phone_masked": mask_phone(data.workers[0].phone),
            "organisation": organisation.name,
            "organisation_phone": organisation.phone,
            "organisation_address": organisation.address,
            "reason": str(result.route.reason) if result.route else "",
            "basis": result.route.basis if result.route else "",
            "evidence_added": len(request.FILES.getlist("evidence")[:MAX_EVIDENCE_FILES]) - len(failed),
            "evidence_failed": failed,
        }
        do_record_submission_receipt(submission=outcome.submission, receipt=receipt)
    # Both the first POST and a repeat of it (double click) end here with the same key: whichever writes the
    # session last, the confirmation page finds the one receipt.
    _store(request, DONE_KEY, {"token": token, "until": _expiry(DONE_HOURS)})
    for key in (DRAFT_KEY, ERRORS_KEY, CHALLENGE_KEY):
        request.session.pop(key, None)
    return redirect("public:apply_done")


def _attach_evidence(request: HttpRequest, case: Case) -> list[list[str]]:
    """Add the files chosen on the last step; a refused file does not undo the application."""
    failed: list[list[str]] = []
    uploads = request.FILES.getlist("evidence")
    for upload in uploads[:MAX_EVIDENCE_FILES]:
        try:
            do_add_evidence(case=case, upload=upload, name=upload.name or "", size=upload.size or 0, actor=APPLICANT)
        except CaseActionError as exc:
            failed.append([upload.name or "", exc.message])
    for upload in uploads[MAX_EVIDENCE_FILES:]:
        failed.append([upload.name or "", _("一次最多上传%(n)d个文件") % {"n": MAX_EVIDENCE_FILES}])
    return failed


@require_GET
def apply_done(request: HttpRequest) -> HttpResponse:
    held = _load(request, DONE_KEY)
    token = held.get("token")
    if not isinstance(token, str) or not token or not _still_valid(held.get("until")):
        request.session.pop(DONE_KEY, None)
        return redirect("public:apply")
    done = submission_receipt(token)
    if not done:
        # The repeat of a POST whose first copy has not written its receipt yet: say what is certain.
        submission = Submission.objects.filter(token_index=submission_index(token), case__isnull=False).first()
        if submission is None or submission.case is None:
            return redirect("public:apply")
        organisation = submission.case.organisation
        done = {"organisation": organisation.name, "organisation_phone": organisation.phone,
                "organisation_address": organisation.address, "code_sent_only": True}  # fmt: skip
    return render(request, "intake/public/done.html", {"done": done})


@require_GET
def employer_search(request: HttpRequest) -> HttpResponse:
    """htmx: a short list of registered employers matching a name or credit code (name and code only)."""
    query = request.GET.get("employer_q", "")[:200]
    try:
        limits.take("search_ip", limits.ip_key(client_ip(request)))
    except limits.RateLimited as exc:
        return render(
            request, "intake/public/_employer_results.html", {"matches": [], "query": query, "refused": exc.message},
            status=200 if request.headers.get("HX-Request") else 429,  # htmx swaps only a 2xx answer in
        )  # fmt: skip
    return render(request, "intake/public/_employer_results.html", {"matches": employer_matches(query), "query": query})


@require_GET
def division_options(request: HttpRequest) -> HttpResponse:
    """htmx: the cascading location selects for the code chosen (or the one above, when a select is cleared)."""
    code = division_from_picks([request.GET.get("pick") or request.GET.get("up") or ""])
    levels, division = division_picker(code)
    return render(request, "intake/public/_division_picker.html", {"levels": levels, "division": division})


# --- tracking ------------------------------------------------------------------------------------------------

# A sentence for each status, and what the worker should do next, in plain words. Keyed by the stored value
# (a status added later without a sentence falls back to its label, never an error).
STATUS_EXPLAINED: dict[str, tuple[str | Promise, str | Promise]] = {
    Status.RECEIVED: (
        gettext_lazy("调解组织已经收到您的申请，正在审查，一般在3个工作日内决定是否受理。"),
        gettext_lazy("请保持手机畅通，调解组织会打电话联系您。您可以在下面补充证据材料。"),
    ),
    "negotiating": (
        gettext_lazy("您选择了先和单位协商。单位应当在5日内答复；5日内不答复的，视为不愿协商。"),
        gettext_lazy("请保留和单位沟通的记录。协商不成或者单位不答复的，会转入调解，您不需要重新申请。"),
    ),
    "settled": (
        gettext_lazy("您和单位已经达成和解协议，双方都应当履行。"),
        gettext_lazy("请留意单位是否按和解协议履行。不履行的，可以转入调解，也可以申请劳动仲裁。"),
    ),
    Status.ACCEPTED: (
        gettext_lazy("调解组织已经受理您的申请，调解员会联系您和用人单位，安排调解的时间和地点。"),
        gettext_lazy("请按调解员通知的时间参加调解，带上身份证和证据材料的原件。"),
    ),
    Status.MEDIATING: (
        gettext_lazy("调解正在进行中，调解员在您和用人单位之间沟通，帮助双方达成协议。"),
        gettext_lazy("请按时参加调解。收到申请15日后仍未达成协议的，您可以不再等待，直接申请劳动仲裁。"),
    ),
    Status.AGREED: (
        gettext_lazy("您和用人单位已经达成调解协议。协议经双方签名、调解员签名并盖章后生效，双方都应当履行。"),
        gettext_lazy(
            "请留意单位是否按协议约定的时间付款。单位不履行的，拖欠工资、工伤医疗费、经济补偿或赔偿金，"
            "您可以拿调解协议书向人民法院申请支付令，也可以申请劳动仲裁。"
        ),
    ),
    Status.FAILED: (
        gettext_lazy("这次调解没有成功，双方没有达成协议。"),
        gettext_lazy("您可以向劳动人事争议仲裁委员会申请仲裁，仲裁不收费。请注意一年的仲裁时效，尽快申请。"),
    ),
    Status.DECLINED: (
        gettext_lazy("调解组织决定不受理这次申请，原因见下方。"),
        gettext_lazy("您可以直接向劳动人事争议仲裁委员会申请仲裁，仲裁不收费。请注意一年的仲裁时效。"),
    ),
    Status.WITHDRAWN: (
        gettext_lazy("您已经撤回了这次调解申请，调解组织不再办理。"),
        gettext_lazy("撤回不影响您申请劳动仲裁的权利。请注意一年的仲裁时效。"),
    ),
    Status.CLOSED: (
        gettext_lazy("这个案件已经办结。"),
        gettext_lazy("如果还有问题，请联系调解组织，或者拨打12333、12351咨询。"),
    ),
}


def _tracked_case(request: HttpRequest) -> Case | None:
    return access_case_for_tracking_session(request.session, TRACK_KEY)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is typed by the client and would let a guesser dodge the limit.
    # Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. the server's trusted-proxy setting).
    return request.META.get("REMOTE_ADDR")


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                case = access_case_by_tracking(
                    code=form.cleaned_data["code"], phone=form.cleaned_data["phone"], client_ip=client_ip(request)
                )
            except Throttled:
                return _locked_page(request, status=429)
            except TrackingNotFound as exc:
                # One answer for a wrong code and a wrong phone, and nothing typed is echoed: the page must not
                # tell a guesser which half was right. How many tries are left is the address's own count.
                context = {"form": TrackForm(), "not_found": True, "tries_left": exc.tries_left}
                if exc.tries_left == 0:
                    return _locked_page(request, status=429, just_locked=True)
                return render(request, "intake/public/track_form.html", context)
            _open_tracking(request, case, form.cleaned_data["phone"])
            return redirect("public:track")
        return render(request, "intake/public/track_form.html", {"form": form})
    held = _tracked_case(request)
    if held is None:
        if request.GET.get("unlock") and isinstance(request.session.get(UNLOCK_KEY), dict):
            return _locked_page(request)
        return render(request, "intake/public/track_form.html", {"form": TrackForm()})
    context = _case_context(held)
    context["withdraw_open"] = bool(request.GET.get("withdraw"))
    return render(request, "intake/public/track_case.html", context)


def _open_tracking(request: HttpRequest, case: Case, phone: str) -> None:
    request.session.cycle_key()
    request.session[TRACK_KEY] = {
        "case_id": case.pk,
        "until": _expiry(TRACK_HOURS),
        # The number that opened the case: a withdrawal is confirmed by a code sent to it.
        "phone": crypto.encrypt(validate_mobile(phone)),
    }


def _locked_page(
    request: HttpRequest, *, status: int = 200, just_locked: bool = False, unlock_form: forms.Form | None = None
) -> HttpResponse:
    """Locked out: the way back in is an SMS code to the phone the tracking code was issued to."""
    held = request.session.get(UNLOCK_KEY)
    return render(
        request,
        "intake/public/track_form.html",
        {
            "form": TrackForm(),
            "throttled": True,
            "just_locked": just_locked,
            "unlock_request_form": TrackForm(auto_id="id_unlock_%s"),
            "unlock_sent": isinstance(held, dict),
            "unlock_phone": held.get("masked", "") if isinstance(held, dict) else "",
            "unlock_form": unlock_form or UnlockForm(),
        },
        status=status,
    )


@require_POST
def track_unlock_code(request: HttpRequest) -> HttpResponse:
    """获取解锁验证码: the code and phone typed again; an SMS only if they match (the answer is the same)."""
    form = TrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写查询码和申请时的手机号码。"))
        return _locked_page(request, status=400)
    code, phone = form.cleaned_data["code"], form.cleaned_data["phone"]
    try:
        challenge = do_send_tracking_unlock_code(code=code, phone=phone, client_ip=client_ip(request))
    except limits.RateLimited as exc:
        messages.error(request, exc.message)
        return _locked_page(request, status=429)
    try:
        masked = mask_phone(validate_mobile(phone))
    except InvalidIdentifier:
        masked = ""
    request.session[UNLOCK_KEY] = {
        "challenge": challenge.pk if challenge is not None else None,
        "code": crypto.encrypt(code),
        "phone": crypto.encrypt(phone),
        "masked": masked,
    }
    messages.success(
        request,
        _("如果查询码和手机号码无误，解锁验证码已发送到 %(phone)s，%(minutes)d分钟内有效。")
        % {"phone": masked or phone[:20], "minutes": settings.PHONE_CODE_MINUTES},
    )
    return redirect(f"{reverse('public:track')}?unlock=1")


def _held_unlock(held: dict[str, Any]) -> tuple[str, str] | None:
    """The tracking code and phone the worker typed to ask for the unlock code (kept encrypted in their own
    session until they type the SMS code), or None if the session's copy cannot be read."""
    try:
        return crypto.decrypt(held["code"]), crypto.decrypt(held["phone"])
    except (ImproperlyConfigured, ValueError, KeyError, TypeError):
        return None


@require_POST
def track_unlock(request: HttpRequest) -> HttpResponse:
    held = request.session.get(UNLOCK_KEY)
    form = UnlockForm(request.POST)
    if not isinstance(held, dict):
        messages.error(request, _("请先获取解锁验证码。"))
        return _locked_page(request, status=400)
    if not form.is_valid():
        return _locked_page(request, status=400, unlock_form=form)
    typed = _held_unlock(held)
    if typed is None:
        request.session.pop(UNLOCK_KEY, None)
        messages.error(request, _("请重新获取解锁验证码。"))
        return _locked_page(request, status=400)
    code, phone = typed
    _ip_key, ipcode_key = tracking_keys(code=code, client_ip=client_ip(request))
    try:
        case = do_unlock_tracking(
            code=code,
            phone=phone,
            challenge_id=held.get("challenge"),
            sms_code=form.cleaned_data["sms_code"].strip(),
            client_ip=client_ip(request),
            ipcode_key=ipcode_key,
        )
    except CaseActionError as exc:
        form.add_error("sms_code", exc.message)
        return _locked_page(request, status=400, unlock_form=form)
    request.session.pop(UNLOCK_KEY, None)
    _open_tracking(request, case, phone)
    messages.success(request, _("已解除锁定。"))
    return redirect("public:track")


def _case_context(case: Case) -> dict[str, Any]:
    sentence, next_step = STATUS_EXPLAINED.get(case.status, (case.get_status_display(), ""))
    ended = (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION, to_status=case.status)
        .order_by("-at", "-id")
        .first()
        if case.status in (Status.DECLINED, Status.FAILED, Status.WITHDRAWN)
        else None
    )
    can_withdraw = any(t.target == Status.WITHDRAWN for t in transitions_from(case.status, ActorKind.APPLICANT))
    return {
        "case": case,
        "sentence": sentence,
        "next_step": next_step,
        "reason": ended.reason if ended else "",
        "deadlines": case_deadlines(case, timezone.now()),
        "claims": list(case.claims.order_by("id")),
        "evidence": list(case.evidence.filter(uploaded_by_applicant=True).order_by("uploaded_at", "id")),
        # What the apps above intake show the worker: sessions, agreement, windows, limitation, documents.
        "sections": tracking_sections(case),
        "can_add_evidence": case.is_open,
        "can_withdraw": can_withdraw,
        "withdraw_form": WithdrawForm(initial={"expected_status": case.status}),
        "evidence_form": EvidenceUploadForm(),
        "max_files": MAX_EVIDENCE_FILES,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


@require_POST
def track_evidence(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        messages.error(request, _("查询已过期，请重新输入查询码和手机号码。"))
        return redirect("public:track")
    if not case.is_open:
        messages.error(request, _("案件已经结束，不再接收证据材料。"))
        return redirect("public:track")
    form = EvidenceUploadForm(request.POST)
    description = form.cleaned_data["description"] if form.is_valid() else ""
    uploads = request.FILES.getlist("evidence")
    if not uploads:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("public:track")
    added = 0
    for upload in uploads[:MAX_EVIDENCE_FILES]:
        try:
            limits.take("evidence_ip", limits.ip_key(client_ip(request)))
        except limits.RateLimited as exc:
            messages.error(request, exc.message)
            break
        try:
            do_add_evidence(
                case=case,
                upload=upload,
                name=upload.name or "",
                size=upload.size or 0,
                actor=APPLICANT,
                description=description,
            )
        except CaseActionError as exc:
            messages.error(request, f"{upload.name}：{exc.message}")
        else:
            added += 1
    if len(uploads) > MAX_EVIDENCE_FILES:
        messages.error(request, _("一次最多上传%(n)d个文件，其余的请再上传一次。") % {"n": MAX_EVIDENCE_FILES})
    if added:
        messages.success(request, _("已上传%(n)d个文件，调解员可以看到。") % {"n": added})
    return redirect("public:track")


def _tracking_phone(request: HttpRequest) -> str:
    held = request.session.get(TRACK_KEY)
    token = held.get("phone") if isinstance(held, dict) else None
    if not isinstance(token, str):
        return ""
    try:
        return crypto.decrypt(token)
    except (ImproperlyConfigured, ValueError):
        return ""


@require_POST
def track_withdraw_code(request: HttpRequest) -> HttpResponse:
    """获取验证码 for a withdrawal: a fresh code to the phone the look-up used."""
    case = _tracked_case(request)
    phone = _tracking_phone(request)
    if case is None or not phone:
        messages.error(request, _("查询已过期，请重新输入查询码和手机号码。"))
        return redirect("public:track")
    try:
        challenge = do_send_phone_code(
            purpose=PhoneChallenge.Purpose.WITHDRAW, phone=phone, client_ip=client_ip(request), case=case
        )
    except limits.RateLimited as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('public:track')}#withdraw")
    request.session[WITHDRAW_CHALLENGE_KEY] = challenge.pk
    messages.success(request, _("验证码已发送到 %(phone)s，请查看短信。") % {"phone": mask_phone(phone)})
    return redirect(f"{reverse('public:track')}?withdraw=1#withdraw")


@require_POST
def track_withdraw(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        messages.error(request, _("查询已过期，请重新输入查询码和手机号码。"))
        return redirect("public:track")
    phone = _tracking_phone(request)
    return form_action(
        request,
        WithdrawForm(request.POST),
        invalid=_("请写明撤回的原因，并填写短信验证码。"),
        action=lambda d: do_withdraw_by_applicant(
            case=case,
            phone=phone,
            challenge_id=request.session.get(WITHDRAW_CHALLENGE_KEY),
            sms_code=d["sms_code"].strip(),
            reason=d["reason"],
            expected_status=d["expected_status"] if d["expected_status"] in Status.values else None,
        ),
        success=_("您已撤回调解申请。撤回不影响您申请劳动仲裁的权利。"),
        back=redirect(f"{reverse('public:track')}?withdraw=1#withdraw"),
    )


@require_POST
def track_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(TRACK_KEY, None)
    messages.success(request, _("已退出查询。"))
    return redirect("public:track")
