"""The 12351 hotline console: calls logged by union operators, work orders with a time limit by complexity
tier, conversion of a dispute into a mediation case, and the caller's service rating (docs/law.md §11).

A call's work order has two states:
    open    未办结   the time limit runs from the day it was opened (working days, lib.workdays)
    closed  已办结   closed with a note; the caller may then rate the service
Only `tiaojie.hotline.actions` writes these rows; each write adds a HotlineEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case, ClaimType
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import mask_phone
from tiaojie.lib.workdays import Deadline
from tiaojie.organisations.models import Organisation

HOTLINE_TYPE = "hotline"  # organisations.OrganisationType code of 12351 hotlines (seeded data)
MAX_DURATION_SECONDS = 24 * 3600  # exclusive


class ComplexityTier(models.Model):
    """Time limits of work orders, as data. The numbers seeded by migration 0002 are NOT confirmed [U]
    (docs/law.md §11: no official source gives the 12351 hotline's limit for each tier)."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=30)
    working_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"),
        help_text=_(
            "[U] 未经确认：各复杂程度的办理时限尚未找到正式文件依据，是本地设置，请按本地工会的规定调整。"
            "修改只影响此后新开的工单。"
        ),
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("时限的来源；未确认的请写明“本地设置”"))
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工单复杂程度")
        verbose_name_plural = _("工单复杂程度")
        ordering = ["sort", "code"]
        constraints = [models.CheckConstraint(condition=models.Q(working_days__gte=1), name="tier_at_least_one_day")]

    def __str__(self) -> str:
        return self.name


class CallKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    DISPUTE = "dispute", _("争议")
    COMPLAINT = "complaint", _("投诉")


class HotlineCall(models.Model):
    """One call to a hotline. The caller's number is encrypted at rest; `caller_phone_index` is a keyed
    hash for exact lookup and `caller_phone_masked` serves every list (as tiaojie.cases.models.Worker)."""

    # Organisations are deactivated, not deleted; deleting one in the admin takes its call log with it
    # (the admin lists what goes), as with its memberships.
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="hotline_calls", verbose_name=_("热线"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("话务员"))
    caller_name = models.CharField(_("来电人"), max_length=50)
    caller_phone_encrypted = models.TextField(blank=True)
    caller_phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    caller_phone_masked = models.CharField(_("来电号码"), max_length=16, blank=True)
    caller_phone_is_mobile = models.BooleanField(default=False)
    topic = models.CharField(_("来电事项"), max_length=24, choices=ClaimType.choices)
    # One call often raises several matters (a rider: 确认劳动关系 and 劳动报酬). `topic` stays the main one, which
    # the statistics count; these are the others, ClaimType values, carried into the case on conversion.
    other_topics = models.JSONField(_("其他来电事项"), default=list, blank=True)
    kind = models.CharField(_("来电类型"), max_length=12, choices=CallKind.choices)
    summary = models.TextField(_("来电内容"))
    answer = models.TextField(_("答复内容"))
    duration_seconds = models.PositiveIntegerField(_("通话时长（秒）"))
    started_at = models.DateTimeField(_("来电时间"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when a dispute became a mediation case (do_convert_call_to_case).
    case = models.ForeignKey(
        Case, models.SET_NULL, null=True, blank=True, related_name="hotline_calls", verbose_name=_("调解案件")
    )
    converted_at = models.DateTimeField(_("转案时间"), null=True, blank=True)
    route_reason = models.CharField(_("分派原因"), max_length=300, blank=True)
    route_basis = models.CharField(_("分派依据"), max_length=200, blank=True)
    joined_existing_case = models.BooleanField(_("并入在办案件"), default=False)

    class Meta:
        verbose_name = _("热线来电")
        verbose_name_plural = _("热线来电")
        indexes = [
            # Keyset paging of the console: newest first within a hotline.
            models.Index(fields=["organisation", "-started_at", "-id"], name="hotline_call_org_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_seconds__lt=MAX_DURATION_SECONDS), name="hotline_call_duration_lt_24h"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.caller_name}"

    def topics_display(self) -> str:
        """The main matter and the others raised in the call: "劳动报酬、确认劳动关系"."""
        labels = dict(ClaimType.choices)
        return "、".join(str(labels.get(t, t)) for t in [self.topic, *self.other_topics])

    def set_caller_phone(self, number: str, *, is_mobile: bool) -> None:
        """`number` must already be validated (tiaojie.hotline.actions.validate_caller_phone)."""
        self.caller_phone_encrypted = crypto.encrypt(number)
        self.caller_phone_index = crypto.blind_index("phone", number)
        self.caller_phone_masked = mask_phone(number)
        self.caller_phone_is_mobile = is_mobile

    def reveal_caller_phone(self) -> str:
        """The full number. Callers go through hotline.actions.do_reveal_caller_phone, which logs it."""
        return crypto.decrypt(self.caller_phone_encrypted) if self.caller_phone_encrypted else ""

    @property
    def duration_minutes(self) -> int:
        return self.duration_seconds // 60

    @property
    def duration_rest_seconds(self) -> int:
        return self.duration_seconds % 60


class WorkOrder(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("未办结")
        CLOSED = "closed", _("已办结")

    call = models.OneToOneField(HotlineCall, models.CASCADE, related_name="work_order")
    tier = models.ForeignKey(ComplexityTier, models.PROTECT, related_name="+", verbose_name=_("复杂程度"))
    # The tier's limit when the order was opened: an administrator's later change does not move it.
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    description = models.TextField(_("工单内容"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("派单时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # Beijing date of the last day (ends 24:00), stored so the console filters overdue orders with an index.
    due_date = models.DateField(_("办理期限"))
    due_uncertain = models.BooleanField(default=False)  # counting looked past the configured holiday years
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    closing_note = models.TextField(_("办结情况"), blank=True)

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        indexes = [models.Index(fields=["status", "due_date"], name="hotline_wo_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="hotline_wo_closed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.get_status_display()}"

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.due_date, self.due_uncertain)


class ServiceRating(models.Model):
    """The caller's rating of the service, once per call (the unique call makes a second one fail)."""

    call = models.OneToOneField(HotlineCall, models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="hotline_rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.score}"


class HotlineEvent(models.Model):
    """Append-only trail of every write to a call: logged, work order opened/closed/recounted, converted, rated."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("登记来电")
        WORK_ORDER_OPENED = "wo_opened", _("派发工单")
        WORK_ORDER_CLOSED = "wo_closed", _("工单办结")
        CONVERTED = "converted", _("转为调解案件")
        RATED = "rated", _("记录服务评价")
        # The work order's limit, counted past the configured holiday years, counted again when the year was
        # entered (docs/law.md §6); the actor is the administrator who entered it.
        WORK_ORDER_RECOUNTED = "wo_recounted", _("重新计算办理期限")

    call = models.ForeignKey(HotlineCall, models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("热线办理记录")
        verbose_name_plural = _("热线办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["call", "at"], name="hotline_event_call_at")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind}"
