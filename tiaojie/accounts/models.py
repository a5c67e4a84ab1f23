"""Users, API tokens, and the append-only log of every display of personal data."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff or supervisor account. What a user may do comes from Membership / SupervisorScope rows."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Demo accounts share a published password; DemoAwareBackend refuses them when DEBUG is off.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random, so a plain SHA-256 is enough (no stretching needed, unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a system acting as `user`; only its hash is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text=_("前8位，便于识别"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class PiiAccessLog(models.Model):
    """One row per display of a full ID number or phone number. Append-only: the database refuses
    UPDATE and DELETE on this table (triggers in migration 0002), and the admin offers neither."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=50)  # e.g. "cases.worker"
    record_id = models.CharField(max_length=40)
    field = models.CharField(max_length=30)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.record_type}#{self.record_id}.{self.field}"
