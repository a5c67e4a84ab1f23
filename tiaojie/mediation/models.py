"""Negotiation, mediation, the agreement and its performance (issue 4).

- EmployerContact: who answers for the employer in a case, with an encrypted phone for links and codes.
- Negotiation / Settlement: 协商 before mediation (企业劳动争议协商调解规定); the employer answers through a
  token link within 5 days or is taken as unwilling; a written 和解协议 may follow.
- MediatorEmployment / MediatorAssignment: who mediates a case; a mediator employed by the case's employer is
  refused outside an enterprise committee.
- Session / Minutes: scheduled sessions and the 调解笔录.
- Agreement / AgreementItem / Payment / Signature / SignatureCode: the 调解协议书; effective when both parties,
  the mediator and the organisation seal are recorded (调解仲裁法 art 14 para 2).
- Notice: written notices (不予受理通知, 调解终止及仲裁权利告知).
- Rating: one satisfaction rating per party after closure.

Every write goes through mediation/actions.py; only `cases.actions.do_transition_case` changes a case's status.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case, ClaimItem, ClaimType
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import mask_phone
from tiaojie.lib.workdays import Deadline
from tiaojie.organisations.models import Employer


class Party(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")


class EmployerContact(models.Model):
    """The person who answers for the employer in this case (negotiation links, signature codes, ratings)."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="employer_contact")
    name = models.CharField(_("联系人"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=11, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("用人单位联系人")
        verbose_name_plural = _("用人单位联系人")

    def __str__(self) -> str:
        return self.name

    def set_phone(self, number: str) -> None:
        self.phone_encrypted = crypto.encrypt(number) if number else ""
        self.phone_masked = mask_phone(number) if number else ""

    def reveal_phone(self) -> str:
        """For sending only (inside an action), never for display."""
        return crypto.decrypt(self.phone_encrypted) if self.phone_encrypted else ""


class Negotiation(models.Model):
    class State(models.TextChoices):
        AWAITING = "awaiting", _("等待对方答复")
        ACCEPTED = "accepted", _("同意协商")
        DECLINED = "declined", _("拒绝协商")
        NO_ANSWER = "no_answer", _("5日内未答复，视为不愿协商")
        SETTLED = "settled", _("达成和解协议")
        FAILED = "failed", _("协商不成")
        ENDED = "ended", _("已结束")  # the case left negotiation another way (e.g. withdrawn)

    OPEN_STATES = (State.AWAITING, State.ACCEPTED)

    class AnswerChannel(models.TextChoices):
        LINK = "link", _("通过答复链接")
        ORAL = "oral", _("口头答复（工作人员记录）")
        WRITTEN = "written", _("书面答复（工作人员记录）")

    case = models.ForeignKey(Case, models.CASCADE, related_name="negotiations")
    requested_by = models.CharField(_("提出协商的一方"), max_length=10, choices=Party.choices)
    requested_at = models.DateTimeField(_("提出时间"))
    answer_due = models.DateField(_("答复期限"))
    answer_due_uncertain = models.BooleanField(default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.AWAITING)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer_channel = models.CharField(_("答复方式"), max_length=10, choices=AnswerChannel.choices, blank=True)
    answer_note = models.TextField(_("答复内容"), blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The employer's link: looked up by a hash; kept encrypted so staff can pass it on by other means.
    token_index = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_encrypted = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("协商")
        verbose_name_plural = _("协商")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(state__in=["awaiting", "accepted"]), name="one_open_negotiation"
            )
        ]
        indexes = [models.Index(fields=["state", "answer_due"])]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.state}"

    @property
    def answer_deadline(self) -> Deadline:
        return Deadline(self.answer_due, self.answer_due_uncertain)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_encrypted) if self.token_encrypted else ""


