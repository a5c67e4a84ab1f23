"""Keeping the aggregate tables in step with the cases (docs/metrics.md, "How the numbers are kept").

Incremental: `refresh_case(case_id)` runs in the task worker after a committed change of a case (each change
marks its case in RollupPending inside its own transaction; `drain_pending` takes the marks). It locks the case's
`CaseFact` row (SELECT … FOR UPDATE: two changes of one case committed at once are applied one after the
other, the second diffing against the first's snapshot), reads the case as committed now, and applies
new contribution − old contribution to the rollups with one INSERT … ON CONFLICT DO UPDATE SET
n = n + excluded.n per table, rows in key order so concurrent refreshes of different cases lock shared rows
in the same order and cannot deadlock. All in one transaction with the snapshot update.

Full: `rebuild_all()` recomputes the facts from the cases and the rollups from the facts with set-based SQL
(INSERT … SELECT … GROUP BY over staging tables), in one transaction. Use it after a bulk load, or to repair.

`contributions()` (Python) and the rebuild SQL are two implementations of the same definitions
(tiaojie.analytics.metrics); tests/test_rollups.py checks both against a naive GROUP BY over the cases.
"""

# ruff: noqa: S608 - every SQL string here is built from our own table, column and status names; values are
# always passed as parameters.
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from tiaojie.analytics.metrics import (
    AGREED,
    CLOSE_DAYS_CAP,
    CLOSED,
    COLLECTIVE_MIN_WORKERS,
    FAILED,
    NOT_MEDIATED,
    SETTLED,
)
from tiaojie.analytics.models import (
    COUNTER_FIELDS,
    CaseFact,
    DimRollup,
    MonthRollup,
    OpenDueRollup,
    RollupPending,
)
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseEvent, ClaimItem, Status
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation.models import Agreement, AgreementItem, Payment

logger = logging.getLogger(__name__)

LEVELS = (2, 4, 6, 9, 12)  # division code lengths: province, city, county, township (and village, unused)
N = len(COUNTER_FIELDS)
I_RECEIVED, I_ACCEPTED, I_ENDED, I_MEDIATION_ENDED, I_AGREEMENTS, I_SETTLED, I_ARBITRATION, I_CLOSED = range(8)
I_WORKERS, I_COLLECTIVE, I_AMOUNT = 8, 9, 10
DIMS = ("org_type", "channel", "claim_type")


def org_scope(organisation_id: int) -> str:
    return f"o{organisation_id}"


def scopes_for(division_code: str, organisation_id: int) -> list[str]:
    """Every scope a case counts in: the country, each level of its division, its organisation."""
    return ["", *(division_code[:n] for n in LEVELS if len(division_code) >= n), org_scope(organisation_id)]


@dataclass(frozen=True)
class Snapshot:
    division_code: str
    organisation_id: int
    org_type: str
    channel: str
    status: str
    outcome: str
    received_on: dt.date
    accepted_on: dt.date | None
    ended_on: dt.date | None
    closed_on: dt.date | None
    worker_count: int
    claims: tuple[tuple[str, Decimal | None], ...]
    amount_claimed: Decimal
    open_due: dt.date | None
    # The effective agreement (none: None, (), 0, 0): its Beijing date, agreed amount per item type, total, paid.
    agreed_on: dt.date | None = None
    agreed_items: tuple[tuple[str, Decimal | None], ...] = ()
    amount_agreed: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)


def open_statuses() -> list[str]:
    return [str(s) for s in OPEN_STATUSES]


def outcome_for(status: str, closed_from: str | None) -> str:
    """The status the handling ended in; "" while the case is open."""
    if status in open_statuses():
        return ""
    if status == CLOSED:
        return closed_from or CLOSED
    return status


def open_due_for(
    status: str, acceptance_due: dt.date, clock_a_due: dt.date, clock_b_due: dt.date | None
) -> dt.date | None:
    """The last day before the case counts as overdue — the same rule as cases.models.overdue_q."""
    if status not in open_statuses():
        return None
    days = [clock_a_due]
    if status == Status.RECEIVED:
        days.append(acceptance_due)
    if clock_b_due is not None:
        days.append(clock_b_due)
    return min(days)


def encode_claims(claims: Iterable[tuple[str, Decimal | None]]) -> str:
    return ",".join(f"{t}:{'' if a is None else a}" for t, a in sorted(claims))


def decode_claims(text: str) -> tuple[tuple[str, Decimal | None], ...]:
    out = []
    for part in filter(None, text.split(",")):
        type_, _, amount = part.partition(":")
        out.append((type_, Decimal(amount) if amount else None))
    return tuple(out)


