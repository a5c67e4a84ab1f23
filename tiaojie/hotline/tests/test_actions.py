import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.actions import CaseActionError, WorkerInput
from tiaojie.cases.models import Case, CaseEvent
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.hotline.actions import (
    HotlineActionError,
    do_close_work_order,
    do_convert_call_to_case,
    do_log_call,
    do_open_work_order,
    do_record_rating,
    do_reveal_caller_phone,
    validate_caller_phone,
)
from tiaojie.hotline.models import ComplexityTier, HotlineCall, HotlineEvent, ServiceRating, WorkOrder
from tiaojie.hotline.queries import CallFilters, divisions_named, filter_calls
from tiaojie.hotline.tests.factories import CALLER_PHONE, call_input, conversion_input, make_call
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import InvalidIdentifier
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import EmployerFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def beijing(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LEGAL_TZ)


class TestLogCall:
    def test_phone_is_encrypted_indexed_and_masked(self, hotline, operator):
        call = make_call(hotline, operator)
        assert call.caller_phone_masked == "139****5678"
        assert call.caller_phone_is_mobile
        assert call.caller_phone_index == crypto.blind_index("phone", CALLER_PHONE)
        assert CALLER_PHONE not in call.caller_phone_encrypted
        assert call.reveal_caller_phone() == CALLER_PHONE
        with connection.cursor() as cursor:
            cursor.execute("SELECT caller_phone_encrypted, caller_phone_masked FROM hotline_hotlinecall")
            assert all(CALLER_PHONE not in value for value in cursor.fetchone())
        event = HotlineEvent.objects.get(call=call)
        assert (event.kind, event.actor, event.data) == ("logged", operator, {"kind": "dispute", "topic": "wages"})
        assert call.operator == operator and call.organisation == hotline

    def test_a_call_with_several_matters(self, hotline, operator):
        # The main matter is not repeated, nor any other; their order is kept.
        call = make_call(
            hotline, operator, topic="labour_relationship", other_topics=["wages", "labour_relationship", "wages"]
        )
        call.refresh_from_db()
        assert (call.topic, call.other_topics) == ("labour_relationship", ["wages"])
        assert call.topics_display() == "确认劳动关系、劳动报酬"

    def test_fixed_line_and_withheld_numbers(self, hotline, operator):
        landline = make_call(hotline, operator, caller_phone="0571-8800 1234")
        assert landline.caller_phone_masked == "057****1234" and not landline.caller_phone_is_mobile
        assert landline.reveal_caller_phone() == "057188001234"
        withheld = make_call(hotline, operator, caller_phone="")
        assert withheld.caller_phone_masked == "" and withheld.reveal_caller_phone() == ""
        assert validate_caller_phone("+86 138 0013 8000") == ("13800138000", True)
        with pytest.raises(InvalidIdentifier):
            validate_caller_phone("12345")

    def test_started_at_defaults_to_now(self, hotline, operator):
        with time_machine.travel(beijing(2026, 2, 17, 3, 15), tick=False):  # 24/7: 春节 at night
            call = make_call(hotline, operator)
        assert call.started_at == beijing(2026, 2, 17, 3, 15)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"caller_name": "  "}, "caller_name", "请填写来电人姓名"),
            ({"caller_name": "张" * 51}, "caller_name", "不超过50字"),
            ({"caller_phone": "12345"}, "caller_phone", "来电号码应为11位手机号码"),
            ({"topic": "nonsense"}, "topic", "请选择来电事项"),
            ({"other_topics": ["wages", "nonsense"]}, "other_topics", "请从列表中选择其他来电事项"),
            ({"kind": ""}, "kind", "请选择来电类型"),
            ({"summary": ""}, "summary", "请填写来电内容"),
            ({"answer": " \n"}, "answer", "请填写答复内容"),
            ({"answer": "答" * 5001}, "answer", "不超过5000字"),
            ({"duration_seconds": -1}, "duration", "通话时长应不少于0秒且少于24小时"),
            ({"duration_seconds": 24 * 3600}, "duration", "通话时长应不少于0秒且少于24小时"),
            ({"started_at": dt.datetime(2999, 1, 1, tzinfo=LEGAL_TZ)}, "started_at", "来电时间不能晚于现在"),
            ({"started_at": dt.datetime(2024, 1, 1)}, "started_at", "来电时间无效"),
        ],
    )
    def test_validation_messages_are_chinese(self, hotline, operator, overrides, field, message):
        with pytest.raises(HotlineActionError) as exc:
            make_call(hotline, operator, **overrides)
        assert exc.value.message == "来电记录有误，请按提示修改"
        assert message in exc.value.fields[field]
        assert not HotlineCall.objects.exists()

    def test_duration_edges(self, hotline, operator):
        assert make_call(hotline, operator, duration_seconds=0).duration_seconds == 0
        longest = make_call(hotline, operator, duration_seconds=24 * 3600 - 1)
        assert (longest.duration_minutes, longest.duration_rest_seconds) == (1439, 59)

    def test_only_the_hotlines_own_members_log_calls(self, hotline, operator_other, org_a, mediator_a):
        for organisation, user in ((hotline, operator_other), (hotline, mediator_a), (org_a, mediator_a)):
            with pytest.raises(HotlineActionError, match="无权"):
                do_log_call(organisation=organisation, operator=user, data=call_input())
        assert not HotlineCall.objects.exists()

    def test_any_role_of_the_hotline_may_log(self, hotline):
        admin = MembershipFactory(organisation=hotline, role="org_admin").user
        assert make_call(hotline, admin).operator == admin

    def test_inactive_membership_may_not(self, hotline, operator):
        operator.memberships.update(is_active=False)
        with pytest.raises(HotlineActionError):
            make_call(hotline, operator)


