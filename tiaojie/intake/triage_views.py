"""Guided triage pages (/apply/guide/…): a few questions, one a screen, then what fits (intake/triage.py).

The answers travel in a signed token (the `t` parameter of each link and form), never in the session or the
database: the session is a database row, and a worker who only asks a question leaves nothing behind. Only
"用这些信息申请" writes, and only into the wizard's draft in the session, the same place every wizard step writes
to; the database sees the answers when the wizard's own submission creates the case.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.intake import triage
from tiaojie.intake import triage_forms as tf
from tiaojie.intake.public_forms import STEP_SLUGS
from tiaojie.intake.public_views import DRAFT_KEY, _draft, _store

SALT = "tiaojie.intake.triage"
TOKEN_MAX_AGE = 24 * 3600  # a day: long enough to come back after finding the payslips, short enough to forget


def pack(raw: tf.Raw) -> str:
    return signing.dumps(raw, salt=SALT, compress=True)


def unpack(token: str) -> tuple[tf.Raw, bool]:
    """The answers in the token, and whether a token was given but could not be read (expired or damaged)."""
    if not token:
        return {}, False
    try:
        value = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return {}, True
    if not isinstance(value, dict):
        return {}, True
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}, False


def _url(name: str, raw: tf.Raw, *args: str) -> str:
    url = reverse(f"public:{name}", args=args)
    return f"{url}?{urlencode({'t': pack(raw)})}" if raw else url


def _screen_url(slug: str, raw: tf.Raw) -> str:
    return _url("guide_step", raw, slug)


@require_GET
def guide_start(request: HttpRequest) -> HttpResponse:
    return redirect("public:guide_step", step=tf.SCREEN_SLUGS[0])


@require_http_methods(["GET", "POST"])
def guide_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in tf.SCREEN_SLUGS:
        raise Http404
    today = tf.today()
    index = tf.SCREEN_SLUGS.index(step)
    if request.method == "POST":
        raw, _expired = unpack(request.POST.get("t", ""))
        raw.update(tf.posted(step, request.POST))
        if request.POST.get("nav") == "back" and index > 0:
            return redirect(_screen_url(tf.SCREEN_SLUGS[index - 1], raw))
        form = tf.bound(step, raw, today)
        if form.is_valid():
            if index + 1 < len(tf.SCREEN_SLUGS):
                return redirect(_screen_url(tf.SCREEN_SLUGS[index + 1], raw))
            return redirect(_url("guide_result", raw))
        return _render_screen(request, step, form, raw, status=200)
    raw, expired = unpack(request.GET.get("t", ""))
    form = tf.FORMS[step](initial=_initial(step, raw), today=today)
    return _render_screen(request, step, form, raw, expired=expired)


def _initial(step: str, raw: tf.Raw) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in tf.field_names(step):
        value = raw.get(name, "")
        initial[name] = [v for v in value.split(",") if v] if name == "problems" else value
    return initial


def _render_screen(
    request: HttpRequest, step: str, form: tf.TriageForm, raw: tf.Raw, *, status: int = 200, expired: bool = False
) -> HttpResponse:
    index = tf.SCREEN_SLUGS.index(step)
    return render(
        request,
        "intake/public/guide_step.html",
        {
            "screens": tf.SCREENS,
            "step": step,
            "step_number": index + 1,
            "step_count": len(tf.SCREENS),
            "form": form,
            "token": pack(raw) if raw else "",
            "expired": expired,
        },
        status=status,
    )


def _answers_or_redirect(raw: tf.Raw) -> triage.Answers | HttpResponse:
    today = tf.today()
    answers = tf.answers_from(raw, today)
    if answers is None:
        slug = tf.first_unanswered(raw, today) or tf.SCREEN_SLUGS[0]
        return redirect(_screen_url(slug, raw))
    return answers


@require_GET
def guide_result(request: HttpRequest) -> HttpResponse:
    raw, _expired = unpack(request.GET.get("t", ""))
    answers = _answers_or_redirect(raw)
    if isinstance(answers, HttpResponse):
        return answers
    result = triage.triage(answers, tf.today())
    return render(
        request,
        "intake/public/guide_result.html",
        {
            "result": result,
            "token": pack(raw),
            "back_url": _screen_url(tf.SCREEN_SLUGS[-1], raw),
            "first_url": _screen_url(tf.SCREEN_SLUGS[0], raw),
            "fits": triage.Fit,
            "urgency": triage.Urgency,
        },
    )


@require_POST
def guide_apply(request: HttpRequest) -> HttpResponse:
    """用这些信息申请: copy the answers into the wizard's draft and continue at its first step."""
    raw, _expired = unpack(request.POST.get("t", ""))
    answers = _answers_or_redirect(raw)
    if isinstance(answers, HttpResponse):
        return answers
    result = triage.triage(answers, tf.today())
    draft = _draft(request)
    draft.update(triage.draft_updates(result))
    _store(request, DRAFT_KEY, draft)
    # cleared=1 makes the wizard forget the copy kept in this browser (draft.js), which would otherwise put an
    # older answer back over the one just chosen; the session draft above holds everything.
    url = reverse("public:apply_step", args=[STEP_SLUGS[0]])
    return redirect(f"{url}?{urlencode({'cleared': '1', 'guided': '1'})}")
