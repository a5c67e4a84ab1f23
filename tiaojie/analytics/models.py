"""Statistics for supervisors and organisation administrators, and the registers behind the 2025 targets.

Rollups (docs/metrics.md): every case has one `CaseFact` row, a snapshot of what the statistics need from it.
When a case changes, `tiaojie.analytics.rollups.refresh_case` locks that row, takes the old snapshot's
contribution away from the aggregate tables and adds the new one, in one transaction. Aggregates are kept
per *scope*: "" (the whole country), a division code (2, 4, 6 or 9 digits: province, city, county,
township — a case counts in every level above its organisation's division), or "o<id>" (one organisation).

- `MonthRollup`  (scope, month)            counters by calendar month (Beijing), for trends and totals
- `DimRollup`    (scope, year, dim, key)   the same counters by organisation type, channel and claim type,
                                           and the days-to-close histogram (dim "close_days") for medians
- `OpenDueRollup` (scope, due)             open cases by the day they become overdue: "overdue today" is
                                           SUM(open_cases) WHERE due < today, one index range, no case scan

Coverage registers (docs/law.md §10): high-incidence townships, arbitration institutes, chambers, and the
targets an administrator sets. Enterprises above designated size are `organisations.Employer` rows
(size = above_scale), imported from Excel by `tiaojie.analytics.importer`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case
from tiaojie.organisations.models import Employer, Industry, Organisation
from tiaojie.reference.models import Division


class CaseFact(models.Model):
    """What one case contributes to the rollups, as of the last refresh. Maintained only by
    `rollups.refresh_case` and `rollups.rebuild_all`; the statistics never read it directly."""

    # No database FK: the rebuild fills this table from the cases with one INSERT … SELECT, and a
    # per-row constraint check over millions of rows buys nothing for a derived table.
    case = models.OneToOneField(
        Case, models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="analytics_fact"
    )
    counted = models.BooleanField(default=False)  # False: a placeholder row that contributes nothing yet
    division_code = models.CharField(max_length=12)
    organisation_id = models.BigIntegerField()
    org_type = models.CharField(max_length=30)
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=12)
    # The status the case's handling ended in ("" while open): agreed, settled, failed, declined, withdrawn;
    # for a closed case, the status it was closed from.
    outcome = models.CharField(max_length=12, blank=True)
    received_on = models.DateField()
    accepted_on = models.DateField(null=True)
    ended_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    worker_count = models.PositiveIntegerField(default=1)
    # "type:amount,type:amount" summed per claim type, sorted by type; an amount is empty when none was given.
    claims = models.TextField(blank=True)
    amount_claimed = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # The case's mediation agreement, once effective (mediation.Agreement.effective_at set by the fourth
    # signature): its Beijing date, the agreed amounts per item type ("type:amount,…" as `claims`), their sum,
    # and the sum of the payments recorded as paid so far. Null / empty / 0 while there is none.
    agreed_on = models.DateField(null=True)
    agreed_items = models.TextField(blank=True)
    amount_agreed = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    amount_paid = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # While the case is open: the first day on which it counts as overdue is the day after this one (the
    # earliest deadline that applies: acceptance while received, clock A, clock B). Null once it is not open.
    open_due = models.DateField(null=True)

    def __str__(self) -> str:
        return f"fact {self.case_id}"


class RollupPending(models.Model):
    """A case whose rollups await a refresh by the task worker (rollups.mark_pending, rollups.drain_pending).

    Written in the transaction of the change itself, so it commits or rolls back with it: a committed change
    always leaves its row until a refresh has read the case as committed. Keyed by case: every change of a case
    before the worker gets to it is one row, and one refresh. No foreign key: a deleted case still needs its
    refresh (its contribution leaves the rollups)."""

    case_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.queued_at:%Y-%m-%d %H:%M:%S}"


class Counters(models.Model):
    """The additive counters every rollup row carries (definitions: tiaojie.analytics.metrics)."""

    received = models.BigIntegerField(default=0)
    accepted = models.BigIntegerField(default=0)
    ended = models.BigIntegerField(default=0)  # handling ended, whatever the outcome
    mediation_ended = models.BigIntegerField(default=0)
    agreements = models.BigIntegerField(default=0)
    settled = models.BigIntegerField(default=0)  # settled by negotiation (和解)
    arbitration = models.BigIntegerField(default=0)  # mediation failed: the parties may go to arbitration
    closed = models.BigIntegerField(default=0)
    workers = models.BigIntegerField(default=0)
    collective = models.BigIntegerField(default=0)
    amount_claimed = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    amount_agreed = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # by the agreement's effect
    amount_paid = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # of those agreements, so far

    class Meta:
        abstract = True


COUNTER_FIELDS = (
    "received",
    "accepted",
    "ended",
    "mediation_ended",
    "agreements",
    "settled",
    "arbitration",
    "closed",
    "workers",
    "collective",
    "amount_claimed",
    "amount_agreed",
    "amount_paid",
)


class MonthRollup(Counters):
    scope = models.CharField(max_length=24)
    month = models.DateField()  # the first day of a Beijing calendar month

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "month"], name="monthrollup_key")]

    def __str__(self) -> str:
        return f"{self.scope or 'CN'} {self.month:%Y-%m}"


class DimRollup(Counters):
    class Dim(models.TextChoices):
        ORG_TYPE = "org_type", _("组织类型")
        CHANNEL = "channel", _("来源渠道")
        CLAIM_TYPE = "claim_type", _("请求事项")
        CLOSE_DAYS = "close_days", _("结案用时（天）")

    scope = models.CharField(max_length=24)
    year = models.PositiveSmallIntegerField()
    dim = models.CharField(max_length=12, choices=Dim.choices)
    key = models.CharField(max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "year", "dim", "key"], name="dimrollup_key")]

    def __str__(self) -> str:
        return f"{self.scope or 'CN'} {self.year} {self.dim}={self.key}"


class OpenDueRollup(models.Model):
    scope = models.CharField(max_length=24)
    due = models.DateField()
    open_cases = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "due"], name="openduerollup_key")]

    def __str__(self) -> str:
        return f"{self.scope or 'CN'} {self.due}: {self.open_cases}"


# --- coverage of the 2025 targets (人社厅发〔2023〕36号) ----------------------------------------------------


class HighIncidenceTownship(models.Model):
    """A township or street that the local department lists as a high-incidence area for labour disputes
    in a year; the notice asks that these generally have a physical mediation centre."""

    division = models.ForeignKey(
        Division,
        models.PROTECT,
        related_name="+",
        verbose_name=_("乡镇（街道）"),
        limit_choices_to={"level": Division.Level.TOWNSHIP},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("劳动争议高发乡镇（街道）")
        verbose_name_plural = _("劳动争议高发乡镇（街道）")
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="high_incidence_once_a_year")]

    def __str__(self) -> str:
        return f"{self.division} {self.year}"


class ArbitrationInstitute(models.Model):
    """A city or county labour and personnel dispute arbitration institute (仲裁院)."""

    division = models.ForeignKey(
        Division, models.PROTECT, related_name="+", verbose_name=_("所在区划"), help_text=_("县级或地级区划")
    )
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("劳动人事争议仲裁院")
        verbose_name_plural = _("劳动人事争议仲裁院")
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="institute_name_per_division")]

    def __str__(self) -> str:
        return self.name


class Chamber(models.Model):
    """An industry chamber or association (商会、行业协会); `organisation` is its mediation organisation."""

    name = models.CharField(_("名称"), max_length=200)
    division = models.ForeignKey(Division, models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="chambers",
        verbose_name=_("调解组织"),
        limit_choices_to={"type": "chamber"},
    )

    class Meta:
        verbose_name = _("商（协）会")
        verbose_name_plural = _("商（协）会")

    def __str__(self) -> str:
        return self.name


class CoverageMetric(models.TextChoices):
    ENTERPRISE_COMMITTEE = "enterprise_committee", _("规模以上企业建立调解委员会")
    HIGH_INCIDENCE_TOWNSHIP_CENTRE = "township_centre", _("高发乡镇（街道）建立调解中心")
    ARBITRATION_CENTRE = "arbitration_centre", _("仲裁院建立调解中心")
    CHAMBER = "chamber", _("商（协）会建立调解组织")


class CoverageTarget(models.Model):
    """The share an administrator expects by the end of `year`; no division means the national target,
    which applies wherever no nearer region has its own."""

    division = models.ForeignKey(
        Division, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("区划"),
        help_text=_("留空表示全国目标"),
    )  # fmt: skip
    metric = models.CharField(_("指标"), max_length=24, choices=CoverageMetric.choices)
    target_percent = models.DecimalField(_("目标（%）"), max_digits=5, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("覆盖率目标")
        verbose_name_plural = _("覆盖率目标")
        constraints = [
            models.UniqueConstraint(fields=["division", "metric", "year"], name="target_once_per_region"),
            models.UniqueConstraint(
                fields=["metric", "year"], condition=models.Q(division__isnull=True), name="national_target_once"
            ),
            models.CheckConstraint(
                condition=models.Q(target_percent__gte=0, target_percent__lte=100), name="target_is_a_percentage"
            ),
        ]

    def __str__(self) -> str:
        where = self.division.name if self.division else _("全国")
        return f"{where} {self.year} {self.get_metric_display()} {self.target_percent}%"


class EnterpriseImport(models.Model):
    """Audit row of one import of the register of enterprises above designated size."""

    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("规上企业名录导入记录")
        verbose_name_plural = _("规上企业名录导入记录")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


# --- employer risk (tiaojie.analytics.risk, docs/risk.md) ----------------------------------------------------


class RiskLevel(models.TextChoices):
    RED = "red", _("红色")
    ORANGE = "orange", _("橙色")
    YELLOW = "yellow", _("黄色")
    BLUE = "blue", _("蓝色")
    NONE = "", _("无")


class EmployerRiskState(models.Model):
    """The level an employer was last graded at in one county (the supervising level of its division).

    Written only by `analytics.actions.do_record_risk_levels`, with a conditional UPDATE (`WHERE level = old`), so
    of two runs that see the same rise only one changes the row, and only that one raises the alert."""

    employer = models.ForeignKey(Employer, models.CASCADE, related_name="+")
    county = models.ForeignKey(Division, models.PROTECT, related_name="+")
    level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True)
    changed_on = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "county"], name="risk_state_once_h16")]

    def __str__(self) -> str:
        return f"{self.employer_id}@{self.county_id}: {self.level}"


class RiskAlert(models.Model):
    """An employer rose to 红 or 橙 in a county: one row per employer, county and level per window
    (`risk.WINDOW_DAYS`), sent to the county's and the city's supervisors. The row is its own audit record: who
    acknowledged it and when."""

    employer = models.ForeignKey(Employer, models.PROTECT, related_name="risk_alerts", verbose_name=_("用人单位"))
    county = models.ForeignKey(Division, models.PROTECT, related_name="+", verbose_name=_("区划"))
    level = models.CharField(_("风险等级"), max_length=6, choices=RiskLevel.choices)
    previous_level = models.CharField(_("原等级"), max_length=6, choices=RiskLevel.choices, blank=True)
    raised_on = models.DateField(_("预警日期"))
    # The figures and the conditions met, as computed on `raised_on` (the page recomputes today's).
    factors = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    raised_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("处理人")
    )

    class Meta:
        verbose_name = _("用人单位风险预警")
        verbose_name_plural = _("用人单位风险预警")
        indexes = [
            # "once per window": the latest alert of this employer, county and level.
            models.Index(fields=["employer", "county", "level", "-raised_on"], name="risk_alert_once_h16"),
            # A supervisor's open alerts: one range on the county code.
            models.Index(fields=["county", "-raised_on"], name="risk_alert_county_h16"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.get_level_display()} {self.raised_on}"
