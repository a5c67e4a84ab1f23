"""A statistics table: what the page shows beside a chart, and what the CSV and Excel exports contain."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tiaojie.analytics.metrics import CLOSE_DAYS_CAP


def format_value(value: Any, kind: str) -> str:
    """One number as the statistics pages show it."""
    if value is None or value == "":
        return _("暂无") if kind in ("score", "days") else "—"
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    if kind == "money":
        return intcomma(f"{Decimal(value):.2f}")
    if kind == "days":
        return _("%(n)d天以上") % {"n": CLOSE_DAYS_CAP} if float(value) >= CLOSE_DAYS_CAP else f"{float(value):g}"
    if kind == "score":
        return f"{float(value):.2f}"
    if kind == "int":
        return intcomma(int(value))
    return str(value)


@dataclass
class Column:
    key: str
    label: str | Promise
    kind: str = "int"  # int | money | percent | days | text | link


@dataclass
class Row:
    cells: dict[str, Any]
    url: str = ""  # drill-down link on the first cell
    is_total: bool = False


@dataclass
class StatTable:
    id: str
    title: str | Promise
    columns: list[Column]
    rows: list[Row]
    note: str | Promise = ""
    chart: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def rendered(self) -> list[dict[str, Any]]:
        """Rows as the page shows them, formatted here once: a template filter per cell cost more than the
        queries behind the page."""
        out = []
        for r in self.rows:
            first = self.columns[0]
            out.append(
                {
                    "head": r.cells.get(first.key, ""),
                    "url": r.url,
                    "total": r.is_total,
                    "cells": [(format_value(r.cells.get(c.key), c.kind), c.kind != "text") for c in self.columns[1:]],
                }
            )
        return out

    def export_rows(self) -> list[list[Any]]:
        """Plain values for CSV and Excel: numbers stay numbers, missing values are empty."""
        out: list[list[Any]] = []
        for r in self.rows:
            line: list[Any] = []
            for c in self.columns:
                v = r.cells.get(c.key)
                if v is None:
                    line.append("")
                elif c.kind == "percent":
                    line.append(round(float(v) * 100, 2))
                elif isinstance(v, Decimal):
                    line.append(v)
                else:
                    line.append(v if isinstance(v, int | float) else str(v))
            out.append(line)
        return out

    def header(self) -> list[str]:
        return [str(c.label) + ("（%）" if c.kind == "percent" else "") for c in self.columns]


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    if not denominator:
        return None
    return (numerator or 0) / denominator


def money_ratio(numerator: Decimal | float | None, denominator: Decimal | float | None) -> float | None:
    """Paid ÷ agreed, computed in Decimal (the sums are exact) and shown as a float like the other rates."""
    if not denominator:
        return None
    return float(Decimal(numerator or 0) / Decimal(denominator))
