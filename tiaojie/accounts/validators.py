"""Password rules for staff accounts beyond Django's (AUTH_PASSWORD_VALIDATORS; 等保 2.0 8.1.4.1 b: 口令
具有复杂度要求). They run wherever a password is chosen: the change-password page, the admin, createsuperuser."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotDemoPasswordValidator:
    """The demo password is printed in the README and by `tiaojie demo`: no real account may use it, nor a
    password built around it."""

    def validate(self, password: str, user: Any = None) -> None:
        demo = settings.DEMO_PASSWORD.casefold()
        if demo and demo in password.casefold():
            raise ValidationError(_("不能使用公开的演示密码（或包含它的密码）。"), code="password_is_demo")

    def get_help_text(self) -> str:
        return _("不能使用公开的演示密码。")


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字和符号中的至少 %(n)d 类。") % {"n": self.min_classes}