class Settlement(models.Model):
    """和解协议: in writing; concessions made to reach it may not be used against a party later."""

    class Performance(models.TextChoices):
        PENDING = "pending", _("待履行")
        PERFORMED = "performed", _("已履行")
        NOT_PERFORMED = "not_performed", _("未履行")

    negotiation = models.OneToOneField(Negotiation, models.CASCADE, related_name="settlement")
    case = models.ForeignKey(Case, models.CASCADE, related_name="settlements")
    terms = models.TextField(_("和解内容"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    perform_by = models.DateField(_("履行期限"), null=True, blank=True)
    signed_on = models.DateField(_("签订日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    performance = models.CharField(
        _("履行情况"), max_length=14, choices=Performance.choices, default=Performance.PENDING
    )
    performance_at = models.DateTimeField(null=True, blank=True)
    performance_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("和解协议")
        verbose_name_plural = _("和解协议")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class MediatorEmployment(models.Model):
    """This mediator is employed by this employer: they may mediate its disputes only in its own enterprise
    committee (调解仲裁法 art 10: an enterprise committee seats enterprise representatives by design)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Employer, models.CASCADE, related_name="+", verbose_name=_("用人单位"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("调解员任职单位")
        verbose_name_plural = _("调解员任职单位")
        constraints = [models.UniqueConstraint(fields=["user", "employer"], name="employment_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class MediatorAssignment(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="mediator_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="mediator_assignments")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("指派调解员")
        verbose_name_plural = _("指派调解员")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(removed_at__isnull=True), name="assigned_once"
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.user}"


class Session(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("现场调解")
        PHONE = "phone", _("电话调解")
        VIDEO = "video", _("视频调解")

    case = models.ForeignKey(Case, models.CASCADE, related_name="sessions")
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices)
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    link = models.URLField(_("视频链接"), max_length=500, blank=True)
    participants = models.TextField(_("参加人员"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # A rescheduled session keeps its row (the minutes and the SMS refer to it); the earlier times are in the
    # case's events. A cancelled one stays listed, struck through, with why.
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("调解会议")
        verbose_name_plural = _("调解会议")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Minutes(models.Model):
    """调解笔录: time, place, participants, statements, proposals and who signed."""

    session = models.OneToOneField(Session, models.CASCADE, related_name="minutes")
    case = models.ForeignKey(Case, models.CASCADE, related_name="minutes")
    held_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    participants = models.TextField(_("参加人员"))
    statements = models.TextField(_("双方陈述"))
    proposals = models.TextField(_("调解意见和方案"), blank=True)
    signatures = models.CharField(_("签名情况"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("调解笔录")
        verbose_name_plural = _("调解笔录")

    def __str__(self) -> str:
        return f"case {self.case_id} minutes"


class Agreement(models.Model):
    """调解协议书. Terms can be edited until the first signature; after that edits are refused (a change would
    need everyone to sign again, so it is a new agreement: void the signatures first, with a reason)."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("银行转账")
        CASH = "cash", _("现金")
        OTHER = "other", _("其他")

    class Route(models.TextChoices):
        UNDECIDED = "undecided", _("尚未选择")
        NONE = "none", _("不申请确认")
        ARBITRATION_REVIEW = "arbitration_review", _("仲裁审查确认")
        JUDICIAL = "judicial", _("司法确认")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待定")
        CONFIRMED = "confirmed", _("已确认")
        REFUSED = "refused", _("不予确认")

    case = models.OneToOneField(Case, models.CASCADE, related_name="agreement")
    payment_method = models.CharField(
        _("履行方式"), max_length=14, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    payment_method_note = models.CharField(_("履行方式说明"), max_length=200, blank=True)
    tax_note = models.CharField(_("税费说明"), max_length=300, blank=True)
    waived_note = models.TextField(_("放弃的请求事项及说明"), blank=True)
    other_terms = models.TextField(_("其他约定"), blank=True)
    # Bumped on every edit; a signature names the version it signed, and an edit must name the one it saw.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    review_due = models.DateField(_("仲裁审查确认申请期限"), null=True, blank=True)
    review_due_uncertain = models.BooleanField(default=False)
    judicial_due = models.DateField(_("司法确认申请期限"), null=True, blank=True)
    judicial_due_uncertain = models.BooleanField(default=False)
    confirmation_route = models.CharField(_("确认途径"), max_length=20, choices=Route.choices, default=Route.UNDECIDED)
    confirmation_outcome = models.CharField(
        _("确认结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    confirmation_outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    confirmation_note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return f"case {self.case_id} agreement"

    @property
    def review_deadline(self) -> Deadline | None:
        return Deadline(self.review_due, self.review_due_uncertain) if self.review_due else None

    @property
    def judicial_deadline(self) -> Deadline | None:
        return Deadline(self.judicial_due, self.judicial_due_uncertain) if self.judicial_due else None


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="items")
    claim = models.ForeignKey(ClaimItem, models.SET_NULL, null=True, blank=True, related_name="+")
    type = models.CharField(_("请求事项"), max_length=24, choices=ClaimType.choices)
    amount_claimed = models.DecimalField(_("请求金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_agreed = models.DecimalField(_("协议金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_agreed__gte=0), name="agreed_amount_not_negative")
        ]

    def __str__(self) -> str:
        return self.get_type_display()


class StoredFileFields(models.Model):
    """A file kept under PRIVATE_MEDIA_ROOT, its type checked by content (mediation/files.py)."""

    file_path = models.CharField(max_length=200, blank=True)
    file_kind = models.CharField(max_length=4, blank=True)  # pdf | jpeg | png
    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class Payment(StoredFileFields):
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="payments")
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_date = models.DateField(_("支付期限"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("实际支付日期"), null=True, blank=True)
    paid_recorded_at = models.DateTimeField(null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("履行款项")
        verbose_name_plural = _("履行款项")
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["agreement", "seq"], name="payment_seq_once"),
        ]
        indexes = [models.Index(fields=["paid_on", "due_date"])]

    def __str__(self) -> str:
        return f"{self.agreement_id}#{self.seq}"


class SignerRole(models.TextChoices):
    WORKER = "worker", _("劳动者（申请人）")
    EMPLOYER = "employer", _("用人单位（被申请人）")
    MEDIATOR = "mediator", _("调解员")
    ORGANISATION = "organisation", _("调解组织印章")


class Signature(StoredFileFields):
    class Method(models.TextChoices):
        SMS_CODE = "sms_code", _("屏幕确认（短信验证码）")
        SCAN = "scan", _("上传签字（盖章）扫描件")
        LOGIN = "login", _("本人登录确认")

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="signatures")
    role = models.CharField(_("签署方"), max_length=12, choices=SignerRole.choices)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    signer_name = models.CharField(_("签署人"), max_length=100)
    signed_at = models.DateTimeField(_("签署时间"))
    agreement_version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("签署")
        verbose_name_plural = _("签署")
        # Two staff recording the same party's signature at once: the database keeps exactly one.
        constraints = [models.UniqueConstraint(fields=["agreement", "role"], name="one_signature_per_role")]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.role}"


class SignatureCode(models.Model):
    """A 6-digit code sent by SMS to a party, entered on screen to sign. Only a keyed hash is stored."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="codes")
    role = models.CharField(max_length=12, choices=SignerRole.choices)
    phone_masked = models.CharField(max_length=11)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["agreement", "role", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.role} {self.created_at:%H:%M}"


class Notice(models.Model):
    class Kind(models.TextChoices):
        DECLINE = "decline", _("不予受理通知书")
        ARBITRATION_RIGHT = "arbitration_right", _("调解终止及申请仲裁权利告知书")

    class FailureCategory(models.TextChoices):
        REFUSED = "refused", _("一方拒绝调解")
        NO_AGREEMENT_IN_TIME = "timeout", _("期限内未达成协议")
        WITHDRAWN = "withdrawn", _("一方撤回同意")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, models.CASCADE, related_name="notices")
    kind = models.CharField(_("文书"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("原因类别"), max_length=10, choices=FailureCategory.choices, blank=True)
    reason = models.TextField(_("原因"))
    text = models.TextField(_("正文"))
    issued_on = models.DateField(_("日期"))
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    sms_to = models.CharField(_("短信通知"), max_length=200, blank=True)  # masked numbers the SMS went to

    class Meta:
        verbose_name = _("通知文书")
        verbose_name_plural = _("通知文书")
        ordering = ["issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_notice_per_kind")]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.kind}"


class Rating(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="ratings")
    party = models.CharField(_("评价方"), max_length=10, choices=Party.choices)
    token_index = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    issued_at = models.DateTimeField()
    phone_masked = models.CharField(max_length=11, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    comment = models.TextField(_("意见和建议"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="one_rating_per_party"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5), name="score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.party}"

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_encrypted)
