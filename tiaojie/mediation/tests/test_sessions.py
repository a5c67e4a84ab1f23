"""Sessions: never in the past (补登记 of one already held is its own, SMS-free path), rescheduled and cancelled
with an SMS to the parties, and a refused form comes back with everything typed in it."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.actions import CaseActionError, StaleCaseError
from tiaojie.cases.models import CaseEvent
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.models import Minutes, Session
from tiaojie.mediation.tests.factories import mediating_case, staff

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=BJ)


def _input(**kw):
    data = {
        "mode": "in_person",
        "starts_at": NOW + dt.timedelta(days=2),
        "participants": "申请人张三；被申请人李经理；调解员",
        "place": "第一调解室",
    }
    data.update(kw)
    return actions.SessionInput(**data)


@pytest.fixture
def case(org_a, mediator_a):
    with time_machine.travel(NOW, tick=False):
        case = mediating_case(org_a, mediator_a)
        actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    return case


def test_a_session_in_the_past_is_refused_and_nobody_is_texted(case, mediator_a, _sms_outbox, commit):
    with time_machine.travel(NOW, tick=False):
        for when in (dt.datetime(2025, 1, 1, 9, 0, tzinfo=BJ), NOW - dt.timedelta(minutes=1)):
            with commit(), pytest.raises(CaseActionError, match="已经过去") as refused:
                actions.do_schedule_session(
                    case=case, data=_input(starts_at=when, notify_parties=True), actor=staff(mediator_a)
                )
            assert refused.value.fields == {"starts_at": "时间已经过去"}
        # The current minute is not yet past; a minute later is the future.
        actions.do_schedule_session(case=case, data=_input(starts_at=NOW), actor=staff(mediator_a))
    assert _sms_outbox == []
    assert case.sessions.count() == 1


def test_registering_a_session_already_held_is_past_after_receipt_and_silent(case, mediator_a, _sms_outbox):
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        with pytest.raises(CaseActionError, match="还没有到"):
            actions.do_schedule_session(
                case=case,
                data=_input(starts_at=NOW + dt.timedelta(hours=4), already_held=True),
                actor=staff(mediator_a),
            )
        with pytest.raises(CaseActionError, match="早于收到申请"):
            actions.do_schedule_session(
                case=case, data=_input(starts_at=NOW - dt.timedelta(days=1), already_held=True), actor=staff(mediator_a)
            )
        with pytest.raises(CaseActionError, match="不发送通知短信"):
            actions.do_schedule_session(
                case=case,
                data=_input(starts_at=NOW + dt.timedelta(hours=1), already_held=True, notify_parties=True),
                actor=staff(mediator_a),
            )
        session = actions.do_schedule_session(
            case=case, data=_input(starts_at=NOW + dt.timedelta(hours=1), already_held=True), actor=staff(mediator_a)
        )
    assert session.starts_at == NOW + dt.timedelta(hours=1)
    assert CaseEvent.objects.filter(case=case, data__step="session", data__already_held=True).count() == 1


def test_reschedule_moves_the_session_writes_an_event_and_texts_both_parties(case, mediator_a, _sms_outbox, commit):
    with time_machine.travel(NOW, tick=False):
        session = actions.do_schedule_session(case=case, data=_input(), actor=staff(mediator_a))
        new = NOW + dt.timedelta(days=5, hours=5)
        with pytest.raises(CaseActionError, match="已经过去"):
            actions.do_reschedule_session(
                session=session,
                data=actions.RescheduleInput(starts_at=NOW - dt.timedelta(days=1), mode="in_person", place="x"),
                actor=staff(mediator_a),
            )
        with commit():
            actions.do_reschedule_session(
                session=session,
                data=actions.RescheduleInput(starts_at=new, mode="in_person", place="第二调解室", reason="申请人出差"),
                actor=staff(mediator_a),
            )
    session.refresh_from_db()
    assert (session.starts_at, session.place, session.rescheduled_at) == (new, "第二调解室", NOW)
    assert {p for p, _t in _sms_outbox} == {"13800138000", "13900139000"}
    assert all("2026-03-04 09:00改为2026-03-07 14:00" in t and "第二调解室" in t for _p, t in _sms_outbox)
    event = CaseEvent.objects.get(case=case, data__step="session_reschedule")
    assert "申请人出差" in event.reason and event.data["before"] == "2026-03-04 09:00"


def test_cancel_needs_a_reason_texts_both_parties_and_ends_the_session(case, mediator_a, _sms_outbox, commit):
    with time_machine.travel(NOW, tick=False):
        session = actions.do_schedule_session(case=case, data=_input(), actor=staff(mediator_a))
        with pytest.raises(CaseActionError, match="取消原因"):
            actions.do_cancel_session(session=session, reason=" ", actor=staff(mediator_a))
        with commit():
            actions.do_cancel_session(session=session, reason="被申请人负责人生病", actor=staff(mediator_a))
        session.refresh_from_db()
        assert session.cancelled_at == NOW and session.cancel_reason == "被申请人负责人生病"
        assert {p for p, _t in _sms_outbox} == {"13800138000", "13900139000"}
        assert all("已取消" in t for _p, t in _sms_outbox)
        with pytest.raises(StaleCaseError, match="已经取消"):
            actions.do_cancel_session(session=session, reason="again", actor=staff(mediator_a))
        with pytest.raises(StaleCaseError, match="已经取消"):
            actions.do_reschedule_session(
                session=session,
                data=actions.RescheduleInput(starts_at=NOW + dt.timedelta(days=9), mode="phone"),
                actor=staff(mediator_a),
            )
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        with pytest.raises(CaseActionError, match="已经取消"):
            actions.do_record_minutes(
                session=session, data=actions.MinutesInput(statements="x", signatures="x"), actor=staff(mediator_a)
            )
    assert CaseEvent.objects.filter(case=case, data__step="session_cancel").count() == 1


def test_a_minuted_session_cannot_be_moved_or_cancelled(case, mediator_a):
    with time_machine.travel(NOW, tick=False):
        session = actions.do_schedule_session(case=case, data=_input(starts_at=NOW), actor=staff(mediator_a))
        actions.do_record_minutes(
            session=session, data=actions.MinutesInput(statements="陈述", signatures="已签名"), actor=staff(mediator_a)
        )
        session = Session.objects.get(pk=session.pk)
        with pytest.raises(CaseActionError, match="已有笔录"):
            actions.do_cancel_session(session=session, reason="x", actor=staff(mediator_a))


# --- the pages: a refusal keeps everything typed ---------------------------------------------------------


def test_a_past_time_comes_back_with_the_text_typed_and_the_error_beside_the_field(client, case, mediator_a):
    client.force_login(mediator_a)
    typed = {
        "mode": "in_person",
        "starts_at": "2025-01-01T09:00",
        "place": "仓前街道调解中心第一调解室",
        "participants": "申请人张三；被申请人代表李经理；调解员王五",
        "notify_parties": "on",
    }
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("mediation:session_new", args=[case.pk]), typed)
    assert response.status_code == 400
    page = response.content.decode()
    new = page[page.index('id="session-new"') :]
    new = new[: new.index("</details>")]
    assert new.startswith('id="session-new" open')
    assert "申请人张三；被申请人代表李经理；调解员王五</textarea>" in new
    assert 'value="仓前街道调解中心第一调解室"' in new
    assert re.search(r'name="starts_at" value="2025-01-01T09:00"[^>]*autofocus', new)
    assert new.index("2025-01-01 09:00 已经过去") > new.index('name="starts_at"')  # under the field
    assert not case.sessions.exists()


def test_minutes_with_an_error_come_back_open_with_every_word(client, case, mediator_a):
    with time_machine.travel(NOW, tick=False):
        session = actions.do_schedule_session(case=case, data=_input(starts_at=NOW), actor=staff(mediator_a))
    client.force_login(mediator_a)
    statements = "申请人称：单位拖欠2025年10月至11月工资共12500元。\n被申请人称：资金紧张，同意分两期支付。"
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        response = client.post(
            reverse("mediation:minutes", args=[case.pk, session.pk]),
            {"statements": statements, "proposals": "分两期支付", "signatures": "", "held_at": "2026-03-02T09:00"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    block = page[page.index(f'id="session-{session.pk}"') :]
    block = block[: block.index("</form>")]
    assert '<details class="minutes-form" open>' in block
    assert statements + "</textarea>" in block
    assert "分两期支付</textarea>" in block
    assert re.search(r'name="signatures"[^>]*autofocus', block)
    assert not hasattr(Session.objects.get(pk=session.pk), "minutes")


def test_reschedule_and_cancel_pages(client, case, mediator_a, _sms_outbox, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        session = actions.do_schedule_session(case=case, data=_input(), actor=staff(mediator_a))
    client.force_login(mediator_a)
    url = reverse("mediation:session_reschedule", args=[case.pk, session.pk])
    with time_machine.travel(NOW, tick=False):
        refused = client.post(url, {"mode": "in_person", "starts_at": "2026-03-01T09:00", "place": "改到会议室"})
        assert refused.status_code == 400 and 'value="改到会议室"' in refused.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(url, {"mode": "phone", "starts_at": "2026-03-09T10:00"})
        assert done.status_code == 302 and done["Location"].endswith(f"#session-{session.pk}")
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = client.post(
                reverse("mediation:session_cancel", args=[case.pk, session.pk]), {"reason": "双方已自行和解"}
            )
        assert cancelled.status_code == 302
    session.refresh_from_db()
    assert session.mode == "phone" and session.cancel_reason == "双方已自行和解"
    assert len(_sms_outbox) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")
def test_minutes_and_a_cancel_at_the_same_instant_never_both_land(transactional_db, org_a, mediator_a, admin_a):
    from tiaojie.mediation.tests.test_concurrency import race

    case = mediating_case(org_a, mediator_a)
    for _round in range(5):
        session = actions.do_schedule_session(
            case=case, data=_input(starts_at=timezone.now(), already_held=True), actor=staff(mediator_a)
        )

        def minutes(pk=session.pk):
            fresh = Session.objects.select_related("case").get(pk=pk)
            data = actions.MinutesInput(statements="陈述", signatures="已签名")
            return actions.do_record_minutes(session=fresh, data=data, actor=staff(mediator_a))

        def cancel(pk=session.pk):
            fresh = Session.objects.select_related("case").get(pk=pk)
            return actions.do_cancel_session(session=fresh, reason="改日", actor=staff(admin_a))

        results = race(minutes, cancel)
        assert sum(isinstance(r, CaseActionError) for r in results) == 1, results
        session.refresh_from_db()
        assert (session.cancelled_at is None) == Minutes.objects.filter(session=session).exists()
