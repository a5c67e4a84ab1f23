"""Every write to a case. Each action is one transaction, writes a CaseEvent, and sends `case_changed`
on commit (rollups and notifications hang off it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django.dispatch
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import User
from tiaojie.calculators.core import CENT
from tiaojie.cases import clock_b
from tiaojie.cases.access import reads_as_supervisor
from tiaojie.cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseWorker,
    Channel,
    ClaimItem,
    ClaimType,
    DisputeTypeSuggestion,
    Status,
    Worker,
    format_case_number,
    new_state_version,
)
from tiaojie.cases.search import new_document
from tiaojie.cases.transitions import (
    ACCEPTANCE_WORKING_DAYS,
    CLOCK_A_DAYS,
    ActorKind,
    Effect,
    find_transition,
)
from tiaojie.knowledge import classifier
from tiaojie.knowledge.actions import do_record_labelled_text
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_credit_code, validate_id_number, validate_mobile
from tiaojie.lib.insert_together import insert_together
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.access import membership_in
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.calendar import calendar_deadline, workday_deadline

logger = logging.getLogger(__name__)

# Sent after commit with case_id and kind ("created", "transition", ...): by record_case_event, once for every
# CaseEvent recorded, so a receiver hears of every kind and filters those it cares about.
case_changed = django.dispatch.Signal()
# Sent by record_case_event at once, inside the action's transaction, with case_id and kind: for a receiver whose
# write must commit or roll back with the change itself (analytics marks the case's rollups as pending).
case_event_recorded = django.dispatch.Signal()

# A supervisor's stated purpose for seeing a full number: long enough to say something ("复核"), short enough to
# fit the access log's purpose column with its prefix.
PURPOSE_MIN_LENGTH = 2
PURPOSE_MAX_LENGTH = 80


class CaseActionError(Exception):
    """A refused write, with a message for the user and, for input errors, the fields concerned."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class StaleCaseError(CaseActionError):
    """Someone else changed the case first."""


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: User | None = None
    label: str = ""  # "api", "applicant", "system": shown in the timeline when there is no user


@dataclass
class WorkerInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class ClaimInput:
    type: str
    amount: Decimal | None = None
    description: str = ""
    known_on: dt.date | None = None  # where the claim's arbitration limitation starts, if known


@dataclass
class EmployerInput:
    name: str
    credit_code: str = ""
    address: str = ""
    legal_representative: str = ""
    existing_id: int | None = None


@dataclass
class CaseInput:
    employer: EmployerInput
    workers: list[WorkerInput]
    claims: list[ClaimInput]
    channel: str
    facts: str
    received_at: dt.datetime | None = None
    negotiation_first: bool = False


def record_case_event(
    *,
    case: Case | int,
    kind: str,
    actor: Actor | User | None,
    at: dt.datetime | None = None,
    insert_with: Sequence[Sequence[Model]] = (),
    **fields: Any,
) -> CaseEvent:
    """The one way to write a CaseEvent: creates it and queues `case_changed` for this case and kind on
    commit, so every receiver (rollups, mediation follow-ups) hears of every recorded change and no kind can
    be forgotten. `case` is the case or its id; `actor` an Actor (user and label), a bare staff User, or None
    for the system; `fields` are the remaining CaseEvent columns (reason, basis, from_status, data...);
    `insert_with`: groups of other new rows of the action, written in the event's statement (lib.insert_together:
    models without signals or save overrides).
    Called inside the action's transaction; outside one, on_commit runs the signal at once (autocommit).
    tiaojie/tests/test_architecture.py fails on a CaseEvent created anywhere else."""
    if isinstance(actor, Actor):
        fields.setdefault("actor_label", actor.label)
        user = actor.user
    else:
        user = actor
    if isinstance(case, Case):
        case_id, fields["case"] = case.pk, case  # keeps the instance on event.case
    else:
        case_id = fields["case_id"] = case
    kind = str(kind)  # a plain "transition", not CaseEvent.Kind.TRANSITION, for the receivers and the row
    event = CaseEvent(at=at or timezone.now(), kind=kind, actor=user, **fields)
    insert_together([event], *insert_with)
    # A new state of the case: what the case page keeps of the earlier one is never read again (cases.state).
    # Not for "created": do_create_case records it in the transaction that inserted the row with a fresh version,
    # which nobody can have read yet, so the UPDATE would only cost a statement on every intake.
    if kind != CaseEvent.Kind.CREATED:
        renew_state_version(case)
    case_event_recorded.send(sender=Case, case_id=case_id, kind=kind)
    # Once per call, not deduplicated per transaction: receivers filter by kind (mediation acts on
    # "transition" only), and a rebuild of the search document is idempotent, so a second costs time, not truth.
    transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id, kind=kind))
    return event


