"""Local wage tables the calculators may look values up in (docs/law.md §7, issue 6 item 5).

A row is one published figure for one division (a province, or a city inside it) from one day on: the
local monthly minimum wage, or the local average monthly wage of the previous year that caps 经济补偿 at
three times (《劳动合同法》第四十七条第二款). Rows are never edited in place when a new figure comes out:
a new row with a later `effective_from` supersedes the old one, so a case about an earlier date still finds
the figure in force then (see `lookup.wage_standard`). Corrections and additions are kept in the table's
history (django-simple-history: who, when, what).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tiaojie.reference.models import Division


class LocalWageStandard(models.Model):
    class Kind(models.TextChoices):
        MINIMUM_MONTHLY = "minimum_monthly", _("最低月工资标准")
        AVERAGE_MONTHLY = "average_monthly", _("上年度职工月平均工资")

    division = models.ForeignKey(
        Division,
        models.PROTECT,
        related_name="+",
        verbose_name=_("地区（省级或地级）"),
        # Provinces (one tier for the whole of 北京、上海) and cities; counties inherit their city's row.
        limit_choices_to={"level__in": [Division.Level.PROVINCE, Division.Level.CITY]},
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    effective_from = models.DateField(_("施行日期"))
    amount = models.DecimalField(
        _("金额（元/月）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("来源"), max_length=300, help_text=_("发布文件的名称、文号和日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True, help_text=_("例如：分档地区在此注明所存的是第几档"))
    history = HistoricalRecords(
        verbose_name=_("当地工资标准变更记录"),
        verbose_name_plural=_("当地工资标准变更记录"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("当地工资标准")
        verbose_name_plural = _("当地工资标准")
        ordering = ["division", "kind", "-effective_from"]
        constraints = [
            # Also the index the lookup uses: division + kind, then the latest date on or before a day.
            models.UniqueConstraint(fields=["division", "kind", "effective_from"], name="wage_standard_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="wage_standard_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.get_kind_display()} {self.effective_from}: {self.amount}"
