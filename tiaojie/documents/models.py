"""The legal documents of a case (docs/law.md §8), their numbers, versions, service and the case file.

- Letterhead: an organisation's header text, document-number prefix and seal image.
- DocumentCounter: one gapless sequence per organisation and year (编号: prefix〔year〕seq号).
- Document: one legal document of a case (kind + subject), with its number and public verification code.
  Issued once; its content can be regenerated, which adds a version and keeps every earlier one.
- DocumentVersion: one immutable rendering (PDF + .docx) with the SHA-256 of each file and the template
  version it came from. Rows are never updated and files never overwritten (written 0440, new name each time).
- Service: proof of service (送达回证) of a document: method, date, receiver, signature or refusal with
  reason, server and witness (民事诉讼法 arts 87–90, applied by analogy).
- CaseFileJob: a 卷宗 (cover, contents and every document as one PDF) built by the background worker, with
  progress the page shows.

Every write goes through documents/actions.py.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case
from tiaojie.lib.idnumbers import mask_phone
from tiaojie.mediation.models import StoredFileFields
from tiaojie.organisations.models import Organisation

MOBILE = re.compile(r"1[3-9]\d{9}")


def mask_contact(value: str) -> str:
    text = value.strip()
    if MOBILE.fullmatch(text):
        return mask_phone(text)
    local, at, domain = text.partition("@")
    if at and local and domain and " " not in text:
        return f"{local[0]}***@{domain}"
    return text


class Kind(models.TextChoices):
    APPLICATION = "application", _("劳动争议调解申请书")
    ORAL_RECORD = "oral_record", _("口头申请笔录")
    ACCEPTANCE = "acceptance", _("受理通知书")
    DECLINE = "decline", _("不予受理通知书")
    MINUTES = "minutes", _("调解笔录")
    AGREEMENT = "agreement", _("调解协议书")
    TERMINATION = "termination", _("调解终止书")
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    REVIEW_APPLICATION = "review_application", _("仲裁审查确认申请书")
    JUDICIAL_APPLICATION = "judicial_application", _("司法确认申请书")
    PAYMENT_ORDER = "payment_order", _("支付令申请书")


class Letterhead(models.Model):
    """How an organisation's documents look: the header line, the number prefix and the seal image.

    The seal image is printed only where the organisation's seal is actually affixed (notices it issues, and an
    agreement whose seal signature is recorded), never on drafts."""

    organisation = models.OneToOneField(Organisation, models.CASCADE, related_name="letterhead")
    header = models.CharField(_("文书抬头"), max_length=100, blank=True, help_text=_("留空则使用组织名称"))
    number_prefix = models.CharField(
        _("文书编号前缀"), max_length=12, blank=True, help_text=_("例如“西劳调”；编号形如 西劳调〔2026〕12号")
    )
    seal_path = models.CharField(max_length=200, blank=True)  # relative to PRIVATE_MEDIA_ROOT, PNG only
    seal_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("文书样式")
        verbose_name_plural = _("文书样式")

    def __str__(self) -> str:
        return self.header or self.organisation.name


class DocumentCounter(models.Model):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_org_year")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class Document(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=24, choices=Kind.choices)
    # Which instance of the kind: "" for one-per-case kinds, "minutes:<id>" for a session's minutes,
    # "doc:<id>" for the 送达回证 of another document, "payment:<id>" for a 支付令 application.
    subject = models.CharField(max_length=40, blank=True, default="")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("出具组织"))
    # Unique within the organisation (two organisations may choose the same prefix; the verification code is
    # what identifies a document globally).
    number = models.CharField(_("文书编号"), max_length=60)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    verification_code = models.CharField(_("核验码"), max_length=16, unique=True)
    issued_on = models.DateField(_("出具日期"))
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    current_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "subject"], name="one_document_per_subject"),
            models.UniqueConstraint(fields=["organisation", "year", "seq"], name="document_seq_once"),
            models.UniqueConstraint(fields=["organisation", "number"], name="document_number_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    template_version = models.CharField(_("模板版本"), max_length=40)
    pdf_path = models.CharField(max_length=200)
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    pdf_pages = models.PositiveSmallIntegerField()
    pdf_size = models.PositiveIntegerField()
    docx_path = models.CharField(max_length=200)
    docx_sha256 = models.CharField(max_length=64, db_index=True)
    docx_size = models.PositiveIntegerField()
    # The personal data printed in it (full ID numbers and phones), for the access log at each download.
    pii_fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("生成原因"), max_length=200, blank=True)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("文书版本")
        verbose_name_plural = _("文书版本")
        ordering = ["document", "version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="document_version_once")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.version}"


class Service(StoredFileFields):
    """送达回证: how, when and to whom a document was delivered, and whether the receiver signed or refused; the
    file fields (StoredFileFields) hold a signed receipt scanned back in, optional."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("直接送达")
        POST = "post", _("邮寄送达")
        ELECTRONIC = "electronic", _("电子送达")

    class Outcome(models.TextChoices):
        SIGNED = "signed", _("受送达人签收")
        REFUSED = "refused", _("拒绝签收（留置送达）")
        DELIVERED = "delivered", _("已送达（邮件签收或电子送达到达）")

    document = models.ForeignKey(Document, models.CASCADE, related_name="services")
    method = models.CharField(_("送达方式"), max_length=12, choices=Method.choices)
    served_at = models.DateTimeField(_("送达时间"))
    receiver = models.CharField(_("受送达人"), max_length=100)
    receiver_relation = models.CharField(_("签收人与受送达人关系"), max_length=50, blank=True)
    address = models.CharField(_("送达地址或号码"), max_length=200, blank=True)
    outcome = models.CharField(_("送达结果"), max_length=10, choices=Outcome.choices)
    refusal_reason = models.CharField(_("拒收理由"), max_length=300, blank=True)
    witness = models.CharField(_("见证人"), max_length=100, blank=True)
    server_name = models.CharField(_("送达人"), max_length=50)
    tracking_number = models.CharField(_("邮件单号"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["served_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.receiver}"

    @property
    def address_masked(self) -> str:
        """The address as pages and receipts show it: a mobile number or an e-mail address (electronic
        service) is personal data and is masked like every phone number in lists; a postal address is not."""
        return mask_contact(self.address)


# Far beyond the few minutes even a large case file takes (docs/documents.md has the measured times).
CASE_FILE_STALE_AFTER = dt.timedelta(minutes=30)


class CaseFileJob(models.Model):
    """A 卷宗 built in the background; the case page polls its state."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    case = models.ForeignKey(Case, models.CASCADE, related_name="case_file_jobs")
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Also issue, as the requester, every document the case allows but nobody has issued yet.
    # Never by default: issuing numbers a document for good (see casefile_views.request_case_file).
    issue_missing = models.BooleanField(_("同时出具尚未出具的文书"), default=False)
    message = models.CharField(max_length=300, blank=True)  # why it failed, in Chinese, for the page
    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(default=0)
    # The full personal numbers the merged file prints (union of its versions' pii_fields), logged per download.
    pii_fields = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("卷宗")
        verbose_name_plural = _("卷宗")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stale(self) -> bool:
        """Still queued or running long after the request: its worker is gone (a restart, a crash), and a new
        request replaces it."""
        active = self.state in (self.State.QUEUED, self.State.RUNNING)
        return active and self.requested_at < timezone.now() - CASE_FILE_STALE_AFTER
