"""Intake: how applications arrive and reach the right organisation.

- TrackingCode: lets a worker follow a case without an account (code + mobile number). Only keyed hashes
  are stored; the code is shown once and sent by SMS.
- Referral: a case sent by an arbitration institute or a court, unique on the sender's reference number
  so a repeated POST returns the same case.
- OralApplicationRecord: the record of an oral application (调解仲裁法 art 12) and the worker's confirmation.
- Evidence: files stored outside the web root, served only through the access check.
- CollectiveAlert: ten or more workers against one employer within the window (调解仲裁法 art 7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division


class TrackingCode(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="tracking_codes")
    code_index = models.CharField(max_length=64, unique=True)
    phone_index = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("查询码")
        verbose_name_plural = _("查询码")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class Referral(models.Model):
    class Sender(models.TextChoices):
        ARBITRATION = "arbitration", _("劳动人事争议仲裁院")
        COURT = "court", _("人民法院")

    sender_type = models.CharField(_("委派方类型"), max_length=12, choices=Sender.choices)
    sender_name = models.CharField(_("委派机构"), max_length=200)
    reference_number = models.CharField(_("委派方案号"), max_length=100)
    case = models.OneToOneField(Case, models.PROTECT, related_name="referral")
    received_at = models.DateTimeField(auto_now_add=True)
    # Who posted it: a repeated POST is answered with the case only for the same sending organisation.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("委派调解")
        verbose_name_plural = _("委派调解")
        constraints = [
            models.UniqueConstraint(fields=["sender_name", "reference_number"], name="referral_once_per_reference")
        ]

    def __str__(self) -> str:
        return f"{self.sender_name} {self.reference_number}"


class OralApplicationRecord(models.Model):
    """口头申请笔录 (调解仲裁法 art 12): applicant, matters, reasons and time, recorded on the spot."""

    class Confirmation(models.TextChoices):
        READ_BACK_SIGNED = "signed", _("当场宣读后由申请人签名（纸质）")
        ON_SCREEN = "on_screen", _("申请人在屏幕上阅读后确认")
        READ_BACK_ORAL = "oral", _("当场宣读，申请人口头确认（不识字或无法签名）")

    case = models.OneToOneField(Case, models.CASCADE, related_name="oral_record")
    applicant_name = models.CharField(_("申请人"), max_length=50)
    matters = models.TextField(_("申请事项"))
    reasons = models.TextField(_("事实和理由"))
    applied_at = models.DateTimeField(_("申请时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    confirmation = models.CharField(_("申请人确认方式"), max_length=12, choices=Confirmation.choices)
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("口头申请笔录")
        verbose_name_plural = _("口头申请笔录")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        DOCX = "docx", "Word (.docx)"
        DOC = "doc", "Word (.doc)"

    case = models.ForeignKey(Case, models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    original_name = models.CharField(_("文件名"), max_length=200)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # Relative to settings.PRIVATE_MEDIA_ROOT, which is outside STATIC_ROOT and never served directly.
    path = models.CharField(max_length=300, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_by_applicant = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")

    def __str__(self) -> str:
        return self.original_name


class CollectiveAlert(models.Model):
    """Raised once per employer and window when `COLLECTIVE_ALERT_THRESHOLD` workers claim against it."""

    employer = models.ForeignKey(Employer, models.PROTECT, related_name="collective_alerts")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="collective_alerts")
    # The county (or the employer's own division if coarser) whose supervisors are alerted.
    county = models.ForeignKey(Division, models.PROTECT, related_name="+")
    worker_count = models.PositiveIntegerField(_("涉及劳动者人数"))
    case_ids = models.JSONField(default=list)
    window_start = models.DateTimeField()
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("集体争议预警")
        verbose_name_plural = _("集体争议预警")
        indexes = [models.Index(fields=["employer", "raised_at"]), models.Index(fields=["county", "raised_at"])]

    def __str__(self) -> str:
        return f"{self.employer} {self.worker_count}"


class ThrottleHit(models.Model):
    """One counted event of the public door (intake.limits): a failed tracking look-up, an application, an SMS
    code, an upload, a search, by a keyed hash of the client address, phone or code; counted over a window.

    In the database (not a per-process cache) so every web worker sees the same count."""

    scope = models.CharField(max_length=12)  # a intake.limits scope, e.g. "track_ip", "sms_phone"
    key = models.CharField(max_length=64)  # keyed hash of the address or the code
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.at}"


class PhoneChallenge(models.Model):
    """An SMS code sent to prove the person at the keyboard holds a phone: before an online application is
    submitted (the number that will receive the tracking code), before a withdrawal (the number the tracking
    look-up used), and to lift a tracking lockout (the number the tracking code was issued to). Only a keyed
    hash of the code is stored. Each guess is counted with a conditional UPDATE, so concurrent guesses cannot
    exceed PHONE_CODE_MAX_ATTEMPTS."""

    class Purpose(models.TextChoices):
        APPLY = "apply", _("提交申请")
        WITHDRAW = "withdraw", _("撤回申请")
        UNLOCK = "unlock", _("解除查询锁定")

    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    phone_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=100)  # "nonce$hmac"
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone_index", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """One press of 提交申请 on the public form, keyed by the token the form page carried. The unique key makes a
    double click (or two concurrent POSTs) register one case; the confirmation the second request shows is read
    from here (encrypted: it holds the tracking code) rather than from a session both requests write."""

    token_index = models.CharField(max_length=64, unique=True)
    # Null only inside the submitting transaction: the row is inserted first, so that a concurrent repeat
    # blocks on the unique key instead of spending the SMS code or registering a second case.
    case = models.ForeignKey(Case, models.CASCADE, null=True, related_name="+")
    phone_verified_at = models.DateTimeField(_("手机号码验证时间"))
    # PIPL arts 17 and 29: the notice the worker was shown and the separate consent to the ID number.
    privacy_notice_version = models.CharField(max_length=20)
    sensitive_consent_at = models.DateTimeField(_("敏感个人信息单独同意时间"))
    done_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("网上申请提交记录")
        verbose_name_plural = _("网上申请提交记录")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class DuplicateSuspicion(models.Model):
    """A new application naming a worker (by ID number) who already has an open case against the same employer.

    It is registered as its own case and never joined automatically: anyone who knows a worker's ID number
    (the employer knows them all) could otherwise attach themselves to that worker's case. Staff look at both
    and either merge it (with a recorded reason) or keep both."""

    class Resolution(models.TextChoices):
        MERGED = "merged", _("已并入原案件")
        KEPT = "kept", _("不是重复申请，分别办理")

    case = models.OneToOneField(Case, models.CASCADE, related_name="duplicate_suspicion")
    original = models.ForeignKey(Case, models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    # Whether the new application's phone differs from the one on file: the likelier sign of someone else.
    phone_differs = models.BooleanField(default=False)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    resolution_reason = models.CharField(_("处理理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("疑似重复申请")
        verbose_name_plural = _("疑似重复申请")

    def __str__(self) -> str:
        return f"case {self.case_id} ~ {self.original_id}"
