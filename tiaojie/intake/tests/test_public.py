"""The public side (issue 3 items 1–3): the online application wizard and the tracking page, as an anonymous
worker sees them. Org A is the township centre of 仓前街道 (330110012), so applications there route to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiaojie.cases.actions import Actor, CaseActionError, EmployerInput, WorkerInput, do_transition_case
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import case_input, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import do_submit_application
from tiaojie.intake.models import Evidence
from tiaojie.intake.public_forms import division_from_picks, time_limit_warning
from tiaojie.intake.public_views import DRAFT_KEY, STATUS_EXPLAINED
from tiaojie.lib import sms
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.models import Employer
from tiaojie.organisations.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

APPLICANT = Actor(ActorKind.APPLICANT, None, "applicant")
PHONE = "13912345678"
TOWNSHIP_PICKS = ["33", "3301", "330110", "330110012"]  # 浙江省 杭州市 余杭区 仓前街道
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = dt.datetime(2025, 6, 10, 10, 0, tzinfo=LEGAL_TZ)  # a Tuesday
ALL_FIELDS = (
    "name id_number phone address employer_name employer_credit_code pick division_code facts employment_start "
    "still_employed left_on claim_wages amount_wages other_description claim_other confirm negotiation_first nav "
    "employer_q"
).split()


CONSENT = {"privacy_ack": "on", "id_consent": "on"}


def request_code(client, phone=PHONE, nav_step="submit") -> str:
    """The 6-digit code texted after 获取验证码 (the SMS goes out on commit)."""
    before = len(sms.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(step(nav_step), {"nav": "sendcode"})
    assert response.status_code == 302, response.status_code
    # No code when the draft has no valid phone yet: the submission then fails on the earlier step.
    return last_code(phone) if len(sms.outbox) > before else "000000"


def last_code(phone=PHONE) -> str:
    texts = [text for to, text in sms.outbox if to == phone and "验证码" in text]
    assert texts, f"no code texted to {phone}"
    found = re.search(r"验证码 (\d{6})", texts[-1])
    assert found
    return found.group(1)


def withdraw_code(client, phone=PHONE) -> str:
    """获取验证码 on the tracking page's withdrawal form; the code texted to the phone the look-up used."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(reverse("public:track_withdraw_code")).status_code == 302
    return last_code(phone)


def step(slug: str) -> str:
    return reverse("public:apply_step", args=[slug])


def post_worker(client, id_number=None, **over):
    data = {"name": "李四", "id_number": id_number or valid_id_number(), "phone": PHONE, "address": "", "nav": "next"}
    return client.post(step("worker"), {**CONSENT, **data, **over})


def post_employer_free(client, picks=TOWNSHIP_PICKS, **over):
    data = {"employer_name": "杭州某某小吃店", "employer_credit_code": "", "employer_address": "", "pick": picks}
    return client.post(step("employer"), {**data, "nav": "next", **over})


def post_facts(client, **over):
    data = {"facts": "老板拖欠我三个月工资。", "employment_start": "2024-03-01", "still_employed": "yes", "left_on": ""}
    return client.post(step("facts"), {**data, "nav": "next", **over})


def post_claims(client, **over):
    return client.post(step("claims"), {"claim_wages": "on", "amount_wages": "15000", "nav": "next", **over})


def post_submit(client, *, code=None, **over):
    """Press 获取验证码, read the code from the SMS the phone received, and submit with it."""
    if code is None:
        code = request_code(client)
    return client.post(step("submit"), {"confirm": "on", "nav": "submit", "sms_code": code, **over})


def apply_online(client, *, id_number=None, employer=None):
    assert post_worker(client, id_number=id_number).status_code == 302
    if employer is None:
        assert post_employer_free(client).status_code == 302
    else:
        client.post(step("employer"), {"nav": f"pick:{employer.pk}"})
        assert client.post(step("employer"), {"nav": "next"}).status_code == 302
    assert post_facts(client).status_code == 302
    assert post_claims(client).status_code == 302


def field_block(html: str, name: str) -> str:
    """The markup of one field: its label, input and the error beside it (up to the next field)."""
    start = html.index(f'data-field="{name}"')
    following = html.find("data-field=", start + 1)
    return html[start : following if following != -1 else start + 2000]