def renew_state_version(case: Case | int) -> None:
    """A new state of the case without a new event (a row the kept case page depends on was written; cases.state).
    Inside the writing action's transaction. `case` is the case (its in-memory version is renewed too) or its id."""
    version = new_state_version()
    Case.objects.filter(pk=case.pk if isinstance(case, Case) else case).update(state_version=version)
    if isinstance(case, Case):
        case.state_version = version


def validate_case_input(data: CaseInput) -> dict[str, str]:
    """Field errors in Chinese, keyed by a dotted path the form and the API both understand."""
    errors: dict[str, str] = {}
    if not data.employer.existing_id and not data.employer.name.strip():
        errors["employer.name"] = _("请填写用人单位名称")
    if data.employer.credit_code.strip():
        try:
            data.employer.credit_code = validate_credit_code(data.employer.credit_code)
        except InvalidIdentifier as exc:
            errors["employer.credit_code"] = str(exc)
    if not data.workers:
        errors["workers"] = _("至少需要一名劳动者")
    seen_ids: set[str] = set()
    for i, worker in enumerate(data.workers):
        if not worker.name.strip():
            errors[f"workers.{i}.name"] = _("请填写劳动者姓名")
        if worker.id_number.strip():
            try:
                worker.id_number = validate_id_number(worker.id_number)
            except InvalidIdentifier as exc:
                errors[f"workers.{i}.id_number"] = str(exc)
            else:
                if worker.id_number in seen_ids:
                    errors[f"workers.{i}.id_number"] = _("同一劳动者重复填写")
                seen_ids.add(worker.id_number)
        if worker.phone.strip():
            try:
                worker.phone = validate_mobile(worker.phone)
            except InvalidIdentifier as exc:
                errors[f"workers.{i}.phone"] = str(exc)
    if not data.claims:
        errors["claims"] = _("至少需要一项请求事项")
    for i, claim in enumerate(data.claims):
        if claim.type not in ClaimType.values:
            errors[f"claims.{i}.type"] = _("请选择请求事项类型")
        if claim.amount is not None and (claim.amount < 0 or claim.amount >= Decimal("1e12")):
            errors[f"claims.{i}.amount"] = _("金额应为0到一万亿元之间的数")
        try:
            _check_known_on(claim.known_on)
        except CaseActionError as exc:
            errors[f"claims.{i}.known_on"] = exc.message
    if data.channel not in Channel.values:
        errors["channel"] = _("请选择来源渠道")
    if not data.facts.strip():
        errors["facts"] = _("请填写事实和理由")
    elif len(data.facts) > 20000:
        errors["facts"] = _("事实和理由不超过20000字")
    return errors


def _find_or_create_worker(data: WorkerInput) -> Worker:
    from tiaojie.lib import crypto

    if data.id_number:
        existing = Worker.objects.filter(id_number_index=crypto.blind_index("id", data.id_number)).first()
        if existing is not None:
            return existing
    worker = Worker(name=data.name.strip(), address=data.address.strip())
    if data.id_number:
        worker.set_id_number(data.id_number)
    if data.phone:
        worker.set_phone(data.phone)
    worker.save()
    return worker


def find_or_create_employer(data: EmployerInput, division_id: str) -> Employer:
    """The employer an application names: the one picked, or the one with that credit code, or a new
    row placed at `division_id` (where the worker says the employer is)."""
    if data.existing_id:
        employer = Employer.objects.filter(pk=data.existing_id).first()
        if employer is None:
            raise CaseActionError(_("所选用人单位不存在"), {"employer.name": _("所选用人单位不存在")})
        return employer
    if data.credit_code:
        existing = Employer.objects.filter(credit_code=data.credit_code).first()
        if existing is not None:
            return existing
    return Employer.objects.create(
        name=data.name.strip(),
        credit_code=data.credit_code or None,
        division_id=division_id,
        address=data.address.strip(),
        legal_representative=data.legal_representative.strip(),
    )


def allocate_case_number(organisation: Organisation, year: int) -> int:
    """The next sequence number of `organisation` in `year`. Call inside the transaction that creates the case:
    the UPDATE locks the counter row until it commits, so a concurrent registration waits and takes the number
    after (no gaps from a rollback either: the increment rolls back with the case)."""
    seq = _increment_counter(organisation.pk, year)
    if seq is None:
        try:
            # The year's first case. A savepoint, because a concurrent first case may insert the row first: the
            # unique constraint then refuses ours once theirs commits, and we increment theirs instead.
            with transaction.atomic():
                CaseNumberCounter.objects.create(organisation=organisation, year=year, last=1)
            return 1
        except IntegrityError:
            seq = _increment_counter(organisation.pk, year)
            assert seq is not None  # the row a concurrent registration committed
    return seq


