"""`{% load intake_nav %}` … `{% if user|may_register_cases %}`: the 登记案件 link in the site header.

A supervisor (or a member whose role cannot register) used to be shown the link and got a 404 for clicking it."""

from __future__ import annotations

from django import template

from tiaojie.accounts.models import User
from tiaojie.organisations.access import intake_organisations

register = template.Library()


@register.filter
def may_register_cases(user: User) -> bool:
    # The same test the page applies (intake.views.assisted_intake); memberships are cached per request.
    return user.is_authenticated and bool(intake_organisations(user))