def strip_csrf(html: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


class TestHome:
    def test_home_leads_workers_to_apply_and_track(self, client):
        body = client.get("/").content.decode()
        assert re.search(r'<a class="button" href="/apply/">申请调解</a>', body)
        assert re.search(r'<a class="button secondary" href="/track/">查询进度</a>', body)
        assert "调解不收费" in body and "必经程序" in body

    def test_anonymous_nav_has_both_links(self, client):
        body = client.get(reverse("public:track")).content.decode()
        nav = body.split("<nav>")[1].split("</nav>")[0]
        assert 'href="/apply/"' in nav and 'href="/track/"' in nav


class TestWizard:
    def test_a_worker_applies_and_sees_the_tracking_code_and_where_it_went(
        self, client, org_a, _sms_outbox, django_capture_on_commit_callbacks
    ):
        assert client.get("/apply/")["Location"] == step("worker")
        body = client.get(step("worker")).content.decode()
        assert "什么是调解" in body and "不收费" in body and "自愿" in body and "第五条" in body
        apply_online(client)
        review = client.get(step("submit")).content.decode()
        assert org_a.name in review and "乡镇（街道）" in review  # where it will go, and why, before submitting
        assert "139****5678" in review and "劳动报酬" in review and "15000" in review
        with django_capture_on_commit_callbacks(execute=True):
            response = post_submit(client)
        assert response.status_code == 302 and response["Location"] == reverse("public:apply_done")

        case = Case.objects.get()
        assert case.organisation == org_a and case.status == Status.RECEIVED and case.channel == "online"
        assert case.employer.name == "杭州某某小吃店" and case.employer.division_id == "330110012"
        assert case.facts.startswith("【工作时间】2024年3月1日开始在该单位工作，现仍在职。\n老板拖欠我三个月工资。")
        assert [(c.type, c.amount_claimed) for c in case.claims.all()] == [("wages", 15000)]
        assert not case.negotiation_first
        assert case.events.filter(kind=CaseEvent.Kind.ROUTED, actor_label="applicant").exists()

        done = client.get(reverse("public:apply_done")).content.decode()
        code = re.search(r'<p class="bigcode" id="tracking-code">([A-Z0-9-]+)</p>', done).group(1)
        texts = [text for to, text in _sms_outbox if to == PHONE]
        assert len(texts) == 2 and "验证码" in texts[0] and code in texts[1]  # the code to verify, then the receipt
        assert "139****5678" in done and org_a.name in done and "由用人单位所在乡镇（街道）" in done
        assert 'data-draft-clear="apply"' in done  # the browser copy is forgotten too
        assert "data-duplicate" not in done
        assert DRAFT_KEY not in client.session
        assert client.get(step("worker")).context["form"].initial == {}  # a fresh form for the next one

    def test_a_second_click_on_submit_shows_the_same_confirmation(self, client, org_a):
        apply_online(client)
        post_submit(client)
        again = post_submit(client)
        assert again.status_code == 302 and again["Location"] == reverse("public:apply_done")
        assert Case.objects.count() == 1

    def test_errors_in_chinese_beside_the_field_and_nothing_typed_is_lost(self, client, org_a):
        response = post_worker(client, id_number="110101199001011234", phone="12345")
        assert response.status_code == 200
        body = response.content.decode()
        assert "校验位" in field_block(body, "id_number")
        assert "手机号码应为11位" in field_block(body, "phone")
        assert 'value="110101199001011234"' in body and 'value="李四"' in body and 'value="12345"' in body
        # And a reload (GET) still shows them: the draft is kept after every step, valid or not.
        again = client.get(step("worker")).content.decode()
        assert 'value="110101199001011234"' in again and 'value="李四"' in again

    def test_the_draft_in_the_session_is_encrypted(self, client, org_a):
        id_number = valid_id_number()
        post_worker(client, id_number=id_number)
        raw = client.session[DRAFT_KEY]
        assert isinstance(raw, str) and id_number not in raw and PHONE not in raw

    def test_back_saves_without_validating(self, client, org_a):
        response = client.post(step("facts"), {"facts": "写了一半", "still_employed": "", "nav": "back"})
        assert response.status_code == 302 and response["Location"] == step("employer")
        assert "写了一半" in client.get(step("facts")).content.decode()

    def test_unknown_step_is_404(self, client):
        assert client.get("/apply/nope/").status_code == 404
        assert client.post("/apply/nope/", {"nav": "next"}).status_code == 404

    def test_submit_checks_every_step_again(self, client, org_a):
        post_worker(client)
        response = post_submit(client)
        assert response.status_code == 302 and response["Location"] == step("employer") + "?check=1"
        body = client.get(response["Location"]).content.decode()
        assert "请选择用人单位所在地" in body
        assert Case.objects.count() == 0

    @pytest.mark.parametrize(
        ("key", "slug", "field"),
        [
            ("workers.0.phone", "worker", "phone"),
            ("claims.0.amount", "claims", "claim_wages"),
            ("facts", "facts", "facts"),
        ],
    )
    def test_the_actions_field_errors_go_beside_the_field(self, client, org_a, monkeypatch, key, slug, field):
        def refuse(**kwargs):
            raise CaseActionError("申请内容有误，请按提示修改", {key: "动作给出的错误"})

        monkeypatch.setattr("tiaojie.intake.public_views.do_submit_online_application", refuse)
        apply_online(client)
        response = post_submit(client)
        assert response["Location"] == step(slug) + "?check=1"
        body = client.get(response["Location"]).content.decode()
        assert "动作给出的错误" in field_block(body, field) and "申请内容有误" in body

    def test_an_action_error_without_fields_stays_on_the_last_step(self, client, org_a, monkeypatch):
        def refuse(**kwargs):
            raise CaseActionError("暂未找到负责该地区的调解组织")

        monkeypatch.setattr("tiaojie.intake.public_views.do_submit_online_application", refuse)
        apply_online(client)
        response = post_submit(client)
        assert response.status_code == 200 and "暂未找到负责该地区的调解组织" in response.content.decode()

    def test_confirmation_is_required(self, client, org_a):
        apply_online(client)
        response = post_submit(client, confirm="")
        assert response.status_code == 200 and "请勾选确认后再提交" in response.content.decode()
        assert Case.objects.count() == 0

    def test_discard_forgets_the_draft(self, client, org_a):
        post_worker(client)
        response = client.post(step("worker"), {"nav": "discard"})
        assert response["Location"] == step("worker") + "?cleared=1"
        body = client.get(response["Location"]).content.decode()
        assert 'data-draft-clear="apply"' in body and "李四" not in body


class TestEmployerStep:
    def test_search_shows_name_and_credit_code_only(self, client):
        employer = EmployerFactory(
            name="杭州仓前示例电子有限公司", address="文一西路999号", legal_representative="王大老板"
        )
        body = client.get(reverse("public:employer_search"), {"employer_q": "仓前示例"}).content.decode()
        assert employer.name in body and employer.credit_code in body
        assert "文一西路" not in body and "王大老板" not in body
        assert f'value="pick:{employer.pk}"' in body
        by_code = client.get(reverse("public:employer_search"), {"employer_q": employer.credit_code.lower()})
        assert employer.name in by_code.content.decode()
        short = client.get(reverse("public:employer_search"), {"employer_q": "杭"}).content.decode()
        assert employer.name not in short and "至少输入两个字" in short

    def test_search_lists_at_most_eight(self, client):
        for _ in range(12):
            EmployerFactory(name="杭州同名测试有限公司")
        body = client.get(reverse("public:employer_search"), {"employer_q": "同名测试"}).content.decode()
        assert body.count('value="pick:') == 8

    def test_search_lists_each_employer_once(self, client):
        # Staff registered the rider company twice (once without its code, once with, and a full-width
        # bracket); the search shows the row with the credit code only.
        coded = EmployerFactory(name="杭州云帆即时配送有限公司")
        EmployerFactory(name="杭州云帆即时配送有限公司", credit_code=None)
        EmployerFactory(name="杭州云帆即时配送有限公司 ", credit_code=None)
        body = client.get(reverse("public:employer_search"), {"employer_q": "云帆即时"}).content.decode()
        assert body.count('value="pick:') == 1 and f'value="pick:{coded.pk}"' in body
        # Two rows with no code and the same name are one employer too.
        EmployerFactory(name="杭州同名（集团）有限公司", credit_code=None)
        EmployerFactory(name="杭州同名(集团)有限公司", credit_code=None)
        body = client.get(reverse("public:employer_search"), {"employer_q": "同名"}).content.decode()
        assert body.count('value="pick:') == 1

    def test_search_never_lists_names_other_applicants_typed(self, client, org_a):
        # An applicant names an employer by typing it: the action creates a row, which must stay private.
        data = case_input(employer=EmployerInput(name="杭州保密测试餐饮有限公司"), channel="online")
        do_submit_application(data=data, actor=APPLICANT, employer_division=org_a.division)
        typed = Employer.objects.get(name="杭州保密测试餐饮有限公司")
        assert typed.is_registered is False
        body = client.get(reverse("public:employer_search"), {"employer_q": "保密测试"}).content.decode()
        assert "杭州保密测试餐饮有限公司" not in body and "没有找到这个单位" in body
        # Nor through the form without JavaScript, nor by its credit code.
        client.post(step("employer"), {"employer_q": "保密测试", "nav": "search"})
        assert "杭州保密测试餐饮有限公司" not in client.get(step("employer")).content.decode()

    def test_a_forged_pick_does_not_show_an_unlisted_employer(self, client, org_a):
        typed = EmployerFactory(name="杭州他人填写测试有限公司", is_registered=False)
        response = client.post(step("employer"), {"nav": f"pick:{typed.pk}"})
        assert response.status_code == 302
        page = client.get(step("employer")).content.decode()
        assert typed.name not in page and typed.credit_code not in page
        # Going on with it is refused as if the row did not exist, and the name is still not shown.
        response = client.post(step("employer"), {"nav": "next"})
        body = response.content.decode()
        assert response.status_code == 200 and "所选用人单位不存在" in body and typed.name not in body

    def test_search_without_javascript(self, client):
        employer = EmployerFactory(name="杭州无脚本测试有限公司")
        response = client.post(step("employer"), {"employer_q": "无脚本", "nav": "search"})
        assert response["Location"] == step("employer")
        assert f'value="pick:{employer.pk}"' in client.get(step("employer")).content.decode()

    def test_picking_a_small_employer_offers_negotiation_first(self, client, org_a):
        employer = EmployerFactory(size=Employer.Size.SMALL_MICRO, division_id="330110012")
        apply_online(client, employer=employer)
        review = client.get(step("submit")).content.decode()
        assert "可以先和单位协商" in review and 'name="negotiation_first"' in review
        assert "登记为小微企业" in review
        post_submit(client, negotiation_first="on")
        case = Case.objects.get()
        assert case.employer == employer and case.negotiation_first

    def test_no_negotiation_offer_for_an_employer_above_scale(self, client, org_a):
        employer = EmployerFactory(size=Employer.Size.ABOVE_SCALE, division_id="330110012")
        apply_online(client, employer=employer)
        assert 'name="negotiation_first"' not in client.get(step("submit")).content.decode()
        post_submit(client, negotiation_first="on")  # posted anyway: not offered, so not taken
        assert not Case.objects.get().negotiation_first

    def test_unpick_keeps_what_was_typed(self, client):
        employer = EmployerFactory()
        client.post(step("employer"), {"employer_name": "我自己写的单位", "pick": ["33"], "nav": "search"})
        client.post(step("employer"), {"nav": f"pick:{employer.pk}"})
        assert "已选择" in client.get(step("employer")).content.decode()
        client.post(step("employer"), {"nav": "unpick"})
        assert 'value="我自己写的单位"' in client.get(step("employer")).content.decode()

    def test_picking_an_employer_that_does_not_exist(self, client):
        client.post(step("employer"), {"nav": "pick:999999"})
        response = client.post(step("employer"), {"nav": "next"})
        assert response.status_code == 200 and "所选用人单位不存在" in response.content.decode()

    def test_location_needs_at_least_a_county(self, client):
        response = post_employer_free(client, picks=["33", "3301"])
        assert "请至少选到区（县）一级" in response.content.decode()

    def test_bad_credit_code_is_shown_beside_the_field(self, client, org_a):
        response = post_employer_free(client, employer_credit_code="91330110ABCDEFGH12")
        assert response.status_code == 200
        assert "统一社会信用代码" in field_block(response.content.decode(), "employer_credit_code")

    def test_a_place_without_an_organisation_says_so_before_the_last_step(self, client, org_a):
        response = post_employer_free(client, picks=["11", "110101", "110101001"])  # 北京 东城区 东华门街道
        assert response.status_code == 200 and "暂未找到负责该地区的调解组织" in response.content.decode()

    def test_divisions_skip_placeholders(self, client):
        body = client.get(reverse("public:divisions"), {"pick": "11"}).content.decode()
        assert "东城区" in body and "市辖区" not in body and 'value="1101"' not in body
        assert 'name="division_code" value="11"' in body

    def test_divisions_cleared_select_falls_back_to_the_one_above(self, client):
        body = client.get(reverse("public:divisions"), {"up": "3301", "pick": ""}).content.decode()
        assert 'value="3301" selected' in body and "余杭区" in body and "仓前街道" not in body

    @pytest.mark.parametrize("junk", ["", "abc", "9" * 40, "1101", "' or 1=1", "\x00"])
    def test_divisions_never_fail(self, client, junk):
        response = client.get(reverse("public:divisions"), {"pick": junk})
        assert response.status_code == 200 and "北京市" in response.content.decode()

    def test_stale_lower_selects_are_ignored(self):
        assert division_from_picks(["33", "3301", "330110", "330110012"]) == "330110012"
        assert division_from_picks(["11", "3301", "330110"]) == "11"  # province changed without JavaScript
        assert division_from_picks(["33", "", "330110"]) == "33"
        assert division_from_picks(["x", "33"]) == ""


class TestTimeLimits:
    @pytest.mark.parametrize(
        ("left_on", "level", "last_day"),
        [
            ("2025-03-10", "info", dt.date(2026, 3, 10)),
            ("2024-08-10", "info", dt.date(2025, 8, 10)),  # exactly 10 months: not yet the strong warning
            ("2024-08-09", "strong", dt.date(2025, 8, 9)),
            ("2024-06-10", "strong", dt.date(2025, 6, 10)),  # the last day
            ("2024-06-09", "late", dt.date(2025, 6, 9)),
        ],
    )
    def test_levels(self, left_on, level, last_day):
        warning = time_limit_warning({"still_employed": "no", "left_on": left_on}, today=NOW.date())
        assert (warning.level, warning.one_year_from_leaving) == (level, last_day)

    def test_still_employed_gets_the_plain_notice(self):
        warning = time_limit_warning({"still_employed": "yes", "left_on": "2020-01-01"}, today=NOW.date())
        assert warning.level == "info" and warning.one_year_from_leaving is None

    @time_machine.travel(NOW, tick=False)
    def test_strong_warning_on_the_page(self, client, org_a):
        response = post_facts(client, still_employed="no", left_on="2024-07-20")
        assert response["Location"] == step("claims")
        body = client.get(step("claims")).content.decode()
        assert 'data-warning="strong"' in body and "2025年7月20日" in body and "第二十七条" in body
        assert 'data-warning="strong"' in client.get(step("facts")).content.decode()

    @time_machine.travel(NOW, tick=False)
    def test_plain_notice_names_the_last_day(self, client):
        post_facts(client, still_employed="no", left_on="2025-03-01")
        body = client.get(step("claims")).content.decode()
        assert 'data-warning="strong"' not in body and "最晚在 2026年3月1日 之前" in body

    @time_machine.travel(NOW, tick=False)
    def test_dates_are_checked(self, client):
        body = post_facts(client, still_employed="no", left_on="").content.decode()
        assert "请填写离开单位的日期" in body
        body = post_facts(client, still_employed="no", left_on="2025-07-01").content.decode()
        assert "不能晚于今天" in body
        body = post_facts(client, still_employed="no", employment_start="2025-01-01", left_on="2024-01-01").content
        assert "不能早于开始工作的日期" in body.decode()


class TestClaims:
    def test_an_amount_needs_its_box(self, client):
        response = client.post(step("claims"), {"amount_overtime": "300", "nav": "next"})
        body = response.content.decode()
        assert response.status_code == 200 and "请勾选这一项" in body and "至少需要一项请求事项" not in body

    def test_at_least_one_claim(self, client):
        body = client.post(step("claims"), {"nav": "next"}).content.decode()
        assert "至少需要一项请求事项" in body

    @pytest.mark.parametrize("amount", ["abc", "-5", "1e999", "NaN", "Infinity", "12.345", "9" * 20])
    def test_bad_amounts_are_refused_in_chinese(self, client, amount):
        response = client.post(step("claims"), {"claim_wages": "on", "amount_wages": amount, "nav": "next"})
        assert response.status_code == 200
        assert re.search(
            r'class="field-error" role="alert">[^<]*金额', field_block(response.content.decode(), "claim_wages")
        )

    def test_other_needs_a_description(self, client):
        body = client.post(step("claims"), {"claim_other": "on", "nav": "next"}).content.decode()
        assert "请写明其他请求是什么" in body


class TestNeverA500:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        slug=st.sampled_from(["worker", "employer", "facts", "claims", "submit"]),
        values=st.dictionaries(
            st.sampled_from(ALL_FIELDS),
            st.one_of(st.text(max_size=60), st.sampled_from(["pick:abc", "pick:0", "submit", "99999-01-01"])),
        ),
    )
    def test_any_input_to_any_step(self, client, org_a, slug, values):
        response = client.post(step(slug), values)
        assert response.status_code in (200, 302)
        assert client.get(step(slug)).status_code == 200

    def test_odd_posts(self, client, org_a):
        assert client.post(step("worker"), {"name": "x" * 100_000, "nav": "next"}).status_code == 200
        assert client.post(step("facts"), {"employment_start": "2024-02-30", "nav": "next"}).status_code == 200
        assert client.get(reverse("public:employer_search"), {"employer_q": "%_\\"}).status_code == 200
        assert client.get(reverse("public:apply_done")).status_code == 302  # nothing submitted


