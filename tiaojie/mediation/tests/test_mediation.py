"""Mediators, sessions, minutes, failure with its notice, and the decline notice (issue 4 items 2, 3, 7)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.actions import CaseActionError, EmployerInput, StaleCaseError, WorkerInput, do_transition_case
from tiaojie.cases.models import CaseEvent, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.models import MediatorEmployment, Notice
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ


def session_input(**kw):
    data = {
        "mode": "in_person",
        "starts_at": timezone.now() + dt.timedelta(days=1),
        "participants": "申请人张三；被申请人李经理；调解员",
        "place": "仓前街道调解中心第一调解室",
    }
    data.update(kw)
    return actions.SessionInput(**data)


# --- mediators ---


def test_assign_members_with_mediator_or_admin_role(org_a, mediator_a, admin_a, intake_a, mediator_b):
    case = mediating_case(org_a, mediator_a)
    actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
    actions.do_assign_mediator(case=case, user_id=admin_a.pk, actor=staff(admin_a))
    assert set(case.mediator_assignments.values_list("user__username", flat=True)) == {"mediator_a", "admin_a"}
    for user in (intake_a, mediator_b):  # intake operators do not mediate; other organisations' staff neither
        with pytest.raises(CaseActionError, match="只能指派本组织"):
            actions.do_assign_mediator(case=case, user_id=user.pk, actor=staff(admin_a))
    with pytest.raises(StaleCaseError, match="已是本案调解员"):
        actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
    assignment = case.mediator_assignments.get(user=admin_a)
    actions.do_unassign_mediator(assignment=assignment, actor=staff(admin_a))
    actions.do_assign_mediator(case=case, user_id=admin_a.pk, actor=staff(admin_a))  # may come back


def test_mediator_employed_by_the_employer_is_refused_outside_its_committee(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    MediatorEmployment.objects.create(user=mediator_a, employer=case.employer)
    with pytest.raises(CaseActionError, match="受雇于被申请人"):
        actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
    assert not case.mediator_assignments.exists()

    committee = OrganisationFactory(
        name="示例公司劳动争议调解委员会", type_id="enterprise_committee", employer=case.employer,
        division_id="330110012",
    )  # fmt: skip
    insider = MembershipFactory(user=UserFactory(username="insider"), organisation=committee).user
    MediatorEmployment.objects.create(user=insider, employer=case.employer)
    in_committee = mediating_case(committee, insider, employer=actions_employer(case.employer))
    assert in_committee.employer_id == case.employer_id
    actions.do_assign_mediator(case=in_committee, user_id=insider.pk, actor=staff(insider))


def actions_employer(employer):
    return EmployerInput(name="", existing_id=employer.pk)


# --- sessions and minutes ---


def test_schedule_session_validates_mode_specific_fields_and_notifies(org_a, mediator_a, _sms_outbox, commit):
    case = mediating_case(org_a, mediator_a)
    actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    with pytest.raises(CaseActionError, match="地点"):
        actions.do_schedule_session(case=case, data=session_input(place=""), actor=staff(mediator_a))
    with pytest.raises(CaseActionError, match="视频链接"):
        actions.do_schedule_session(case=case, data=session_input(mode="video", place=""), actor=staff(mediator_a))
    with pytest.raises(CaseActionError, match="https"):
        actions.do_schedule_session(
            case=case, data=session_input(mode="video", link="javascript:alert(1)"), actor=staff(mediator_a)
        )
    actions.do_schedule_session(case=case, data=session_input(mode="phone", place=""), actor=staff(mediator_a))
    with commit():
        actions.do_schedule_session(case=case, data=session_input(notify_parties=True), actor=staff(mediator_a))
    assert {p for p, _t in _sms_outbox} == {"13800138000", "13900139000"}
    assert case.sessions.count() == 2


def test_session_needs_an_accepted_case(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    with pytest.raises(CaseActionError, match="受理后"):
        actions.do_schedule_session(case=case, data=session_input(), actor=staff(mediator_a))


def held_input():
    return session_input(starts_at=timezone.now(), already_held=True)  # mediating_case was received just now


def test_minutes_record_time_place_participants_statements_once(org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    session = actions.do_schedule_session(case=case, data=held_input(), actor=staff(mediator_a))
    data = actions.MinutesInput(
        statements="申请人称：……\n被申请人称：……", signatures="双方及调解员已签名", proposals="分期支付"
    )
    minutes = actions.do_record_minutes(session=session, data=data, actor=staff(mediator_a))
    assert minutes.place == session.place and minutes.participants == session.participants
    assert minutes.held_at == session.starts_at
    with pytest.raises(StaleCaseError, match="已由他人记录"):
        actions.do_record_minutes(session=session, data=data, actor=staff(admin_a))
    with pytest.raises(CaseActionError, match="双方陈述"):
        other = actions.do_schedule_session(case=case, data=held_input(), actor=staff(mediator_a))
        actions.do_record_minutes(
            session=other, data=actions.MinutesInput(statements=" ", signatures="x"), actor=staff(mediator_a)
        )


def test_extension_is_surfaced_in_the_mediation_panel_and_never_moves_clock_a(client, org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    panel = page[page.index('id="mediation-mediators"') :]
    assert reverse("cases:extend", args=[case.pk]) in panel
    clock_a, clock_b = case.clock_a_due, case.clock_b_due
    client.post(reverse("cases:extend", args=[case.pk]), {"days": "10", "reason": "双方同意"})
    case.refresh_from_db()
    assert case.clock_b_due > clock_b and case.clock_a_due == clock_a


# --- failure and the notice of the right to arbitrate ---


def test_fail_mediation_issues_the_arbitration_notice_and_sms(org_a, mediator_a, _sms_outbox, commit):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=BJ), tick=False):
        case = mediating_case(org_a, mediator_a)
    # Ended a day after it started, whatever today is (today may even be before 2 March 2026).
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=BJ), tick=False):
        with pytest.raises(CaseActionError, match="原因类别"):
            actions.do_fail_mediation(case=case, category="bogus", reason="x", actor=staff(mediator_a))
        with commit():
            notice = actions.do_fail_mediation(
                case=case, category="refused", reason="被申请人明确拒绝", actor=staff(mediator_a)
            )
    case.refresh_from_db()
    assert case.status == Status.FAILED and case.ended_at
    assert notice.kind == Notice.Kind.ARBITRATION_RIGHT and notice.category == "refused"
    for words in ("一方拒绝调解", "被申请人明确拒绝", "一年", "第二十七条", "中断", "2026年3月2日", "第十四条第三款"):
        assert words in notice.text
    assert notice.sms_to == "138****8000"
    assert [p for p, _t in _sms_outbox] == ["13800138000"]
    assert Notice.objects.filter(case=case).count() == 1  # the on-commit follow-up did not add a second
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert event.reason == "一方拒绝调解：被申请人明确拒绝"
    with pytest.raises(CaseActionError):
        actions.do_fail_mediation(case=case, category="other", reason="again", actor=staff(mediator_a))


def test_generic_failure_button_also_produces_the_notice(client, org_a, mediator_a, commit):
    case = mediating_case(org_a, mediator_a)
    client.force_login(mediator_a)
    with commit():
        client.post(
            reverse("cases:transition", args=[case.pk]),
            {"to": "failed", "expected_status": "mediating", "reason": "期限内未达成协议"},
        )
    notice = Notice.objects.get(case=case)
    assert notice.kind == Notice.Kind.ARBITRATION_RIGHT and "期限内未达成协议" in notice.text
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "调解终止及申请仲裁权利告知书" in page and "第二十七条" in page


def test_decline_produces_the_notice_to_the_applicant(client, org_a, mediator_a, _sms_outbox, commit):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    with commit():
        client.post(
            reverse("cases:transition", args=[case.pk]),
            {"to": "declined", "expected_status": "received", "reason": "不属于劳动争议"},
        )
    case.refresh_from_db()
    assert case.status == Status.DECLINED
    notice = Notice.objects.get(case=case)
    assert notice.kind == Notice.Kind.DECLINE
    assert "不予受理通知书" in notice.text and "理由：不属于劳动争议" in notice.text and "张三" in notice.text
    assert notice.issued_on == timezone.localdate()
    [(phone, text)] = _sms_outbox
    assert phone == "13800138000" and "不属于劳动争议" in text
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "理由：不属于劳动争议" in page


def test_decline_without_a_phone_still_records_the_notice(org_a, mediator_a, _sms_outbox, commit):
    case = make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六")])
    with commit():
        do_transition_case(case=case, to=Status.DECLINED, actor=staff(mediator_a), reason="超出受理范围")
    assert Notice.objects.get(case=case).sms_to == ""
    assert _sms_outbox == []


def test_acceptance_countdown_is_on_the_case_page(client, org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=BJ), tick=False):
        case = make_case(org_a, mediator_a)
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    block = page[page.index('data-deadline="acceptance"') :][:600]
    assert "2026年3月5日 24:00" in block and "还剩3天" in block