def snapshot_of_case(case_id: int) -> Snapshot | None:
    case = Case.objects.select_related("organisation").filter(pk=case_id).first()
    if case is None:
        return None
    per_type: dict[str, Decimal | None] = {}
    for type_, amount in ClaimItem.objects.filter(case_id=case_id).values_list("type", "amount_claimed"):
        if amount is None:
            per_type.setdefault(type_, None)
        else:
            per_type[type_] = (per_type.get(type_) or Decimal(0)) + amount
    closed_from = None
    if case.status == CLOSED:
        closed_from = (
            CaseEvent.objects.filter(case_id=case_id, kind=CaseEvent.Kind.TRANSITION, to_status=CLOSED)
            .order_by("-at", "-id")
            .values_list("from_status", flat=True)
            .first()
        )
    outcome = outcome_for(case.status, closed_from)
    ended_at = case.ended_at or case.closed_at or case.updated_at
    agreed_on, agreed_items, amount_paid = _agreement_of(case_id)
    return Snapshot(
        division_code=case.division_id,
        organisation_id=case.organisation_id,
        org_type=case.organisation.type_id,
        channel=case.channel,
        status=case.status,
        outcome=outcome,
        received_on=legal_date(case.received_at),
        accepted_on=legal_date(case.accepted_at) if case.accepted_at else None,
        ended_on=legal_date(ended_at) if outcome else None,
        closed_on=legal_date(case.closed_at) if case.status == CLOSED and case.closed_at else None,
        worker_count=case.worker_count,
        claims=tuple(sorted(per_type.items())),
        amount_claimed=sum((a for a in per_type.values() if a is not None), Decimal(0)),
        open_due=open_due_for(case.status, case.acceptance_due, case.clock_a_due, case.clock_b_due),
        agreed_on=agreed_on,
        agreed_items=agreed_items,
        amount_agreed=sum((a or Decimal(0) for _t, a in agreed_items), Decimal(0)),
        amount_paid=amount_paid,
    )


def _agreement_of(case_id: int) -> tuple[dt.date | None, tuple[tuple[str, Decimal | None], ...], Decimal]:
    """The case's effective agreement: its Beijing date, agreed amounts summed per item type, and what the
    payments recorded as paid add up to so far. A draft (not yet effective) counts for nothing."""
    found = (
        Agreement.objects.filter(case_id=case_id, effective_at__isnull=False).values_list("pk", "effective_at").first()
    )
    agreement_id, effective_at = found or (0, None)
    if effective_at is None:
        return None, (), Decimal(0)
    per_type: dict[str, Decimal | None] = {}
    for type_, amount in AgreementItem.objects.filter(agreement_id=agreement_id).values_list("type", "amount_agreed"):
        per_type[type_] = (per_type.get(type_) or Decimal(0)) + amount
    paid = Payment.objects.filter(agreement_id=agreement_id, paid_on__isnull=False).aggregate(s=Sum("amount"))["s"]
    return legal_date(effective_at), tuple(sorted(per_type.items())), paid or Decimal(0)


def snapshot_of_fact(fact: CaseFact) -> Snapshot | None:
    if not fact.counted:
        return None
    return Snapshot(
        division_code=fact.division_code,
        organisation_id=fact.organisation_id,
        org_type=fact.org_type,
        channel=fact.channel,
        status=fact.status,
        outcome=fact.outcome,
        received_on=fact.received_on,
        accepted_on=fact.accepted_on,
        ended_on=fact.ended_on,
        closed_on=fact.closed_on,
        worker_count=fact.worker_count,
        claims=decode_claims(fact.claims),
        amount_claimed=fact.amount_claimed,
        open_due=fact.open_due,
        agreed_on=fact.agreed_on,
        agreed_items=decode_claims(fact.agreed_items),
        amount_agreed=fact.amount_agreed,
        amount_paid=fact.amount_paid,
    )


Key = tuple[Any, ...]  # ("m", scope, month) | ("d", scope, year, dim, key) | ("o", scope, due)


def _vector(**values: Any) -> list[Any]:
    vec: list[Any] = [0] * N
    for name, value in values.items():
        vec[COUNTER_FIELDS.index(name)] = value
    return vec


