"""Home, errors, and the staff login: password, then the second factor (docs/security-staff.md)."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticToken

from tiaojie.accounts import actions, twofactor
from tiaojie.accounts.forms import AdminLoginForm, LoginForm, TokenForm, lock_message
from tiaojie.accounts.models import User
from tiaojie.accounts.queries import login_locked_until
from tiaojie.accounts.typing import AuthedRequest


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:list")
    return render(request, "home.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page is in English under DEBUG and tells a party nothing they can do.
    The reason goes to the log (django.security.csrf), not to the page."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


class StaffLoginView(auth_views.LoginView):
    """Step one. A user with an authenticator, or any user where STAFF_2FA_REQUIRED is on, goes on to the
    second step instead of being logged in (twofactor.py)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"heading": gettext_lazy("工作人员登录")}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not twofactor.second_step_needed(user):
            return super().form_valid(form)
        actions.do_record_password_ok(user=user, request=self.request)
        twofactor.begin(self.request, user, self.get_success_url())
        return redirect("accounts:two_factor" if actions.has_totp_device(user) else "accounts:two_factor_enrol")


class AdminLoginView(StaffLoginView):
    """/admin/login/ (wired in tiaojie/urls.py before the admin's own): the same two steps and lockout, and
    the admin's rule that only is_staff accounts get in."""

    authentication_form = AdminLoginForm  # type: ignore[assignment]
    redirect_authenticated_user = False
    extra_context = {"heading": gettext_lazy("管理后台登录")}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")


def _pending_or_login(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    found = twofactor.pending(request)
    if found is None:
        messages.info(request, _("登录已超时，请重新输入用户名和密码。"))
    return found


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Step two for a user with an authenticator: a 6-digit code, or one of the recovery codes."""
    found = _pending_or_login(request)
    if found is None:
        return redirect("accounts:login")
    user, state = found
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = login_locked_until(username=user.get_username(), request=request)
        if until is None:
            device = actions.do_verify_second_factor(user=user, token=form.cleaned_data["token"], request=request)
            if device is not None:
                return redirect(twofactor.complete(request, user, state, device))
            until = login_locked_until(username=user.get_username(), request=request)
        if until is not None:
            twofactor.cancel(request)
            messages.error(request, lock_message(until))
            return redirect("accounts:login")
        form.add_error("token", _("验证码不正确，请重新输入。"))
    return render(request, "accounts/two_factor.html", {"form": form, "user_shown": user})


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: after the password for a user who has none (where 2FA is required), or from
    the account page for a signed-in user who has none yet."""
    found = twofactor.pending(request)
    if found is not None:
        user, state = found
    elif request.user.is_authenticated:
        user, state = request.user, None
    else:
        messages.info(request, _("登录已超时，请重新输入用户名和密码。"))
        return redirect("accounts:login")
    try:
        device = actions.do_start_totp_enrolment(user=user)
    except actions.TwoFactorError as exc:
        messages.info(request, str(exc))
        return redirect("accounts:security" if state is None else "accounts:two_factor")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.do_confirm_totp_enrolment(user=user, token=form.cleaned_data["token"], request=request)
        except actions.TwoFactorError as exc:
            form.add_error("token", str(exc))
        else:
            if state is None:
                django_otp.login(request, device)  # this session has now passed the second factor too
                next_url = reverse("accounts:security")
            else:
                next_url = twofactor.complete(request, user, state, device)
            twofactor.store_new_codes(request, codes, next_url)
            return redirect("accounts:recovery_codes")
    context = {
        "form": form,
        "qr": twofactor.qr_data_uri(device.config_url),
        "secret": _base32(device.bin_key),
        "required": settings.STAFF_2FA_REQUIRED,
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@login_required
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """The new recovery codes, shown this once (they are not shown again; new ones replace them)."""
    shown = twofactor.pop_new_codes(request)
    if shown is None:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": shown["codes"], "next": shown["next"]})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def security(request: AuthedRequest) -> HttpResponse:
    """The signed-in user's own account page: password, authenticator, recovery codes."""
    if request.method == "POST":
        try:
            codes = actions.do_regenerate_recovery_codes(user=request.user, request=request)
        except actions.TwoFactorError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:security")
        twofactor.store_new_codes(request, codes, reverse("accounts:security"))
        return redirect("accounts:recovery_codes")
    context = {
        "enrolled": actions.has_totp_device(request.user),
        "codes_left": StaticToken.objects.filter(device__user=request.user).count(),
        "required": settings.STAFF_2FA_REQUIRED,
    }
    return render(request, "accounts/security.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        actions.do_change_password(user=form.user, password=form.cleaned_data["new_password1"], request=self.request)
        update_session_auth_hash(self.request, form.user)  # this session stays; the user's others end
        messages.success(self.request, _("密码已修改。"))
        return redirect("accounts:security")
