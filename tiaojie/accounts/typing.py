from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from tiaojie.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required (or the API's token auth): `user` is a real User."""

    user: User
    htmx: HtmxDetails
