"""Django's login signals → the login audit trail. Every way of logging in (our pages, the admin, a test
client) ends in django.contrib.auth.login, which sends user_logged_in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from tiaojie.accounts import actions
from tiaojie.accounts.middleware import mark_activity


@receiver(user_logged_in, dispatch_uid="tiaojie.accounts.login_success")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actions.do_record_login_success(user=user, request=request)
    if request is not None and hasattr(request, "session"):
        mark_activity(request)  # the idle clock starts at the login, not at the first page


@receiver(user_logged_out, dispatch_uid="tiaojie.accounts.logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and not getattr(request, "tiaojie_idle_logout", False):
        actions.do_record_logout(user=user, request=request)
