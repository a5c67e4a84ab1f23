"""Reads for the statistics pages: the numbers come from the rollup tables (a handful of index-range reads
per page, whatever the number of cases), shaped into StatTables that the page, the chart and the exports
share. `naive.NaiveSource` computes the same numbers straight from the cases, for tests and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Avg, Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.analytics.access import StatsScope
from tiaojie.analytics.metrics import CLOSE_DAYS_CAP, DIMENSION_NOTES, METRICS, Metric
from tiaojie.analytics.models import COUNTER_FIELDS, DimRollup, MonthRollup, OpenDueRollup
from tiaojie.analytics.tables import Column, Row, StatTable, money_ratio, ratio
from tiaojie.cases.models import Channel, ClaimType
from tiaojie.organisations.models import Organisation, OrganisationType
from tiaojie.reference.models import Division, subtree_range

Counts = list[Any]  # in COUNTER_FIELDS order
IDX = {name: i for i, name in enumerate(COUNTER_FIELDS)}
MAX_ORGANISATION_ROWS = 300


def zero() -> Counts:
    return [0] * len(COUNTER_FIELDS)


def add_into(total: Counts, more: Counts) -> Counts:
    for i, v in enumerate(more):
        total[i] += v or 0
    return total


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def year_instants(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instants of the Beijing calendar year and of the next one."""
    from tiaojie.lib.workdays import LEGAL_TZ

    return dt.datetime(year, 1, 1, tzinfo=LEGAL_TZ), dt.datetime(year + 1, 1, 1, tzinfo=LEGAL_TZ)


class Source(Protocol):
    def months(self, keys: list[str], year: int) -> dict[str, dict[dt.date, Counts]]: ...

    def dims(self, key: str, year: int) -> dict[tuple[str, str], Counts]: ...

    def overdue(self, keys: list[str], today: dt.date) -> dict[str, int]: ...


class RollupSource:
    """The numbers as the rollup tables hold them."""

    def months(self, keys: list[str], year: int) -> dict[str, dict[dt.date, Counts]]:
        start, end = year_bounds(year)
        out: dict[str, dict[dt.date, Counts]] = defaultdict(dict)
        rows = MonthRollup.objects.filter(scope__in=keys, month__gte=start, month__lt=end).values_list(
            "scope", "month", *COUNTER_FIELDS
        )
        for scope, month, *counts in rows:
            out[scope][month] = list(counts)
        return out

    def dims(self, key: str, year: int) -> dict[tuple[str, str], Counts]:
        rows = DimRollup.objects.filter(scope=key, year=year).values_list("dim", "key", *COUNTER_FIELDS)
        return {(dim, k): list(counts) for dim, k, *counts in rows}

    def overdue(self, keys: list[str], today: dt.date) -> dict[str, int]:
        rows = (
            OpenDueRollup.objects.filter(scope__in=keys, due__lt=today)
            .values_list("scope")
            .annotate(n=Sum("open_cases"))
            .order_by()
        )
        return {scope: int(n or 0) for scope, n in rows}


# --- the page's pieces ------------------------------------------------------------------------------------


@dataclass
class Child:
    key: str  # rollup scope key
    name: str
    url: str = ""


def child_divisions(scope: StatsScope) -> list[Division]:
    """The next level down, skipping placeholder levels (市辖区 and the like): their children stand in."""
    if scope.organisation is not None:
        return []
    if scope.division is None:
        return list(Division.objects.filter(level=Division.Level.PROVINCE).order_by("code"))
    children = list(Division.objects.filter(parent_id=scope.division.code).order_by("code"))
    placeholders = [c.code for c in children if c.is_placeholder]
    if placeholders:
        grand = list(Division.objects.filter(parent_id__in=placeholders).order_by("code"))
        children = sorted([c for c in children if not c.is_placeholder] + grand, key=lambda d: d.code)
    return children


def organisations_in(scope: StatsScope) -> list[Organisation]:
    """Organisations listed on county and township pages (a province holds too many to list)."""
    if scope.division is None or scope.division.level < Division.Level.COUNTY:
        return []
    low, high = subtree_range(scope.division.code)
    return list(
        Organisation.objects.filter(division_id__gte=low, division_id__lt=high)
        .select_related("type")
        .order_by("division_id", "name")[:MAX_ORGANISATION_ROWS]
    )


