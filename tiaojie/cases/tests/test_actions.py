import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    ClaimInput,
    StaleCaseError,
    WorkerInput,
    do_create_case,
    do_extend_clock_b,
    do_transition_case,
)
from tiaojie.cases.models import Case, CaseEvent, Status, Worker
from tiaojie.cases.tests.factories import case_input, make_case, valid_id_number
from tiaojie.cases.transitions import TRANSITIONS, ActorKind
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ


def staff(user):
    return Actor(ActorKind.STAFF, user)


def test_create_case_records_received_state_event_and_deadlines(org_a, mediator_a):
    received = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BJ)  # Monday
    case = make_case(org_a, mediator_a, received_at=received)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.division_id == org_a.division_id
    assert case.acceptance_due == dt.date(2026, 3, 5)  # 3 working days: Tue, Wed, Thu
    assert case.clock_a_due == dt.date(2026, 3, 17)  # 15 calendar days, start day not counted
    assert case.clock_b_due is None
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.CREATED and event.to_status == Status.RECEIVED and event.at == received
    assert event.actor == mediator_a


def test_worker_pii_is_encrypted_indexed_and_masked(org_a, mediator_a):
    number = valid_id_number()
    case = make_case(org_a, mediator_a, workers=[WorkerInput(name="李四", id_number=number, phone="13912345678")])
    worker = case.workers.get()
    assert number not in worker.id_number_encrypted and "13912345678" not in worker.phone_encrypted
    assert worker.id_number_masked == number[:6] + "********" + number[-4:]
    assert worker.phone_masked == "139****5678"
    assert worker.reveal("id_number") == number
    # The same ID number finds the same worker: no duplicate person for a second case.
    again = make_case(org_a, mediator_a, workers=[WorkerInput(name="李四", id_number=number)])
    assert again.workers.get() == worker
    assert Worker.objects.count() == 1


def test_invalid_input_is_refused_whole_with_field_messages(org_a, mediator_a):
    data = case_input(
        workers=[WorkerInput(name="", id_number="110101199001011230", phone="12345")],
        claims=[ClaimInput(type="nonsense", amount=Decimal("-1"))],
        facts="  ",
    )
    with pytest.raises(CaseActionError) as err:
        do_create_case(organisation=org_a, data=data, actor=staff(mediator_a))
    fields = err.value.fields
    assert set(fields) >= {"workers.0.name", "workers.0.id_number", "workers.0.phone", "claims.0.type", "facts"}
    assert "校验位" in fields["workers.0.id_number"]
    assert Case.objects.count() == 0 and Worker.objects.count() == 0


def test_collective_dispute_flag(org_a, mediator_a):
    workers = [WorkerInput(name=f"工人{i}", id_number=valid_id_number()) for i in range(10)]
    case = make_case(org_a, mediator_a, workers=workers)
    assert case.worker_count == 10 and case.is_collective
    assert not make_case(org_a, mediator_a).is_collective


def test_full_happy_path_writes_an_event_per_transition(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    for target in (Status.ACCEPTED, Status.MEDIATING, Status.AGREED, Status.CLOSED):
        actor = Actor(ActorKind.SYSTEM, mediator_a, "agreement") if target == Status.AGREED else staff(mediator_a)
        do_transition_case(case=case, to=target, actor=actor)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.accepted_at and case.ended_at and case.closed_at
    moves = list(case.events.filter(kind="transition").values_list("from_status", "to_status"))
    assert moves == [("received", "accepted"), ("accepted", "mediating"), ("mediating", "agreed"), ("agreed", "closed")]
    assert all(case.events.filter(kind="transition").values_list("basis", flat=True))


def test_disallowed_transition_is_refused_in_chinese(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    with pytest.raises(CaseActionError, match="不能变更为"):
        do_transition_case(case=case, to=Status.CLOSED, actor=staff(mediator_a))
    with pytest.raises(CaseActionError):
        do_transition_case(case=case, to="bogus", actor=staff(mediator_a))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_reason_required_where_the_table_says_so(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    with pytest.raises(CaseActionError) as err:
        do_transition_case(case=case, to=Status.DECLINED, actor=staff(mediator_a), reason="   ")
    assert "reason" in err.value.fields
    do_transition_case(case=case, to=Status.DECLINED, actor=staff(mediator_a), reason="不属于受理范围")
    assert case.events.last().reason == "不属于受理范围"


def test_intake_operator_and_other_org_cannot_decide(org_a, mediator_a, intake_a, mediator_b):
    case = make_case(org_a, mediator_a)
    for user in (intake_a, mediator_b):
        with pytest.raises(CaseActionError, match="无权"):
            do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user))


def test_applicant_may_withdraw_but_not_accept(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    applicant = Actor(ActorKind.APPLICANT, None, "applicant")
    with pytest.raises(CaseActionError):
        do_transition_case(case=case, to=Status.ACCEPTED, actor=applicant)
    do_transition_case(case=case, to=Status.WITHDRAWN, actor=applicant, reason="已自行和解")
    assert case.events.last().actor_label == "applicant"


def test_second_of_two_concurrent_moves_gets_a_clear_message(org_a, mediator_a, admin_a):
    case = make_case(org_a, mediator_a)
    seen_by_admin = Case.objects.get(pk=case.pk)  # both loaded the page while it was "received"
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a), expected_status="received")
    with pytest.raises(StaleCaseError, match="刷新"):
        do_transition_case(
            case=seen_by_admin, to=Status.DECLINED, actor=staff(admin_a), reason="x", expected_status="received"
        )
    seen_by_admin.refresh_from_db()
    assert seen_by_admin.status == Status.ACCEPTED
    assert case.events.filter(kind="transition").count() == 1


