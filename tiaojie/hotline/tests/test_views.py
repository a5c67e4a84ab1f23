import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import valid_id_number
from tiaojie.hotline.actions import do_close_work_order, do_convert_call_to_case, do_open_work_order
from tiaojie.hotline.models import HotlineCall, ServiceRating, WorkOrder
from tiaojie.hotline.tests.factories import CALLER_PHONE, conversion_input, make_call
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory, valid_credit_code

pytestmark = pytest.mark.django_db
LOCAL_NOTE = "（期限为本地设置，可由管理员调整）"


def call_post(**overrides):
    data = {
        "caller_name": "王五",
        "caller_phone": "138 0013 8000",
        "kind": "dispute",
        "topic": "overtime",
        "summary": "来电人称长期加班无加班费。",
        "answer": "已解释加班费计算标准，建议申请调解。",
        "duration_minutes": "4",
        "duration_seconds": "5",
        "started_at": "",
    }
    data.update(overrides)
    return data


def convert_post(**overrides):
    data = {
        "worker_name": "李四",
        "worker_id_number": "",
        "use_caller_phone": "on",
        "worker_phone": "",
        "claim_type": "wages",
        "amount": "12000",
        "facts": "拖欠两个月工资。",
        "employer_name": "杭州仓前示例科技有限公司",
        "employer_credit_code": "",
        "employer_division": "330110012",
    }
    data.update(overrides)
    return data


class TestNewCall:
    def test_a_call_with_two_matters(self, client, hotline, operator):
        client.force_login(operator)
        post = call_post(
            organisation=str(hotline.pk), topic="labour_relationship", other_topics=["wages", "social_insurance"]
        )
        response = client.post(reverse("hotline:new"), post)
        call = HotlineCall.objects.get()
        assert response["Location"] == reverse("hotline:detail", args=[call.pk])
        assert call.other_topics == ["wages", "social_insurance"]
        page = client.get(response["Location"]).content.decode()
        assert "确认劳动关系、劳动报酬、社会保险" in page
        bad = client.post(
            reverse("hotline:new"), call_post(organisation=str(hotline.pk), other_topics=["x"])
        ).content.decode()
        assert "请从列表中选择其他来电事项" in bad and HotlineCall.objects.count() == 1

    def test_logs_the_call_and_shows_only_the_masked_number(self, client, hotline, operator):
        client.force_login(operator)
        form = client.get(reverse("hotline:new")).content.decode()
        assert "登记来电" in form and 'type="hidden" name="organisation"' in form
        response = client.post(reverse("hotline:new"), call_post(organisation=str(hotline.pk)))
        call = HotlineCall.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("hotline:detail", args=[call.pk])
        assert (call.caller_name, call.topic, call.kind, call.duration_seconds) == ("王五", "overtime", "dispute", 245)
        page = client.get(response["Location"]).content.decode()
        assert "138****8000" in page and "13800138000" not in page
        assert "4分5秒" in page and "的来电。" in page
        console = client.get(reverse("hotline:console")).content.decode()
        assert "138****8000" in console and "13800138000" not in console

    def test_errors_are_chinese_and_keep_what_was_typed(self, client, hotline, operator):
        client.force_login(operator)
        post = call_post(organisation=str(hotline.pk), caller_phone="12345", summary="", duration_minutes="-1")
        body = client.post(reverse("hotline:new"), post).content.decode()
        assert "请填写来电内容" in body and "来电记录有误" in body
        assert "王五" in body and "已解释加班费计算标准" in body
        assert not HotlineCall.objects.exists()
        # The form passes; the action finds the bad phone number.
        body = client.post(reverse("hotline:new"), call_post(organisation=str(hotline.pk), caller_phone="12345"))
        assert "来电号码应为11位手机号码" in body.content.decode()
        future = call_post(organisation=str(hotline.pk), started_at="2999-01-01T10:00")
        assert "来电时间不能晚于现在" in client.post(reverse("hotline:new"), future).content.decode()
        assert not HotlineCall.objects.exists()

    @pytest.mark.parametrize(
        "junk",
        [
            {},
            {"organisation": "999999"},
            {"organisation": "abc"},
            {"kind": "x" * 500},
            {"topic": "\x00"},
            {"duration_minutes": "1e9"},
            {"duration_minutes": "1440"},
            {"duration_seconds": "60"},
            {"duration_seconds": "-5"},
            {"started_at": "yesterday"},
            {"started_at": "0001-01-01T00:00"},
            {"caller_name": "名" * 1000},
            {"summary": "长" * 6000},
        ],
    )
    def test_no_input_produces_a_500(self, client, hotline, operator, junk):
        client.force_login(operator)
        data = call_post(organisation=str(hotline.pk)) if junk else {}
        data.update(junk)
        response = client.post(reverse("hotline:new"), data)
        assert response.status_code in (200, 404)
        assert not HotlineCall.objects.exists()

    def test_organisation_choice_when_in_two_hotlines(self, client, hotline, hotline_other, operator):
        MembershipFactory(user=operator, organisation=hotline_other, role=Membership.Role.INTAKE)
        client.force_login(operator)
        form = client.get(reverse("hotline:new")).content.decode()
        assert "宁波市总工会12351热线" in form and '<select name="organisation"' in form
        client.post(reverse("hotline:new"), call_post(organisation=str(hotline_other.pk)))
        assert HotlineCall.objects.get().organisation == hotline_other