class TestWorkOrder:
    @pytest.mark.parametrize(
        ("moment", "tier", "due"),
        [
            # Tuesday 30 Sep 2025, before the National Day holiday (1–8 Oct; Sat 11 Oct is a 调休 working day).
            (beijing(2025, 9, 30, 10, 0), "simple", dt.date(2025, 10, 9)),
            (beijing(2025, 9, 30, 10, 0), "general", dt.date(2025, 10, 14)),
            (beijing(2025, 9, 30, 10, 0), "complex", dt.date(2025, 10, 28)),
            # The day is the Beijing day: 23:59 on Monday counts from Monday, 00:00 from Tuesday.
            (beijing(2025, 9, 29, 23, 59), "simple", dt.date(2025, 9, 30)),
            (beijing(2025, 9, 30, 0, 0), "simple", dt.date(2025, 10, 9)),
            (beijing(2025, 9, 29, 23, 59), "general", dt.date(2025, 10, 13)),
            # Friday before the 调休 Saturday: the Saturday counts as a working day.
            (beijing(2025, 10, 10, 16, 0), "simple", dt.date(2025, 10, 11)),
        ],
    )
    def test_due_date_by_tier_across_a_holiday(self, hotline, operator, moment, tier, due):
        call = make_call(hotline, operator, started_at=beijing(2025, 9, 1, 9, 0))
        with time_machine.travel(moment, tick=False):
            order = do_open_work_order(call=call, tier_code=tier, actor=operator, description="回访")
        assert order.due_date == due and not order.due_uncertain
        assert order.status == WorkOrder.Status.OPEN and order.opened_at == moment
        event = call.events.get(kind=HotlineEvent.Kind.WORK_ORDER_OPENED)
        assert event.data["due_date"] == due.isoformat() and event.data["tier"] == tier

    def test_seeded_tiers_are_marked_unconfirmed(self):
        tiers = {t.code: (t.name, t.working_days) for t in ComplexityTier.objects.all()}
        assert tiers == {"simple": ("简单", 1), "general": ("一般", 5), "complex": ("复杂", 15)}
        assert all("[U]" in t.basis for t in ComplexityTier.objects.all())
        assert "[U]" in str(ComplexityTier._meta.get_field("working_days").help_text)

    def test_an_administrators_change_applies_to_new_orders_only(self, hotline, operator):
        first, second = make_call(hotline, operator), make_call(hotline, operator)
        with time_machine.travel(beijing(2026, 3, 2, 9, 0), tick=False):  # a Monday
            old = do_open_work_order(call=first, tier_code="general", actor=operator)
            ComplexityTier.objects.filter(code="general").update(working_days=3)
            new = do_open_work_order(call=second, tier_code="general", actor=operator)
        assert (old.working_days, old.due_date) == (5, dt.date(2026, 3, 9))
        assert (new.working_days, new.due_date) == (3, dt.date(2026, 3, 5))
        old.refresh_from_db()
        assert old.due_date == dt.date(2026, 3, 9)

    def test_past_the_configured_calendar_is_flagged(self, hotline, operator):
        call = make_call(hotline, operator)
        with time_machine.travel(beijing(2026, 12, 28, 9, 0), tick=False):
            order = do_open_work_order(call=call, tier_code="complex", actor=operator)
        assert order.due_uncertain and order.due_date.year == 2027

    def test_bad_tier_and_one_order_per_call(self, hotline, operator):
        call = make_call(hotline, operator)
        ComplexityTier.objects.filter(code="complex").update(is_active=False)
        for code in ("", "nonsense", "complex"):
            with pytest.raises(HotlineActionError) as exc:
                do_open_work_order(call=call, tier_code=code, actor=operator)
            assert exc.value.fields == {"tier": "请选择复杂程度"}
        do_open_work_order(call=call, tier_code="simple", actor=operator)
        with pytest.raises(HotlineActionError, match="已有工单"):
            do_open_work_order(call=call, tier_code="general", actor=operator)
        assert WorkOrder.objects.count() == 1
        assert call.events.filter(kind=HotlineEvent.Kind.WORK_ORDER_OPENED).count() == 1

    def test_close_needs_a_note_and_happens_once(self, hotline, operator):
        call = make_call(hotline, operator)
        with pytest.raises(HotlineActionError, match="没有工单"):
            do_close_work_order(call=call, note="已处理", actor=operator)
        do_open_work_order(call=call, tier_code="simple", actor=operator)
        with pytest.raises(HotlineActionError) as exc:
            do_close_work_order(call=call, note="  ", actor=operator)
        assert exc.value.fields == {"note": "请填写办结情况"}
        with time_machine.travel(beijing(2026, 3, 3, 15, 0), tick=False):
            order = do_close_work_order(call=call, note="已联系用人单位，工资已发放。", actor=operator)
        assert order.status == WorkOrder.Status.CLOSED and order.closed_at == beijing(2026, 3, 3, 15, 0)
        assert order.closed_by == operator and order.closing_note == "已联系用人单位，工资已发放。"
        with pytest.raises(HotlineActionError, match="已办结"):
            do_close_work_order(call=call, note="再次", actor=operator)
        assert call.events.filter(kind=HotlineEvent.Kind.WORK_ORDER_CLOSED).count() == 1

    def test_other_hotline_cannot_touch_the_order(self, hotline, operator, operator_other, mediator_a):
        call = make_call(hotline, operator)
        for user in (operator_other, mediator_a):
            with pytest.raises(HotlineActionError, match="无权"):
                do_open_work_order(call=call, tier_code="simple", actor=user)
        do_open_work_order(call=call, tier_code="simple", actor=operator)
        with pytest.raises(HotlineActionError, match="无权"):
            do_close_work_order(call=call, note="x", actor=operator_other)

    def test_overdue_filter_turns_at_midnight_beijing(self, hotline, operator):
        call = make_call(hotline, operator)
        with time_machine.travel(beijing(2026, 3, 2, 9, 0), tick=False):
            do_open_work_order(call=call, tier_code="simple", actor=operator)  # due Tue 3 Mar 24:00
        calls = HotlineCall.objects.all()
        assert list(filter_calls(calls, CallFilters(work_order="open"))) == [call]
        last_minute = filter_calls(calls, CallFilters(work_order="overdue"), now=beijing(2026, 3, 3, 23, 59))
        assert list(last_minute) == []
        next_day = filter_calls(calls, CallFilters(work_order="overdue"), now=beijing(2026, 3, 4, 0, 0))
        assert list(next_day) == [call]
        do_close_work_order(call=call, note="已办结", actor=operator)
        assert list(filter_calls(calls, CallFilters(work_order="overdue"), now=beijing(2026, 3, 4, 0, 0))) == []