class TestDuplicatesAndEvidence:
    def test_a_second_application_is_its_own_case(self, client, org_a):
        employer = EmployerFactory(division_id="330110012")
        id_number = valid_id_number()
        apply_online(client, id_number=id_number, employer=employer)
        post_submit(client)
        apply_online(client, id_number=id_number, employer=employer)
        post_submit(client)
        # Its own case, flagged for staff (test_public_door has the attack this prevents).
        assert Case.objects.count() == 2
        done = client.get(reverse("public:apply_done")).content.decode()
        assert "并入" not in done and 'id="tracking-code"' in done

    def test_evidence_chosen_on_the_last_step(self, client, org_a):
        apply_online(client)
        files = [
            SimpleUploadedFile("工资条.png", PNG, "image/png"),
            SimpleUploadedFile("病毒.exe", b"MZ\x90\x00 not evidence", "image/png"),
        ]
        response = post_submit(client, evidence=files)
        assert response.status_code == 302
        case = Case.objects.get()
        evidence = Evidence.objects.get()
        assert evidence.case == case and evidence.uploaded_by_applicant and evidence.original_name == "工资条.png"
        done = client.get(reverse("public:apply_done")).content.decode()
        assert "已上传 1 个文件" in done and "病毒.exe：只接受" in done


# --- tracking ----------------------------------------------------------------------------------------------


