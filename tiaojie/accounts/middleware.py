"""Staff sessions end after STAFF_IDLE_TIMEOUT_MINUTES without a request (等保 2.0 8.1.4.1 b: 登录连接超时自动
退出), and, where STAFF_2FA_REQUIRED is on, a session that has not passed the second factor is no session.

Only signed-in users are concerned: the public pages' visitors keep their sessions (the application wizard and
the tracking look-up have their own expiries, intake/public_views.py), and the API authenticates each request
with its token, not a session."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import middleware as otp_middleware
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts import views
from tiaojie.lib.compiled import CompiledLookup
from tiaojie.lib.lookup import valid_pk

ACTIVITY_KEY = "tiaojie_last_activity"
# The stamp is rewritten at most once a minute (a session write per request would be wasted). A session may so
# end up to a minute early, never late.
STAMP_EVERY_SECONDS = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def mark_activity(request: HttpRequest) -> None:
    request.session[ACTIVITY_KEY] = _now()


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            refused = self._check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest, user) -> HttpResponse | None:
        from tiaojie.accounts import actions  # actions → models; the middleware module loads before apps

        now = _now()
        last = request.session.get(ACTIVITY_KEY)
        minutes = settings.STAFF_IDLE_TIMEOUT_MINUTES
        if isinstance(last, int) and now - last > minutes * 60:
            request.tiaojie_idle_logout = True  # type: ignore[attr-defined]
            actions.do_record_logout(user=user, request=request, idle=True)
            logout(request)
            messages.info(request, _("您已 %(n)d 分钟未操作，为保护数据已自动退出，请重新登录。") % {"n": minutes})
            return _to_login(request)
        if settings.STAFF_2FA_REQUIRED and not getattr(user, "is_verified", lambda: False)():
            # Only a session from before the rule was switched on, or made outside the login pages, gets here:
            # the login pages sign in only after the second factor.
            logout(request)
            messages.info(request, _("请重新登录并完成两步验证。"))
            return _to_login(request)
        if not isinstance(last, int) or now - last >= STAMP_EVERY_SECONDS:
            request.session[ACTIVITY_KEY] = now
        return None


def _to_login(request: HttpRequest) -> HttpResponse:
    response = redirect_to_login(request.get_full_path())
    if request.headers.get("HX-Request"):
        # An htmx fragment request would swap the login page into a corner of the page: move the whole page.
        moved = HttpResponse(status=204)
        moved["HX-Redirect"] = response["Location"]
        return moved
    return response


class ProjectErrorPagesMiddleware:
    """The project's Chinese 404 page for every Http404 a view raises, DEBUG or not.

    With DEBUG on (`make run`), Django answers an Http404 with its English technical page, which names the
    exception and lists the URL patterns. The 404 that an access function raises for another organisation's
    case is an answer the product gives, not a developer's aid: it must read "未找到该页面" under `make run`
    as in production, and it must look the same as "does not exist" (docs/style.md habit 3). Only
    exceptions from views pass through here; a URL that matches no pattern still gets Django's debug page
    under DEBUG, which is where a developer mistyping a path wants to look. Real errors keep the debug
    traceback. PermissionDenied needs nothing here: Django renders templates/403.html even under DEBUG."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return views.not_found(request, exception)
        return None


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django_otp's middleware (request.user.is_verified()), reading the session's TOTP device through a lookup
    compiled once (lib.compiled): it runs on every signed-in request. Other kinds of device load as django_otp
    loads them; what is done with the device (bound to the user, confirmed) is django_otp's."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        pk = valid_pk(device_id) if device_id.isdigit() else None
        if label == TOTPDevice.model_label() and pk is not None:
            return _TOTP_BY_ID.first(pk=pk)
        return super()._device_from_persistent_id(persistent_id)


_TOTP_BY_ID = CompiledLookup(lambda pk: TOTPDevice.objects.filter(pk=pk), pk=int)
