"""The public privacy notice (《个人信息保护说明》, PIPL arts 17 and 30) that the online application links to and
asks the worker to accept. Static text in intake/public/privacy.html; docs/privacy.md is the staff-side record of
the same facts, field by field. The notice's version (settings.PRIVACY_NOTICE_VERSION) is stored with each online
application's consent: change it whenever the text changes in substance."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        "retention_years": settings.RETENTION_YEARS,
        "version": settings.PRIVACY_NOTICE_VERSION,
        "contact": settings.PRIVACY_CONTACT,
    }
    return render(request, "intake/public/privacy.html", context)