def _increment_counter(organisation_id: int, year: int) -> int | None:
    """The counter's new value, None when the year has no row yet. One statement (UPDATE … RETURNING, in
    PostgreSQL and in SQLite since 3.35) where the ORM needs an UPDATE and a SELECT."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "organisation_id" = %s AND "year" = %s RETURNING "last"',  # noqa: S608
            [organisation_id, year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


@dataclass(frozen=True)
class NewCase:
    """A case just registered with the rows written for it, in id order: what an answer shows of it, without
    reading it back."""

    case: Case
    case_workers: list[CaseWorker]
    claims: list[ClaimItem]


def do_create_case(
    *,
    organisation: Organisation,
    data: CaseInput,
    actor: Actor,
    employer: Employer | None = None,
    language: str = "",
) -> Case:
    """Register an application as `received` at `organisation`; clock A starts at `received_at`. `employer`: the
    row the caller already found or created for `data.employer` in this transaction (not read again);
    `language`: the case's, where not the default (the public form's applicant's)."""
    return do_create_case_with_rows(
        organisation=organisation, data=data, actor=actor, employer=employer, language=language
    ).case


def do_create_case_with_rows(
    *,
    organisation: Organisation,
    data: CaseInput,
    actor: Actor,
    employer: Employer | None = None,
    language: str = "",
) -> NewCase:
    """do_create_case, returning the workers' and claims' rows it wrote as well (the API's answer)."""
    errors = validate_case_input(data)
    if errors:
        raise CaseActionError(_("申请内容有误，请按提示修改"), errors)
    # Who may register at which organisation is the caller's check (access_organisation_for_intake, or
    # intake routing for hotline operators and online applicants).
    # In UTC, as the column gives it back (the case returned is used without a read back).
    received_at = (data.received_at or timezone.now()).astimezone(dt.UTC)
    day = legal_date(received_at)
    acceptance = workday_deadline(day, ACCEPTANCE_WORKING_DAYS)
    clock_a = calendar_deadline(day, CLOCK_A_DAYS)
    facts = data.facts.strip()
    # The classifier runs before the transaction: its time holds no lock (the case number's is taken below), and
    # its failure costs nothing but the advice. The row is written with the case, so the intake commits once.
    suggestion = _suggestion_or_none(facts)
    # No savepoint when called inside another action's transaction (the referral, the public form): a failure
    # here fails that whole transaction, which nobody continues, and a savepoint costs two round trips.
    with transaction.atomic(savepoint=False):
        if employer is None or employer.pk != data.employer.existing_id:
            employer = find_or_create_employer(data.employer, organisation.division_id)
        workers = [_find_or_create_worker(w) for w in data.workers]
        seq = allocate_case_number(organisation, day.year)
        prefix = organisation.case_prefix or organisation.derived_case_prefix()
        case = Case.objects.create(
            number=format_case_number(prefix, day.year, seq),
            number_year=day.year,
            number_seq=seq,
            numbered_by=organisation,
            organisation=organisation,
            division_id=organisation.division_id,  # the id only: no look-up of the division row
            employer=employer,
            worker_count=len({w.pk for w in workers}),
            channel=data.channel,
            negotiation_first=data.negotiation_first,
            facts=facts,
            received_at=received_at,
            acceptance_from=day,
            acceptance_due=acceptance.last_day,
            acceptance_due_uncertain=acceptance.uncertain,
            clock_a_due=clock_a.last_day,
            clock_a_due_uncertain=clock_a.uncertain,
            created_by=actor.user,
            # Named, not splatted: the architecture check must see that no status is set here.
            language=language or Case._meta.get_field("language").get_default(),
        )
        distinct_workers = list(dict.fromkeys(workers))
        case_workers = [
            CaseWorker(case=case, worker=w, is_representative=(i == 0)) for i, w in enumerate(distinct_workers)
        ]
        claims = [
            ClaimItem(
                case=case,
                type=c.type,
                # As the column gives it back (two places), so the rows returned equal the rows read later.
                amount_claimed=None if c.amount is None else c.amount.quantize(CENT),
                description=c.description,
                known_on=c.known_on,
            )
            for c in data.claims
        ]
        # The case's other rows go with its "created" event, one statement on PostgreSQL (lib.insert_together):
        # they need nothing but the case's id. The advice sends no post_save, so no new state version (nobody can
        # have read this case's first version yet: cases.state); the search document makes the case findable
        # from the moment it exists (cases.search.new_document).
        rows: list[Sequence[Model]] = [case_workers, claims]
        if suggestion is not None:
            suggested, version = suggestion
            advice = DisputeTypeSuggestion(
                case=case,
                text_sha256=text_sha256(facts),
                model_version=version,
                suggestions=suggested,
                at=timezone.now(),
            )
            rows.append([advice])
            case.dispute_type_suggestion = advice
        rows.append(
            [
                new_document(
                    case,
                    worker_names=[w.name for w in distinct_workers],
                    claim_descriptions=[c.description for c in data.claims],
                )
            ]
        )
        record_case_event(
            case=case,
            at=received_at,
            kind=CaseEvent.Kind.CREATED,
            actor=actor,
            to_status=Status.RECEIVED,
            data={"channel": data.channel},
            insert_with=rows,
        )
    return NewCase(case=case, case_workers=case_workers, claims=claims)


