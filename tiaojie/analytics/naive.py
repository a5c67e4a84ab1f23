"""The same numbers as the rollups, computed the naive way: GROUP BY over the cases table on every request.

Not used by the pages. It is the reference the tests compare the rollups with (an independent reading of the
definitions in tiaojie.analytics.metrics, straight from cases, claim items and events), and the baseline the
benchmark measures the rollups against.
"""

# ruff: noqa: S608 - every SQL string here is built from our own table, column and status names; values are
# always passed as parameters.
from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Value
from django.db.models.functions import Substr

from tiaojie.analytics.metrics import (
    AGREED,
    CLOSE_DAYS_CAP,
    CLOSED,
    COLLECTIVE_MIN_WORKERS,
    FAILED,
    NOT_MEDIATED,
    SETTLED,
)
from tiaojie.analytics.models import COUNTER_FIELDS
from tiaojie.analytics.queries import IDX, Counts, zero
from tiaojie.analytics.rollups import _Dialect, open_statuses
from tiaojie.cases.models import Case, Status, overdue_q
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.models import Agreement, AgreementItem, Payment
from tiaojie.reference.models import subtree_range

AGREEMENT = Agreement._meta.db_table
AGREEMENT_ITEM = AgreementItem._meta.db_table
PAYMENT = Payment._meta.db_table


def _instant(day: dt.date) -> Any:
    """The first instant of a Beijing day, as the database compares it in raw SQL. SQLite stores datetimes as
    UTC text and a raw parameter is not converted: an aware datetime would arrive as "…+08:00" text and
    compare wrongly with the stored values for the eight hours before each boundary."""
    return connection.ops.adapt_datetimefield_value(dt.datetime.combine(day, dt.time(0), tzinfo=LEGAL_TZ))


