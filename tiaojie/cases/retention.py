"""Retention: once a case has been over for `settings.RETENTION_YEARS`, its personal data is removed and what the
statistics need is kept (docs/privacy.md, 《个人信息保护法》 arts 19 and 47).

- `retention_cutoff(now)`: 00:00 Beijing of the day `RETENTION_YEARS` before today. A case whose period started
  (closed_at for a closed case, ended_at for a declined, failed or withdrawn one) before that moment is due.
- `do_anonymise_case(case_id=…)`: the action. One transaction per case: it claims the case with a conditional
  UPDATE of `anonymised_at` (so two runs never both process it, and a rerun finds nothing), replaces names with
  placeholders (劳动者甲, 劳动者乙 …), clears ID numbers, phones and addresses (encrypted values, blind indexes and
  masks), scrubs ID and phone numbers out of free text, lets every app that registered an anonymiser clear its
  own rows, records a CaseEvent, and deletes the files on commit.
- `anonymise_closed_cases()`: the batch run behind `tiaojie anonymise-closed-cases` (keyset over case ids).

The apps above cases (intake, mediation, documents, notifications, hotline) hold personal data of a case too;
cases cannot import them (docs/architecture.md, layers), so each registers an anonymiser from its AppConfig.ready()
with `register_anonymiser`, the way deadline sources are registered in cases.deadlines.

Kept: status, dates, deadlines, channel, organisation, division, employer, claim types and amounts, agreed and paid
amounts, worker_count, ratings' scores, document numbers and hashes: the dashboards and rollups stay right.

A worker row can belong to several cases (the same ID number found again, cases.actions._find_or_create_worker):
it is cleared only when every one of its cases has been anonymised, by the last of them; until then only the
anonymised case's own texts lose the name.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaojie.cases.actions import record_case_event
from tiaojie.cases.models import Case, CaseEvent, CaseWorker, ClaimItem, DisputeTypeSuggestion, Status, Worker
from tiaojie.knowledge.models import LabelledText
from tiaojie.lib.uploads import private_path
from tiaojie.lib.workdays import LEGAL_TZ, legal_date

logger = logging.getLogger(__name__)

# The statuses a case cannot leave except to `closed`, and the column its retention period runs from. `settled`
# and `agreed` are left out on purpose: a settlement or an agreement may still be performed (or not, and the case
# goes back to mediation), so their period starts only when the case is closed.
RETENTION_STATUSES: dict[str, str] = {
    Status.CLOSED: "closed_at",
    Status.DECLINED: "ended_at",
    Status.FAILED: "ended_at",
    Status.WITHDRAWN: "ended_at",
}

# A gettext_noop msgid: stored in Chinese on the event, shown in the reader's language (`|translate_stored`).
RETENTION_BASIS = gettext_noop(
    "《个人信息保护法》第十九条：个人信息的保存期限应当为实现处理目的所必要的最短时间；"
    "第四十七条：保存期限已届满的，个人信息处理者应当主动删除个人信息"
)

# Heavenly stems, the usual way Chinese legal texts name anonymised parties (甲, 乙, 丙 …).
STEMS = "甲乙丙丁戊己庚辛壬癸"

# Numbers in free text. An 18-character resident ID (17 digits and a check digit or X); any other run of 15 to 19
# digits (a 15-digit first-generation ID, a bank card); a mobile number, also written +86 138 0013 8000; a landline
# written with its area code and a dash. Amounts (12500.00) and dates (2024年3月1日) are far shorter.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_LONG_NUMBER = re.compile(r"(?<![\d.])\d{15,19}(?![\d.])")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")


def scrub_numbers(text: str) -> str:
    """`text` without ID, bank-card and phone numbers."""
    text = _ID_NUMBER.sub(_("[身份证号码已删除]"), text)
    text = _LONG_NUMBER.sub(_("[号码已删除]"), text)
    text = _MOBILE.sub(_("[电话号码已删除]"), text)
    return _LANDLINE.sub(_("[电话号码已删除]"), text)


def worker_placeholder(position: int) -> str:
    """The name a case's `position`-th worker (0-based) gets: 劳动者甲 … 劳动者癸, then 劳动者11 …"""
    suffix = STEMS[position] if position < len(STEMS) else str(position + 1)
    return _("劳动者%(suffix)s") % {"suffix": suffix}


def retention_cutoff(now: dt.datetime, years: int | None = None) -> dt.datetime:
    """00:00 Beijing of the day `years` before today (Beijing). A case whose period started on day D is kept
    through D's anniversary and is due from the day after; 29 February counts from 1 March."""
    years = settings.RETENTION_YEARS if years is None else years
    today = legal_date(now)
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # today is 29 February
        day = dt.date(today.year - years, 3, 1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LEGAL_TZ)


