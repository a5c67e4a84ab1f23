"""Reference data: administrative divisions and the working-day calendar.

Divisions are never deleted: old codes live on in ID numbers and old cases, so a retired code gets
`valid_to` instead. Codes nest by prefix (province 2 digits, city 4, county 6, township 9), which is what
makes a supervisor's subtree a single index range (see `subtree_range`).

The holiday calendar (CalendarYear, SpecialDay) is configuration that moves every deadline, so it keeps a
history of who changed what (django-simple-history). Divisions are national reference data loaded in bulk
(41,000 rows from the published code list): they keep none.
"""

from __future__ import annotations

from django.db import models
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
