"""Reference data: administrative divisions and the working-day calendar.

Divisions are never deleted: old codes live on in ID numbers and old cases, so a retired code gets
`valid_to` instead. Codes nest by prefix (province 2 digits, city 4, county 6, township 9), which is what
makes a supervisor's subtree a single index range (see `subtree_range`).

The holiday calendar (CalendarYear, SpecialDay) is configuration that moves every deadline, so it keeps a
history of who changed what (django-simple-history). Divisions are national reference data loaded in bulk
(41,000 rows from the published code list): they keep none.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Division(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡级")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    # "市辖区", "县", "省直辖县级行政区划": statistical groupings, not places; skipped when displayed.
    is_placeholder = models.BooleanField(default=False)
    valid_from = models.DateField(_("启用日期"))
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Division]:
        """Province first, excluding placeholders; one query."""
        prefixes = [self.code[:n] for n in (2, 4, 6) if n < len(self.code)]
        rows = {d.code: d for d in Division.objects.filter(code__in=prefixes)}
        return [rows[p] for p in prefixes if p in rows and not rows[p].is_placeholder]

    @property
    def full_name(self) -> str:
        return "".join(d.name for d in [*self.ancestors(), self])


def subtree_range(code: str) -> tuple[str, str]:
    """[low, high) such that every code in the subtree of `code` (itself included) lies inside.

    Codes are digit strings nested by prefix, so the subtree of "3301" is every code >= "3301" and
    < "3302". A range uses a plain B-tree index on both SQLite and PostgreSQL, whatever the collation,
    where LIKE 'prefix%' would need varchar_pattern_ops on PostgreSQL.
    """
    if not code.isdigit():
        raise ValueError(f"not a division code: {code!r}")
    upper = str(int(code) + 1).zfill(len(code))
    return code, upper


def in_subtree_q(field: str, code: str | None) -> models.Q:
    """Q matching rows whose division `field` lies in the subtree of `code` (None: the whole country)."""
    if code is None:
        return models.Q()
    low, high = subtree_range(code)
    return models.Q(**{f"{field}__gte": low, f"{field}__lt": high})


class CalendarYear(models.Model):
    """A year whose holidays and 调休 days are configured; deadlines beyond the last one are flagged."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=200)
    # loaders.load_calendar's bulk_create writes no history rows; edits made afterwards (admin) do.
    history = HistoricalRecords(
        verbose_name=_("节假日年份变更记录"),
        verbose_name_plural=_("节假日年份变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("已配置节假日的年份")
        verbose_name_plural = _("已配置节假日的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class SpecialDay(models.Model):
    """A day that breaks the Monday–Friday rule: a day off in a holiday period, or a weekend day worked (调休).

    A day off is either one of the statutory holidays of 《全国年节及纪念日放假办法》 (HOLIDAY) or another rest
    day of the period (REST: a weekend inside it, or a weekday moved by 调休 or given for a holiday that fell on a
    weekend). Both are non-working days for counting periods; they differ in overtime pay, 300 % against 200 %
    (《劳动法》第四十四条; docs/law.md §6): which days are statutory follows reference.statutory."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        REST = "rest", _("调休休息日")
        WORKDAY = "workday", _("调休上班日")

    REST_KINDS = (Kind.HOLIDAY, Kind.REST)

    date = models.DateField(_("日期"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    history = HistoricalRecords(
        verbose_name=_("节假日与调休变更记录"),
        verbose_name_plural=_("节假日与调休变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarRevision(models.Model):
    """One row whose number goes up with every change to the holiday table.

    Each process keeps the calendar in memory; before using it, it reads this one number (a primary-key
    lookup) and rebuilds when another process has changed the table meanwhile. Without it, two workers could
    count the same day's deadline on different calendars until one of them restarts."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("节假日表版本")
        verbose_name_plural = _("节假日表版本")

    def __str__(self) -> str:
        return str(self.revision)


class ProvincialRule(models.Model):
    """One procedural rule as a province (or, with `province` empty, the national default) sets it: clock B's
    start and length, the cap on agreed extensions (docs/law.md §3). `tiaojie.reference.rules.rule_for` picks,
    for an organisation's province and a day, the local row in force that day, else the national one.

    Local regulations differ from the national rule and change over time, so the table is data an administrator
    edits, each row with the instrument and article it comes from and a 待核对 flag when the article could not
    be read in an official text. Its history says who changed which rule and when."""

    class Key(models.TextChoices):
        CLOCK_B_START = "clock_b_start", _("调解期限的起算日")
        CLOCK_B_DAYS = "clock_b_days", _("调解期限的天数")
        CLOCK_B_EXTENSION_MAX_DAYS = "clock_b_extension_max_days", _("双方同意延长调解期限的上限（天）")

    class Start(models.TextChoices):
        ACCEPTANCE = "acceptance", _("自受理之日")
        RECEIPT = "receipt", _("自收到调解申请之日")

    province = models.CharField(
        _("省级区划代码"), max_length=2, blank=True, help_text=_("两位数字，例如浙江为33；留空表示全国默认规则。")
    )
    key = models.CharField(_("规则"), max_length=40, choices=Key.choices)
    value = models.CharField(
        _("取值"),
        max_length=40,
        blank=True,
        help_text=_("起算日填 acceptance（受理）或 receipt（收到申请）；天数填整数；延长上限留空表示不设上限。"),
    )
    instrument = models.CharField(_("法规名称"), max_length=100)
    article = models.CharField(_("条款"), max_length=60, blank=True)
    basis = models.TextField(_("依据（显示给用户）"))
    in_force_from = models.DateField(_("施行日期"), null=True, blank=True, help_text=_("留空表示不限"))
    in_force_to = models.DateField(_("最后适用日"), null=True, blank=True, help_text=_("含当日；留空表示仍然有效"))
    unconfirmed = models.BooleanField(_("待核对"), default=False, help_text=_("条文未能与官方文本核对"))
    history = HistoricalRecords(
        verbose_name=_("地方规则变更记录"),
        verbose_name_plural=_("地方规则变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("地方规则")
        verbose_name_plural = _("地方规则")
        ordering = ["province", "key", "in_force_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(in_force_to__isnull=True)
                | models.Q(in_force_from__isnull=True)
                | models.Q(in_force_to__gte=models.F("in_force_from")),
                name="provincial_rule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province or _('全国')} {self.get_key_display()}：{self.value or '—'}"

    def in_force_on(self, day: dt.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from tiaojie.reference.rules import value_error

        errors: dict[str, str | Promise] = {}
        if self.province and not Division.objects.filter(code=self.province, level=Division.Level.PROVINCE).exists():
            errors["province"] = _("不是省级区划代码")
        message = value_error(self.key, self.value)
        if message:
            errors["value"] = message
        if self.in_force_from and self.in_force_to and self.in_force_to < self.in_force_from:
            errors["in_force_to"] = _("最后适用日不能早于施行日期")
        if not errors:
            # Two rows for the same province and rule may not both be in force on one day: the lookup would
            # have to guess between them.
            others = ProvincialRule.objects.filter(province=self.province, key=self.key).exclude(pk=self.pk)
            for other in others:
                if _overlap(self.in_force_from, self.in_force_to, other.in_force_from, other.in_force_to):
                    errors["in_force_from"] = _("与同一地区同一规则的另一条记录的适用期间重叠")
                    break
        if errors:
            raise ValidationError(errors)


def _overlap(a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None, b_to: dt.date | None) -> bool:
    low = dt.date.min
    high = dt.date.max
    return max(a_from or low, b_from or low) <= min(a_to or high, b_to or high)


class ProvincialRuleRevision(models.Model):
    """The number that moves with every change to the rule table, as CalendarRevision does for the calendar:
    each process checks it before using its cached copy of the rules (tiaojie.reference.rules)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("地方规则表版本")
        verbose_name_plural = _("地方规则表版本")

    def __str__(self) -> str:
        return str(self.revision)