class TestConsole:
    def test_keyset_paging_and_constant_queries(self, client, hotline, operator):
        base = dt.datetime(2026, 1, 5, 9, 0, tzinfo=LEGAL_TZ)
        calls = [make_call(hotline, operator, started_at=base + dt.timedelta(minutes=i)) for i in range(55)]
        for call in calls[:10]:
            do_open_work_order(call=call, tier_code="simple", actor=operator)
        client.force_login(operator)
        with CaptureQueriesContext(connection) as first:
            page1 = client.get(reverse("hotline:console"))
        body = page1.content.decode()
        assert f'href="/hotline/calls/{calls[-1].pk}/"' in body and f'href="/hotline/calls/{calls[4].pk}/"' not in body
        assert len(first.captured_queries) <= 8  # session, user, memberships, one page of calls: no N+1
        cursor = page1.context["page"].next_cursor
        page2 = client.get(reverse("hotline:console"), {"cursor": cursor}, HTTP_HX_REQUEST="true").content.decode()
        assert [c.pk for c in calls if f'href="/hotline/calls/{c.pk}/"' in page2] == [c.pk for c in calls[:5]]
        assert "<h1>" not in page2  # only rows for htmx
        bad = client.get(reverse("hotline:console"), {"cursor": "%%%"}, follow=True)
        assert bad.status_code == 400 and "翻页参数无效" in bad.content.decode()  # and the first page, below

    def test_filters_open_and_overdue(self, client, hotline, operator):
        with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ), tick=False):
            plain = make_call(hotline, operator, caller_name="无工单")
            due_tomorrow = make_call(hotline, operator, caller_name="一般工单")
            due_today = make_call(hotline, operator, caller_name="简单工单", kind="consultation")
            closed = make_call(hotline, operator, caller_name="已办结")
            do_open_work_order(call=due_tomorrow, tier_code="general", actor=operator)  # due 9 Mar
            do_open_work_order(call=due_today, tier_code="simple", actor=operator)  # due 3 Mar
            do_open_work_order(call=closed, tier_code="simple", actor=operator)
            do_close_work_order(call=closed, note="已办结", actor=operator)

        def shown(params):
            body = client.get(reverse("hotline:console"), params).content.decode()
            return {c.caller_name for c in (plain, due_tomorrow, due_today, closed) if f"/calls/{c.pk}/" in body}

        # Signed in on the day of each look: a session signed in at the real today may have expired by then.
        with time_machine.travel(dt.datetime(2026, 3, 4, 0, 0, tzinfo=LEGAL_TZ), tick=False):
            client.force_login(operator)
            assert shown({}) == {"无工单", "一般工单", "简单工单", "已办结"}
            assert shown({"work_order": "open"}) == {"一般工单", "简单工单"}
            assert shown({"work_order": "overdue"}) == {"简单工单"}
            assert shown({"kind": "consultation"}) == {"简单工单"}
            assert shown({"work_order": "nonsense"}) == {"无工单", "一般工单", "简单工单", "已办结"}
            body = client.get(reverse("hotline:console"), {"work_order": "overdue"}).content.decode()
            assert "已逾期" in body
        with time_machine.travel(dt.datetime(2026, 3, 3, 23, 59, tzinfo=LEGAL_TZ), tick=False):
            client.force_login(operator)
            assert shown({"work_order": "overdue"}) == set()


