"""The deadline watcher: one tick = scan every deadline source, record due reminders and breaches (each once),
then deliver what the task worker has left undelivered. `tiaojie watch-deadlines` runs ticks in a loop.

Deadline sources are functions `fn(now)` returning dicts
    {"key": str, "case_id": int, "kind": str, "due": aware datetime, "label": str (Chinese),
     "recipients": "staff" | "parties" | "both", "uncertain": bool (optional, default False)}
where `due` is the first instant the deadline is missed (for a period counted in days, 00:00 Beijing time
after its last day: `Deadline.ends_at`) and `key` names this deadline instance: when a deadline moves (clock
B extended, a holiday year entered) its key must change, so the new date gets its own reminders: every key
holds the last day. A source reports a deadline only while its case is still in the phase the deadline
belongs to, and may report it until a few days after `due` (DEADLINE_BREACH_LOOKBACK_DAYS) so the watcher
can mark the breach. `uncertain` says the date was counted past the configured holiday years: the reminder
and breach messages then say it may still move. The case clocks are registered by this app; other apps
register theirs with `tiaojie.cases.deadlines.register_deadline_source` (from their AppConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.cases import deadlines as deadline_registry
from tiaojie.cases.deadlines import DeadlineSource
from tiaojie.cases.models import OPEN_STATUSES, Case, Status
from tiaojie.lib.workdays import Deadline, legal_date
from tiaojie.notifications.actions import (
    DeadlineItem,
    Outcome,
    do_deliver_notification,
    do_give_up_dead_claims,
    do_record_breach,
    do_record_heartbeat,
    do_record_reminder,
    due_notification_ids,
    reminder_moment,
)
from tiaojie.notifications.models import DeadlineBreach, Recipients, Reminder

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
KEY_CHUNK = 500

# --- the case clocks ---------------------------------------------------------------------------------------

# (kind, Case field holding the last day, statuses in which the clock runs, label, who is reminded). The field's
# `<field>_uncertain` companion goes into the item, so the messages never present such a date as settled.
# The phases are those of cases.models.overdue_q, so a breach here is what the case lists show as overdue.
CASE_CLOCKS: tuple[tuple[str, str, tuple[str, ...], str | Promise, str], ...] = (
    # Deciding on acceptance is the organisation's duty; the applicant hears the decision by notice.
    ("acceptance", "acceptance_due", (Status.RECEIVED,), _("受理期限（收到申请起3个工作日）"), Recipients.STAFF),
    # After clock A either party may go to arbitration: the worker should know the date.
    ("clock_a", "clock_a_due", tuple(OPEN_STATUSES), _("收到申请起15日的调解期限"), Recipients.BOTH),
    # Clock B runs from receipt or acceptance as the organisation's province rules (cases.clock_b): the label
    # names neither; the case page and the notices say which.
    ("clock_b", "clock_b_due", tuple(OPEN_STATUSES), _("调解期限"), Recipients.BOTH),
)


def case_clock_deadlines(now: dt.datetime) -> Iterator[dict[str, Any]]:
    """The acceptance period, clock A and clock B of every case still in their phase, from the largest reminder
    offset ahead back to the breach look-back window."""
    today = legal_date(now)
    lowest = today - dt.timedelta(days=settings.DEADLINE_BREACH_LOOKBACK_DAYS)
    highest = today + dt.timedelta(days=max(settings.REMINDER_OFFSETS_DAYS))
    for kind, field_name, statuses, label, recipients in CASE_CLOCKS:
        rows = Case.objects.filter(status__in=statuses, **{f"{field_name}__range": (lowest, highest)}).values_list(
            "pk", field_name, f"{field_name}_uncertain"
        )
        for case_id, last_day, uncertain in rows.iterator(chunk_size=2000):
            yield {
                "key": f"case:{case_id}:{kind}:{last_day.isoformat()}",
                "case_id": case_id,
                "kind": kind,
                "due": Deadline(last_day).ends_at,
                "label": str(label),
                "recipients": recipients,
                "uncertain": uncertain,
            }


# --- one tick ---------------------------------------------------------------------------------------------


@dataclass
class TickResult:
    deadlines: int = 0
    reminders: int = 0
    breaches: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.reminders or self.breaches or self.outcomes)

    def __str__(self) -> str:
        sent = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())) or "none"
        return (
            f"{self.deadlines} deadlines, {self.reminders} new reminders, {self.breaches} new breaches; "
            f"deliveries: {sent}"
        )


def _item(raw: Mapping[str, Any], source: DeadlineSource) -> DeadlineItem | None:
    try:
        item = DeadlineItem(
            key=str(raw["key"]),
            case_id=int(raw["case_id"]),
            kind=str(raw["kind"]),
            due=raw["due"],
            label=str(raw["label"]),
            recipients=str(raw["recipients"]),
            uncertain=bool(raw.get("uncertain", False)),
        )
    except (KeyError, TypeError, ValueError):
        logger.error("deadline source %s gave an unreadable item %r", source, raw)
        return None
    if not isinstance(item.due, dt.datetime) or item.due.tzinfo is None:
        logger.error("deadline source %s gave a naive or missing due time in %r", source, raw)
        return None
    if item.recipients not in Recipients.values or not item.key or len(item.key) > 200:
        logger.error("deadline source %s gave a bad key or recipients in %r", source, raw)
        return None
    return item


def collect_deadlines(now: dt.datetime) -> list[DeadlineItem]:
    """Every source's deadlines. A failing source is logged and skipped: the others still get reminded."""
    items: list[DeadlineItem] = []
    for source in deadline_registry.deadline_sources():
        try:
            raws = list(source(now))
        except Exception:
            logger.exception("deadline source %s failed", source)
            continue
        items.extend(item for raw in raws if (item := _item(raw, source)) is not None)
    return items