@pytest.fixture
def tracked(org_a, django_capture_on_commit_callbacks):
    """An online application routed to org A, with its tracking code."""
    data = case_input(workers=[WorkerInput(name="张三", id_number=valid_id_number(), phone=PHONE)], channel="online")
    with django_capture_on_commit_callbacks(execute=True):
        result = do_submit_application(data=data, actor=APPLICANT, employer_division=org_a.division)
    return result.case, result.tracking_code


def look_up(client, code, phone=PHONE, ip="10.0.0.1"):
    return client.post(reverse("public:track"), {"code": code, "phone": phone}, REMOTE_ADDR=ip)


class TestTracking:
    def test_status_in_plain_words_deadlines_and_no_documents_yet(self, client, tracked):
        case, code = tracked
        response = look_up(client, code)
        assert response.status_code == 302 and response["Location"] == reverse("public:track")
        body = client.get(reverse("public:track")).content.decode()
        assert '<span class="badge received" id="case-status">已收到申请</span>' in body
        assert "调解组织已经收到您的申请，正在审查" in body and "下一步" in body
        assert 'data-deadline="acceptance"' in body and "之前决定是否受理" in body
        assert 'data-deadline="clock_a"' in body and "直接申请劳动仲裁" in body
        assert "暂无文书" in body and case.organisation.name in body
        assert 'action="/track/withdraw/"' in body and 'action="/track/evidence/"' in body

    def test_received_time_is_shown_in_beijing_time(self, client, org_a, django_capture_on_commit_callbacks):
        with time_machine.travel(dt.datetime(2025, 6, 9, 17, 30, tzinfo=dt.UTC), tick=False):
            data = case_input(workers=[WorkerInput(name="张三", phone=PHONE)], channel="online")
            with django_capture_on_commit_callbacks(execute=True):
                result = do_submit_application(data=data, actor=APPLICANT, employer_division=org_a.division)
        look_up(client, result.tracking_code)
        assert "2025年6月10日 01:30 收到申请" in client.get(reverse("public:track")).content.decode()

    def test_code_is_accepted_in_lower_case_without_dashes(self, client, tracked):
        _, code = tracked
        assert look_up(client, code.replace("-", "").lower(), phone=f"+86 {PHONE}").status_code == 302

    def test_wrong_code_and_wrong_phone_get_the_same_answer(self, client, tracked):
        _, code = tracked
        wrong_code = look_up(client, "ABCD-EFGH-JKMN")
        wrong_phone = look_up(client, code, phone="13800000000")
        assert wrong_code.status_code == wrong_phone.status_code == 200
        first, second = strip_csrf(wrong_code.content.decode()), strip_csrf(wrong_phone.content.decode())
        assert first == second
        assert "查询码或手机号码不对" in first
        assert code not in second and "13800000000" not in second  # nothing typed is echoed

    def test_the_look_up_lasts_an_hour(self, client, tracked):
        _, code = tracked
        look_up(client, code)
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=59)):
            assert "case-status" in client.get(reverse("public:track")).content.decode()
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
            body = client.get(reverse("public:track")).content.decode()
            assert "case-status" not in body and 'name="code"' in body

    def test_leaving_forgets_the_case(self, client, tracked):
        look_up(client, tracked[1])
        client.post(reverse("public:track_leave"))
        assert "case-status" not in client.get(reverse("public:track")).content.decode()

    def test_the_session_key_changes_on_a_successful_look_up(self, client, tracked):
        client.get(reverse("public:track"))
        client.session.save()
        before = client.session.session_key
        look_up(client, tracked[1])
        assert client.session.session_key != before

    def test_every_status_has_a_plain_sentence(self):
        assert set(Status.values) <= set(STATUS_EXPLAINED)

    @pytest.mark.parametrize("status", Status.values)
    def test_the_page_shows_any_status(self, client, tracked, status):
        case, code = tracked
        Case.objects.filter(pk=case.pk).update(status=status)  # set directly: only the page is under test
        look_up(client, code)
        response = client.get(reverse("public:track"))
        assert response.status_code == 200
        assert f'id="case-status">{Status(status).label}</span>' in response.content.decode()