class TestDetail:
    def test_work_order_open_close_and_rating(self, client, hotline, operator):
        call = make_call(hotline, operator)
        client.force_login(operator)
        url = reverse("hotline:detail", args=[call.pk])
        page = client.get(url).content.decode()
        assert "简单（1个工作日）" in page and "复杂（15个工作日）" in page and LOCAL_NOTE in page
        assert "工单办结后" not in page and "记录评价" in page  # no work order: rating may be recorded
        with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=LEGAL_TZ), tick=False):
            response = client.post(reverse("hotline:work_order_open", args=[call.pk]), {"tier": "general"}, follow=True)
            page = response.content.decode()
            assert "工单已派发，办理期限 2025-10-14" in page
            assert "2025年10月14日 24:00" in page and LOCAL_NOTE in page and "还剩14天" in page
            assert "工单办结后，回访来电人并记录服务评价" in page
        with time_machine.travel(dt.datetime(2025, 10, 15, 0, 0, tzinfo=LEGAL_TZ), tick=False):
            page = client.get(url).content.decode()
            assert "已逾期1天" in page
        response = client.post(reverse("hotline:work_order_close", args=[call.pk]), {"note": ""}, follow=True)
        assert "请填写办结情况" in response.content.decode()
        response = client.post(reverse("hotline:work_order_close", args=[call.pk]), {"note": "已回访"}, follow=True)
        assert "工单已办结" in response.content.decode()
        response = client.post(reverse("hotline:rate", args=[call.pk]), {"score": "9"}, follow=True)
        assert "请选择1到5分的评分" in response.content.decode()
        response = client.post(reverse("hotline:rate", args=[call.pk]), {"score": "4", "comment": "及时"}, follow=True)
        page = response.content.decode()
        assert "服务评价已记录" in page and "4分" in page and "及时" in page
        response = client.post(reverse("hotline:rate", args=[call.pk]), {"score": "1"}, follow=True)
        assert "不能重复评价" in response.content.decode()  # the form is gone; a stale POST is still refused
        assert ServiceRating.objects.get().score == 4
        assert list(call.events.order_by("id").values_list("kind", flat=True)) == [
            "logged",
            "wo_opened",
            "wo_closed",
            "rated",
        ]

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("hotline:work_order_open", {}),
            ("hotline:work_order_open", {"tier": "x" * 300}),
            ("hotline:work_order_open", {"tier": "simple", "description": "长" * 6000}),
            ("hotline:work_order_close", {}),
            ("hotline:work_order_close", {"note": "没有工单也不报错"}),
            ("hotline:rate", {}),
            ("hotline:rate", {"score": "abc"}),
            ("hotline:rate", {"score": "3", "comment": "长" * 600}),
            ("hotline:convert", {}),
            ("hotline:convert", {"employer_division": "x" * 300, "amount": "一万"}),
            ("hotline:convert", convert_post(employer_division="%00")),
            ("hotline:convert", convert_post(amount="-5")),
            ("hotline:convert", convert_post(claim_type="nonsense")),
        ],
    )
    def test_no_input_produces_a_500(self, client, hotline, operator, name, data):
        call = make_call(hotline, operator)
        client.force_login(operator)
        response = client.post(reverse(name, args=[call.pk]), data)
        assert response.status_code in (200, 302)
        assert not WorkOrder.objects.exists() or data.get("tier") == "simple"
        assert not ServiceRating.objects.exists() and not Case.objects.exists()

    def test_reveal_logs_who_saw_the_full_number(self, client, hotline, operator):
        call = make_call(hotline, operator)
        client.force_login(operator)
        response = client.post(
            reverse("hotline:reveal_phone", args=[call.pk]), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="UA"
        )
        assert CALLER_PHONE in response.content.decode()
        log = PiiAccessLog.objects.get()
        assert (log.user, log.record_type, log.record_id, log.ip_address) == (
            operator,
            "hotline.call",
            str(call.pk),
            "10.1.2.3",
        )
        withheld = make_call(hotline, operator, caller_phone="")
        response = client.post(reverse("hotline:reveal_phone", args=[withheld.pk]))
        assert "没有记录号码" in response.content.decode() and PiiAccessLog.objects.count() == 1