class TestRating:
    def test_once_per_call(self, hotline, operator):
        call = make_call(hotline, operator)
        rating = do_record_rating(call=call, score=5, comment="  很耐心  ", actor=operator)
        assert (rating.score, rating.comment, rating.recorded_by) == (5, "很耐心", operator)
        with pytest.raises(HotlineActionError, match="已记录过服务评价"):
            do_record_rating(call=call, score=1, actor=operator)
        assert ServiceRating.objects.get().score == 5
        assert call.events.filter(kind=HotlineEvent.Kind.RATED).count() == 1

    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_score_between_1_and_5(self, hotline, operator, score):
        call = make_call(hotline, operator)
        with pytest.raises(HotlineActionError) as exc:
            do_record_rating(call=call, score=score, actor=operator)
        assert exc.value.fields == {"score": "评分应为1到5分"}

    def test_comment_length(self, hotline, operator):
        call = make_call(hotline, operator)
        with pytest.raises(HotlineActionError, match="不超过500字"):
            do_record_rating(call=call, score=3, comment="好" * 501, actor=operator)

    def test_after_the_work_order_is_closed(self, hotline, operator):
        call = make_call(hotline, operator)
        do_open_work_order(call=call, tier_code="simple", actor=operator)
        with pytest.raises(HotlineActionError, match="工单办结后"):
            do_record_rating(call=call, score=4, actor=operator)
        do_close_work_order(call=call, note="已回复", actor=operator)
        assert do_record_rating(call=call, score=4, actor=operator).score == 4

    def test_other_hotline_cannot_rate(self, hotline, operator, operator_other):
        call = make_call(hotline, operator)
        with pytest.raises(HotlineActionError, match="无权"):
            do_record_rating(call=call, score=4, actor=operator_other)


