"""Refuse an oversized request before its body is read.

Django checks an upload's size only after it has streamed the whole body to a temporary file (and the CSRF
middleware reads the body of every POST), so a 2 GB post to the public verification page would fill the disk
before any form said "too big". A declared Content-Length above MAX_REQUEST_BYTES gets 413 at once. A reverse
proxy should enforce the same limit for chunked bodies (docs/configuration.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            text = _("上传的内容太大（超过 %(mb)d MB），请压缩或拆分后再试。") % {"mb": limit // (1024 * 1024)}
            return HttpResponse(
                f"<!DOCTYPE html><meta charset='utf-8'><title>413</title><p>{text}</p>",
                status=413,
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)
