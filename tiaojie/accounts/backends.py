from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class DemoAwareBackend(ModelBackend):
    """The usual username/password backend, except that demo accounts (whose password is published in
    the README) cannot log in on a server running with DEBUG off."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
