"""The staff case page kept rendered: once per state of the case and kind of viewer, not once per view.

Most of the page's time is rendering (the deadlines, the claims, a dozen panels with their forms and the
legal bases with their links), and all of it depends on a few things only. The rendered body is kept in the
Django cache under a key made of everything it depends on (`page_key`):

- the case: its `state_version` (renewed with every CaseEvent, cases.state) and, in case a row is updated
  without one, every column of the case row and of its organisation and employer (read with the case anyway);
- the viewer's rights on it: whether they may act, whether they read as a supervisor, their role in the
  organisation, and what higher apps add (register_key_part: whether the viewer is one of the
  case's mediators). Not the user's id: two mediators of one organisation see the same page;
- the language, and the Beijing legal date (days left and overdue payments change at midnight);
- the provincial rules' and the work calendar's revisions (the deadlines), the law library's (the links).

What changes without any of these is not kept: the panels registered live (cases.panels: the organisation's
mediators, a background job's progress) are rendered on every request into their marked place, and the CSRF
token is written into the kept body per request (the body is kept with a placeholder in its place; each
viewer's token is their own). A page answering a refused POST shows that POST's bound form and is never kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from tiaojie.cases.models import Case
from tiaojie.cases.panels import Panel
from tiaojie.knowledge.links import LIBRARY_REVISION, library_revision
from tiaojie.lib.request_memo import preload
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.access import membership_in
from tiaojie.reference import calendar, rules

# A changed page layout must not read bodies kept by the code before it (a shared cache outlives a deploy).
LAYOUT_VERSION = 1
# A state that changes gets a new key anyway; this only bounds how long an unused body takes memory.
CACHE_SECONDS = 60 * 60
# Stands for the CSRF token in a kept body: no token is ever kept, each request writes its own.
CSRF_PLACEHOLDER = "csrf-placeholder-4f1d7c2a9e"
_MARK = re.compile(r"<!--live-panel:[\w.]+-->")

KeyPart = Callable[[HttpRequest, Case], object]
_key_parts: list[KeyPart] = []


def register_key_part(part: KeyPart) -> KeyPart:
    """A higher app's panel that shows something of the viewer beyond cases' own rights (e.g. whether they
    are a mediator of the case) registers that here, so it is in the key of the kept page."""
    if part not in _key_parts:
        _key_parts.append(part)
    return part


def _row(instance: models.Model | None) -> tuple[object, ...] | None:
    if instance is None:
        return None
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def page_key(request: HttpRequest, case: Case, *, can_act: bool, reads_as_supervisor: bool) -> str:
    # The three revisions below in one statement rather than three.
    preload(rules.REVISION, calendar.REVISION, LIBRARY_REVISION)
    membership = membership_in(request.user, case.organisation_id) if request.user.is_authenticated else None
    parts: tuple[Any, ...] = (
        LAYOUT_VERSION,
        case.pk,
        case.state_version,
        _row(case),
        _row(case.organisation),
        _row(case.employer),
        can_act,
        reads_as_supervisor,
        # Its role and standing, not which membership: colleagues of one role share the page.
        (membership.role, membership.is_active) if membership is not None else None,
        tuple(part(request, case) for part in _key_parts),
        get_language(),
        legal_date(timezone.now()).isoformat(),
        rules.revision(),
        calendar.revision(),
        library_revision(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"case-page:{case.pk}:{digest}"


def live_mark(panel: Panel) -> str:
    return mark_for(panel.name)


def mark_for(name: str) -> str:
    """Where the live panel of this dotted name goes in a kept body (the page's loop, or a host panel's
    `{% live_mark %}` for an inline one)."""
    return f"<!--live-panel:{name}-->"


def fill(body: str, live: list[Panel], request: HttpRequest, *, case: Case, can_act: bool) -> str | None:
    """The kept `body` with each live panel rendered into its mark and the request's CSRF token; None when a
    live panel has no mark in it (it appeared by something the key does not hold: render the page again)."""
    for panel in live:
        mark = live_mark(panel)
        if mark not in body:
            return None
        html = render_to_string(panel.template, {"case": case, "can_act": can_act, "panel": panel.context}, request)
        body = body.replace(mark, html, 1)
    # The marks of live panels that have nothing to show now.
    return _MARK.sub("", body).replace(CSRF_PLACEHOLDER, get_token(request))