def contributions(s: Snapshot | None) -> dict[Key, list[Any]]:
    """What one case adds to each rollup row (the Python twin of the rebuild SQL)."""
    out: dict[Key, list[Any]] = defaultdict(lambda: [0] * N)
    if s is None:
        return out

    def add(key: Key, vec: list[Any]) -> None:
        row = out[key]
        for i, v in enumerate(vec):
            if v:
                row[i] += v

    def per_claim(vec: list[Any]) -> list[tuple[str, list[Any]]]:
        """A case event counts once under each claim type; a claimed amount under its own type."""
        out = []
        for type_, amount in s.claims:
            claim_vec = list(vec)
            claim_vec[I_AMOUNT] = (amount or Decimal(0)) if vec[I_RECEIVED] else 0
            out.append((type_, claim_vec))
        return out

    # (day, counters, the same by claim type)
    events: list[tuple[dt.date, list[Any], list[tuple[str, list[Any]]]]] = []

    def event(day: dt.date, vec: list[Any]) -> None:
        events.append((day, vec, per_claim(vec)))

    event(
        s.received_on,
        _vector(
            received=1,
            workers=s.worker_count,
            collective=int(s.worker_count >= COLLECTIVE_MIN_WORKERS),
            amount_claimed=s.amount_claimed,
        ),
    )
    if s.accepted_on:
        event(s.accepted_on, _vector(accepted=1))
    if s.outcome and s.ended_on:
        event(
            s.ended_on,
            _vector(
                ended=1,
                mediation_ended=int(s.accepted_on is not None and s.outcome not in NOT_MEDIATED),
                agreements=int(s.outcome == AGREED),
                settled=int(s.outcome == SETTLED),
                arbitration=int(s.outcome == FAILED),
            ),
        )
    if s.closed_on:
        event(s.closed_on, _vector(closed=1))
    if s.agreed_on:
        # Dated by the agreement's effect, paid amounts included ("agreed in March, paid by now"). By claim
        # type: each agreement item's own type and amount; payments are not tied to items, so none there.
        events.append(
            (
                s.agreed_on,
                _vector(amount_agreed=s.amount_agreed, amount_paid=s.amount_paid),
                [(t, _vector(amount_agreed=a or Decimal(0))) for t, a in s.agreed_items],
            )
        )
    for scope in scopes_for(s.division_code, s.organisation_id):
        for day, vec, by_claim in events:
            add(("m", scope, day.replace(day=1)), vec)
            add(("d", scope, day.year, "org_type", s.org_type), vec)
            add(("d", scope, day.year, "channel", s.channel), vec)
            for type_, claim_vec in by_claim:
                add(("d", scope, day.year, "claim_type", type_), claim_vec)
        if s.closed_on:
            days = min((s.closed_on - s.received_on).days, CLOSE_DAYS_CAP)
            add(("d", scope, s.closed_on.year, "close_days", f"{days:03d}"), _vector(closed=1))
        if s.open_due:
            add(("o", scope, s.open_due), [1])
    return out


def diff(old: dict[Key, list[Any]], new: dict[Key, list[Any]]) -> dict[Key, list[Any]]:
    deltas = {}
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        width = len(a or b or [])
        delta = [(b[i] if b else 0) - (a[i] if a else 0) for i in range(width)]
        if any(delta):
            deltas[key] = delta
    return deltas


def _upsert(table: str, key_cols: tuple[str, ...], value_cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    cols = key_cols + value_cols
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_cols)
    with connection.cursor() as cur:
        for start in range(0, len(rows), 40):
            chunk = rows[start : start + 40]
            values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(chunk))
            cur.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES {values} "
                f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {sets}",
                [v for row in chunk for v in row],
            )


def apply_deltas(deltas: dict[Key, list[Any]]) -> None:
    months = sorted((k[1], k[2], *v) for k, v in deltas.items() if k[0] == "m")
    dims = sorted((k[1], k[2], k[3], k[4], *v) for k, v in deltas.items() if k[0] == "d")
    dues = sorted((k[1], k[2], v[0]) for k, v in deltas.items() if k[0] == "o")
    if months:
        _upsert(MonthRollup._meta.db_table, ("scope", "month"), COUNTER_FIELDS, months)
    if dims:
        _upsert(DimRollup._meta.db_table, ("scope", "year", "dim", "key"), COUNTER_FIELDS, dims)
    if dues:
        _upsert(OpenDueRollup._meta.db_table, ("scope", "due"), ("open_cases",), dues)


_PLACEHOLDER_DAY = dt.date(1970, 1, 1)


