"""Users, API tokens, the append-only logs (every display of personal data; every login, lockout and 2FA step),
the login failure counters behind the lockout, and the heads of the audit hash chains (lib/auditchain.py).

LoginThrottle states: counting (failures < limit within the window) → locked (locked_until in the future) →
free again at locked_until, or at once when an administrator unlocks (do_unlock_logins)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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


class ChainedLog(models.Model):
    """The columns of a hash-chained, append-only table (lib/auditchain.py). Rows are written only by
    auditchain.append (through the app's one action); the database refuses UPDATE and DELETE (triggers)."""

    # Set before the hash is computed, so not auto_now_add (which would overwrite it on save).
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    seq = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True


class ChainHead(models.Model):
    """The last seq and hash of one audit chain, kept apart from the chained table so that cutting rows off
    its end is seen (lib/auditchain.py); head_mac stops the head being rewritten to match without the key."""

    name = models.CharField(max_length=60, primary_key=True)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    head_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.name} #{self.seq} {self.head_hash[:12]}…"


class PiiAccessLog(ChainedLog):
    """One row per display of a full ID number or phone number. Append-only: the database refuses
    UPDATE and DELETE on this table (triggers in migrations 0002 and 0006), the admin offers neither, and
    the hash chain shows any change made around the triggers (`tiaojie verify-audit`)."""

    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=50)  # e.g. "cases.worker"
    record_id = models.CharField(max_length=40)
    field = models.CharField(max_length=30)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=100, blank=True)

    CHAIN_FIELDS = ("at", "user_id", "record_type", "record_id", "field", "ip_address", "user_agent", "purpose")

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.record_type}#{self.record_id}.{self.field}"


class LoginEvent(ChainedLog):
    """The login audit trail (等保 2.0 8.1.4.3): every login, failure, lockout, unlock, second-factor step,
    password change and logout. Append-only and hash-chained like PiiAccessLog. Never holds a password."""

    class Kind(models.TextChoices):
        LOGIN_SUCCESS = "login_success", _("登录成功")
        LOGIN_FAILURE = "login_failure", _("密码错误")
        PASSWORD_OK = "password_ok", _("密码正确，待两步验证")
        LOCKED_OUT = "locked_out", _("连续失败，已锁定")
        REFUSED_LOCKED = "refused_locked", _("锁定期间拒绝登录")
        UNLOCKED = "unlocked", _("管理员解锁")
        OTP_FAILURE = "otp_failure", _("两步验证码错误")
        OTP_ENROLLED = "otp_enrolled", _("绑定两步验证")
        OTP_ENROL_FAILURE = "otp_enrol_failure", _("绑定时验证码错误")
        RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码")
        RECOVERY_CODES_NEW = "recovery_codes_new", _("重新生成恢复码")
        OTP_RESET = "otp_reset", _("管理员重置两步验证")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        LOGOUT = "logout", _("退出登录")
        IDLE_LOGOUT = "idle_logout", _("长时间未操作，自动退出")

    # The name as typed (it may match no account). user/actor keep their ids when an account is deleted: the
    # trail outlives accounts, and changing the id would break the row's hash.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    user = models.ForeignKey(
        User, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("账户")
    )
    actor = models.ForeignKey(
        User, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("操作人")
    )
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    CHAIN_FIELDS = ("at", "username", "user_id", "actor_id", "ip_address", "user_agent", "kind", "detail")

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind}"


class LoginThrottle(models.Model):
    """Failed logins counted per account name and per client address (docs/security-staff.md). One row per
    (scope, key); updated under a row lock by do_record_login_failure, so parallel workers count every try."""

    class Scope(models.TextChoices):
        USERNAME = "username", _("账户")
        IP = "ip", _("IP 地址")

    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices)
    key = models.CharField(_("账户或地址"), max_length=150)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    window_start = models.DateTimeField(_("计数开始"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"
