"""Coverage of the 2025 targets (人社厅发〔2023〕36号, docs/law.md §10), by region, against the targets an
administrator sets (CoverageTarget; the nearest region's target applies, else the national one).

- 规上企业建委: employers with size above_scale, and whether each has an active enterprise_committee.
- 高发乡镇建中心: the year's high-incidence townships, and whether each has an active township_centre.
- 仲裁院建中心: the arbitration institutes register, and whether an active arbitration_centre exists at the
  institute's division (for a county institute, anywhere in the county).
- 商会建组织: the chambers register, and whether its linked organisation is an active chamber organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.analytics.access import StatsScope
from tiaojie.analytics.models import (
    ArbitrationInstitute,
    Chamber,
    CoverageMetric,
    CoverageTarget,
    HighIncidenceTownship,
)
from tiaojie.analytics.queries import child_divisions
from tiaojie.analytics.tables import Column, Row, StatTable, ratio
from tiaojie.organisations.models import Employer, Industry, Organisation
from tiaojie.reference.models import Division, subtree_range

REGISTER_COLUMNS = ["单位名称", "统一社会信用代码", "所在区划代码", "行业门类", "规模"]
MISSING_LIST_LIMIT = 200

COVERAGE_DEFINITIONS = {
    CoverageMetric.ENTERPRISE_COMMITTEE: gettext_lazy(
        "名录中的规模以上企业（规模为“规模以上”的用人单位）中，已有启用的企业劳动争议调解委员会的比例。"
    ),
    CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE: gettext_lazy(
        "本年度列为劳动争议高发的乡镇（街道）中，已有启用的乡镇（街道）调解中心的比例。另列出全部乡镇的建中心情况供参考。"
    ),
    CoverageMetric.ARBITRATION_CENTRE: gettext_lazy(
        "登记的劳动人事争议仲裁院中，所在区划已有启用的仲裁院调解中心的比例（县级仲裁院按全县范围计）。"
    ),
    CoverageMetric.CHAMBER: gettext_lazy("登记的商（协）会中，已关联启用的商（协）会调解组织的比例。"),
}


@dataclass
class Tally:
    done: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return ratio(self.done, self.total)


@dataclass
class CoverageReport:
    scope: StatsScope
    year: int
    tables: list[StatTable]
    overall: dict[str, Tally]
    targets: dict[str, Decimal | None]
    missing_committees: list[Any]
    definitions: dict[Any, Any] = field(default_factory=lambda: dict(COVERAGE_DEFINITIONS))

    def table(self, table_id: str) -> StatTable | None:
        return next((t for t in self.tables if t.id == table_id), None)


def _range_q(field_name: str, scope: StatsScope) -> Q:
    if scope.division is None:
        return Q()
    low, high = subtree_range(scope.division.code)
    return Q(**{f"{field_name}__gte": low, f"{field_name}__lt": high})


def nearest_target(targets: dict[tuple[str | None, str], Decimal], code: str | None, metric: str) -> Decimal | None:
    if code:
        for n in (len(code), 9, 6, 4, 2):
            if n <= len(code) and (code[:n], metric) in targets:
                return targets[(code[:n], metric)]
    return targets.get((None, metric))


def _bucket(code: str, children: list[str]) -> str | None:
    return next((c for c in children if code.startswith(c)), None)


def build_coverage(
    scope: StatsScope, *, year: int, region_url: Callable[[str], str] = lambda code: ""
) -> CoverageReport:
    children = child_divisions(scope)
    child_codes = [c.code for c in children]
    per_child: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    overall: dict[str, Tally] = defaultdict(Tally)

    # Enterprises above designated size: grouped in SQL (the register can be large).
    committee = Organisation.objects.filter(employer=OuterRef("pk"), type_id="enterprise_committee", is_active=True)
    employers = Employer.objects.filter(_range_q("division_id", scope), size=Employer.Size.ABOVE_SCALE).annotate(
        has_committee=Exists(committee)
    )
    for length in sorted({len(c) for c in child_codes}) or [0]:
        qs = employers.annotate(code_length=Length("division_id")).filter(code_length__gte=length)
        grouped = (
            qs.annotate(prefix=Substr("division_id", 1, length or 1))
            .values_list("prefix")
            .annotate(total=Count("id"), done=Count("id", filter=Q(has_committee=True)))
            .order_by()
        )
        for prefix, total, done in grouped:
            if length and prefix in child_codes:
                per_child[prefix][CoverageMetric.ENTERPRISE_COMMITTEE] = Tally(done, total)
    totals = employers.aggregate(total=Count("id"), done=Count("id", filter=Q(has_committee=True)))
    overall[CoverageMetric.ENTERPRISE_COMMITTEE] = Tally(totals["done"] or 0, totals["total"] or 0)

    # High-incidence townships (and every township, for reference): small sets, counted in Python.
    townships = list(
        Division.objects.filter(_range_q("code", scope), level=Division.Level.TOWNSHIP, is_placeholder=False)
        .filter(valid_to__isnull=True)
        .values_list("code", "name")
    )
    high = set(
        HighIncidenceTownship.objects.filter(_range_q("division_id", scope), year=year).values_list(
            "division_id", flat=True
        )
    )
    centres = {
        code[:9]
        for code in Organisation.objects.filter(
            _range_q("division_id", scope), type_id="township_centre", is_active=True
        ).values_list("division_id", flat=True)
    }
    all_townships = Tally()
    for code, _name in townships:
        all_townships.total += 1
        all_townships.done += code in centres
        if code in high:
            overall[CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE].total += 1
            overall[CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE].done += code in centres
            child = _bucket(code, child_codes)
            if child:
                per_child[child][CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE].total += 1
                per_child[child][CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE].done += code in centres
        child = _bucket(code, child_codes)
        if child:
            per_child[child]["all_townships"].total += 1
            per_child[child]["all_townships"].done += code in centres

    # Arbitration institutes.
    arbitration_centres = list(
        Organisation.objects.filter(type_id="arbitration_centre", is_active=True).values_list("division_id", flat=True)
    )
    for institute in ArbitrationInstitute.objects.filter(_range_q("division_id", scope)):
        code = institute.division_id
        county_wide = len(code) >= 6
        has = any(c == code or (county_wide and c.startswith(code)) for c in arbitration_centres)
        for tally in (
            overall[CoverageMetric.ARBITRATION_CENTRE],
            per_child[_bucket(code, child_codes) or "-"][CoverageMetric.ARBITRATION_CENTRE],
        ):
            tally.total += 1
            tally.done += has

    # Chambers.
    chambers = Chamber.objects.filter(_range_q("division_id", scope)).select_related("organisation")
    for chamber in chambers:
        org = chamber.organisation
        has = org is not None and org.is_active and org.type_id == "chamber"
        for tally in (
            overall[CoverageMetric.CHAMBER],
            per_child[_bucket(chamber.division_id, child_codes) or "-"][CoverageMetric.CHAMBER],
        ):
            tally.total += 1
            tally.done += has

    targets_raw = {(t.division_id, t.metric): t.target_percent for t in CoverageTarget.objects.filter(year=year)}
    scope_code = scope.division.code if scope.division else None
    targets = {m: nearest_target(targets_raw, scope_code, m) for m in CoverageMetric.values}

    metric_order = list(CoverageMetric)
    tables: list[StatTable] = []
    progress_rows = []
    for m in metric_order:
        tally = overall[m]
        target = targets[m]
        share = tally.share
        progress_rows.append(
            Row(
                {
                    "name": str(m.label),
                    "done": tally.done,
                    "total": tally.total,
                    "share": share,
                    "target": float(target) / 100 if target is not None else None,
                    "gap": (float(target) / 100 - share) if target is not None and share is not None else None,
                    "definition": str(COVERAGE_DEFINITIONS[m]),
                }
            )
        )
    reference_row: dict[str, Any] = {"name": _("全部乡镇（街道）建立调解中心（参考）"), "target": None, "gap": None}
    reference_row["definition"] = ""
    reference_row.update(done=all_townships.done, total=all_townships.total, share=all_townships.share)
    progress_rows.append(Row(reference_row))
    tables.append(
        StatTable(
            "targets",
            _("目标完成情况"),
            [
                Column("name", _("指标"), "text"),
                Column("done", _("已建"), "int"),
                Column("total", _("应建"), "int"),
                Column("share", _("覆盖率"), "percent"),
                Column("target", _("目标"), "percent"),
                Column("gap", _("距目标"), "percent"),
                Column("definition", _("定义"), "text"),
            ],
            progress_rows,
            _("目标由管理员在后台按年度和区划设置；未设置本地区目标的，适用上级或全国目标。"),
        )
    )
    if children:
        rows = []
        for division in children:
            tallies = per_child.get(division.code, {})
            cells: dict[str, Any] = {"name": division.name}
            for m in metric_order:
                t = tallies.get(m, Tally())
                cells[f"{m}_done"] = t.done
                cells[f"{m}_total"] = t.total
                cells[f"{m}_share"] = t.share
                target = nearest_target(targets_raw, division.code, m)
                cells[f"{m}_target"] = float(target) / 100 if target is not None else None
            rows.append(Row(cells, url=region_url(division.code)))
        short = {
            CoverageMetric.ENTERPRISE_COMMITTEE: _("规上企业"),
            CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE: _("高发乡镇"),
            CoverageMetric.ARBITRATION_CENTRE: _("仲裁院"),
            CoverageMetric.CHAMBER: _("商（协）会"),
        }
        columns = [Column("name", _("地区"), "link")]
        for m in metric_order:
            columns += [
                Column(f"{m}_done", _("%(what)s已建") % {"what": short[m]}, "int"),
                Column(f"{m}_total", _("%(what)s总数") % {"what": short[m]}, "int"),
                Column(f"{m}_share", _("%(what)s覆盖率") % {"what": short[m]}, "percent"),
                Column(f"{m}_target", _("%(what)s目标") % {"what": short[m]}, "percent"),
            ]
        chart = {
            "aria": {"enabled": True},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
            "xAxis": {"type": "value", "max": 100},
            "yAxis": {"type": "category", "inverse": True, "data": [r.cells["name"] for r in rows]},
            "series": [
                {
                    "name": short[m],
                    "type": "bar",
                    "data": [
                        round(r.cells[f"{m}_share"] * 100, 1) if r.cells[f"{m}_share"] is not None else None
                        for r in rows
                    ],
                }
                for m in metric_order
            ],
        }
        tables.append(
            StatTable(
                "by_region", _("分地区覆盖率"), columns, rows, _("覆盖率单位为百分比；无应建对象的显示为“—”。"), chart
            )
        )
    if scope.division is not None and scope.division.level >= Division.Level.COUNTY:
        rows = [
            Row(
                {
                    "name": name,
                    "code": code,
                    "high": _("是") if code in high else "",
                    "centre": _("已建") if code in centres else _("未建"),
                }
            )
            for code, name in townships
        ]
        tables.append(
            StatTable(
                "townships",
                _("乡镇（街道）调解中心"),
                [
                    Column("name", _("乡镇（街道）"), "text"),
                    Column("code", _("区划代码"), "text"),
                    Column("high", _("高发地区"), "text"),
                    Column("centre", _("调解中心"), "text"),
                ],
                rows,
            )
        )
    missing = list(employers.filter(has_committee=False).order_by("division_id", "name")[:MISSING_LIST_LIMIT])
    tables.append(
        StatTable(
            "missing_committees",
            _("尚未建立调解委员会的规上企业"),
            [Column(k, k, "text") for k in REGISTER_COLUMNS],
            [Row(dict(zip(REGISTER_COLUMNS, _register_row(e), strict=True))) for e in missing],
            _("页面最多列出%(n)d家，导出文件包含全部。") % {"n": MISSING_LIST_LIMIT},
        )
    )
    return CoverageReport(scope, year, tables, dict(overall), targets, missing)


def _register_row(e: Employer) -> list[Any]:
    industry = f"{e.industry} {Industry(e.industry).label}" if e.industry in Industry.values else e.industry
    return [e.name, e.credit_code or "", e.division_id, industry, str(Employer.Size(e.size).label)]


def enterprises_without_committee_rows(scope: StatsScope) -> Iterator[list[Any]]:
    committee = Organisation.objects.filter(employer=OuterRef("pk"), type_id="enterprise_committee", is_active=True)
    qs = (
        Employer.objects.filter(_range_q("division_id", scope), size=Employer.Size.ABOVE_SCALE)
        .exclude(Exists(committee))
        .order_by("division_id", "name")
    )
    for employer in qs.iterator(chunk_size=2000):
        yield _register_row(employer)
