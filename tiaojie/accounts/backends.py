from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tiaojie.accounts import actions
from tiaojie.accounts.queries import login_locked_until
from tiaojie.lib.compiled import CompiledLookup

_USER_BY_ID = CompiledLookup(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int)


class DemoAwareBackend(ModelBackend):
    """The usual username/password backend, with two additions.

    - The lockout (docs/security-staff.md): while the account name or the client address is locked, every
      try is refused before the password is even checked, a correct one included; each wrong password counts.
      Every password login goes through here (the staff login page, /admin/login/, `client.login`), so the
      rule holds on all of them.
    - Demo accounts (whose password is published in the README) cannot log in with DEBUG off."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        until = login_locked_until(username=username, request=request)
        if until is not None:
            actions.do_refuse_locked_login(username=username, request=request, until=until)
            raise PermissionDenied  # authenticate() stops here and tries no other backend
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            known = get_user_model()._default_manager.filter(username=username).first()
            actions.do_record_login_failure(username=username, request=request, user=known)
        return user

    def get_user(self, user_id: Any) -> Any:
        """The session's user, as ModelBackend.get_user reads it, the lookup compiled once (it runs on every
        signed-in request)."""
        if type(user_id) is not int:
            return super().get_user(user_id)
        user = _USER_BY_ID.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