def _suggestion_or_none(facts: str) -> tuple[list[dict[str, object]], str] | None:
    """The classifier's advice on new facts, or None, logged, when it fails: the suggestion is advice, and its
    absence must never stop the case (staff may still record the type)."""
    try:
        return suggest_dispute_types(facts)
    except Exception:
        logger.exception("dispute-type suggestion failed for a new case")
        return None


def do_transition_case(
    *,
    case: Case,
    to: str,
    actor: Actor,
    reason: str = "",
    expected_status: str | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Move `case` to status `to` if TRANSITIONS allows it for this actor; refuse with a clear message
    otherwise. A conditional UPDATE on the old status makes concurrent moves safe: one wins, the other
    gets StaleCaseError and nothing is lost."""
    source = expected_status or case.status
    transition = find_transition(source, to) if to in Status.values else None
    if transition is None:
        raise CaseActionError(
            _("案件当前状态为「%(source)s」，不能变更为「%(target)s」")
            % {"source": Status(source).label, "target": Status(to).label if to in Status.values else to}
        )
    if actor.kind not in transition.by:
        raise CaseActionError(_("您无权进行此操作"))
    if actor.kind == ActorKind.STAFF:
        membership = membership_in(actor.user, case.organisation_id) if actor.user else None
        if membership is None or not membership.can_decide_cases:
            raise CaseActionError(_("您无权进行此操作"))
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise CaseActionError(_("请填写原因"), {"reason": _("此操作需要填写原因")})
    if len(reason) > 2000:
        raise CaseActionError(_("原因不超过2000字"), {"reason": _("原因不超过2000字")})
    now = at or timezone.now()
    updates: dict[str, object] = {"status": transition.target, "updated_at": now}
    if transition.effect == Effect.ACCEPT:
        # Clock B's start and days are the rule of the organisation's province in force today (docs/law.md §3);
        # they are stored with the case, so a later change of the rule table leaves this case's period alone.
        terms = clock_b.terms_at_acceptance(case, now)
        due = clock_b.count_terms(terms)
        updates.update(
            accepted_at=now,
            clock_b_due=due.last_day,
            clock_b_due_uncertain=due.uncertain,
            clock_b_from=terms.start_kind,
            clock_b_days=terms.days,
            clock_b_basis=terms.basis,
            clock_b_extensions=[],
        )
    elif transition.effect == Effect.END:
        updates["ended_at"] = now
    elif transition.effect == Effect.CLOSE:
        updates["closed_at"] = now
    elif transition.effect == Effect.RESTART_ACCEPTANCE:
        # Only the acceptance period restarts; clock A keeps counting from receipt (调解仲裁法 art 14 para 3).
        restart = legal_date(now)
        acceptance = workday_deadline(restart, ACCEPTANCE_WORKING_DAYS)
        updates.update(
            acceptance_from=restart, acceptance_due=acceptance.last_day, acceptance_due_uncertain=acceptance.uncertain
        )
    with transaction.atomic():
        won = Case.objects.filter(pk=case.pk, status=source).update(**updates)
        if not won:
            raise StaleCaseError(_("该案件刚被他人处理过，状态已变化。请刷新页面后再操作。"))
        record_case_event(
            case=case.pk,
            at=now,
            kind=CaseEvent.Kind.TRANSITION,
            actor=actor,
            from_status=source,
            to_status=transition.target,
            reason=reason,
            basis=transition.basis,
        )
    for name, value in updates.items():
        setattr(case, name, value)
    return case


def stated_purpose(purpose: str) -> str:
    """A purpose as typed, whitespace collapsed; empty when it is too short to say anything."""
    text = " ".join(purpose.split())
    return text if len(text) >= PURPOSE_MIN_LENGTH else ""


def pii_purpose(base: str, purpose: str) -> str:
    """The access log's purpose: what the system knows (`base`), then what the reader stated."""
    return f"{base}: {purpose}"[:100] if purpose else base


def require_stated_purpose(*, user: User, case: Case, purpose: str) -> str:
    """The purpose to log with a display of full numbers of `case`'s parties. A reader who is not staff of the
    case's organisation (a supervisor) must state one (个人信息保护法 art 6, 最小必要; docs/security.md §5): without
    it the display is refused. Staff may leave it empty (their purpose is handling the case)."""
    stated = stated_purpose(purpose)
    if not stated and reads_as_supervisor(user, case):
        message = _("请说明查看完整号码的目的（至少%(n)d个字）") % {"n": PURPOSE_MIN_LENGTH}
        raise CaseActionError(message, {"purpose": message})
    return stated


def do_reveal_worker_field(
    *, user: User, case: Case, worker: Worker, field: str, request: HttpRequest | None, purpose: str = ""
) -> str:
    """Return a worker's full ID or phone number and record who saw it (the caller checked access). A reader who
    is not staff of the case's organisation (a supervisor) must state why (个人信息保护法 art 6: 最小必要)."""
    if field not in ("id_number", "phone"):
        raise CaseActionError(_("未知字段"))
    if not case.case_workers.filter(worker=worker).exists():
        raise CaseActionError(_("该劳动者不是本案当事人"))
    stated = require_stated_purpose(user=user, case=case, purpose=purpose)
    value = worker.reveal(field)
    do_log_pii_access(
        user=user,
        record_type="cases.worker",
        record_id=worker.pk,
        field=field,
        request=request,
        purpose=pii_purpose(f"case {case.pk}", stated),
    )
    return value


def do_extend_clock_b(*, case: Case, days: int, actor: Actor, reason: str) -> Case:
    """Extend the mediation period (clock B) with both parties' consent by `days` days, counted on from the end
    of the period as it stands (cases.clock_b: an extension always adds its days). A cap on the days agreed in
    all is a rule of the province (reference.rules; none nationally). Clock A never moves: the statute lets
    either party go to arbitration 15 days after receipt whatever the organisation agreed."""
    if case.status not in (Status.ACCEPTED, Status.MEDIATING) or case.accepted_at is None:
        raise CaseActionError(_("只有已受理或调解中的案件可以延长调解期限"))
    if actor.kind != ActorKind.STAFF or actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    membership = membership_in(actor.user, case.organisation_id)
    if membership is None or not membership.can_decide_cases:
        raise CaseActionError(_("您无权进行此操作"))
    if days < 1:
        raise CaseActionError(_("延长天数至少为1天"), {"days": _("延长天数至少为1天")})
    now = timezone.now()
    cap = clock_b.extension_cap(case, legal_date(now))
    total = case.clock_b_extension_days + days
    if cap.number is not None and total > cap.number:
        left = max(cap.number - case.clock_b_extension_days, 0)
        message = _(
            "双方同意延长的天数合计不得超过%(cap)d天（%(citation)s）。本案已延长%(used)d天，最多还可延长%(left)d天。"
        ) % {"cap": cap.number, "citation": cap.citation, "used": case.clock_b_extension_days, "left": left}
        raise CaseActionError(message, {"days": message})
    if not reason.strip():
        raise CaseActionError(_("请注明双方同意延长的情况"), {"reason": _("请注明双方同意延长的情况")})
    terms = clock_b.stored_terms(case)
    assert terms is not None  # accepted, checked above
    before = clock_b.count_terms(terms)
    extensions = [*terms.extensions, days]
    deadline = clock_b.count(terms.start, terms.days, extensions)
    with transaction.atomic():
        # Conditional on the extensions seen: of two concurrent extensions one wins, the other is told to reload.
        won = Case.objects.filter(
            pk=case.pk, status=case.status, clock_b_extension_days=case.clock_b_extension_days
        ).update(
            clock_b_extension_days=total,
            clock_b_extensions=extensions,
            # A case accepted before the rule table gets its terms written down, so a recount gives the same day.
            clock_b_from=terms.start_kind,
            clock_b_days=terms.days,
            clock_b_basis=terms.basis,
            clock_b_due=deadline.last_day,
            clock_b_due_uncertain=deadline.uncertain,
            updated_at=now,
        )
        if not won:
            raise StaleCaseError(_("该案件刚被他人处理过，状态已变化。请刷新页面后再操作。"))
        record_case_event(
            case=case.pk,
            kind=CaseEvent.Kind.CLOCK_B_EXTENDED,
            actor=actor,
            reason=reason.strip(),
            basis=terms.basis,
            data={
                "days": days,
                "total": total,
                "from": before.last_day.isoformat(),
                "new_due": deadline.last_day.isoformat(),
                "counting": clock_b.EXTENSION_RULE,
            },
        )
    case.clock_b_extension_days = total
    case.clock_b_extensions = extensions
    case.clock_b_from = terms.start_kind
    case.clock_b_days = terms.days
    case.clock_b_basis = terms.basis
    case.clock_b_due = deadline.last_day
    case.clock_b_due_uncertain = deadline.uncertain
    return case


# --- claim items (请求事项) -------------------------------------------------------------------------------
#
# Staff who may decide the case's matters add, edit and remove claims while the case is open and, once an
# agreement exists, until someone signs it: a signature covers the amounts it saw. Higher apps (mediation)
# say when claims are locked and follow each change (a draft agreement's items) through register_claim_hook,
# inside the same transaction, so cases never imports them.


@dataclass(frozen=True)
class ClaimChange:
    """One change to a claim, as the hooks and the event see it. `claim` is the row after the change (for a
    removal, the row as it was, its pk still set)."""

    kind: str  # "added", "edited", "removed"
    claim: ClaimItem
    old_amount: Decimal | None = None


@dataclass(frozen=True)
class ClaimHook:
    # A reason the case's claims may not change now (shown to the user), or None.
    locked: Callable[[Case], str | None]
    # Called inside the action's transaction after the claim row changed (before it is deleted, for a removal).
    changed: Callable[[Case, ClaimChange, Actor], None]


_claim_hooks: list[ClaimHook] = []


def register_claim_hook(hook: ClaimHook) -> None:
    if hook not in _claim_hooks:
        _claim_hooks.append(hook)


def claims_locked_reason(case: Case) -> str | None:
    """Why the claims of `case` cannot be changed now, or None when they can (the case page hides the forms)."""
    if not case.is_open:
        return _("案件已结束，请求事项不能再修改")
    for hook in _claim_hooks:
        reason = hook.locked(case)
        if reason:
            return reason
    return None


def _check_claim_writer(case: Case, actor: Actor) -> None:
    if actor.kind != ActorKind.STAFF or actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    membership = membership_in(actor.user, case.organisation_id)
    if membership is None or not membership.can_decide_cases:
        raise CaseActionError(_("您无权进行此操作"))


class _Unchanged:
    """A keyword's default meaning "leave the stored value as it is" (None is a value: "not known")."""


UNCHANGED = _Unchanged()
EARLIEST_KNOWN_ON = dt.date(1950, 1, 1)


def _check_known_on(known_on: dt.date | None) -> None:
    if known_on is not None and not EARLIEST_KNOWN_ON <= known_on <= legal_date(timezone.now()):
        message = _("知道或者应当知道权利被侵害之日不能晚于今天，也不能早于1950年")
        raise CaseActionError(message, {"known_on": message})


def _check_claim_input(type: str, amount: Decimal | None, description: str) -> None:
    if type not in ClaimType.values:
        raise CaseActionError(_("请选择请求事项类型"), {"type": _("请选择请求事项类型")})
    if amount is not None and (amount < 0 or amount >= Decimal("1e12")):
        raise CaseActionError(_("金额应为0到一万亿元之间的数"), {"amount": _("金额应为0到一万亿元之间的数")})
    if amount is not None and amount != amount.quantize(Decimal("0.01")):
        raise CaseActionError(_("金额最多保留两位小数"), {"amount": _("金额最多保留两位小数")})
    if len(description.strip()) > 300:
        raise CaseActionError(_("说明不超过300字"), {"description": _("说明不超过300字")})


def _locked_case(case: Case) -> Case:
    """Lock the case row, then re-check that its claims may change: two claim changes of one case queue here
    instead of both reading the old state (two calculator results would otherwise add two rows of a type).
    FOR NO KEY UPDATE, not FOR UPDATE: a signature being recorded meanwhile holds the agreement row and
    inserts a CaseEvent, whose foreign key takes a KEY SHARE lock on this case row; FOR UPDATE would make it
    wait for us while we wait for its agreement row (mediation/claims.py), a deadlock PostgreSQL breaks with an
    error. (SQLite, one writer at a time, ignores both.)"""
    locked = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    reason = claims_locked_reason(locked)
    if reason:
        raise CaseActionError(reason)
    return locked


def _money_text(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{amount:,.2f}"


def _claim_event(case: Case, change: ClaimChange, actor: Actor, *, via: str = "") -> None:
    for hook in _claim_hooks:
        hook.changed(case, change, actor)
    claim = change.claim
    label = str(ClaimType(claim.type).label)
    new, old = _money_text(claim.amount_claimed), _money_text(change.old_amount)
    kind, summary = {
        "added": (CaseEvent.Kind.CLAIM_ADDED, _("%(label)s：%(new)s 元") % {"label": label, "new": new}),
        "edited": (
            CaseEvent.Kind.CLAIM_EDITED,
            _("%(label)s：%(old)s 元 → %(new)s 元") % {"label": label, "old": old, "new": new},
        ),
        "removed": (CaseEvent.Kind.CLAIM_REMOVED, _("%(label)s：%(old)s 元") % {"label": label, "old": old}),
    }[change.kind]
    record_case_event(
        case=case.pk,
        kind=kind,
        actor=actor,
        reason=summary + (f"（{via}）" if via else ""),
        data={
            "claim_id": claim.pk,
            "type": claim.type,
            "old_amount": None if change.old_amount is None else str(change.old_amount),
            "amount": None if claim.amount_claimed is None or change.kind == "removed" else str(claim.amount_claimed),
            "via": via,
        },
    )


def do_add_claim_item(
    *,
    case: Case,
    type: str,
    amount: Decimal | None,
    actor: Actor,
    description: str = "",
    explanation: list[dict[str, object]] | None = None,
    known_on: dt.date | None = None,
) -> ClaimItem:
    """Add a claim item to an open case whose agreement nobody has signed yet."""
    _check_claim_writer(case, actor)
    _check_claim_input(type, amount, description)
    _check_known_on(known_on)
    with transaction.atomic():
        locked = _locked_case(case)
        item = ClaimItem.objects.create(
            case=locked,
            type=type,
            amount_claimed=amount,
            description=description.strip(),
            explanation=explanation or [],
            known_on=known_on,
        )
        _claim_event(locked, ClaimChange("added", item), actor)
    return item


def do_edit_claim_item(
    *,
    claim: ClaimItem,
    amount: Decimal | None,
    description: str,
    actor: Actor,
    expected_amount: Decimal | str | None = "",
    known_on: dt.date | _Unchanged | None = UNCHANGED,
) -> ClaimItem:
    """Change a claim's amount and description; the event keeps the old amount. `expected_amount` (the amount
    the editor saw; "" for not checked) refuses an edit made over someone else's newer one."""
    case = claim.case
    _check_claim_writer(case, actor)
    _check_claim_input(claim.type, amount, description)
    if not isinstance(known_on, _Unchanged):
        _check_known_on(known_on)
    with transaction.atomic():
        locked = _locked_case(case)
        current = ClaimItem.objects.filter(pk=claim.pk, case=locked).first()
        if current is None:
            raise StaleCaseError(_("该请求事项刚刚已被他人删除。请刷新页面。"))
        if expected_amount != "" and current.amount_claimed != expected_amount:
            raise StaleCaseError(_("该请求事项的金额刚刚已被他人修改。请刷新页面，核对后再保存。"))
        old = current.amount_claimed
        description = description.strip()
        changes: dict[str, object] = {"amount_claimed": amount, "description": description}
        if not isinstance(known_on, _Unchanged):
            changes["known_on"] = known_on
        ClaimItem.objects.filter(pk=current.pk).update(**changes)
        for field, value in changes.items():
            setattr(current, field, value)
        _claim_event(locked, ClaimChange("edited", current, old), actor)
    return current


def do_remove_claim_item(*, claim: ClaimItem, actor: Actor) -> None:
    """Remove a claim entered in error; the event keeps its type and amount. The last claim stays: a case
    without any request is not an application (调解仲裁法 art 12)."""
    case = claim.case
    _check_claim_writer(case, actor)
    with transaction.atomic():
        locked = _locked_case(case)
        current = ClaimItem.objects.filter(pk=claim.pk, case=locked).first()
        if current is None:
            raise StaleCaseError(_("该请求事项刚刚已被他人删除。请刷新页面。"))
        if ClaimItem.objects.filter(case=locked).count() <= 1:
            raise CaseActionError(_("至少保留一项请求事项；如需更正，请修改金额或先增加正确的事项。"))
        _claim_event(locked, ClaimChange("removed", current, current.amount_claimed), actor)
        current.delete()


def do_set_claim_from_calculator(
    *,
    case: Case,
    type: str,
    amount: Decimal,
    description: str,
    explanation: list[dict[str, object]],
    via: str,
    actor: Actor,
) -> ClaimChange:
    """A calculator result becomes the case's claim of its type: it replaces the amount of the existing claim
    of that type (the earliest, if several were entered) instead of adding a second row that would be counted
    twice; the event keeps the amount it replaced (e.g. one the worker typed). With no claim of the type yet,
    it is added."""
    _check_claim_writer(case, actor)
    _check_claim_input(type, amount, description)
    with transaction.atomic():
        locked = _locked_case(case)
        current = ClaimItem.objects.filter(case=locked, type=type).order_by("id").first()
        if current is None:
            item = ClaimItem.objects.create(
                case=locked, type=type, amount_claimed=amount, description=description.strip(), explanation=explanation
            )
            change = ClaimChange("added", item)
        else:
            old = current.amount_claimed
            ClaimItem.objects.filter(pk=current.pk).update(
                amount_claimed=amount, description=description.strip(), explanation=explanation
            )
            current.amount_claimed, current.description, current.explanation = amount, description.strip(), explanation
            change = ClaimChange("edited", current, old)
        _claim_event(locked, change, actor, via=via)
    return change


# --- dispute-type suggestions (docs/knowledge.md, "Suggestions at intake") --------------------------------
#
# The classifier's top labels for a case's facts are stored beside the case (DisputeTypeSuggestion), never in
# its facts or claims. Staff confirm or correct them; a confirmation is training data (knowledge.LabelledText)
# and may add the claim items the labels map onto, through the claims action, when the person asks for it.

SUGGESTION_TOP = 3
# The classifier reads at most this many characters: the facts may hold 20,000, and the first part says what the
# dispute is about; a bound keeps the time of one suggestion small whatever model stands behind suggest().
SUGGESTION_MAX_CHARS = 5000


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def suggest_dispute_types(text: str) -> tuple[list[dict[str, object]], str]:
    """The top labels of `text` as stored and shown ([{label, score, words}], most likely first) and the model's
    version. Raises whatever the classifier raises; callers decide what a failure means."""
    found = classifier.suggest(text[:SUGGESTION_MAX_CHARS], top=SUGGESTION_TOP)
    rows = [
        {"label": s.label, "score": round(float(s.score), 3), "words": [str(w) for w in s.words][:10]}
        for s in found
        if s.label in classifier.LABELS
    ]
    return rows, classifier.model_version()


def do_suggest_dispute_types(*, case: Case) -> DisputeTypeSuggestion | None:
    """Compute and store the suggestion for `case`'s facts (one row per case, latest wins). The same facts and
    model version again keep the row and its confirmation; anything else replaces both. A classifier that
    raises leaves no row and is logged: the suggestion is advice, its absence must never stop the case."""
    digest = text_sha256(case.facts)
    try:
        rows, version = suggest_dispute_types(case.facts)
    except Exception:
        logger.exception("dispute-type suggestion failed for case %s", case.pk)
        return None
    with transaction.atomic():
        current = DisputeTypeSuggestion.objects.select_for_update().filter(case=case).first()
        if current is not None and current.text_sha256 == digest and current.model_version == version:
            return current
        row, _created = DisputeTypeSuggestion.objects.update_or_create(
            case=case,
            defaults={
                "text_sha256": digest,
                "model_version": version,
                "suggestions": rows,
                "at": timezone.now(),
                "confirmed_labels": [],
                "confirmed_by": None,
                "confirmed_at": None,
            },
        )
    return row


def claim_types_for_labels(labels: list[str]) -> list[str]:
    """The claim item each label adds on confirmation: its mapping's first (most likely) claim type. A label that
    maps onto several (termination: 经济补偿, 违法解除赔偿金, 代通知金) adds only the first; staff add the others,
    which exclude each other in part (经济补偿 or 赔偿金), with the claims form."""
    types: list[str] = []
    for label in labels:
        mapped = classifier.CLAIM_TYPES.get(label, ())
        if mapped and mapped[0] in ClaimType.values and mapped[0] not in types:
            types.append(mapped[0])
    return types


def do_confirm_dispute_types(*, case: Case, labels: list[str], add_claims: bool, actor: Actor) -> DisputeTypeSuggestion:
    """A person says which of the nine dispute types the case is (confirming the suggestion or correcting it).
    Records who and when on the suggestion, a CaseEvent, and the training row (knowledge.LabelledText, source
    "case"); with `add_claims`, adds for each label whose claim types the case has none of the label's first
    claim type, without an amount (claim_types_for_labels). All or nothing: one transaction."""
    _check_claim_writer(case, actor)
    labels = list(dict.fromkeys(str(label) for label in labels))
    if not labels:
        raise CaseActionError(_("请至少选择一种争议类型"), {"labels": _("请至少选择一种争议类型")})
    if any(label not in classifier.LABELS for label in labels):
        raise CaseActionError(_("请从列出的争议类型中选择"), {"labels": _("请从列出的争议类型中选择")})
    if add_claims:
        reason = claims_locked_reason(case)
        if reason:
            raise CaseActionError(reason)
    now = timezone.now()
    with transaction.atomic():
        row = DisputeTypeSuggestion.objects.select_for_update().filter(case=case).first()
        if row is None:
            # No suggestion (the classifier failed, or the case predates suggestions): the person's labels are
            # still worth keeping, with no suggestion beside them.
            row = DisputeTypeSuggestion(case=case, text_sha256=text_sha256(case.facts), model_version="", at=now)
        row.confirmed_labels = labels
        row.confirmed_by = actor.user
        row.confirmed_at = now
        row.save()
        names = "、".join(str(classifier.LABEL_NAMES[label]) for label in labels)
        suggested = row.suggested_labels
        record_case_event(
            case=case.pk,
            at=now,
            kind=CaseEvent.Kind.DISPUTE_TYPE_CONFIRMED,
            actor=actor,
            reason=(
                _("确认系统建议的争议类型：%(names)s")
                if set(labels) <= set(suggested)
                else _("更正争议类型为：%(names)s")
            )
            % {"names": names},
            data={"labels": labels, "suggested": suggested, "model_version": row.model_version},
        )
        do_record_labelled_text(
            text=case.facts,
            labels=labels,
            source="case",
            reference=str(case.pk),
            suggested=suggested,
            model_version=row.model_version,
            actor=actor.user,
        )
        if add_claims:
            have = set(ClaimItem.objects.filter(case=case).values_list("type", flat=True))
            for label in labels:
                if have & set(classifier.CLAIM_TYPES.get(label, ())):
                    continue
                for type in claim_types_for_labels([label]):
                    do_add_claim_item(case=case, type=type, amount=None, actor=actor)
                    have.add(type)
    return row