class TestThrottle:
    def test_per_address(self, client, tracked, settings):
        settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track_ip": (3, 3600)}
        _, code = tracked
        for guess, left in (("AAAA-AAAA-AAA2", 2), ("AAAA-AAAA-AAA3", 1)):
            answer = look_up(client, guess, ip="10.0.0.9")
            assert answer.status_code == 200 and f"还可以再试 {left} 次" in answer.content.decode()
        last = look_up(client, "AAAA-AAAA-AAA4", ip="10.0.0.9")  # the third failure locks at once, and says so
        assert last.status_code == 429 and "查询已暂时锁定，一小时后自动解除" in last.content.decode()
        refused = look_up(client, code, ip="10.0.0.9")  # even the right code, from that address
        assert refused.status_code == 429 and "用短信验证码马上解锁" in refused.content.decode()
        assert look_up(client, code, ip="10.0.0.10").status_code == 302  # another address is not affected
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
            assert look_up(client, code, ip="10.0.0.9").status_code == 302

    def test_per_address_and_code(self, client, tracked, settings):
        settings.PUBLIC_RATE_LIMITS = {
            **settings.PUBLIC_RATE_LIMITS,
            "track_ip": (100, 3600),
            "track_ipcode": (2, 3600),
        }
        _, code = tracked
        assert look_up(client, code, phone="13800000001", ip="10.0.1.1").status_code == 200
        assert look_up(client, code, phone="13800000002", ip="10.0.1.1").status_code == 429  # locks at once
        assert look_up(client, code, ip="10.0.1.1").status_code == 429  # that address, for that code
        assert look_up(client, "AAAA-AAAA-AAA2", ip="10.0.1.1").status_code == 200  # other codes are not
        # The owner, from their own address, is never locked out by someone guessing phones for the code.
        assert look_up(client, code, ip="10.0.1.3").status_code == 302

    def test_a_half_empty_form_does_not_count(self, client, tracked, settings):
        settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track_ip": (1, 3600)}
        response = client.post(reverse("public:track"), {"code": "", "phone": ""}, REMOTE_ADDR="10.0.2.1")
        assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
        assert look_up(client, tracked[1], ip="10.0.2.1").status_code == 302