def due_offset(item: DeadlineItem, now: dt.datetime, offsets: Iterable[int]) -> int | None:
    """The reminder `item` needs at `now`: the latest offset whose moment has come, while the deadline has not
    passed. Earlier offsets that were missed (watcher down, deadline registered late) are not sent in a burst:
    only the most recent one is, and its text gives the days actually left."""
    if now >= item.due:
        return None
    for offset in sorted(offsets):
        if reminder_moment(item.last_day, offset) <= now:
            return offset
    return None


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), KEY_CHUNK):
        yield values[start : start + KEY_CHUNK]


def scan(now: dt.datetime | None = None) -> TickResult:
    """Record the reminders and breaches that are due. Safe to run in several processes at once."""
    now = now or timezone.now()
    result = TickResult()
    items = collect_deadlines(now)
    result.deadlines = len(items)
    offsets = settings.REMINDER_OFFSETS_DAYS
    lookback = dt.timedelta(days=settings.DEADLINE_BREACH_LOOKBACK_DAYS)

    wanted = [(item, offset) for item in items if (offset := due_offset(item, now, offsets)) is not None]
    # Skip what is known in one query per chunk; the unique constraint still decides any race.
    known: set[tuple[str, int]] = set()
    for keys in _chunks(sorted({item.key for item, _offset in wanted})):
        known.update(Reminder.objects.filter(key__in=keys).values_list("key", "offset_days"))
    for item, offset in wanted:
        if (item.key, offset) in known:
            continue
        try:
            if do_record_reminder(item=item, offset_days=offset, now=now) is not None:
                result.reminders += 1
        except Exception:
            logger.exception("could not record reminder %s -%sd", item.key, offset)

    passed = [item for item in items if now - lookback <= item.due <= now]
    breached: set[str] = set()
    for keys in _chunks(sorted({item.key for item in passed})):
        breached.update(DeadlineBreach.objects.filter(key__in=keys).values_list("key", flat=True))
    for item in passed:
        if item.key in breached:
            continue
        try:
            if do_record_breach(item=item, now=now) is not None:
                result.breaches += 1
        except Exception:
            logger.exception("could not record breach %s", item.key)
    return result


def sweep(*, grace_seconds: int | None = None, result: TickResult | None = None) -> TickResult:
    """Deliver what is due and was not delivered by the task worker within `grace_seconds`, and what a dead
    worker left claimed. Each delivery claims first, so racing the db_worker or another watcher is harmless."""
    result = result or TickResult()
    now = timezone.now()
    grace = settings.NOTIFICATION_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    gave_up = do_give_up_dead_claims(now=now)
    if gave_up:
        result.outcomes[Outcome.FAILED] = result.outcomes.get(Outcome.FAILED, 0) + gave_up
    for notification_id in due_notification_ids(now=now, grace=dt.timedelta(seconds=grace), limit=SWEEP_BATCH):
        outcome = do_deliver_notification(notification_id=notification_id)
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    return result


def run_tick(*, grace_seconds: int | None = None) -> TickResult:
    result = scan()
    return sweep(grace_seconds=grace_seconds, result=result)


def beat() -> None:
    """The watcher's own heartbeat, and a heartbeat task for the worker (/healthz reads both). Called by the
    watch-deadlines command after each tick, not by run_tick, so tests of a tick see only the tick's work."""
    from tiaojie.notifications.tasks import heartbeat

    do_record_heartbeat(kind="watcher")
    try:
        heartbeat.enqueue()
    except Exception:
        logger.exception("could not queue the worker's heartbeat")