class TestConvert:
    def test_prefilled_from_the_call(self, client, hotline, operator, org_a):
        call = make_call(hotline, operator, other_topics=["labour_relationship"])
        client.force_login(operator)
        page = client.get(reverse("hotline:convert", args=[call.pk])).content.decode()
        assert 'value="李四"' in page and call.summary in page
        assert '<option value="wages" selected>' in page
        assert "139****5678" in page and CALLER_PHONE not in page  # the number is used, not shown
        assert 'name="use_caller_phone"' in page and "checked" in page
        # The place by its full name, parents first, so typing "仓前" shows which 仓前; the code beside it.
        assert '<option value="浙江省杭州市余杭区仓前街道">330110012</option>' in page
        assert 'inputmode="numeric"' not in page  # names are typed: no number pad on a tablet
        # Each matter of the call is a claim row, the others after the main one.
        assert '<select name="claim_type_2" id="id_claim_type_2">' in page
        assert '<option value="labour_relationship" selected>' in page

    def test_converts_and_shows_where_it_went_and_why(self, client, hotline, operator, org_a):
        call = make_call(hotline, operator)
        client.force_login(operator)
        response = client.post(reverse("hotline:convert", args=[call.pk]), convert_post(), follow=True)
        case = Case.objects.get()
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("hotline:detail", args=[call.pk])
        assert f"已转为调解案件{case.number}，由组织A 仓前街道调解中心受理" in page
        assert "由用人单位所在乡镇（街道）劳动人事争议调解中心调解" in page and "案件查询码已通过短信" in page
        assert case.channel == "hotline" and case.organisation == org_a
        # Converting again is refused, from the button's page and from a stale POST alike.
        again = client.post(reverse("hotline:convert", args=[call.pk]), convert_post(), follow=True)
        assert "该来电已转为案件" in again.content.decode() and Case.objects.count() == 1
        assert "转为调解申请</a>" not in client.get(reverse("hotline:detail", args=[call.pk])).content.decode()

    def test_a_rider_with_two_claims_and_the_place_typed_by_name(self, client, hotline, operator, org_a):
        call = make_call(hotline, operator, topic="labour_relationship", other_topics=["wages"])
        client.force_login(operator)
        post = convert_post(
            claim_type="labour_relationship", amount="", claim_type_2="wages", amount_2="8600", employer_division="仓前"
        )
        response = client.post(reverse("hotline:convert", args=[call.pk]), post)
        assert response.status_code == 302
        case = Case.objects.get()
        assert sorted(c.type for c in case.claims.all()) == ["labour_relationship", "wages"]
        assert case.employer.division_id == "330110012"

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"amount_3": "500"}, "填了金额的，请选择是哪一项请求"),  # an amount is never dropped silently
            ({"claim_type_2": "wages"}, "请求事项“劳动报酬”填了两次"),
            ({"claim_type_3": "overtime", "amount_3": "abc"}, "请输入金额"),
            ({"employer_division": "西湖"}, "对应多个地方"),
        ],
    )
    def test_claim_and_place_errors_keep_everything(self, client, hotline, operator, org_a, overrides, message):
        call = make_call(hotline, operator)
        client.force_login(operator)
        response = client.post(reverse("hotline:convert", args=[call.pk]), convert_post(**overrides))
        body = response.content.decode()
        assert response.status_code == 200 and message in body and "杭州仓前示例科技有限公司" in body
        assert not Case.objects.exists()

    def test_duplicate_is_flagged_for_the_organisation(self, client, hotline, operator, org_a):
        id_number, credit_code = valid_id_number(), valid_credit_code()
        first = make_call(hotline, operator)
        data = conversion_input(worker_id_number=id_number, employer_credit_code=credit_code)
        case = do_convert_call_to_case(call=first, data=data, actor=operator).case
        second = make_call(hotline, operator)
        client.force_login(operator)
        post = convert_post(worker_id_number=id_number, employer_credit_code=credit_code)
        page = client.post(reverse("hotline:convert", args=[second.pk]), post, follow=True).content.decode()
        assert f"已有在办案件{case.number}" in page and "疑似重复" in page
        assert Case.objects.count() == 2

    def test_errors_keep_the_form(self, client, hotline, operator, org_a):
        call = make_call(hotline, operator)
        client.force_login(operator)
        body = client.post(
            reverse("hotline:convert", args=[call.pk]),
            convert_post(worker_id_number="110101199001011230", employer_division="999999999"),
        ).content.decode()
        assert "没有这个行政区划代码" in body and "杭州仓前示例科技有限公司" in body
        body = client.post(
            reverse("hotline:convert", args=[call.pk]), convert_post(worker_id_number="110101199001011230")
        ).content.decode()
        assert "校验位" in body and "申请内容有误" in body
        assert not Case.objects.exists()

    def test_consultation_has_no_convert(self, client, hotline, operator):
        call = make_call(hotline, operator, kind="consultation")
        client.force_login(operator)
        page = client.get(reverse("hotline:detail", args=[call.pk])).content.decode()
        assert "只有争议类来电可以转为调解案件" in page and reverse("hotline:convert", args=[call.pk]) not in page
        response = client.get(reverse("hotline:convert", args=[call.pk]), follow=True)
        assert "只有争议类来电可以转为调解案件" in response.content.decode()
