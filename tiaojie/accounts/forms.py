from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.accounts.queries import login_locked_until
from tiaojie.lib.workdays import LEGAL_TZ


def lock_message(until: dt.datetime) -> str:
    return _("登录失败次数过多，该账户或本机已被暂时锁定。请在 %(time)s（北京时间）之后再试，或请管理员解锁。") % {
        "time": until.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M")
    }


def explain_lock(form: AuthenticationForm) -> None:
    """A refused login says why: a wrong name or password, or a lock and when it ends. (The lock itself is
    enforced by the authentication backend, for every login path.)"""
    until = login_locked_until(username=form.cleaned_data.get("username") or "", request=form.request)
    if until is not None:
        raise ValidationError(lock_message(until), code="locked")


INVALID_LOGIN = gettext_lazy("用户名或密码不正确，请重新输入。")


class _ExplainsLockout:
    """Both login forms (the site's and the admin's) say why a locked account or address is refused (等保 8.1.4.1)."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            explain_lock(self)  # type: ignore[arg-type]
            raise


class LoginForm(_ExplainsLockout, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class AdminLoginForm(_ExplainsLockout, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