def refresh_case(case_id: int) -> None:
    """Bring the rollups in line with the case as committed now."""
    with transaction.atomic():
        fact = CaseFact.objects.select_for_update().filter(pk=case_id).first()
        if fact is None:
            # First sight of this case. Two refreshes may race to create the row: one insert wins, the
            # other is ignored, and both then queue on the row lock below.
            CaseFact.objects.bulk_create(
                [
                    CaseFact(
                        case_id=case_id,
                        counted=False,
                        division_code="",
                        organisation_id=0,
                        received_on=_PLACEHOLDER_DAY,
                    )
                ],
                ignore_conflicts=True,
            )
            fact = CaseFact.objects.select_for_update().get(pk=case_id)
        old = snapshot_of_fact(fact)
        new = snapshot_of_case(case_id)
        if old == new:
            return
        apply_deltas(diff(contributions(old), contributions(new)))
        if new is None:
            CaseFact.objects.filter(pk=case_id).delete()
            return
        fact.counted = True
        fact.division_code = new.division_code
        fact.organisation_id = new.organisation_id
        fact.org_type = new.org_type
        fact.channel = new.channel
        fact.status = new.status
        fact.outcome = new.outcome
        fact.received_on = new.received_on
        fact.accepted_on = new.accepted_on
        fact.ended_on = new.ended_on
        fact.closed_on = new.closed_on
        fact.worker_count = new.worker_count
        fact.claims = encode_claims(new.claims)
        fact.amount_claimed = new.amount_claimed
        fact.open_due = new.open_due
        fact.agreed_on = new.agreed_on
        fact.agreed_items = encode_claims(new.agreed_items)
        fact.amount_agreed = new.amount_agreed
        fact.amount_paid = new.amount_paid
        fact.save()


# --- out of the request: the pending table and the task worker ----------------------------------------------
#
# A change marks its case pending (RollupPending) in its own transaction and queues one task for it; the task
# worker (`tiaojie db_worker`) refreshes the case later. The request pays one upsert of a row keyed by its own
# case and never touches the shared national, province and county rows. See docs/metrics.md, "How the numbers
# are kept".

# Event kinds that change nothing the statistics count: documents issued or re-generated and case files built
# ("document"), proofs of service ("service"), and the routing note, recorded only in the transaction that
# creates the case (intake.do_submit_application), which records "created" too. Every other kind marks the
# case, so a new kind is counted until shown harmless and added here.
IGNORED_KINDS = frozenset({"document", "service", "routed"})


def _queued_in_this_transaction(case_id: int) -> bool:
    """Whether this transaction has queued the refresh of `case_id` already; marks it queued if not. The mark
    is an on-commit entry, so it goes with a savepoint rolled back (and the task row queued inside it)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return False
    for _sids, func, _robust in conn.run_on_commit:
        if getattr(func, "rollup_case_id", None) == case_id:
            return True

    def mark() -> None:
        pass

    mark.rollup_case_id = case_id  # type: ignore[attr-defined]
    transaction.on_commit(mark)
    return False


def _enqueue(case_id: int) -> None:
    from tiaojie.analytics.tasks import refresh_rollups

    try:
        # A savepoint: inside the change's transaction, a failed insert of the task row must not abort it.
        with transaction.atomic():
            refresh_rollups.enqueue(case_id)
    except Exception:
        # The pending row stays: `tiaojie rebuild-rollups --pending` (or the next task) refreshes the case.
        logger.exception("analytics: could not queue the rollup refresh of case %s", case_id)


def mark_pending(case_id: int) -> None:
    """Mark `case_id` for a refresh and queue its task, once per transaction. Inside the change's transaction.

    The upsert touches the pending row (DO UPDATE, not DO NOTHING) so that it holds the row's lock until the
    change commits: a refresh running meanwhile skips the locked row (SKIP LOCKED) instead of taking it away
    and reading the case before the change is visible. With the database queue the task row is written here
    too, once per case and transaction, and commits or rolls back with the change; another backend (the
    immediate one of the tests) is called after the commit, once per event (the later calls find nothing
    pending)."""
    RollupPending.objects.bulk_create(
        [RollupPending(case_id=case_id, queued_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["case_id"],
        update_fields=["queued_at"],
    )
    from tiaojie.analytics.tasks import refresh_rollups

    if not isinstance(refresh_rollups.get_backend(), DatabaseBackend):
        transaction.on_commit(lambda: _enqueue(case_id))  # each a refresh of what is pending: the first does it
    elif not _queued_in_this_transaction(case_id):
        _enqueue(case_id)


def on_case_event(sender: Any, case_id: int, kind: str = "", **kwargs: Any) -> None:
    """`record_case_event`'s in-transaction signal: mark the case pending unless the kind counts for nothing."""
    if kind not in IGNORED_KINDS:
        mark_pending(case_id)