def due_q(cutoff: dt.datetime) -> Q:
    """Cases not yet anonymised whose retention period started before `cutoff` (the partial indexes
    case_retention_closed / case_retention_ended serve it)."""
    started = Q()
    for status, column in RETENTION_STATUSES.items():
        started |= Q(status=status, **{f"{column}__lt": cutoff})
    return started & Q(anonymised_at__isnull=True)


# --- the hook for the apps above cases ------------------------------------------------------------------------


@dataclass
class Anonymisation:
    """What an anonymiser gets: the case (already claimed), the names to replace in any text, and the helpers."""

    case: Case
    now: dt.datetime
    # real name -> placeholder, for every person of the case any app knows (workers first).
    names: dict[str, str]
    # The workers whose own rows were cleared in this run (their last case): rows that point at a worker rather
    # than at a case (a notification's recipient_worker) go with them.
    cleared_worker_ids: list[int]
    # Their blind indexes (ID and phone) as they were: rows keyed by a worker's number rather than by the case
    # (an SMS challenge sent before the case existed) are found with them.
    cleared_indexes: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)

    def scrub(self, text: str) -> str:
        """Names replaced by their placeholders (longest first, so 张三丰 is not left as 劳动者甲丰), then
        numbers removed."""
        for real in sorted(self.names, key=len, reverse=True):
            text = text.replace(real, self.names[real])
        return scrub_numbers(text)

    def scrub_data(self, value: Any) -> Any:
        """`scrub` applied to every string inside a JSON value."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_data(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub_data(item) for key, item in value.items()}
        return value

    def placeholder(self, real: str, default: str) -> str:
        """The placeholder already given to `real`, else `default`."""
        return self.names.get(real.strip(), default)

    def delete_file(self, relative: str) -> None:
        """Delete a stored file (relative to PRIVATE_MEDIA_ROOT) once the transaction commits: if it rolls back,
        the rows still name their files and the files are still there."""
        if relative:
            self.files.append(relative)
            self.counts["files"] += 1


@dataclass(frozen=True)
class Anonymiser:
    key: str
    anonymise: Callable[[Anonymisation], None]
    # The people this app knows by name in the case (an employer's contact, a receiver of service), with their
    # placeholders; gathered from every app before any anonymiser runs, so each app's texts lose every name.
    names: Callable[[Case], Mapping[str, str]] | None = None


_ANONYMISERS: dict[str, Anonymiser] = {}


def register_anonymiser(
    key: str, anonymise: Callable[[Anonymisation], None], *, names: Callable[[Case], Mapping[str, str]] | None = None
) -> None:
    """Add (or replace: AppConfig.ready() may run twice) the anonymiser of one app's rows."""
    _ANONYMISERS[key] = Anonymiser(key, anonymise, names)


def anonymisers() -> list[Anonymiser]:
    return list(_ANONYMISERS.values())


# --- the action -----------------------------------------------------------------------------------------------


def _clear_worker_fields() -> dict[str, str]:
    return {
        "sex": "",
        "id_number_encrypted": "",
        "id_number_index": "",
        "id_number_masked": "",
        "phone_encrypted": "",
        "phone_index": "",
        "phone_masked": "",
        "address": "",
    }


def _is_placeholder(name: str) -> bool:
    return bool(re.fullmatch(r"劳动者(?:[甲乙丙丁戊己庚辛壬癸]|\d+)", name))


