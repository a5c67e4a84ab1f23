"""Reminders before deadlines, breaches after them, and every notification sent (docs/notifications.md).

Reminder and DeadlineBreach rows are the "already done" ledger of the deadline watcher: each is unique on its
deadline key (and offset), and is inserted in one transaction together with its notifications, so the row
that wins the insert is the only one that ever produces messages.

Notification states:
    queued   待发送    waiting for a worker; `next_attempt_at` says from when (retries back off)
    sending  发送中    claimed by one worker (`claim_token`, `claimed_at`); others leave it alone until the
                        claim is older than NOTIFICATION_CLAIM_LEASE_SECONDS (its worker presumably died)
    sent     已发送    handed to the channel; never sent again
    failed   发送失败  gave up after NOTIFICATION_MAX_ATTEMPTS, or expired before it could be useful
A worker moves a notification out of `queued`/`sending` only with a conditional UPDATE on its state (and
its own claim token), the way `do_transition_case` moves a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case, Worker
from tiaojie.lib.sms import redact


class Recipients(models.TextChoices):
    STAFF = "staff", _("调解组织工作人员")
    PARTIES = "parties", _("当事人")
    BOTH = "both", _("工作人员和当事人")


class Reminder(models.Model):
    """One reminder of one deadline at one offset; the unique key is the no-double-send guarantee's first half."""

    key = models.CharField(_("期限标识"), max_length=200)  # from the deadline source, e.g. "case:12:clock_a:2025-03-18"
    offset_days = models.PositiveSmallIntegerField(_("提前天数"))
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("案件"))
    kind = models.CharField(_("期限类型"), max_length=40)
    label = models.CharField(_("期限"), max_length=200)
    due = models.DateTimeField(_("届满时刻"))  # the first instant the deadline is missed
    remind_at = models.DateTimeField(_("提醒时间"))
    recipients = models.CharField(_("提醒对象"), max_length=10, choices=Recipients.choices)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        constraints = [models.UniqueConstraint(fields=["key", "offset_days"], name="reminder_once_per_offset")]
        indexes = [models.Index(fields=["case", "due"])]

    def __str__(self) -> str:
        return f"{self.key} -{self.offset_days}d"


class DeadlineBreach(models.Model):
    """A deadline that passed while its case was still open in that phase; recorded and notified once."""

    key = models.CharField(_("期限标识"), max_length=200, unique=True)
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("案件"))
    kind = models.CharField(_("期限类型"), max_length=40)
    label = models.CharField(_("期限"), max_length=200)
    due = models.DateTimeField(_("届满时刻"))
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    case_status = models.CharField(_("当时案件状态"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("逾期记录")
        verbose_name_plural = _("逾期记录")
        indexes = [models.Index(fields=["case", "due"])]

    def __str__(self) -> str:
        return self.key


class Channel(models.TextChoices):
    WEB = "web", _("站内通知")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class Delivery(models.TextChoices):
    DELIVERED = "delivered", _("已送达")
    UNDELIVERED = "undelivered", _("未送达")


class Notification(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    # Exactly one kind of recipient: a staff user, or a phone (a party), kept encrypted like Worker.phone.
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    recipient_phone_encrypted = models.TextField(blank=True)
    recipient_phone_masked = models.CharField(_("手机号码"), max_length=11, blank=True)
    recipient_worker = models.ForeignKey(Worker, models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    template_key = models.CharField(_("模板"), max_length=50)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"))
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("案件"))
    reminder = models.ForeignKey(Reminder, models.CASCADE, null=True, blank=True, related_name="notifications")
    breach = models.ForeignKey(DeadlineBreach, models.CASCADE, null=True, blank=True, related_name="notifications")
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # A reminder is pointless once its deadline has passed: not sent after this moment.
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    # What the SMS gateway said afterwards (lib/sms_http.py): its id for the message, and the delivery receipt
    # it called back with. "Sent" means the gateway accepted it; only a receipt says the phone got it.
    gateway_message_id = models.CharField(_("短信平台消息编号"), max_length=64, blank=True)
    delivery_state = models.CharField(_("送达状态"), max_length=12, choices=Delivery.choices, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_error = models.CharField(_("未送达原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # A delivery receipt names the gateway's message id. Partial: web and email rows have none.
            models.Index(
                fields=["gateway_message_id"],
                name="notification_gateway_id",
                condition=~models.Q(gateway_message_id=""),
            ),
            # "My notifications", newest first, keyset-paged on id.
            models.Index(fields=["recipient_user", "-id"], name="notification_user_recent"),
            # The watcher's sweep: what is due or stuck. Partial, so it stays small as sent rows pile up.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="notification_pending",
                condition=models.Q(state__in=["queued", "sending"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_user__isnull=False) | ~models.Q(recipient_phone_encrypted=""),
                name="notification_has_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.recipient_label} ({self.get_state_display()})"

    @property
    def shown_text(self) -> str:
        """The text as staff may see it. A party's SMS can carry a tracking code, a signing code or a link
        token, any of which lets the reader act as that party: shown redacted, stored in full for the gateway."""
        return redact(self.text) if self.channel == Channel.SMS else self.text

    @property
    def recipient_label(self) -> str:
        if self.recipient_user_id:
            return str(self.recipient_user)
        return self.recipient_phone_masked


class Heartbeat(models.Model):
    """The last sign of life of each background process (docs/deployment.md, "Health"): the deadline watcher
    beats after every tick; the task worker beats by running the `heartbeat` task the watcher queues, so a
    worker beat proves the queue is being worked, not only that a process exists. One row per process."""

    class Kind(models.TextChoices):
        WATCHER = "watcher", _("期限监视进程")
        WORKER = "worker", _("任务进程")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    process = models.CharField(max_length=120)  # host:pid
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "process"], name="heartbeat_once_per_process")]

    def __str__(self) -> str:
        return f"{self.kind} {self.process} {self.at:%Y-%m-%d %H:%M:%S}"