def on_case_changed(sender: Any, case_id: int, kind: str = "", **kwargs: Any) -> None:
    """The cases an organisation's move took along (cases.signals.move_cases_with_organisation), announced on
    commit without a CaseEvent. Every event's own `case_changed` is already covered by on_case_event."""
    if kind == "division_changed":
        mark_pending(case_id)


def drain_pending(case_ids: Iterable[int] | None = None) -> int:
    """Refresh the pending cases (only `case_ids`, if given), each in its own transaction: the pending row is
    taken (FOR UPDATE SKIP LOCKED: not one a change still holds, nor one another worker is refreshing) and
    deleted, and the case refreshed, together. A refresh that fails leaves its row for the next drain and is
    logged. Returns the number of cases refreshed."""
    wanted = None if case_ids is None else list(case_ids)
    failed: set[int] = set()
    done = 0
    while True:
        case_id = None
        try:
            with transaction.atomic():
                rows = RollupPending.objects.select_for_update(skip_locked=True).exclude(case_id__in=failed)
                if wanted is not None:
                    rows = rows.filter(case_id__in=wanted)
                case_id = rows.order_by("queued_at").values_list("case_id", flat=True).first()
                if case_id is None:
                    return done
                RollupPending.objects.filter(case_id=case_id).delete()
                refresh_case(case_id)
        except DatabaseError:
            if case_id is None:
                raise  # the pending table itself could not be read
            logger.exception("analytics: could not refresh the rollups of case %s; left pending", case_id)
            failed.add(case_id)
            continue
        done += 1


# --- the full rebuild ------------------------------------------------------------------------------------


