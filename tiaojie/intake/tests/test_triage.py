"""Guided triage before the application (issue 15 item 7): the rules (intake/triage.py), the pages
(/apply/guide/…), that nothing is written while a worker only asks, and the pre-fill of the wizard's draft."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tiaojie.calculators.limitation import State
from tiaojie.cases.models import ClaimType
from tiaojie.intake import triage
from tiaojie.intake.public_views import DRAFT_KEY, _load
from tiaojie.intake.triage import Agreement, Answers, Fit, LeftReason, Problem, Size, Urgency
from tiaojie.intake.triage_views import pack, unpack
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 10)  # a Tuesday
NOW = dt.datetime(2025, 6, 10, 10, 0, tzinfo=LEGAL_TZ)


def answers(**over) -> Answers:
    values = {
        "still_employed": False,
        "left_on": dt.date(2025, 3, 3),
        "left_reason": LeftReason.QUIT,
        "problems": frozenset({Problem.UNPAID_WAGES}),
        "known_on": dt.date(2025, 1, 15),
        "employment_start": dt.date(2022, 3, 1),
        "employer_size": Size.LARGER,
        "agreement": Agreement.NONE,
    }
    values.update(over)
    return Answers(**values)


def run(today=TODAY, **over) -> triage.Result:
    return triage.triage(answers(**over), today, use_holidays=False)


@pytest.fixture
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def route(result: triage.Result, key: str) -> triage.RouteResult:
    return next(r for r in result.routes if r.route.key == key)


class TestClaims:
    @pytest.mark.parametrize(
        ("problem", "claim"),
        [
            (Problem.UNPAID_WAGES, ClaimType.WAGES),
            (Problem.OVERTIME, ClaimType.OVERTIME),
            (Problem.NO_CONTRACT, ClaimType.DOUBLE_WAGE),
            (Problem.FIRED, ClaimType.UNLAWFUL_TERMINATION),
            (Problem.NO_INSURANCE, ClaimType.SOCIAL_INSURANCE),
            (Problem.INJURED, ClaimType.WORK_INJURY),
            (Problem.LEAVE, ClaimType.ANNUAL_LEAVE),
        ],
    )
    def test_each_problem_maps_to_its_claim_with_an_article_and_evidence(self, problem, claim):
        result = run(problems=frozenset({problem}), left_reason=LeftReason.OTHER)
        assert claim in result.claim_types
        found = next(c for c in result.claims if c.rule.claim == claim)
        assert "第" in found.rule.basis and "条" in found.rule.basis
        assert found.rule.evidence

    def test_not_sure_gives_no_claim_but_still_the_routes(self):
        result = run(problems=frozenset({Problem.NOT_SURE}), left_reason=LeftReason.OTHER)
        assert result.claims == [] and len(result.routes) == 4

    def test_quitting_over_unpaid_wages_adds_severance(self):
        assert ClaimType.COMPENSATION in run(left_reason=LeftReason.QUIT).claim_types  # art 38 ¶1 (2), art 46

    def test_quitting_for_another_reason_gives_no_severance(self):
        result = run(left_reason=LeftReason.QUIT, problems=frozenset({Problem.OVERTIME}))
        assert ClaimType.COMPENSATION not in result.claim_types

    def test_a_contract_that_ended_gives_severance(self):
        result = run(left_reason=LeftReason.CONTRACT_ENDED, problems=frozenset({Problem.NOT_SURE}))
        assert result.claim_types == [ClaimType.COMPENSATION]

    def test_fired_without_reason_is_2n_never_combined_with_n(self):
        result = run(left_reason=LeftReason.FIRED, problems=frozenset({Problem.FIRED}))
        assert ClaimType.UNLAWFUL_TERMINATION in result.claim_types
        assert ClaimType.COMPENSATION not in result.claim_types  # arts 48, 87: 2N or N, not both

    def test_fired_with_a_reason_may_still_be_owed_n(self):
        result = run(left_reason=LeftReason.FIRED, problems=frozenset({Problem.OVERTIME}))
        assert ClaimType.COMPENSATION in result.claim_types


class TestLimitation:
    def test_labour_pay_while_still_employed_has_no_limit(self):
        result = run(still_employed=True, left_on=None, left_reason="")
        wages = result.claims[0]
        assert wages.limitation.state == State.NOT_RUNNING and wages.urgency == Urgency.NONE

    def test_labour_pay_after_leaving_runs_a_year_from_the_day_of_leaving(self):
        wages = run().claims[0]
        assert wages.rule.claim == ClaimType.WAGES and wages.started_on == dt.date(2025, 3, 3)
        assert wages.last_day == dt.date(2026, 3, 3)  # 民法典 art 201: the start day is not counted

    def test_other_claims_run_from_the_day_known(self):
        result = run(still_employed=True, left_on=None, left_reason="", problems=frozenset({Problem.NO_INSURANCE}))
        assert result.claims[0].last_day == dt.date(2026, 1, 15)

    def test_ending_claims_run_from_the_day_of_leaving(self):
        result = run(left_reason=LeftReason.FIRED, problems=frozenset({Problem.FIRED}), known_on=dt.date(2024, 1, 1))
        assert result.claims[0].last_day == dt.date(2026, 3, 3)

    def test_a_last_day_on_a_weekend_moves_to_monday(self):
        result = run(still_employed=True, left_on=None, left_reason="", problems=frozenset({Problem.LEAVE}),
                     known_on=dt.date(2024, 6, 8))  # fmt: skip
        assert result.claims[0].last_day == dt.date(2025, 6, 9)  # 2025-06-08 is a Sunday (民法典 art 203)

    @pytest.mark.parametrize(
        ("today", "urgency"),
        [
            (dt.date(2025, 1, 1), Urgency.OK),  # 61 days before the last day
            (dt.date(2025, 1, 2), Urgency.NEAR),  # 60 days
            (dt.date(2025, 3, 3), Urgency.NEAR),  # the last day itself is still in time
            (dt.date(2025, 3, 4), Urgency.PASSED),
        ],
    )
    def test_urgency_at_its_edges(self, today, urgency):
        result = run(today=today, left_on=dt.date(2024, 3, 3), known_on=dt.date(2024, 1, 1))
        wages = result.claims[0]
        assert wages.last_day == dt.date(2025, 3, 3)
        assert wages.urgency == urgency and result.urgency == urgency


class TestRoutes:
    def test_small_employer_gets_negotiation_first_suggested(self):
        result = run(employer_size=Size.SMALL)
        assert route(result, "negotiation").fit == Fit.SUGGESTED and result.suggest_negotiation_first

    def test_larger_employer_may_negotiate_but_it_is_not_pre_ticked(self):
        result = run(employer_size=Size.LARGER)
        assert route(result, "negotiation").fit == Fit.POSSIBLE and not result.suggest_negotiation_first

    def test_no_negotiation_when_time_is_short(self):
        result = run(today=dt.date(2026, 2, 1), employer_size=Size.SMALL)
        assert result.urgency == Urgency.NEAR
        assert route(result, "negotiation").fit == Fit.NOT_NOW
        assert route(result, "arbitration").fit == Fit.SUGGESTED

    def test_mediation_is_suggested_by_default_and_arbitration_is_possible(self):
        result = run()
        assert route(result, "mediation").fit == Fit.SUGGESTED
        assert route(result, "arbitration").fit == Fit.POSSIBLE  # art 5: mediation is not required
        assert route(result, "payment_order").fit == Fit.NOT_NOW

    def test_an_unperformed_mediation_agreement_on_pay_leads_to_a_payment_order(self):
        result = run(agreement=Agreement.MEDIATION_UNPERFORMED)
        assert route(result, "payment_order").fit == Fit.SUGGESTED  # art 16
        assert route(result, "mediation").fit == Fit.NOT_NOW
        assert route(result, "arbitration").fit == Fit.SUGGESTED  # art 15

    def test_no_payment_order_for_items_art_16_does_not_list(self):
        result = run(agreement=Agreement.MEDIATION_UNPERFORMED, problems=frozenset({Problem.LEAVE}),
                     left_reason=LeftReason.OTHER)  # fmt: skip
        assert route(result, "payment_order").fit == Fit.NOT_NOW

    def test_an_unperformed_settlement_goes_to_mediation_not_a_payment_order(self):
        result = run(agreement=Agreement.SETTLEMENT_UNPERFORMED)
        assert route(result, "mediation").fit == Fit.SUGGESTED  # art 5
        assert route(result, "payment_order").fit == Fit.NOT_NOW

    def test_a_refusing_employer_points_to_arbitration(self):
        result = run(agreement=Agreement.REFUSED, employer_size=Size.SMALL)
        assert route(result, "arbitration").fit == Fit.SUGGESTED
        assert route(result, "negotiation").fit == Fit.NOT_NOW and not result.suggest_negotiation_first

    def test_passed_means_ask_a_mediator_now(self):
        result = run(today=dt.date(2026, 6, 1))
        assert result.urgency == Urgency.PASSED
        assert route(result, "mediation").fit == Fit.SUGGESTED
        assert "调解员" in str(route(result, "mediation").why)


# --- the pages ------------------------------------------------------------------------------------------------

ANSWERS = {
    "work": {"still_employed": "no", "left_on": "2025-03-03", "left_reason": "quit"},
    "problems": {"problems": ["unpaid_wages", "overtime"]},
    "dates": {"known_on": "2025-01-15", "employment_start": "2022-03-01"},
    "employer": {"employer_size": "small"},
    "agreement": {"agreement": "none"},
}


def step_url(slug: str) -> str:
    return reverse("public:guide_step", args=[slug])


def answer_all(client, answers=ANSWERS, **post):
    """Answer every screen in order, as a browser without JavaScript would; the last response (the result)."""
    token = ""
    response = None
    for slug, data in answers.items():
        response = client.post(step_url(slug), {**data, "t": token, "nav": "next"})
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
        token = token_in(response["Location"])
    return client.get(response["Location"], **post)


CJK = re.compile(r"[\u4e00-\u9fff]")
NATURAL = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号|《[^》]*》")


def token_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.usefixtures("_now")
class TestPages:
    def test_the_questions_lead_to_the_result(self, client):
        body = answer_all(client).content.decode()
        assert "劳动报酬" in body and "加班费" in body and "经济补偿" in body
        assert "工资条" in body and "考勤记录" in body
        assert "2026-03-03" in body or "2026年3月3日" in body
        assert 'data-route="negotiation" data-fit="suggested"' in body
        assert "第二十七条" in body

    def test_nothing_is_written_while_a_worker_only_asks(self, client):
        before = table_counts()
        response = answer_all(client)
        assert response.status_code == 200
        client.get(step_url("work"))
        assert table_counts() == before  # not even a session row
        assert settings.SESSION_COOKIE_NAME not in client.cookies

    def test_no_personal_question_is_asked(self, client):
        for slug in ANSWERS:
            body = client.get(step_url(slug)).content.decode()
            assert not re.search(r'name="(name|phone|id_number|employer_name)"', body)

    def test_back_keeps_what_was_typed_without_checking_it(self, client):
        first = client.post(step_url("work"), {**ANSWERS["work"], "nav": "next"})
        token = token_in(first["Location"])
        back = client.post(step_url("problems"), {"problems": ["overtime"], "t": token, "nav": "back"})
        assert back.status_code == 302 and "/apply/guide/work/" in back["Location"]
        body = client.get(back["Location"]).content.decode()
        assert re.search(r'value="no"[^>]*checked', body) and 'value="2025-03-03"' in body
        again = client.get(step_url("problems") + "?" + urlencode({"t": token_in(back["Location"])}))
        assert re.search(r'value="overtime"[^>]*checked', again.content.decode())

    @pytest.mark.parametrize(
        ("value", "message"),
        [("2025-06-11", "这个日期晚于今天"), ("1949-12-31", "这个日期早于1950年"), ("2025-02-30", "年-月-日")],
    )
    def test_a_bad_date_is_refused_in_chinese_and_nothing_is_lost(self, client, value, message):
        response = client.post(step_url("work"), {"still_employed": "no", "left_on": value, "left_reason": "fired"})
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body
        assert re.search(r'value="fired"[^>]*checked', body) and f'value="{value}"' in body

    def test_a_start_after_the_day_of_leaving_is_refused(self, client):
        first = client.post(step_url("work"), {**ANSWERS["work"], "nav": "next"})
        token = token_in(first["Location"])
        response = client.post(
            step_url("dates"), {"known_on": "2025-01-15", "employment_start": "2025-04-01", "t": token}
        )
        assert response.status_code == 200 and "开始工作的日期晚于离开的日期" in response.content.decode()

    def test_the_day_itself_is_accepted_at_the_edge_of_the_day(self, client):
        with time_machine.travel(dt.datetime(2025, 6, 10, 0, 0, tzinfo=LEGAL_TZ), tick=False):
            ok = client.post(step_url("dates"), {"known_on": "2025-06-10"})
        assert ok.status_code == 302  # Beijing's date, not UTC's (still 9 June in UTC at 00:00 Beijing)

    def test_the_result_page_without_answers_goes_back_to_the_first_missing(self, client):
        response = client.get(reverse("public:guide_result"))
        assert response.status_code == 302 and response["Location"].startswith(step_url("work"))

    def test_a_forged_token_is_refused(self, client):
        token = pack({"still_employed": "yes"})
        assert unpack(token[:-2] + "xx") == ({}, True)
        body = client.get(step_url("work") + "?t=forged").content.decode()
        assert "已经过期" in body

    def test_an_old_token_expires(self, client):
        token = pack({"still_employed": "yes"})
        with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
            assert unpack(token) == ({}, True)

    def test_unknown_screen_is_404(self, client):
        assert client.get(step_url("nope")).status_code == 404

    def test_another_organisations_mediator_sees_only_the_public_page(self, client, mediator_b):
        client.force_login(mediator_b)
        response = answer_all(client)
        assert response.status_code == 200 and "用这些信息申请" in response.content.decode()

    def test_home_and_the_wizard_link_to_the_guide(self, client):
        for url in ("/", reverse("public:apply_step", args=["worker"])):
            assert 'href="/apply/guide/"' in client.get(url).content.decode()

    def test_english_pages_show_no_chinese(self, client):
        """Read in English, the questions and the result hold no Chinese (apart from a document number and a
        title in 《》, Chinese by nature). Needs the English of this page's msgids in the catalogue."""
        bodies = [client.get(step_url(slug), HTTP_ACCEPT_LANGUAGE="en").content.decode() for slug in ANSWERS]
        result = answer_all(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="en">' in result and "Apply with these answers" in result
        left = set()
        for body in [*bodies, result]:
            main = body.split("<main>")[1].split("</main>")[0]
            left |= {t.strip() for t in re.sub(r"<[^>]+>", "\n", main).split("\n") if CJK.search(NATURAL.sub("", t))}
        assert sorted(left) == []


@pytest.mark.usefixtures("_now")
class TestPrefill:
    def test_apply_with_these_answers_fills_the_wizard_draft(self, client):
        result = answer_all(client)
        token = re.search(r'name="t" value="([^"]+)"', result.content.decode()).group(1)
        response = client.post(reverse("public:guide_apply"), {"t": token})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("public:apply_step", args=["worker"]))
        draft = _session_draft(client)
        assert draft["claim_wages"] == "on" and draft["claim_overtime"] == "on" and draft["claim_compensation"] == "on"
        assert draft["still_employed"] == "no" and draft["left_on"] == "2025-03-03"
        assert draft["employment_start"] == "2022-03-01" and draft["negotiation_first"] == "on"
        facts = client.get(reverse("public:apply_step", args=["facts"])).content.decode()
        assert 'value="2025-03-03"' in facts and 'value="2022-03-01"' in facts
        claims = client.get(reverse("public:apply_step", args=["claims"])).content.decode()
        assert re.search(r'name="claim_wages"[^>]*checked', claims)
        assert not re.search(r'name="claim_social_insurance"[^>]*checked', claims)
        first = client.get(response["Location"]).content.decode()
        assert "data-guided" in first and "data-draft-clear" in first

    def test_pre_fill_writes_no_case(self, client):
        from tiaojie.cases.models import Case
        from tiaojie.intake.models import Submission

        result = answer_all(client)
        token = re.search(r'name="t" value="([^"]+)"', result.content.decode()).group(1)
        client.post(reverse("public:guide_apply"), {"t": token})
        assert Case.objects.count() == 0 and Submission.objects.count() == 0

    def test_pre_fill_keeps_what_the_worker_already_typed_in_the_wizard(self, client):
        client.post(reverse("public:apply_step", args=["worker"]), {"name": "李四", "nav": "back"})
        client.post(reverse("public:apply_step", args=["claims"]), {"claim_annual_leave": "on", "nav": "back"})
        result = answer_all(client)
        token = re.search(r'name="t" value="([^"]+)"', result.content.decode()).group(1)
        client.post(reverse("public:guide_apply"), {"t": token})
        draft = _session_draft(client)
        assert draft["name"] == "李四" and draft["claim_annual_leave"] == "on" and draft["claim_wages"] == "on"

    def test_no_negotiation_pre_ticked_for_a_larger_employer(self, client):
        answers = {**ANSWERS, "employer": {"employer_size": "larger"}}
        result = answer_all(client, answers)
        token = re.search(r'name="t" value="([^"]+)"', result.content.decode()).group(1)
        client.post(reverse("public:guide_apply"), {"t": token})
        assert "negotiation_first" not in _session_draft(client)

    def test_apply_without_answers_goes_back_to_the_questions(self, client):
        response = client.post(reverse("public:guide_apply"), {"t": ""})
        assert response.status_code == 302 and response["Location"].startswith(step_url("work"))


def _session_draft(client) -> dict[str, str]:
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    return _load(request, DRAFT_KEY)
