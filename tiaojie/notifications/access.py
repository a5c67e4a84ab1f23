"""Who sees which notifications: each user only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from tiaojie.accounts.models import User
from tiaojie.notifications.models import Notification


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_user=user)
