"""Issue 12: the public door holds against a real attacker. Each test performs the attack it guards against:
a takeover of a worker's case from the public form, unverified phones, floods, double submits, a referral
reposted by another organisation, and a guesser locking the real owner out of the tracking page."""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, TestCase

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.cases.actions import Actor, CaseActionError
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import case_input, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import (
    consume_phone_code,
    do_resolve_duplicate,
    do_send_phone_code,
    do_submit_application,
)
from tiaojie.intake.models import CollectiveAlert, DuplicateSuspicion, Evidence, PhoneChallenge, Referral
from tiaojie.intake.tests.test_public import (
    CONSENT,
    PHONE,
    PNG,
    apply_online,
    last_code,
    post_submit,
    request_code,
    step,
)
from tiaojie.lib import sms
from tiaojie.mediation.tests.test_concurrency import race  # one barrier-and-threads helper
from tiaojie.organisations.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

ATTACKER_PHONE = "13799990000"
STAFF = ActorKind.STAFF


def tracking_code_in(response) -> str:
    found = re.search(r'id="tracking-code">([A-Z0-9-]+)<', response.content.decode())
    assert found, "no tracking code on the page"
    return found.group(1)


def done_page(client):
    return client.get("/apply/done/")


def look_up(client, code, phone, ip="10.0.0.1"):
    return client.post("/track/", {"code": code, "phone": phone}, REMOTE_ADDR=ip)


@pytest.fixture
def employer(org_a):
    return EmployerFactory(name="杭州被申请有限公司", division_id="330110012")