class TestApplicantActions:
    def test_add_evidence_from_the_tracking_page(self, client, tracked):
        case, code = tracked
        look_up(client, code)
        response = client.post(
            reverse("public:track_evidence"),
            {"evidence": [SimpleUploadedFile("a.png", PNG, "image/png")], "description": "考勤截图"},
        )
        assert response.status_code == 302
        evidence = Evidence.objects.get()
        assert evidence.case == case and evidence.uploaded_by_applicant and evidence.description == "考勤截图"
        body = client.get(reverse("public:track")).content.decode()
        assert "已上传1个文件" in body and "a.png" in body
        client.post(reverse("public:track_evidence"), {"evidence": [SimpleUploadedFile("b.png", b"text", "x/y")]})
        assert "b.png：只接受" in client.get(reverse("public:track")).content.decode()
        assert Evidence.objects.count() == 1

    def test_evidence_and_withdraw_need_a_look_up_first(self, client, tracked):
        case, _ = tracked
        files = {"evidence": [SimpleUploadedFile("a.png", PNG, "image/png")]}
        assert client.post(reverse("public:track_evidence"), files)["Location"] == reverse("public:track")
        assert client.post(reverse("public:track_withdraw"), {"reason": "不想调了"}).status_code == 302
        case.refresh_from_db()
        assert Evidence.objects.count() == 0 and case.status == Status.RECEIVED

    def test_withdraw_needs_a_reason_then_works(self, client, tracked):
        case, code = tracked
        look_up(client, code)
        client.post(reverse("public:track_withdraw"), {"reason": "  ", "expected_status": "received"})
        case.refresh_from_db()
        assert case.status == Status.RECEIVED
        client.post(reverse("public:track_withdraw"), {"reason": "已和单位私下谈好", "expected_status": "received"})
        case.refresh_from_db()
        assert case.status == Status.RECEIVED  # no fresh SMS code yet
        code = withdraw_code(client)
        client.post(
            reverse("public:track_withdraw"),
            {"reason": "已和单位私下谈好", "expected_status": "received", "sms_code": code},
        )
        case.refresh_from_db()
        assert case.status == Status.WITHDRAWN
        event = case.events.get(to_status=Status.WITHDRAWN)
        assert event.actor is None and event.actor_label == "applicant" and event.reason == "已和单位私下谈好"
        body = client.get(reverse("public:track")).content.decode()
        assert "您已经撤回了这次调解申请" in body and 'action="/track/withdraw/"' not in body
        assert 'action="/track/evidence/"' not in body  # a closed case takes no more evidence
        response = client.post(reverse("public:track_withdraw"), {"reason": "再撤一次"})
        assert response.status_code == 302

    def test_no_withdraw_once_declined_and_the_reason_is_shown(self, client, tracked, mediator_a):
        case, code = tracked
        do_transition_case(case=case, to="declined", actor=Actor(ActorKind.STAFF, mediator_a), reason="不属于受理范围")
        look_up(client, code)
        body = client.get(reverse("public:track")).content.decode()
        assert "不受理" in body and "不属于受理范围" in body and 'action="/track/withdraw/"' not in body
        client.post(reverse("public:track_withdraw"), {"reason": "撤回", "expected_status": "received"})
        case.refresh_from_db()
        assert case.status == Status.DECLINED

    def test_withdraw_after_a_concurrent_change_is_refused_plainly(self, client, tracked, mediator_a):
        case, code = tracked
        look_up(client, code)
        code = withdraw_code(client)
        do_transition_case(case=case, to="accepted", actor=Actor(ActorKind.STAFF, mediator_a))
        client.post(
            reverse("public:track_withdraw"), {"reason": "不调了", "expected_status": "received", "sms_code": code}
        )
        case.refresh_from_db()
        assert case.status == Status.ACCEPTED
        body = client.get(reverse("public:track")).content.decode()
        assert "刚被他人处理过" in body and "已经受理您的申请" in body
