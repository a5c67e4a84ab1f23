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
    """One failed tracking look-up, by client address and by code; counted over the last hour.

    In the database (not a per-process cache) so every web worker sees the same count."""

    scope = models.CharField(max_length=10)  # "ip" or "code"
    key = models.CharField(max_length=64)  # keyed hash of the address or the code
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.at}"