def worker_applies(employer, id_number, phone=PHONE, ip="10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    apply_online(client, id_number=id_number, employer=employer)
    if phone != PHONE:
        client.post(step("worker"), {"name": "李四", "id_number": id_number, "phone": phone, "nav": "next", **CONSENT})
    code = request_code(client, phone=phone)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post_submit(client, code=code)
    assert response.status_code == 302, response.content.decode()[:3000]
    return client, tracking_code_in(done_page(client))


class TestNoTakeover:
    def test_an_application_with_a_workers_id_number_never_opens_that_workers_case(self, org_a, employer):
        id_number = valid_id_number()
        sms.outbox.clear()
        _worker, worker_code = worker_applies(employer, id_number)
        original = Case.objects.get()
        # The attack: same ID number, the employer picked from the public search, the attacker's own phone.
        attacker, attacker_code = worker_applies(employer, id_number, phone=ATTACKER_PHONE, ip="10.6.6.6")
        assert Case.objects.count() == 2
        new = Case.objects.exclude(pk=original.pk).get()
        assert "您已经有一个正在办理的案件" not in done_page(attacker).content.decode()
        # The attacker's code opens only the new case: none of the original's claims or evidence.
        page = look_up(Client(), attacker_code, ATTACKER_PHONE)
        assert page.status_code == 302
        # The attacker's code with the worker's phone, and the worker's code with the attacker's phone: nothing.
        assert look_up(Client(), attacker_code, PHONE, ip="10.0.0.9").status_code == 200  # the not-found page
        assert look_up(Client(), worker_code, ATTACKER_PHONE, ip="10.0.0.8").status_code == 200
        held = Client()
        look_up(held, attacker_code, ATTACKER_PHONE, ip="10.0.0.7")
        assert f"#{original.pk}" not in held.get("/track/").content.decode()
        assert held.session["public_track"]["case_id"] == new.pk
        # Flagged for staff, and the worker on file told by SMS (the worker's phone, not the attacker's).
        suspicion = DuplicateSuspicion.objects.get(case=new)
        assert suspicion.original == original and suspicion.phone_differs
        warned = [text for to, text in sms.outbox if to == PHONE and "新的调解申请" in text]
        assert len(warned) == 1
        assert CaseEvent.objects.filter(case=original, kind=CaseEvent.Kind.DUPLICATE).exists()

    def test_the_attacker_cannot_withdraw_the_workers_case(self, org_a, employer):
        id_number = valid_id_number()
        worker_applies(employer, id_number)
        original = Case.objects.get()
        _attacker, attacker_code = worker_applies(employer, id_number, phone=ATTACKER_PHONE, ip="10.6.6.6")
        held = Client(REMOTE_ADDR="10.6.6.6")
        look_up(held, attacker_code, ATTACKER_PHONE, ip="10.6.6.6")
        with TestCase.captureOnCommitCallbacks(execute=True):
            held.post("/track/withdraw/code/")
        code = last_code(ATTACKER_PHONE)
        with TestCase.captureOnCommitCallbacks(execute=True):
            held.post("/track/withdraw/", {"reason": "不想调了", "sms_code": code, "expected_status": "received"})
        original.refresh_from_db()
        assert original.status == Status.RECEIVED  # only the attacker's own application was withdrawn
        assert Case.objects.exclude(pk=original.pk).get().status == Status.WITHDRAWN

    def test_staff_merge_with_a_reason_and_the_submitter_still_sees_only_their_own(self, org_a, employer, mediator_a):
        id_number = valid_id_number()
        worker_applies(employer, id_number)
        original = Case.objects.get()
        _attacker, attacker_code = worker_applies(employer, id_number, phone=ATTACKER_PHONE, ip="10.6.6.6")
        suspicion = DuplicateSuspicion.objects.get()
        actor = Actor(STAFF, mediator_a)
        with pytest.raises(CaseActionError):
            do_resolve_duplicate(suspicion=suspicion, actor=actor, merge=True, reason="  ")
        do_resolve_duplicate(suspicion=suspicion, actor=actor, merge=True, reason="电话核实为本人补充申请")
        suspicion.refresh_from_db()
        assert suspicion.resolution == "merged" and suspicion.resolved_by == mediator_a
        assert Case.objects.get(pk=suspicion.case_id).status == Status.WITHDRAWN
        assert CaseEvent.objects.filter(case=original, kind=CaseEvent.Kind.DUPLICATE, reason__contains="核实").exists()
        held = Client()
        look_up(held, attacker_code, ATTACKER_PHONE)
        assert held.session["public_track"]["case_id"] == suspicion.case_id  # never moved to the original
        with pytest.raises(CaseActionError):
            do_resolve_duplicate(suspicion=suspicion, actor=actor, merge=False, reason="再处理一次")

    def test_another_organisation_cannot_merge(self, org_a, employer, mediator_b):
        id_number = valid_id_number()
        worker_applies(employer, id_number)
        worker_applies(employer, id_number, phone=ATTACKER_PHONE, ip="10.6.6.6")
        with pytest.raises(CaseActionError):
            do_resolve_duplicate(
                suspicion=DuplicateSuspicion.objects.get(), actor=Actor(STAFF, mediator_b), merge=True, reason="x"
            )

    @pytest.mark.parametrize("channel", ["walk_in", "hotline", "station"])
    def test_staff_channels_flag_instead_of_joining(self, org_a, intake_a, employer, channel):
        id_number = valid_id_number()

        def submit(phone):
            data = case_input(workers=[_worker(id_number, phone)], channel=channel)
            data.employer.existing_id = employer.pk
            return do_submit_application(data=data, actor=Actor(STAFF, intake_a), organisation=org_a)

        first = submit(PHONE)
        second = submit(ATTACKER_PHONE)
        assert second.case.pk != first.case.pk and second.duplicate_of == first.case
        assert second.tracking_code and first.case.tracking_codes.count() == 1


def _worker(id_number, phone):
    from tiaojie.cases.actions import WorkerInput

    return WorkerInput(name="张三", id_number=id_number, phone=phone)


class TestPhoneVerification:
    def test_no_submission_without_the_code_sent_to_that_phone(self, client, org_a):
        apply_online(client)
        response = client.post(step("submit"), {"confirm": "on", "nav": "submit", "sms_code": "123456"})
        assert response.status_code == 200 and Case.objects.count() == 0
        assert "请先获取短信验证码" in response.content.decode()
        code = request_code(client)
        # A mistyped number: the code went to the old one, so the new number never gets a tracking code.
        client.post(step("worker"), {"phone": "13600000000", "nav": "next", **CONSENT, "name": "李四",
                                     "id_number": valid_id_number()})  # fmt: skip
        response = post_submit(client, code=code)
        assert response.status_code == 200 and Case.objects.count() == 0
        assert "13600000000" not in [to for to, _ in sms.outbox]

    def test_five_wrong_codes_and_the_right_one_is_refused(self, client, org_a):
        apply_online(client)
        code = request_code(client)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            assert post_submit(client, code=wrong).status_code == 200
        response = post_submit(client, code=code)
        assert "重新获取" in response.content.decode() and Case.objects.count() == 0
        assert PhoneChallenge.objects.get().attempts == 5

    def test_consent_is_separate_and_required(self, client, org_a):
        response = client.post(step("worker"), {"name": "李四", "id_number": valid_id_number(), "phone": PHONE,
                                                "nav": "next", "privacy_ack": "on"})  # fmt: skip
        assert response.status_code == 200
        assert "单独勾选同意" in response.content.decode()

    def test_withdrawal_needs_a_fresh_code_and_tells_the_worker(self, org_a, employer):
        _worker, code = worker_applies(employer, valid_id_number())
        held = Client()
        look_up(held, code, PHONE)
        response = held.post("/track/withdraw/", {"reason": "已和单位谈好", "sms_code": "123456"})
        assert Case.objects.get().status == Status.RECEIVED
        with TestCase.captureOnCommitCallbacks(execute=True):
            held.post("/track/withdraw/code/")
        sms.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = held.post("/track/withdraw/", {"reason": "已和单位谈好", "sms_code": _last_withdraw_code()})
        assert response.status_code == 302
        assert Case.objects.get().status == Status.WITHDRAWN
        assert any(to == PHONE and "已撤回" in text for to, text in sms.outbox)


def _last_withdraw_code() -> str:
    assert PhoneChallenge.objects.filter(purpose="withdraw", used_at__isnull=True).exists()
    return _codes_seen[-1]


_codes_seen: list[str] = []


@pytest.fixture(autouse=True)
def _remember_codes(monkeypatch):
    original = sms.LocmemSmsBackend.send

    def send(self, phone, text):
        found = re.search(r"验证码 ?(\d{6})", text)
        if found:
            _codes_seen.append(found.group(1))
        original(self, phone, text)

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", send)


class TestFloods:
    def test_one_address_cannot_file_hundreds_of_applications(self, org_a, settings):
        settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "apply_ip": (3, 86400)}
        made = refused = 0
        for n in range(6):
            client = Client(REMOTE_ADDR="10.9.9.9")
            apply_online(client)
            client.post(step("worker"), {"name": "李四", "id_number": valid_id_number(), "phone": f"1390000000{n}",
                                         "nav": "next", **CONSENT})  # fmt: skip
            response = post_submit(client, code=request_code(client, phone=f"1390000000{n}"))
            if response.status_code == 302:
                made += 1
            else:
                assert response.status_code == 429 and "申请太多" in response.content.decode()
                refused += 1
        assert (made, refused) == (3, 3) and Case.objects.count() == 3

    def test_codes_to_one_phone_and_from_one_address_are_limited(self, client, org_a, settings):
        apply_online(client)
        sent = 0
        for _ in range(8):
            response = client.post(step("submit"), {"nav": "sendcode"})
            sent += response.status_code == 302
        assert sent == settings.PUBLIC_RATE_LIMITS["sms_phone"][0] == 5
        assert "验证码太多" in response.content.decode() and response.status_code == 429
        with pytest.raises(Exception, match="sms_ip"):
            for n in range(20):
                do_send_phone_code(purpose="apply", phone=f"1380000{n:04d}", client_ip="10.1.1.1")

    def test_evidence_quota_per_case(self, org_a, employer, settings):
        settings.EVIDENCE_MAX_FILES_PER_CASE = 3
        _worker, code = worker_applies(employer, valid_id_number())
        held = Client()
        look_up(held, code, PHONE)
        from django.core.files.uploadedfile import SimpleUploadedFile

        files = [SimpleUploadedFile(f"p{n}.png", PNG, content_type="image/png") for n in range(5)]
        response = held.post("/track/evidence/", {"evidence": files}, follow=True)
        assert Evidence.objects.count() == 3
        assert "达到上限" in response.content.decode()

    def test_employer_search_is_limited(self, client, settings):
        settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "search_ip": (3, 600)}
        codes = [client.get("/apply/employers/", {"employer_q": "杭州"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]

    def test_collective_alerts_count_only_verified_applications(self, org_a, employer, settings):
        settings.COLLECTIVE_ALERT_THRESHOLD = 3
        applicant = Actor(ActorKind.APPLICANT, None, "applicant")
        for n in range(4):  # online, never verified: what a script posting to the action directly would make
            data = case_input(workers=[_worker(valid_id_number(), f"1350000000{n}")], channel="online")
            data.employer.existing_id = employer.pk
            do_submit_application(data=data, actor=applicant, employer_division=None)
        assert not CollectiveAlert.objects.exists()
        for n in range(3):
            worker_applies(employer, valid_id_number(), phone=f"1360000000{n}", ip=f"10.2.0.{n}")
        assert CollectiveAlert.objects.get().worker_count == 3


class TestTrackingLockout:
    def test_a_guesser_does_not_lock_the_owner_out(self, org_a, employer):
        _worker, code = worker_applies(employer, valid_id_number())
        guesser = Client()
        for n in range(8):
            look_up(guesser, code, f"1310000000{n}", ip="10.6.6.6")
        assert look_up(guesser, code, PHONE, ip="10.6.6.6").status_code == 429  # the guesser's address is held
        owner = Client()
        assert look_up(owner, code, PHONE, ip="10.0.0.2").status_code == 302  # the owner gets in from theirs


class TestDoubleSubmit:
    def test_a_second_post_of_the_same_form_registers_nothing_new(self, client, org_a):
        apply_online(client)
        code = request_code(client)
        # A double click: the second POST left the browser before the first answered, so its session still holds
        # the draft. Replay it with the session as it was.
        key = client.cookies["sessionid"].value
        before = Session.objects.get(pk=key).session_data
        post = {"confirm": "on", "nav": "submit", "sms_code": code}
        first = client.post(step("submit"), post)
        assert first.status_code == 302
        code_shown = tracking_code_in(done_page(client))
        Session.objects.filter(pk=key).update(session_data=before)
        second = client.post(step("submit"), post)
        assert second.status_code == 302 and Case.objects.count() == 1
        assert tracking_code_in(done_page(client)) == code_shown  # the same confirmation, not an error


class TestReferralScope:
    def test_another_organisation_reposting_a_referral_learns_nothing(self, client, org_a, mediator_b):
        from tiaojie.intake.tests.test_api import post, referral
        from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

        centre = OrganisationFactory(name="余杭区仲裁院调解中心", type_id="arbitration_centre", division_id="330110")
        court = MembershipFactory(user=UserFactory(), organisation=centre, role="intake_operator").user
        body = referral()
        first = post(client, body, {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=court)}"})
        assert first.status_code == 201
        # mediator_b works for organisation B; it reposts A's referral to learn about the case.
        from tiaojie.organisations.models import Membership

        Membership.objects.filter(user=mediator_b).update(role="intake_operator")
        again = post(client, body, {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_b)}"})
        assert again.status_code == 422
        text = again.content.decode()
        assert str(first.json()["case_id"]) not in text and "received" not in text
        assert Referral.objects.count() == 1


# --- real parallel writers (PostgreSQL) ---------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")


@on_postgresql
def test_twenty_concurrent_double_submits_make_twenty_cases(transactional_db, org_a):
    made = 0
    for n in range(20):
        client = Client(REMOTE_ADDR=f"10.3.0.{n}")
        apply_online(client)
        phone = f"1370000{n:04d}"
        client.post(step("worker"), {"name": "李四", "id_number": valid_id_number(), "phone": phone, "nav": "next",
                                     **CONSENT})  # fmt: skip
        code = request_code(client, phone=phone)
        twin = Client(REMOTE_ADDR=f"10.3.0.{n}")
        twin.cookies = client.cookies
        post = {"confirm": "on", "nav": "submit", "sms_code": code}
        results = race(*(partial(c.post, step("submit"), post) for c in (client, twin)))
        assert all(getattr(r, "status_code", None) == 302 for r in results), results
        made += 1
    assert Case.objects.count() == made == 20


@on_postgresql
def test_concurrent_guesses_at_a_phone_code_get_five_tries(transactional_db):
    challenge = do_send_phone_code(purpose="apply", phone=PHONE, client_ip="10.4.0.1")

    def guess(n):
        return lambda: consume_phone_code(challenge_id=challenge.pk, purpose="apply", phone=PHONE, code=f"{n:06d}")

    race(*[guess(n) for n in range(12)])
    assert PhoneChallenge.objects.get(pk=challenge.pk).attempts == 5
