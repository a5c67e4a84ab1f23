"""Headers every response carries: a Content-Security-Policy, and no-store on everything but static files.

The policy allows scripts, styles, fonts and frames from this origin only, so an injected <script>, an inline
event handler (onclick=…), a javascript: URL, eval() or a style attribute does nothing: templates keep their
code in static files (docs/security.md §1). Pages are never stored by the browser or a proxy: staff pages show
the cases of identifiable workers, and the public tracking and application pages show the applicant's own
data, which must not come back from a shared computer's cache after the person has left (§2). Static files
(WhiteNoise, with their own long max-age) are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def is_static(request: HttpRequest) -> bool:
    return request.path.startswith(settings.STATIC_URL)


class SecurityHeadersMiddleware:
    """Placed right after SecurityMiddleware, so it also sees the responses that WhiteNoise and the request-size
    limit return without reaching a view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not is_static(request):
            # A view's own "private, no-store" stays; anything that would let a copy be kept is replaced.
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
            response.headers.pop("Expires", None)
        return response