class _Dialect:
    """The few expressions that differ between PostgreSQL and SQLite. Datetimes are stored in UTC; Beijing
    has had no daylight saving since 1991, so +8 hours is exact for every date the system holds."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def beijing_date(self, col: str) -> str:
        return f"(({col}) AT TIME ZONE 'Asia/Shanghai')::date" if self.pg else f"date({col}, '+8 hours')"

    def month(self, col: str) -> str:
        return f"date_trunc('month', {col})::date" if self.pg else f"date({col}, 'start of month')"

    def year(self, col: str) -> str:
        return f"extract(year from {col})::int" if self.pg else f"CAST(strftime('%%Y', {col}) AS INTEGER)"

    def days_between(self, later: str, earlier: str) -> str:
        return f"({later} - {earlier})" if self.pg else f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def pad3(self, expr: str) -> str:
        return f"lpad(({expr})::text, 3, '0')" if self.pg else f"substr('000' || ({expr}), -3, 3)"

    def least_dates(self, *exprs: str) -> str:
        if self.pg:
            return f"LEAST({', '.join(exprs)})"  # ignores NULLs
        far = "'9999-12-31'"
        inner = ", ".join(f"coalesce({e}, {far})" for e in exprs)
        return f"NULLIF(min({inner}), {far})"

    def least_int(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"min({a}, {b})"

    def claims_agg(self) -> str:
        amount = "t.amount::text" if self.pg else "CAST(t.amount AS TEXT)"
        item = f"t.type || ':' || coalesce({amount}, '')"
        return f"string_agg({item}, ',' ORDER BY t.type)" if self.pg else f"group_concat({item}, ',')"


def _placeholders(values: list[str]) -> str:
    return ", ".join(["%s"] * len(values))


def _fact_sql(d: _Dialect) -> tuple[str, list[Any]]:
    opens = open_statuses()
    # The status each closed case was closed from: its last transition to `closed`. One window-function pass
    # over those events and a hash join, not a lookup per case.
    closed_from = (
        "SELECT case_id, from_status FROM (SELECT case_id, from_status, ROW_NUMBER() OVER "
        "(PARTITION BY case_id ORDER BY at DESC, id DESC) AS rn FROM cases_caseevent "
        "WHERE kind = 'transition' AND to_status = %s) e WHERE rn = 1"
    )
    outcome = (
        f"CASE WHEN c.status IN ({_placeholders(opens)}) THEN '' "
        f"WHEN c.status = %s THEN coalesce(cf.from_status, %s) ELSE c.status END"
    )
    ordered = "" if d.pg else " ORDER BY case_id, type"  # group_concat keeps the input order
    ordered_items = "" if d.pg else " ORDER BY agreement_id, type"
    # The effective agreement of each case: agreed amounts per item type (encoded as the claims are), their
    # total, and the payments recorded as paid so far.
    agreements = f"""
        SELECT a.case_id, a.effective_at, ai.items, ai.total, ap.paid
        FROM {Agreement._meta.db_table} a
        LEFT JOIN (
            SELECT t.agreement_id, {d.claims_agg()} AS items, SUM(t.amount) AS total
            FROM (SELECT agreement_id, type, SUM(amount_agreed) AS amount FROM {AgreementItem._meta.db_table}
                  GROUP BY agreement_id, type{ordered_items}) t
            GROUP BY t.agreement_id
        ) ai ON ai.agreement_id = a.id
        LEFT JOIN (
            SELECT agreement_id, SUM(amount) AS paid FROM {Payment._meta.db_table}
            WHERE paid_on IS NOT NULL GROUP BY agreement_id
        ) ap ON ap.agreement_id = a.id
        WHERE a.effective_at IS NOT NULL
    """
    sql = f"""
        INSERT INTO analytics_casefact (case_id, counted, division_code, organisation_id, org_type, channel, status,
            outcome, received_on, accepted_on, ended_on, closed_on, worker_count, claims, amount_claimed, open_due,
            agreed_on, agreed_items, amount_agreed, amount_paid)
        SELECT c.id, TRUE, c.division_id, c.organisation_id, o.type_id, c.channel, c.status, c.outcome,
            {d.beijing_date("c.received_at")},
            {d.beijing_date("c.accepted_at")},
            CASE WHEN c.outcome <> '' THEN {d.beijing_date("coalesce(c.ended_at, c.closed_at, c.updated_at)")} END,
            CASE WHEN c.status = %s THEN {d.beijing_date("c.closed_at")} END,
            c.worker_count, coalesce(cl.claims, ''), coalesce(cl.total, 0),
            CASE WHEN c.status IN ({_placeholders(opens)}) THEN {
        d.least_dates("CASE WHEN c.status = %s THEN c.acceptance_due END", "c.clock_a_due", "c.clock_b_due")
    } END,
            {d.beijing_date("ag.effective_at")}, coalesce(ag.items, ''), coalesce(ag.total, 0), coalesce(ag.paid, 0)
        FROM (
            SELECT c.*, {outcome} AS outcome FROM cases_case c LEFT JOIN ({closed_from}) cf ON cf.case_id = c.id
        ) c
        JOIN organisations_organisation o ON o.id = c.organisation_id
        LEFT JOIN (
            SELECT t.case_id, {d.claims_agg()} AS claims, SUM(t.amount) AS total
            FROM (SELECT case_id, type, SUM(amount_claimed) AS amount FROM cases_claimitem
                  GROUP BY case_id, type{ordered}) t
            GROUP BY t.case_id
        ) cl ON cl.case_id = c.id
        LEFT JOIN ({agreements}) ag ON ag.case_id = c.id
    """
    params: list[Any] = [CLOSED, *opens, str(Status.RECEIVED), *opens, CLOSED, CLOSED, CLOSED]
    return sql, params


def _events_sql(d: _Dialect, period: Callable[[str], str], *, agreements: bool = True) -> tuple[str, list[Any]]:
    """One row per (case, event), with the counters that event carries and its period. `agreements=False`
    leaves out the agreement's event (the claim-type staging counts agreed amounts by item type instead)."""
    zero = dict.fromkeys(COUNTER_FIELDS, "0")
    base = "division_code, organisation_id, org_type, channel, case_id"

    def branch(day: str, where: str, **values: str) -> str:
        row = {**zero, **values}
        return f"SELECT {base}, {period(day)} AS p, {', '.join(f'{row[c]} AS {c}' for c in COUNTER_FIELDS)} " + (
            f"FROM analytics_casefact WHERE counted AND {where}"
        )

    mediated = (
        f"CASE WHEN accepted_on IS NOT NULL AND outcome NOT IN ({_placeholders(list(NOT_MEDIATED))}) THEN 1 ELSE 0 END"
    )
    sql = " UNION ALL ".join(
        [
            branch(
                "received_on",
                "TRUE",
                received="1",
                workers="worker_count",
                collective=f"CASE WHEN worker_count >= {COLLECTIVE_MIN_WORKERS} THEN 1 ELSE 0 END",
                amount_claimed="amount_claimed",
            ),
            branch("accepted_on", "accepted_on IS NOT NULL", accepted="1"),
            branch(
                "ended_on",
                "outcome <> '' AND ended_on IS NOT NULL",
                ended="1",
                mediation_ended=mediated,
                agreements="CASE WHEN outcome = %s THEN 1 ELSE 0 END",
                settled="CASE WHEN outcome = %s THEN 1 ELSE 0 END",
                arbitration="CASE WHEN outcome = %s THEN 1 ELSE 0 END",
            ),
            branch("closed_on", "closed_on IS NOT NULL", closed="1"),
            *(
                [branch("agreed_on", "agreed_on IS NOT NULL", amount_agreed="amount_agreed", amount_paid="amount_paid")]
                if agreements
                else []
            ),
        ]
    )
    return sql, [*sorted(NOT_MEDIATED), AGREED, SETTLED, FAILED]


