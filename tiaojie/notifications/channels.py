"""Delivery channels. Each takes a stored Notification and sends it, raising on failure.

The transports are themselves pluggable: email through Django's EMAIL_BACKEND (console with DEBUG, SMTP
otherwise), SMS through `tiaojie.lib.sms.send_sms` (SMS_BACKEND). A channel must give up well within
NOTIFICATION_CLAIM_LEASE_SECONDS (EMAIL_TIMEOUT; the SMS backend's own timeout), or another worker may take
the claim over while it is still sending.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from tiaojie.lib import crypto
from tiaojie.lib.sms import send_sms
from tiaojie.notifications.models import Channel, Notification


class NotificationChannel(Protocol):
    # Returns the transport's id for the message when it has one (the SMS gateway's), for delivery receipts.
    def send(self, notification: Notification) -> str | None: ...


class ChannelError(Exception):
    """A send that cannot succeed as things are (no address); retried like any other failure."""


class WebChannel:
    """The stored row is the message: staff read it on /notifications/. Nothing to transmit."""

    def send(self, notification: Notification) -> str | None:
        return None


class EmailChannel:
    def send(self, notification: Notification) -> str | None:
        user = notification.recipient_user
        address = user.email if user is not None else ""
        if not address:
            raise ChannelError("recipient has no email address")
        send_mail(
            subject=notification.subject or notification.text[:60],
            message=notification.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=False,
        )
        return None


class SmsChannel:
    def send(self, notification: Notification) -> str | None:
        if not notification.recipient_phone_encrypted:
            raise ChannelError("recipient has no phone number")
        # Decrypted only here, for the gateway; the plain number is never stored or logged. The reference is the
        # same on every attempt, so a gateway that deduplicates on it never sends a retried message twice.
        return send_sms(
            crypto.decrypt(notification.recipient_phone_encrypted),
            notification.text,
            template_key=notification.template_key,
            reference=f"tiaojie-{notification.pk}",
        )


CHANNELS: dict[str, NotificationChannel] = {
    Channel.WEB: WebChannel(),
    Channel.EMAIL: EmailChannel(),
    Channel.SMS: SmsChannel(),
}


def channel_for(name: str) -> NotificationChannel:
    return CHANNELS[name]
