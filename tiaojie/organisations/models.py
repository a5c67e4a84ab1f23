"""Mediation organisations, their staff, supervisors, and employers.

Organisation types are data (an open list; provincial laws add more — docs/law.md §2), seeded by migration
0002 and editable in the admin. Staff roles live on the Membership row; supervisors hold a SupervisorScope:
a division subtree (None = national) and a department.

Organisations, memberships and supervisor scopes are configuration: each keeps its history (who changed what,
when, and why) through django-simple-history; the admin and organisations/actions.py both record the user.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tiaojie.lib.idnumbers import InvalidIdentifier, validate_credit_code
from tiaojie.reference.models import Division


class OrganisationType(models.Model):
    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    can_mediate = models.BooleanField(_("可以调解"), default=True)
    basis = models.CharField(_("依据"), max_length=120, blank=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("组织类型")
        verbose_name_plural = _("组织类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741 - the standard's own letter
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class Employer(models.Model):
    class Size(models.TextChoices):
        ABOVE_SCALE = "above_scale", _("规模以上")
        MEDIUM = "medium", _("中型")
        SMALL_MICRO = "small_micro", _("小微")

    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    size = models.CharField(_("规模"), max_length=12, choices=Size.choices, default=Size.SMALL_MICRO)
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("所在区划"), related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    # Applications create an Employer row for whatever name a worker types. Only rows staff entered or checked
    # are shown to the public search: listing the others would tell anyone who has been named in a dispute.
    is_registered = models.BooleanField(
        _("已登记核实"),
        default=False,
        help_text=_("由工作人员登记或核实的单位，公众申请时可以搜索到；申请人自己填写的单位不公开"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.credit_code:
            try:
                self.credit_code = validate_credit_code(self.credit_code)
            except InvalidIdentifier as exc:
                raise ValidationError({"credit_code": str(exc)}) from exc

    @property
    def committee(self) -> Organisation | None:
        """The employer's own labour-dispute mediation committee, if it has one."""
        return self.organisations.filter(type_id="enterprise_committee", is_active=True).first()


# The leading place names an organisation's name usually carries ("浙江省杭州市…"); stripped, with the names of
# its own division's ancestors, before the prefix takes the first character of what is left.
_PLACE_SUFFIX = re.compile(r"^.{1,8}?(?:特别行政区|自治区|自治州|省|市|盟)")
CASE_PREFIX_MAX_LENGTH = 12


def derive_case_prefix(name: str, ancestor_names: list[str] | tuple[str, ...] = ()) -> str:
    """The default 机关代字 of an organisation's case numbers: the first character of its name once the province
    and city it sits in are dropped, then 调 (仓山区劳动人事争议调解委员会 → 仓调, as in 仓调〔2026〕12号).
    `ancestor_names` are the names of the divisions above it, stripped where the name starts with them: the
    province and city, and the county for a township's organisation (a county's own organisation keeps it: it
    tells 仓山 from 鼓楼 in one city); without them a leading "…省" or "…市" is dropped by its suffix.
    Administrators edit the result."""
    rest = name.strip().removeprefix("【基准】")
    for ancestor in ancestor_names:
        if ancestor and rest.startswith(ancestor) and len(rest) > len(ancestor):
            rest = rest[len(ancestor) :]
    if not ancestor_names:
        for _round in range(2):  # province, then city
            match = _PLACE_SUFFIX.match(rest)
            if match and len(rest) > match.end():
                rest = rest[match.end() :]
    first = next((ch for ch in rest if not ch.isspace()), "")
    return f"{first}调" if first and first != "调" else "调"


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    # 机关代字 of the organisation's case numbers (仓调 in 仓调〔2026〕12号). Filled from the name when left empty;
    # a number keeps the prefix it was given, so changing this changes only the numbers issued afterwards.
    case_prefix = models.CharField(
        _("案号代字"),
        max_length=CASE_PREFIX_MAX_LENGTH,
        blank=True,
        help_text=_("案件编号的代字，如“仓调”得到“仓调〔2026〕12号”。留空则按组织名称生成；修改只影响此后的新案件。"),
    )
    type = models.ForeignKey(OrganisationType, models.PROTECT, verbose_name=_("类型"))
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("所在区划"), related_name="+")
    employer = models.ForeignKey(
        Employer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("所属企业"),
        help_text=_("企业劳动争议调解委员会所在的企业"),
    )
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed what and why. The reason is free text (a division change's reason can be long), hence a
    # TextField instead of simple-history's 100-character default.
    history = HistoricalRecords(
        verbose_name=_("调解组织变更记录"),
        verbose_name_plural=_("调解组织变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        constraints = [
            models.UniqueConstraint(
                fields=["employer"],
                condition=models.Q(type="enterprise_committee"),
                name="one_committee_per_employer",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.case_prefix.strip() and self.name:
            self.case_prefix = self.derived_case_prefix()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "case_prefix"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def derived_case_prefix(self) -> str:
        if not self.division_id:
            return derive_case_prefix(self.name)
        # Every division above its own: a township's organisation drops its county too (余杭区仓前街道… → 仓调; a
        # county holds many of them, which should not all be 余调), a county's keeps the county.
        return derive_case_prefix(self.name, [d.name for d in self.division.ancestors()])


class Membership(models.Model):
    class Role(models.TextChoices):
        MEDIATOR = "mediator", _("调解员")
        ADMIN = "org_admin", _("组织管理员")
        INTAKE = "intake_operator", _("受理登记员")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords(
        verbose_name=_("成员变更记录"),
        verbose_name_plural=_("成员变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    # Intent properties: code asks what a member may do, never compares role strings.
    @property
    def can_register_cases(self) -> bool:
        return self.is_active

    @property
    def can_decide_cases(self) -> bool:
        """Accept, decline, and move a case through mediation."""
        return self.is_active and self.role in (self.Role.MEDIATOR, self.Role.ADMIN)

    @property
    def can_manage_organisation(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN


class SupervisorScope(models.Model):
    class Department(models.TextChoices):
        HRSS = "hrss", _("人力资源社会保障部门")
        UNION = "union", _("工会")
        ACFIC = "acfic", _("工商联")
        CEC = "cec", _("企业联合会")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="supervisor_scopes")
    division = models.ForeignKey(
        Division, models.PROTECT, null=True, blank=True, related_name="+", help_text=_("留空表示全国")
    )
    department = models.CharField(_("部门"), max_length=10, choices=Department.choices)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords(
        verbose_name=_("监管范围变更记录"),
        verbose_name_plural=_("监管范围变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("监管范围")
        verbose_name_plural = _("监管范围")

    def __str__(self) -> str:
        where = self.division.name if self.division else _("全国")
        return f"{self.user} · {where} · {self.get_department_display()}"