def _roll_up(
    cur: Any, stage: str, target: str, key_cols: list[str], key_exprs: list[str], values: dict[str, str]
) -> None:
    """From a staging table keyed by exact division (d) and organisation (org), write every scope's rows:
    the country, each division level at or above the row's own, and the organisation."""
    cols = ", ".join(["scope", *key_cols, *values])
    exprs = ", ".join([*key_exprs, *values.values()])
    group = ", ".join(str(i) for i in range(1, len(key_exprs) + 2))  # ordinals: PG refuses constants in GROUP BY
    for n in (0, *LEVELS):
        scope = "''" if n == 0 else f"substr(d, 1, {n})"
        cur.execute(
            f"INSERT INTO {target} ({cols}) SELECT {scope}, {exprs} FROM {stage} "
            f"WHERE length(d) >= {n} GROUP BY {group}",
            [],
        )
    cur.execute(
        f"INSERT INTO {target} ({cols}) SELECT 'o' || CAST(org AS TEXT), {exprs} FROM {stage} GROUP BY {group}",
        [],
    )


def rebuild_all(*, log: Callable[[str], None] | None = None) -> None:
    """Recompute every fact and rollup from the cases, set-based, in one transaction."""
    import time

    say = log or (lambda message: None)
    d = _Dialect(connection.vendor)
    tables = [m._meta.db_table for m in (CaseFact, MonthRollup, DimRollup, OpenDueRollup)]
    stages = ("ana_stage_full", "ana_stage", "ana_stage_ch", "ana_stage_claims", "ana_stage_days", "ana_stage_due")
    sums = {c: f"SUM({c})" for c in COUNTER_FIELDS}

    with transaction.atomic(), connection.cursor() as cur:

        def step(label: str, sql: str, params: list[Any] | None = None) -> None:
            t0 = time.perf_counter()
            cur.execute(sql, params or [])
            say(f"  {label}: {time.perf_counter() - t0:.1f} s")

        if d.pg:
            cur.execute("SET LOCAL work_mem = '256MB'")  # hash aggregates over millions of rows stay in memory
            step("truncate", f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cur.execute(f"DELETE FROM {table}")
        # Whatever was pending is read by the rebuild below: changes committed from here on mark their cases again.
        RollupPending.objects.all().delete()
        for stage in stages:
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
        sql, params = _fact_sql(d)
        step("facts from cases", sql, params)
        if d.pg:
            step("analyze facts", "ANALYZE analytics_casefact")
        # Staging tables keyed by the exact division and organisation: at national scale each is a small
        # fraction of the event rows, and every scope level is then a cheap GROUP BY over them.
        events, event_params = _events_sql(d, d.month)
        stage_sums = ", ".join(f"SUM(x.{c}) AS {c}" for c in COUNTER_FIELDS)
        step(
            "stage by organisation, channel and month",
            "CREATE TEMP TABLE ana_stage_full AS SELECT x.division_code AS d, x.organisation_id AS org, "
            f"x.org_type AS ot, x.channel AS ch, x.p AS m, {stage_sums} FROM ({events}) x GROUP BY 1, 2, 3, 4, 5",
            event_params,
        )
        step(
            "stage by month",
            f"CREATE TEMP TABLE ana_stage AS SELECT d, org, ot, m, {stage_sums.replace('x.', '')} "
            "FROM ana_stage_full GROUP BY 1, 2, 3, 4",
        )
        step(
            "stage by channel",
            f"CREATE TEMP TABLE ana_stage_ch AS SELECT d, org, ch, {d.year('m')} AS y, {stage_sums.replace('x.', '')} "
            f"FROM ana_stage_full GROUP BY 1, 2, 3, 4",
        )
        t0 = time.perf_counter()
        _roll_up(cur, "ana_stage", "analytics_monthrollup", ["month"], ["m"], sums)
        _roll_up(
            cur, "ana_stage", "analytics_dimrollup", ["year", "dim", "key"], [d.year("m"), "'org_type'", "ot"], sums
        )
        _roll_up(cur, "ana_stage_ch", "analytics_dimrollup", ["year", "dim", "key"], ["y", "'channel'", "ch"], sums)
        say(f"  month, organisation-type and channel rollups: {time.perf_counter() - t0:.1f} s")
        claim_events, claim_params = _events_sql(d, d.year, agreements=False)
        amount = "CASE WHEN x.received = 1 THEN coalesce(t.amount, 0) ELSE 0 END"
        # The agreed and paid columns are typed as money here (the events carry none of them): the agreed
        # amounts by item type are inserted below.
        by_claim = {
            "amount_claimed": f"SUM({amount})",
            "amount_agreed": "CAST(0 AS DECIMAL(20, 2))",
            "amount_paid": "CAST(0 AS DECIMAL(20, 2))",
        }
        claim_sums = ", ".join(f"{by_claim.get(c, f'SUM(x.{c})')} AS {c}" for c in COUNTER_FIELDS)
        step(
            "stage by claim type",
            f"CREATE TEMP TABLE ana_stage_claims AS SELECT x.division_code AS d, x.organisation_id AS org, "
            f"t.type AS ct, x.p AS y, {claim_sums} FROM ({claim_events}) x "
            f"JOIN (SELECT case_id, type, SUM(amount_claimed) AS amount FROM cases_claimitem GROUP BY case_id, type) t "
            f"ON t.case_id = x.case_id GROUP BY 1, 2, 3, 4",
            claim_params,
        )
        # Agreed amounts by each agreement item's own type, in the year the agreement took effect. Payments are
        # not tied to items: no paid amount by claim type.
        item_values = ", ".join("SUM(t.amount)" if c == "amount_agreed" else "0" for c in COUNTER_FIELDS)
        step(
            "stage agreed amounts by item type",
            f"INSERT INTO ana_stage_claims (d, org, ct, y, {', '.join(COUNTER_FIELDS)}) "
            f"SELECT f.division_code, f.organisation_id, t.type, {d.year('f.agreed_on')}, {item_values} "
            "FROM analytics_casefact f JOIN (SELECT a.case_id, i.type, SUM(i.amount_agreed) AS amount "
            f"FROM {AgreementItem._meta.db_table} i JOIN {Agreement._meta.db_table} a ON a.id = i.agreement_id "
            "WHERE a.effective_at IS NOT NULL GROUP BY a.case_id, i.type) t ON t.case_id = f.case_id "
            "WHERE f.counted AND f.agreed_on IS NOT NULL GROUP BY 1, 2, 3, 4",
        )
        t0 = time.perf_counter()
        _roll_up(
            cur, "ana_stage_claims", "analytics_dimrollup", ["year", "dim", "key"], ["y", "'claim_type'", "ct"], sums
        )
        say(f"  claim-type rollups: {time.perf_counter() - t0:.1f} s")
        days = d.pad3(d.least_int(d.days_between("closed_on", "received_on"), str(CLOSE_DAYS_CAP)))
        step(
            "stage days to close",
            f"CREATE TEMP TABLE ana_stage_days AS SELECT division_code AS d, organisation_id AS org, "
            f"{d.year('closed_on')} AS y, {days} AS k, COUNT(*) AS n FROM analytics_casefact "
            f"WHERE counted AND closed_on IS NOT NULL GROUP BY 1, 2, 3, 4",
        )
        only_closed = {c: ("SUM(n)" if c == "closed" else "0") for c in COUNTER_FIELDS}
        _roll_up(
            cur,
            "ana_stage_days",
            "analytics_dimrollup",
            ["year", "dim", "key"],
            ["y", "'close_days'", "k"],
            only_closed,
        )
        step(
            "stage open cases by due day",
            "CREATE TEMP TABLE ana_stage_due AS SELECT division_code AS d, organisation_id AS org, open_due AS due, "
            "COUNT(*) AS n FROM analytics_casefact WHERE counted AND open_due IS NOT NULL GROUP BY 1, 2, 3",
        )
        _roll_up(cur, "ana_stage_due", "analytics_openduerollup", ["due"], ["due"], {"open_cases": "SUM(n)"})
        for stage in stages:
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
    if d.pg:
        with connection.cursor() as cur:
            for table in tables[1:]:
                cur.execute(f"ANALYZE {table}")


def rollup_totals() -> dict[str, Any]:
    """National totals straight from the month rollup (for the management command's summary)."""
    return MonthRollup.objects.filter(scope="").aggregate(**{c: Sum(c) for c in COUNTER_FIELDS})