class NaiveSource:
    def __init__(self) -> None:
        self.d = _Dialect(connection.vendor)

    # A scope key as SQL: the expression that names it for a case, and the filter that selects its cases.
    def _groups(self, keys: list[str]) -> list[tuple[str, str, list[Any]]]:
        """(scope expression, WHERE clause, params) per kind of key: the country, each code length, organisations."""
        out: list[tuple[str, str, list[Any]]] = []
        if "" in keys:
            out.append(("''", "TRUE", []))
        orgs = [int(k[1:]) for k in keys if k.startswith("o")]
        if orgs:
            out.append(
                (
                    "'o' || CAST(c.organisation_id AS TEXT)",
                    f"c.organisation_id IN ({', '.join(['%s'] * len(orgs))})",
                    orgs,
                )
            )
        by_length: dict[int, list[str]] = defaultdict(list)
        for k in keys:
            if k and not k.startswith("o"):
                by_length[len(k)].append(k)
        for length, codes in by_length.items():
            # One index range around all the codes (their common prefix); rows of other codes in it form groups
            # the caller drops. An IN list over substr() would be cheaper to read but the planner cannot estimate
            # it, and a wrong guess turns the joins below into nested loops over the whole table.
            common = os.path.commonprefix(codes)  # noqa: RUF071 - division codes: the character prefix is the point
            where = f"length(c.division_id) >= {length}"
            params: list[Any] = []
            if common:
                low, high = subtree_range(common)
                where = f"c.division_id >= %s AND c.division_id < %s AND {where}"
                params = [low, high]
            out.append((f"substr(c.division_id, 1, {length})", where, params))
        return out

    def _cases_with_outcome(self, where: str, params: list[Any]) -> tuple[str, list[Any]]:
        """cases_case with an `outcome` column; a closed case's comes from its last transition to closed (a
        window over the closing events of the scope's cases, which the planner joins by index or by hash)."""
        opens = open_statuses()
        sql = (
            f"(SELECT c.*, CASE WHEN c.status IN ({', '.join(['%s'] * len(opens))}) THEN '' "
            "WHEN c.status = %s THEN coalesce(cf.from_status, %s) ELSE c.status END AS outcome FROM cases_case c "
            "LEFT JOIN (SELECT case_id, from_status FROM (SELECT case_id, from_status, ROW_NUMBER() OVER "
            "(PARTITION BY case_id ORDER BY at DESC, id DESC) AS rn FROM cases_caseevent "
            "WHERE kind = 'transition' AND to_status = %s "
            f"AND case_id IN (SELECT c.id FROM cases_case c WHERE {where})) e "
            "WHERE rn = 1) cf ON cf.case_id = c.id)"
        )
        return sql, [*opens, CLOSED, CLOSED, CLOSED, *params]

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def _event_rows(self, keys: list[str], start: dt.date, end: dt.date, period: str, group_extra: str = "",
                    join_extra: str = "", agreements: bool = True) -> list[tuple[str, Any, Any, Counts]]:  # fmt: skip
        """Rows (scope, period, extra, counters) for the four case events and the agreement's effect. `period` is
        "month" or "year"; `group_extra` an extra grouping expression (organisation type, channel) or "" for none;
        `agreements=False` leaves the agreed and paid amounts out."""
        d = self.d
        bucket = d.month if period == "month" else d.year
        extra = group_extra or "''"
        lo, hi = _instant(start), _instant(end)
        out: list[tuple[str, Any, Any, Counts]] = []
        wanted = set(keys)
        for scope_expr, where, params in self._groups(keys):
            # A join may be filtered by the scope too ("{where}" in it): its parameters come first.
            join_sql = join_extra.replace("{where}", where)
            jp = list(params) if "{where}" in join_extra else []
            base = f"FROM cases_case c {join_sql} WHERE {where}"
            # received: count, workers, collective; amounts come from the claim items below.
            for row in self._fetch(
                f"SELECT {scope_expr}, {bucket(d.beijing_date('c.received_at'))}, {extra}, COUNT(*), "
                "SUM(c.worker_count), "
                f"SUM(CASE WHEN c.worker_count >= {COLLECTIVE_MIN_WORKERS} THEN 1 ELSE 0 END) {base} "
                f"AND c.received_at >= %s AND c.received_at < %s GROUP BY 1, 2, 3",
                [*jp, *params, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(received=row[3], workers=row[4], collective=row[5])))
            for row in self._fetch(
                f"SELECT {scope_expr}, {bucket(d.beijing_date('c.received_at'))}, {extra}, SUM(ci2.amount_claimed) "
                f"FROM cases_case c {join_sql} JOIN cases_claimitem ci2 ON ci2.case_id = c.id WHERE {where} "
                f"AND c.received_at >= %s AND c.received_at < %s GROUP BY 1, 2, 3",
                [*jp, *params, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(amount_claimed=row[3] or 0)))
            for row in self._fetch(
                f"SELECT {scope_expr}, {bucket(d.beijing_date('c.accepted_at'))}, {extra}, COUNT(*) {base} "
                f"AND c.accepted_at >= %s AND c.accepted_at < %s GROUP BY 1, 2, 3",
                [*jp, *params, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(accepted=row[3])))
            ended_at = "coalesce(c.ended_at, c.closed_at, c.updated_at)"
            with_outcome, outcome_params = self._cases_with_outcome(where, params)
            not_mediated = sorted(NOT_MEDIATED)
            for row in self._fetch(
                f"SELECT {scope_expr}, {bucket(d.beijing_date(ended_at))}, {extra}, COUNT(*), "
                f"SUM(CASE WHEN c.accepted_at IS NOT NULL AND c.outcome NOT IN (%s, %s) THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN c.outcome = %s THEN 1 ELSE 0 END), SUM(CASE WHEN c.outcome = %s THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN c.outcome = %s THEN 1 ELSE 0 END) "
                f"FROM {with_outcome} c {join_sql} WHERE {where} "
                f"AND c.outcome <> '' AND {ended_at} >= %s AND {ended_at} < %s GROUP BY 1, 2, 3",
                [*not_mediated, AGREED, SETTLED, FAILED, *outcome_params, *jp, *params, lo, hi],
            ):
                out.append(
                    (row[0], row[1], row[2],
                     _counts(ended=row[3], mediation_ended=row[4], agreements=row[5], settled=row[6],
                             arbitration=row[7]))
                )  # fmt: skip
            for row in self._fetch(
                f"SELECT {scope_expr}, {bucket(d.beijing_date('c.closed_at'))}, {extra}, COUNT(*) {base} "
                f"AND c.status = %s AND c.closed_at >= %s AND c.closed_at < %s GROUP BY 1, 2, 3",
                [*jp, *params, CLOSED, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(closed=row[3])))
            if not agreements:
                continue
            # Agreements that took effect in the period: their items' agreed amounts, and the payments recorded
            # as paid so far (whenever paid: they are dated with the agreement). One join each, no fan-out.
            select = f"SELECT {scope_expr}, {bucket(d.beijing_date('a.effective_at'))}, {extra}"
            agreements_sql = f"FROM cases_case c {join_sql} JOIN {AGREEMENT} a ON a.case_id = c.id"
            in_period = f"WHERE {where} AND a.effective_at >= %s AND a.effective_at < %s"
            for row in self._fetch(
                f"{select}, SUM(ai.amount_agreed) {agreements_sql} "
                f"JOIN {AGREEMENT_ITEM} ai ON ai.agreement_id = a.id {in_period} GROUP BY 1, 2, 3",
                [*jp, *params, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(amount_agreed=row[3])))
            for row in self._fetch(
                f"{select}, SUM(ap.amount) {agreements_sql} "
                f"JOIN {PAYMENT} ap ON ap.agreement_id = a.id {in_period} AND ap.paid_on IS NOT NULL GROUP BY 1, 2, 3",
                [*jp, *params, lo, hi],
            ):
                out.append((row[0], row[1], row[2], _counts(amount_paid=row[3])))
        return [r for r in out if r[0] in wanted]

    def months(self, keys: list[str], year: int) -> dict[str, dict[dt.date, Counts]]:
        out: dict[str, dict[dt.date, Counts]] = defaultdict(dict)
        for scope, month, _extra, counts in self._event_rows(
            keys, dt.date(year, 1, 1), dt.date(year + 1, 1, 1), "month"
        ):
            month = _as_date(month)
            out[scope][month] = _add(out[scope].get(month) or zero(), counts)
        return out

    def dims(self, key: str, year: int) -> dict[tuple[str, str], Counts]:
        d = self.d
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        out: dict[tuple[str, str], Counts] = {}
        for dim, expr, join in (
            ("org_type", "o.type_id", "JOIN organisations_organisation o ON o.id = c.organisation_id"),
            ("channel", "c.channel", ""),
        ):
            for _scope, _year, value, counts in self._event_rows([key], start, end, "year", expr, join):
                out[(dim, value)] = _add(out.get((dim, value)) or zero(), counts)
        # Claim types: a case counts once under each type it claims; the amount is that type's.
        claims = (
            # Per case and type over the whole claims table: filtering this subquery by the scope as well made the
            # planner's estimates so wrong (nested loops) that a province took minutes instead of seconds.
            "JOIN (SELECT case_id, type, SUM(amount_claimed) AS amount FROM cases_claimitem GROUP BY case_id, type) t "
            "ON t.case_id = c.id"
        )
        for _scope, _year, value, counts in self._event_rows([key], start, end, "year", "t.type", claims, False):
            counts[IDX["amount_claimed"]] = 0  # the join with all items below gives the per-type amount
            out[("claim_type", value)] = _add(out.get(("claim_type", value)) or zero(), counts)
        lo, hi = _instant(start), _instant(end)
        for scope_expr, where, params in self._groups([key]):
            for _s, value, amount in self._fetch(
                f"SELECT {scope_expr}, ci.type, SUM(ci.amount_claimed) FROM cases_case c "
                f"JOIN cases_claimitem ci ON ci.case_id = c.id WHERE {where} "
                "AND c.received_at >= %s AND c.received_at < %s "
                f"GROUP BY 1, 2",
                [*params, lo, hi],
            ):
                row = out.setdefault(("claim_type", value), zero())
                row[IDX["amount_claimed"]] += amount or 0
            # Agreed amounts by each agreement item's own type, in the year the agreement took effect (payments
            # are not tied to items: no paid amount by type).
            for _s, value, amount in self._fetch(
                f"SELECT {scope_expr}, ai.type, SUM(ai.amount_agreed) FROM cases_case c "
                f"JOIN {AGREEMENT} a ON a.case_id = c.id JOIN {AGREEMENT_ITEM} ai ON ai.agreement_id = a.id "
                f"WHERE {where} AND a.effective_at >= %s AND a.effective_at < %s GROUP BY 1, 2",
                [*params, lo, hi],
            ):
                row = out.setdefault(("claim_type", value), zero())
                row[IDX["amount_agreed"]] += amount or 0
            days = d.least_int(
                d.days_between(d.beijing_date("c.closed_at"), d.beijing_date("c.received_at")), str(CLOSE_DAYS_CAP)
            )
            for _s, n_days, n in self._fetch(
                f"SELECT {scope_expr}, {days}, COUNT(*) FROM cases_case c WHERE {where} AND c.status = %s "
                f"AND c.closed_at >= %s AND c.closed_at < %s GROUP BY 1, 2",
                [*params, CLOSED, lo, hi],
            ):
                out[("close_days", f"{int(n_days):03d}")] = _counts(closed=n)
        return out

    def overdue(self, keys: list[str], today: dt.date) -> dict[str, int]:
        """Straight from cases.models.overdue_q, the definition the case list uses."""
        out: dict[str, int] = {}
        qs = Case.objects.filter(overdue_q(today))
        if "" in keys:
            out[""] = qs.count()
        orgs = [int(k[1:]) for k in keys if k.startswith("o")]
        if orgs:
            for org_id, n in (
                qs.filter(organisation_id__in=orgs).values_list("organisation_id").annotate(n=Count("id")).order_by()
            ):
                out[f"o{org_id}"] = n
        codes = [k for k in keys if k and not k.startswith("o")]
        for length in {len(c) for c in codes}:
            q = Q(pk__in=[])
            for code in (c for c in codes if len(c) == length):
                low, high = subtree_range(code)
                q |= Q(division_id__gte=low, division_id__lt=high)
            rows = (
                qs.filter(q)
                .annotate(s=Substr("division_id", 1, length), one=Value(1))
                .values_list("s")
                .annotate(n=Count("id"))
                .order_by()
            )
            for s, n in rows:
                if s in codes:
                    out[s] = n
        return out


def _counts(**values: Any) -> Counts:
    c = zero()
    for name, v in values.items():
        c[COUNTER_FIELDS.index(name)] = v or 0
    return c


def _add(a: Counts, b: Counts) -> Counts:
    for i, v in enumerate(b):
        a[i] = a[i] + (Decimal(v) if isinstance(a[i], Decimal) and not isinstance(v, Decimal) else v)
    return a


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


__all__ = ["NaiveSource", "Status"]