def do_anonymise_case(*, case_id: int, now: dt.datetime | None = None, on_request: str = "") -> CaseEvent | None:
    """Remove the personal data of one case past its retention period; None when it is not due (still open,
    still within the period, or already anonymised). The system acts: there is no user.

    `on_request`: the worker asked for deletion before the period ended (PIPL art 47; docs/privacy.md, "Rights"),
    and this is what the administrator recorded. The case must be over (a status of RETENTION_STATUSES), not
    necessarily for RETENTION_YEARS."""
    now = now or timezone.now()
    # A moment after now: every case that is over started its period before it.
    cutoff = now + dt.timedelta(seconds=1) if on_request else retention_cutoff(now)
    with transaction.atomic():
        # The claim: of two runs at once, one updates the row and the other finds it gone from due_q.
        if not Case.objects.filter(due_q(cutoff), pk=case_id).update(anonymised_at=now):
            return None
        case = Case.objects.get(pk=case_id)
        links = list(CaseWorker.objects.filter(case=case).order_by("id").values_list("worker_id", flat=True))
        # Locked, so a new case cannot be linked to a worker while we decide it has no case left (on PostgreSQL
        # the insert of a CaseWorker waits for this lock, and the check below then sees it).
        workers = {w.pk: w for w in Worker.objects.select_for_update().filter(pk__in=links)}
        names: dict[str, str] = {}
        placeholders: dict[int, str] = {}
        for position, worker_id in enumerate(links):
            worker = workers[worker_id]
            placeholders[worker_id] = worker_placeholder(position)
            if len(worker.name.strip()) >= 2 and not _is_placeholder(worker.name.strip()):
                names.setdefault(worker.name.strip(), placeholders[worker_id])
        for anonymiser in anonymisers():
            if anonymiser.names is not None:
                for real, placeholder in anonymiser.names(case).items():
                    if len(real.strip()) >= 2:  # a one-character "name" would eat that character everywhere
                        names.setdefault(real.strip(), placeholder)
        cleared = [
            worker_id
            for worker_id in links
            if not CaseWorker.objects.filter(worker_id=worker_id, case__anonymised_at__isnull=True).exists()
        ]
        indexes = [i for w in cleared for i in (workers[w].id_number_index, workers[w].phone_index) if i]
        ctx = Anonymisation(case=case, now=now, names=names, cleared_worker_ids=cleared, cleared_indexes=indexes)

        for worker_id in cleared:
            Worker.objects.filter(pk=worker_id).update(name=placeholders[worker_id], **_clear_worker_fields())
        ctx.counts["workers"] = len(cleared)
        ctx.counts["workers_kept"] = len(links) - len(cleared)  # still a party to a case within its period
        Case.objects.filter(pk=case.pk).update(facts=ctx.scrub(case.facts))
        # A confirmed dispute type kept the facts as they were, as training data (knowledge.LabelledText, written by
        # cases.actions.do_confirm_dispute_types): it loses the names and numbers the facts lose. The suggestion
        # itself keeps only a hash of the text, and its words (a trained model may pick any) are scrubbed too.
        for row in LabelledText.objects.filter(source="case", reference=str(case.pk)):
            LabelledText.objects.filter(pk=row.pk).update(text=ctx.scrub(row.text))
            ctx.counts["training_texts"] += 1
        for suggestion in DisputeTypeSuggestion.objects.filter(case=case):
            DisputeTypeSuggestion.objects.filter(pk=suggestion.pk).update(
                suggestions=ctx.scrub_data(suggestion.suggestions)
            )
        for claim in ClaimItem.objects.filter(case=case).exclude(description=""):
            ClaimItem.objects.filter(pk=claim.pk).update(description=ctx.scrub(claim.description))
        for event in CaseEvent.objects.filter(case=case):
            data = ctx.scrub_data(event.data)
            if event.kind == CaseEvent.Kind.EVIDENCE and "name" in data:
                data["name"] = _("（文件已删除）")
            CaseEvent.objects.filter(pk=event.pk).update(reason=ctx.scrub(event.reason), data=data)

        for anonymiser in anonymisers():
            anonymiser.anonymise(ctx)

        event = record_case_event(
            case=case,
            kind=CaseEvent.Kind.ANONYMISED,
            actor=None,
            at=now,
            actor_label="system",
            reason=(
                _("应当事人申请提前删除个人信息：%(reason)s。统计数据保留。") % {"reason": on_request}
                if on_request
                else _("结案已满%(years)d年，保存期限届满，个人信息已匿名化处理；统计数据保留。")
                % {"years": settings.RETENTION_YEARS}
            ),
            basis=RETENTION_BASIS,
            data={key: value for key, value in sorted(ctx.counts.items())},
        )
        files = list(ctx.files)
        transaction.on_commit(lambda: _delete_files(files))
    return event


def _delete_files(files: list[str]) -> None:
    for relative in files:
        try:
            private_path(relative).unlink(missing_ok=True)
        except (ValueError, OSError):  # a bad row or a permission problem: the next files still go
            logger.exception("retention: could not delete %s", relative)


# --- the batch run --------------------------------------------------------------------------------------------


@dataclass
class RetentionRun:
    cutoff: dt.datetime
    due: list[int] = field(default_factory=list)  # dry run: the cases that would be anonymised
    anonymised: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def anonymise_closed_cases(
    *, now: dt.datetime | None = None, batch_size: int = 200, limit: int | None = None, dry_run: bool = False
) -> RetentionRun:
    """Every due case, `batch_size` ids at a time (keyset on the id, so a case that fails is not retried in a loop),
    each in its own transaction; at most `limit` cases. Idempotent: a second run finds nothing."""
    now = now or timezone.now()
    run = RetentionRun(cutoff=retention_cutoff(now))
    last = 0
    while limit is None or len(run.due) < limit:
        size = batch_size if limit is None else min(batch_size, limit - len(run.due))
        ids = list(
            Case.objects.filter(due_q(run.cutoff), pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            break
        last = ids[-1]
        run.due.extend(ids)
        if dry_run:
            continue
        for case_id in ids:
            try:
                if do_anonymise_case(case_id=case_id, now=now) is not None:
                    run.anonymised.append(case_id)
            except Exception:  # one bad case must not stop the others; its transaction rolled back
                logger.exception("retention: case %s could not be anonymised", case_id)
                run.failed.append(case_id)
    return run