class TestConvert:
    def test_routes_to_the_township_centre_and_links_the_call(
        self, hotline, operator, org_a, _sms_outbox, django_capture_on_commit_callbacks
    ):
        call = make_call(hotline, operator)
        with django_capture_on_commit_callbacks(execute=True):
            result = do_convert_call_to_case(call=call, data=conversion_input(amount=Decimal("12000")), actor=operator)
        case = result.case
        assert result.organisation == org_a and result.duplicate_of is None
        assert "乡镇（街道）" in result.reason and "第十条" in result.basis
        assert case.organisation == org_a and case.channel == "hotline" and case.status == "received"
        assert case.facts == call.summary
        claim = case.claims.get()
        assert (claim.type, claim.amount_claimed) == ("wages", Decimal("12000"))
        worker = case.workers.get()
        assert worker.name == "李四" and worker.phone_index == crypto.blind_index("phone", CALLER_PHONE)
        assert case.employer.division_id == "330110012"
        call.refresh_from_db()
        assert call.case == case and call.route_reason == result.reason and not call.joined_existing_case
        assert call.converted_at is not None
        event = call.events.get(kind=HotlineEvent.Kind.CONVERTED)
        assert event.data == {"case": case.pk, "organisation": org_a.pk, "duplicate_of": None, "division": "330110012"}
        note = case.events.get(kind=CaseEvent.Kind.NOTE)
        assert f"#{call.pk}" in note.reason and note.data == {"hotline_call": call.pk}
        assert case.events.filter(kind=CaseEvent.Kind.ROUTED).exists()
        assert [phone for phone, _text in _sms_outbox] == [CALLER_PHONE]  # the tracking code goes to the worker

    def test_a_name_finds_the_place_and_every_claim_is_carried(self, hotline, operator, org_a):
        # A rider: the labour relationship to confirm, and the pay; the township typed as the operator hears it.
        call = make_call(hotline, operator, topic="labour_relationship", other_topics=["wages"])
        data = conversion_input(
            employer_division=" 仓前 ",
            claim_type="labour_relationship",
            amount=None,
            more_claims=[("wages", Decimal("8600.50"))],
        )
        case = do_convert_call_to_case(call=call, data=data, actor=operator).case
        assert case.employer.division_id == "330110012" and case.organisation == org_a
        claims = sorted((c.type, c.amount_claimed) for c in case.claims.all())
        assert claims == [("labour_relationship", None), ("wages", Decimal("8600.50"))]

    @pytest.mark.parametrize(
        ("text", "code"),
        [("浙江省杭州市余杭区仓前街道", "330110012"), ("仓前街道", "330110012"), ("330110012", "330110012")],
    )
    def test_a_full_name_an_own_name_or_a_code(self, hotline, operator, org_a, text, code):
        call = make_call(hotline, operator)
        case = do_convert_call_to_case(call=call, data=conversion_input(employer_division=text), actor=operator).case
        assert case.employer.division_id == code

    def test_an_own_name_is_that_place_not_the_places_below(self, hotline):
        # "余杭区" is the county, though every township of it has 余杭区 in its full name.
        assert divisions_named("余杭区", [hotline]) == [("330110", "浙江省杭州市余杭区")]
        assert divisions_named("仓前", [hotline]) == [("330110012", "浙江省杭州市余杭区仓前街道")]
        assert divisions_named("鄞州", [hotline]) == []  # Ningbo's, outside this hotline

    def test_a_different_phone_or_none(self, hotline, operator, org_a, _sms_outbox):
        other = make_call(hotline, operator)
        result = do_convert_call_to_case(call=other, data=conversion_input(worker_phone="13700001111"), actor=operator)
        assert result.case.workers.get().phone_index == crypto.blind_index("phone", "13700001111")
        landline = make_call(hotline, operator, caller_phone="0571-88001234")
        result = do_convert_call_to_case(
            call=landline, data=conversion_input(employer_name="另一家公司"), actor=operator
        )
        assert result.case.workers.get().phone_masked == "" and not result.tracking_code_sent

    def test_flags_an_open_case_of_the_same_worker_and_employer(self, hotline, operator, org_a, mediator_a):
        id_number = valid_id_number()
        employer = EmployerFactory(division_id="330110012")
        existing = make_case(org_a, mediator_a, workers=[WorkerInput(name="李四", id_number=id_number)])
        Case.objects.filter(pk=existing.pk).update(employer=employer)
        call = make_call(hotline, operator)
        data = conversion_input(worker_id_number=id_number, employer_credit_code=employer.credit_code)
        result = do_convert_call_to_case(call=call, data=data, actor=operator)
        # A caller who knows a worker's ID number must not reach that worker's case: a new case, flagged.
        assert result.duplicate_of == existing and result.case != existing and Case.objects.count() == 2
        assert result.organisation == org_a
        call.refresh_from_db()
        assert not call.joined_existing_case and call.case == result.case

    def test_converts_once(self, hotline, operator, org_a):
        call = make_call(hotline, operator)
        do_convert_call_to_case(call=call, data=conversion_input(), actor=operator)
        with pytest.raises(HotlineActionError, match="已转为案件"):
            do_convert_call_to_case(call=call, data=conversion_input(), actor=operator)
        stale = HotlineCall.objects.get(pk=call.pk)
        stale.case_id = None  # a page opened before the first conversion
        with pytest.raises(HotlineActionError, match="已转为案件"):
            do_convert_call_to_case(call=stale, data=conversion_input(employer_name="别的公司"), actor=operator)
        assert Case.objects.count() == 1

    def test_only_disputes(self, hotline, operator, org_a):
        call = make_call(hotline, operator, kind="consultation")
        with pytest.raises(HotlineActionError, match="只有争议类来电"):
            do_convert_call_to_case(call=call, data=conversion_input(), actor=operator)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"employer_division": ""}, "employer.division", "请选择用人单位所在地"),
            ({"employer_division": "999999999"}, "employer.division", "没有这个行政区划代码"),
            ({"employer_division": "33; DROP"}, "employer.division", "本热线服务范围内没有名为“33; DROP”"),
            # A name outside the hotline's area (鄞州区 is Ningbo's; this is Hangzhou's hotline) is not found.
            ({"employer_division": "鄞州"}, "employer.division", "本热线服务范围内没有名为“鄞州”"),
            ({"employer_division": "西湖"}, "employer.division", "对应多个地方"),  # 西湖区 and its townships
            ({"claim_type": "wages", "more_claims": [("wages", None)]}, "claims.1.type", "填了两次"),
            ({"more_claims": [("x", None)]}, "claims.1.type", "请选择请求事项类型"),
            ({"employer_division": "3301"}, "employer.division", "县（区）或乡镇（街道）"),
            ({"worker_id_number": "110101199001011230"}, "workers.0.id_number", "校验位"),
            ({"worker_phone": "123"}, "workers.0.phone", "手机号码应为11位"),
            ({"worker_name": ""}, "workers.0.name", "请填写劳动者姓名"),
            ({"employer_name": ""}, "employer.name", "请填写用人单位名称"),
            ({"employer_credit_code": "123"}, "employer.credit_code", "统一社会信用代码无效"),
            ({"claim_type": "x"}, "claims.0.type", "请选择请求事项类型"),
            ({"facts": " "}, "facts", "请填写事实和理由"),
        ],
    )
    def test_input_errors_are_chinese_and_nothing_is_saved(self, hotline, operator, org_a, overrides, field, message):
        call = make_call(hotline, operator)
        with pytest.raises(CaseActionError) as exc:
            do_convert_call_to_case(call=call, data=conversion_input(**overrides), actor=operator)
        assert message in exc.value.fields[field]
        call.refresh_from_db()
        assert call.case is None and not Case.objects.exists()
        assert not call.events.filter(kind=HotlineEvent.Kind.CONVERTED).exists()

    def test_no_organisation_for_the_place(self, hotline, operator):
        call = make_call(hotline, operator)
        with pytest.raises(CaseActionError) as exc:
            do_convert_call_to_case(call=call, data=conversion_input(employer_division="330106011"), actor=operator)
        assert "暂未找到负责该地区的调解组织" in exc.value.message
        assert not Case.objects.exists()

    def test_county_code_routes_to_the_arbitration_centre(self, hotline, operator, org_a):
        centre = OrganisationFactory(type_id="arbitration_centre", division_id="330110")
        call = make_call(hotline, operator)
        result = do_convert_call_to_case(call=call, data=conversion_input(employer_division="330110"), actor=operator)
        assert result.organisation == centre and "仲裁院调解中心" in result.reason

    def test_other_users_cannot_convert(self, hotline, operator, operator_other, org_a, mediator_a):
        call = make_call(hotline, operator)
        for user in (operator_other, mediator_a):
            with pytest.raises(HotlineActionError, match="无权"):
                do_convert_call_to_case(call=call, data=conversion_input(), actor=user)
        assert not Case.objects.exists()


class TestReveal:
    def test_logs_who_saw_the_full_number(self, hotline, operator, operator_other):
        call = make_call(hotline, operator)
        assert do_reveal_caller_phone(user=operator, call=call, request=None) == CALLER_PHONE
        log = PiiAccessLog.objects.get()
        assert (log.user, log.record_type, log.record_id, log.field) == (
            operator,
            "hotline.call",
            str(call.pk),
            "caller_phone",
        )
        with pytest.raises(HotlineActionError, match="无权"):
            do_reveal_caller_phone(user=operator_other, call=call, request=None)
        assert PiiAccessLog.objects.count() == 1

    def test_no_number(self, hotline, operator):
        call = make_call(hotline, operator, caller_phone="")
        with pytest.raises(HotlineActionError, match="没有记录号码"):
            do_reveal_caller_phone(user=operator, call=call, request=None)
        assert not PiiAccessLog.objects.exists()