@dataclass
class Summary:
    metric: Metric
    value: Any
    kind: str  # int | money | percent | days | score | text


@dataclass
class Dashboard:
    scope: StatsScope
    year: int
    today: dt.date
    summary: list[Summary]
    tables: list[StatTable]
    totals: Counts
    median_days: float | None
    overdue: int
    satisfaction: tuple[float, int] | None
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, table_id: str) -> StatTable | None:
        return next((t for t in self.tables if t.id == table_id), None)


BREAKDOWN_COLUMNS = [
    Column("received", gettext_lazy("收到申请"), "int"),
    Column("accepted", gettext_lazy("受理"), "int"),
    Column("closed", gettext_lazy("结案"), "int"),
    Column("success_rate", gettext_lazy("调解成功率"), "percent"),
    Column("settled_share", gettext_lazy("协商调解解决率"), "percent"),
    Column("arbitration", gettext_lazy("调解不成"), "int"),
    Column("workers", gettext_lazy("涉及劳动者"), "int"),
    Column("collective", gettext_lazy("集体争议"), "int"),
    Column("amount_claimed", gettext_lazy("请求金额（元）"), "money"),
    Column("amount_agreed", gettext_lazy("协议金额（元）"), "money"),
    Column("amount_paid", gettext_lazy("已履行金额（元）"), "money"),
    Column("performance_rate", gettext_lazy("履行率"), "percent"),
]
# Payments are recorded by instalment, not by claim item: the claim-type table shows agreed amounts only.
CLAIM_TYPE_COLUMNS = [c for c in BREAKDOWN_COLUMNS if c.key not in ("amount_paid", "performance_rate")]


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def cells(name: str, c: Counts) -> dict[str, Any]:
    return {
        "name": name,
        "received": c[IDX["received"]],
        "accepted": c[IDX["accepted"]],
        "closed": c[IDX["closed"]],
        "success_rate": ratio(c[IDX["agreements"]], c[IDX["mediation_ended"]]),
        "settled_share": ratio(c[IDX["agreements"]] + c[IDX["settled"]], c[IDX["ended"]]),
        "arbitration": c[IDX["arbitration"]],
        "workers": c[IDX["workers"]],
        "collective": c[IDX["collective"]],
        "amount_claimed": money(c[IDX["amount_claimed"]]),
        "amount_agreed": money(c[IDX["amount_agreed"]]),
        "amount_paid": money(c[IDX["amount_paid"]]),
        "performance_rate": money_ratio(c[IDX["amount_paid"]], c[IDX["amount_agreed"]]),
    }


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(n: int) -> int:  # 1-based
        seen = 0
        for days, count in ordered:
            seen += count
            if seen >= n:
                return days
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2 + 1))
    return (nth(total // 2) + nth(total // 2 + 1)) / 2


def satisfaction_for(scope: StatsScope, year: int) -> tuple[float, int] | None:
    """Average 12351 service rating of the hotline organisations in the scope (docs/law.md §11)."""
    import datetime as _dt

    from django.apps import apps

    if not apps.is_installed("tiaojie.hotline"):
        return None
    from tiaojie.hotline.models import ServiceRating
    from tiaojie.lib.workdays import LEGAL_TZ

    start = _dt.datetime(year, 1, 1, tzinfo=LEGAL_TZ)
    end = _dt.datetime(year + 1, 1, 1, tzinfo=LEGAL_TZ)
    qs = ServiceRating.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    if scope.organisation is not None:
        qs = qs.filter(call__organisation_id=scope.organisation.pk)
    elif scope.division is not None:
        low, high = subtree_range(scope.division.code)
        qs = qs.filter(call__organisation__division_id__gte=low, call__organisation__division_id__lt=high)
    row = qs.aggregate(avg=Avg("score"), n=Count("id"))
    if not row["n"]:
        return None
    return float(row["avg"]), int(row["n"])


def _bar_chart(
    categories: list[str], series: list[tuple[str, list[Any]]], *, horizontal: bool = False
) -> dict[str, Any]:
    category_axis = {"type": "category", "data": categories, "axisLabel": {"interval": 0, "hideOverlap": True}}
    value_axis = {"type": "value"}
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": {**category_axis, "inverse": True} if horizontal else value_axis,
        "series": [{"name": name, "type": "bar", "data": data} for name, data in series],
    }


def _height(bars: int) -> int:
    return max(200, 60 + 26 * bars)


def build_dashboard(
    scope: StatsScope,
    *,
    year: int,
    today: dt.date,
    source: Source | None = None,
    region_url: Callable[[str], str] = lambda code: "",
    org_url: Callable[[int], str] = lambda pk: "",
    with_satisfaction: bool = True,
) -> Dashboard:
    src = source or RollupSource()
    key = scope.key
    children = [Child(d.code, d.name, region_url(d.code)) for d in child_divisions(scope)]
    organisations = organisations_in(scope)
    org_children = [Child(f"o{o.pk}", o.name, org_url(o.pk)) for o in organisations]
    keys = [key, *(c.key for c in children), *(c.key for c in org_children)]
    months = src.months(keys, year)
    overdue = src.overdue([key, *(c.key for c in children), *(c.key for c in org_children)], today)
    dims = src.dims(key, year)

    totals = zero()
    for counts in months.get(key, {}).values():
        add_into(totals, counts)
    histogram = {int(k): v[IDX["closed"]] for (dim, k), v in dims.items() if dim == "close_days" and v[IDX["closed"]]}
    median = median_from_histogram(histogram)
    satisfaction = satisfaction_for(scope, year) if with_satisfaction else None
    overdue_now = overdue.get(key, 0)

    def metric(mid: str, value: Any, kind: str) -> Summary:
        return Summary(METRICS[mid], value, kind)

    summary = [
        metric("received", totals[IDX["received"]], "int"),
        metric("accepted", totals[IDX["accepted"]], "int"),
        metric("closed", totals[IDX["closed"]], "int"),
        metric("mediation_success_rate", ratio(totals[IDX["agreements"]], totals[IDX["mediation_ended"]]), "percent"),
        metric(
            "settled_share",
            ratio(totals[IDX["agreements"]] + totals[IDX["settled"]], totals[IDX["ended"]]),
            "percent",
        ),
        metric("arbitration", totals[IDX["arbitration"]], "int"),
        metric("overdue", overdue_now, "int"),
        metric("median_days_to_close", median, "days"),
        metric("amount_claimed", money(totals[IDX["amount_claimed"]]), "money"),
        metric("amount_agreed", money(totals[IDX["amount_agreed"]]), "money"),
        metric("amount_paid", money(totals[IDX["amount_paid"]]), "money"),
        metric("performance_rate", money_ratio(totals[IDX["amount_paid"]], totals[IDX["amount_agreed"]]), "percent"),
        metric("workers", totals[IDX["workers"]], "int"),
        metric("collective", totals[IDX["collective"]], "int"),
        metric("satisfaction", satisfaction[0] if satisfaction else None, "score"),
    ]

    tables: list[StatTable] = []
    # Monthly trend.
    month_rows = []
    labels = []
    for m in range(1, 13):
        counts = months.get(key, {}).get(dt.date(year, m, 1), zero())
        label = _("%(year)d年%(month)d月") % {"year": year, "month": m}
        labels.append(_("%(month)d月") % {"month": m})
        month_rows.append(Row(cells(label, counts)))
    month_rows.append(Row(cells(_("合计"), totals), is_total=True))
    columns = [Column("name", _("月份"), "text"), *BREAKDOWN_COLUMNS]
    tables.append(
        StatTable(
            "monthly",
            _("月度趋势"),
            columns,
            month_rows,
            DIMENSION_NOTES["monthly"],
            _bar_chart(
                labels,
                [
                    (_("收到申请"), [r.cells["received"] for r in month_rows[:-1]]),
                    (_("受理"), [r.cells["accepted"] for r in month_rows[:-1]]),
                    (_("结案"), [r.cells["closed"] for r in month_rows[:-1]]),
                ],
            ),
        )
    )

    def breakdown(table_id: str, title: str, first: str, items: list[Child], note: Any) -> None:
        rows = []
        covered = zero()
        for child in items:
            counts = zero()
            for c in months.get(child.key, {}).values():
                add_into(counts, c)
            add_into(covered, counts)
            row = Row(cells(child.name, counts), url=child.url)
            row.cells["overdue"] = overdue.get(child.key, 0)
            rows.append(row)
        if table_id == "regions":
            rest = [a - b for a, b in zip(totals, covered, strict=True)]
            rest_overdue = overdue_now - sum(r.cells["overdue"] for r in rows)
            if any(rest) or rest_overdue:
                row = Row(cells(_("本级组织（不属于下级区划）"), rest))
                row.cells["overdue"] = rest_overdue
                rows.append(row)
        cols = [Column("name", first, "link"), *BREAKDOWN_COLUMNS, Column("overdue", _("当前逾期"), "int")]
        ranked = sorted(rows, key=lambda r: -r.cells["received"])[:31]
        chart = _bar_chart(
            [r.cells["name"] for r in ranked], [(_("收到申请"), [r.cells["received"] for r in ranked])], horizontal=True
        )
        tables.append(StatTable(table_id, title, cols, rows, note, chart, extra={"height": _height(len(ranked))}))

    if children:
        breakdown("regions", _("按地区"), _("地区"), children, DIMENSION_NOTES["region"])
    if org_children:
        breakdown(
            "organisations",
            _("按调解组织"),
            _("调解组织"),
            org_children,
            _("本范围内的调解组织（最多列出%(n)d个）。") % {"n": MAX_ORGANISATION_ROWS},
        )

    type_names = dict(OrganisationType.objects.values_list("code", "name"))
    dim_labels: dict[str, Callable[[str], str]] = {
        "org_type": lambda k: type_names.get(k, k),
        "claim_type": lambda k: str(ClaimType(k).label) if k in ClaimType.values else k,
        "channel": lambda k: str(Channel(k).label) if k in Channel.values else k,
    }
    titles = {"org_type": _("按组织类型"), "claim_type": _("按请求事项"), "channel": _("按来源渠道")}
    firsts = {"org_type": _("组织类型"), "claim_type": _("请求事项"), "channel": _("来源渠道")}
    for dim in ("org_type", "claim_type", "channel"):
        if scope.organisation is not None and dim == "org_type":
            continue
        items = sorted(((k, v) for (d, k), v in dims.items() if d == dim), key=lambda kv: -kv[1][IDX["received"]])
        rows = [Row(cells(dim_labels[dim](k), v)) for k, v in items if any(v)]
        cols = [
            Column("name", firsts[dim], "text"),
            *(CLAIM_TYPE_COLUMNS if dim == "claim_type" else BREAKDOWN_COLUMNS),
        ]
        tables.append(
            StatTable(
                dim,
                titles[dim],
                cols,
                rows,
                DIMENSION_NOTES[dim],
                _bar_chart(
                    [r.cells["name"] for r in rows],
                    [(_("收到申请"), [r.cells["received"] for r in rows])],
                    horizontal=True,
                ),
                extra={"height": _height(len(rows))},
            )
        )
    summary_table = StatTable(
        "summary",
        _("主要指标"),
        [
            Column("name", _("指标"), "text"),
            Column("value", _("数值"), "text"),
            Column("unit", _("单位"), "text"),
            Column("definition", _("定义"), "text"),
        ],
        [
            Row(
                {
                    "name": str(s.metric.name),
                    "value": export_value(s),
                    "unit": str(s.metric.unit),
                    "definition": str(s.metric.definition),
                }
            )
            for s in summary
        ],
    )
    tables.insert(0, summary_table)
    return Dashboard(scope, year, today, summary, tables, totals, median, overdue_now, satisfaction)


def export_value(s: Summary) -> Any:
    if s.value is None:
        return _("暂无")
    if s.kind == "percent":
        return f"{s.value * 100:.2f}%"
    if s.kind == "days":
        return _("%(days)s天以上") % {"days": CLOSE_DAYS_CAP} if s.value >= CLOSE_DAYS_CAP else f"{s.value:g}"
    if s.kind == "score":
        return f"{s.value:.2f}"
    return s.value