def test_every_transition_in_the_table_can_be_performed(org_a, mediator_a):
    """Walk each row of TRANSITIONS from a case brought to its source state through real actions."""
    routes = {
        Status.RECEIVED: [],
        Status.ACCEPTED: [Status.ACCEPTED],
        Status.MEDIATING: [Status.ACCEPTED, Status.MEDIATING],
        Status.AGREED: [Status.ACCEPTED, Status.MEDIATING, Status.AGREED],
        Status.FAILED: [Status.ACCEPTED, Status.FAILED],
        Status.DECLINED: [Status.DECLINED],
        Status.WITHDRAWN: [Status.WITHDRAWN],
        Status.NEGOTIATING: [Status.NEGOTIATING],
        Status.SETTLED: [Status.NEGOTIATING, Status.SETTLED],
    }
    for t in TRANSITIONS:
        case = make_case(org_a, mediator_a)
        for step in routes[t.source]:
            system_step = step == Status.AGREED  # only the agreement's signing moves a case there
            mover = Actor(ActorKind.SYSTEM, mediator_a) if system_step else staff(mediator_a)
            do_transition_case(case=case, to=step, actor=mover, reason="r")
        actor = staff(mediator_a) if ActorKind.STAFF in t.by else Actor(next(iter(t.by)))
        do_transition_case(case=case, to=t.target, actor=actor, reason="r")
        case.refresh_from_db()
        assert case.status == t.target, t


# --- clocks at their edges (time_machine; never patch now()) ---------------------------------------


def test_receipt_at_2359_and_0000_beijing_fall_on_different_days(org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 59, tzinfo=BJ), tick=False):
        late = make_case(org_a, mediator_a)
    with time_machine.travel(dt.datetime(2026, 3, 3, 0, 0, tzinfo=BJ), tick=False):
        early = make_case(org_a, mediator_a)
    assert late.clock_a_due == dt.date(2026, 3, 17)
    assert early.clock_a_due == dt.date(2026, 3, 18)


def test_acceptance_over_spring_festival_counts_the_shifted_saturday(org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 2, 12, 10, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)  # Thursday before the holiday
    assert case.acceptance_due == dt.date(2026, 2, 24)


def test_clock_a_ending_in_the_holiday_rolls_to_the_next_working_day(org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)
    assert case.clock_a_due == dt.date(2026, 2, 24)


def test_clock_a_ending_on_a_shifted_saturday_does_not_roll(org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 1, 30, 9, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)
    assert case.clock_a_due == dt.date(2026, 2, 14)


def test_deadline_past_the_configured_years_is_flagged(org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 12, 20, 9, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)
    assert case.clock_a_due_uncertain and not case.acceptance_due_uncertain


def test_clock_b_in_zhejiang_runs_from_receipt_and_extension_never_moves_clock_a(org_a, mediator_a):
    # Organisation A is in Zhejiang (浙江条例 art 10 para 2); the national rule and the cap: test_clock_b.py.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 0, tzinfo=BJ), tick=False):
        do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
    assert case.clock_b_due == dt.date(2026, 3, 17)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=BJ), tick=False):
        do_extend_clock_b(case=case, days=10, actor=staff(mediator_a), reason="双方书面同意延长10日")
        do_extend_clock_b(case=case, days=6, actor=staff(mediator_a), reason="再延长")  # no cap in Zhejiang
    case.refresh_from_db()
    assert case.clock_b_due == dt.date(2026, 4, 2)  # 17 March + 10 = 27 March (Friday); + 6 = 2 April
    assert case.clock_a_due == dt.date(2026, 3, 17)
    assert case.events.filter(kind="clock_b_extended").count() == 2


def test_extension_needs_consent_note_and_open_mediation(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    with pytest.raises(CaseActionError):
        do_extend_clock_b(case=case, days=5, actor=staff(mediator_a), reason="x")  # not accepted yet
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
    with pytest.raises(CaseActionError):
        do_extend_clock_b(case=case, days=5, actor=staff(mediator_a), reason=" ")
