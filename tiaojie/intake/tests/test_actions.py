import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from tiaojie.cases.actions import Actor, CaseActionError, ClaimInput, EmployerInput, WorkerInput
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import case_input, make_case, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import (
    do_add_evidence,
    do_receive_referral,
    do_reroute_case,
    do_submit_application,
    normalise_tracking_code,
)
from tiaojie.intake.models import CollectiveAlert, DuplicateSuspicion, Evidence
from tiaojie.intake.routing import suggest_route
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.models import Employer
from tiaojie.organisations.tests.factories import EmployerFactory, MembershipFactory, OrganisationFactory, UserFactory
from tiaojie.reference.models import Division

pytestmark = pytest.mark.django_db
APPLICANT = Actor(ActorKind.APPLICANT, None, "applicant")
TOWNSHIP = "330110012"


@pytest.fixture
def county_centre(db):
    return OrganisationFactory(name="余杭区仲裁院调解中心", type_id="arbitration_centre", division_id="330110")


@pytest.fixture
def township_centre(org_a):
    return org_a  # org A is the 仓前街道 township centre


def online(employer: EmployerInput | None = None, phone="13800138000", **kw):
    return case_input(
        employer=employer or EmployerInput(name="杭州某某餐饮有限公司"),
        workers=[WorkerInput(name="张三", id_number=valid_id_number(), phone=phone)],
        **{"channel": "online", **kw},
    )


class TestRouting:
    def test_employer_committee_first(self, township_centre, county_centre):
        employer = EmployerFactory(division_id=TOWNSHIP, size=Employer.Size.ABOVE_SCALE)
        committee = OrganisationFactory(type_id="enterprise_committee", employer=employer, division_id=TOWNSHIP)
        route = suggest_route(employer)
        assert route.organisation == committee and route.rule == "employer_committee" and "调解委员会" in route.reason

    def test_chamber_of_the_industry_before_township(self, township_centre, county_centre):
        employer = EmployerFactory(division_id=TOWNSHIP, industry="E")
        chamber = OrganisationFactory(type_id="chamber", industry="E", division_id="330110")
        OrganisationFactory(type_id="chamber", industry="C", division_id="330110")
        assert suggest_route(employer).organisation == chamber
        assert suggest_route(EmployerFactory(division_id=TOWNSHIP, industry="H")).organisation == township_centre

    def test_township_then_county_arbitration_centre(self, township_centre, county_centre):
        assert suggest_route(EmployerFactory(division_id=TOWNSHIP)).rule == "township_centre"
        elsewhere = EmployerFactory(division_id="330110010")  # 良渚街道: no centre of its own
        route = suggest_route(elsewhere)
        assert route.organisation == county_centre and route.rule == "arbitration_centre"

    def test_inactive_organisations_are_skipped(self, township_centre, county_centre):
        township_centre.is_active = False
        township_centre.save(update_fields=["is_active"])
        assert suggest_route(EmployerFactory(division_id=TOWNSHIP)).organisation == county_centre


class TestSubmit:
    def test_online_application_is_routed_received_and_gets_a_code_by_sms(
        self, township_centre, _sms_outbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = do_submit_application(
                data=online(), actor=APPLICANT, employer_division=Division.objects.get(code=TOWNSHIP)
            )
        case = result.case
        assert case.status == Status.RECEIVED and case.organisation == township_centre and case.channel == "online"
        assert result.route.rule == "township_centre" and not result.duplicate
        routed = case.events.get(kind=CaseEvent.Kind.ROUTED)
        assert "乡镇" in routed.reason and routed.basis
        assert len(normalise_tracking_code(result.tracking_code)) == 14
        assert _sms_outbox == [("13800138000", _sms_outbox[0][1])] and result.tracking_code in _sms_outbox[0][1]

    def test_clock_a_starts_at_submission(self, township_centre):
        with time_machine.travel(dt.datetime(2026, 3, 2, 23, 59, tzinfo=LEGAL_TZ), tick=False):
            case = do_submit_application(
                data=online(), actor=APPLICANT, employer_division=Division.objects.get(code=TOWNSHIP)
            ).case
        assert case.received_at == dt.datetime(2026, 3, 2, 23, 59, tzinfo=LEGAL_TZ)
        assert case.clock_a_due == dt.date(2026, 3, 17)

    def test_free_entry_employer_needs_a_place(self, township_centre):
        with pytest.raises(CaseActionError) as err:
            do_submit_application(data=online(), actor=APPLICANT)
        assert "employer.division" in err.value.fields

    def test_no_organisation_for_the_region_is_a_clear_message(self, db):
        division = Division.objects.get(code="110101001")
        # A caller that goes on after a refusal wraps the call in its own atomic block: the action takes no
        # savepoint inside another transaction (here the test's).
        with pytest.raises(CaseActionError, match="12333"), transaction.atomic():
            do_submit_application(data=online(), actor=APPLICANT, employer_division=division)
        assert Case.objects.count() == 0

    def test_duplicate_open_case_is_flagged_never_joined(self, township_centre):
        employer = EmployerFactory(division_id=TOWNSHIP)
        first = do_submit_application(
            data=online(employer=EmployerInput(name="", existing_id=employer.pk)), actor=APPLICANT
        )
        data = online(employer=EmployerInput(name="", existing_id=employer.pk),
                      claims=[ClaimInput(type="overtime", amount=Decimal("3000"))])  # fmt: skip
        data.workers[0].id_number = first.case.workers.get().reveal("id_number")
        second = do_submit_application(data=data, actor=APPLICANT)
        # Whoever typed the ID number may not be the worker: a new case, flagged, the original untouched.
        assert second.duplicate and second.duplicate_of == first.case and second.case != first.case
        assert Case.objects.count() == 2
        assert set(first.case.claims.values_list("type", flat=True)) == {"wages"}
        assert first.case.events.filter(kind=CaseEvent.Kind.DUPLICATE).count() == 1
        assert DuplicateSuspicion.objects.get(case=second.case).original == first.case
        assert list(first.case.tracking_codes.all()) != [] and second.case.tracking_codes.count() == 1
        other = online(employer=EmployerInput(name="", existing_id=employer.pk))
        assert not do_submit_application(data=other, actor=APPLICANT).duplicate  # a fresh ID number: no flag

    def test_hotline_operator_registers_for_the_routed_organisation(self, township_centre):
        hotline = OrganisationFactory(type_id="hotline", division_id="3301")
        operator = MembershipFactory(organisation=hotline, role="intake_operator").user
        result = do_submit_application(
            data=online(),
            actor=Actor(ActorKind.STAFF, operator),
            employer_division=Division.objects.get(code=TOWNSHIP),
        )
        assert result.case.organisation == township_centre

    def test_staff_without_membership_cannot_register(self, township_centre, no_role_user):
        division = Division.objects.get(code=TOWNSHIP)
        with pytest.raises(CaseActionError), transaction.atomic():  # atomic: as above
            do_submit_application(data=online(), actor=Actor(ActorKind.STAFF, no_role_user), employer_division=division)
        with pytest.raises(CaseActionError), transaction.atomic():
            do_submit_application(
                data=online(), actor=Actor(ActorKind.STAFF, no_role_user), organisation=township_centre
            )
        assert Case.objects.count() == 0


class TestCollectiveAlert:
    @override_settings(COLLECTIVE_ALERT_THRESHOLD=10, COLLECTIVE_ALERT_WINDOW_DAYS=30)
    def test_ten_workers_in_30_days_over_several_cases_raise_one_alert(self, township_centre, mediator_a):
        employer = EmployerFactory(division_id=TOWNSHIP)
        ref = EmployerInput(name="", existing_id=employer.pk)
        start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=LEGAL_TZ)
        # An old case outside the window does not count.
        # Applications someone vouched for (here a union station's): unverified online ones never count.
        with time_machine.travel(start - dt.timedelta(days=40), tick=False):
            do_submit_application(data=online(employer=ref, channel="station"), actor=APPLICANT)
        for day in range(9):
            with time_machine.travel(start + dt.timedelta(days=day), tick=False):
                do_submit_application(data=online(employer=ref, channel="station"), actor=APPLICANT)
        assert not CollectiveAlert.objects.exists()
        with time_machine.travel(start + dt.timedelta(days=20), tick=False):
            do_submit_application(data=online(employer=ref), actor=APPLICANT)
        assert not CollectiveAlert.objects.exists()  # the tenth is an unverified online application
        with time_machine.travel(start + dt.timedelta(days=20), tick=False):
            do_submit_application(data=online(employer=ref, channel="station"), actor=APPLICANT)
        alert = CollectiveAlert.objects.get()
        assert alert.worker_count == 10 and len(alert.case_ids) == 10 and alert.county_id == "330110"
        with time_machine.travel(start + dt.timedelta(days=21), tick=False):
            do_submit_application(data=online(employer=ref, channel="station"), actor=APPLICANT)
        assert CollectiveAlert.objects.count() == 1  # once per window

    @override_settings(COLLECTIVE_ALERT_THRESHOLD=3)
    def test_threshold_is_a_setting_and_one_case_can_hold_all(self, township_centre):
        workers = [WorkerInput(name=f"工人{i}", id_number=valid_id_number()) for i in range(3)]
        do_submit_application(data=case_input(workers=workers), actor=APPLICANT,
                              employer_division=Division.objects.get(code=TOWNSHIP))  # fmt: skip
        assert CollectiveAlert.objects.get().worker_count == 3


class TestReroute:
    def test_reroute_with_reason_keeps_clock_a(self, org_a, mediator_a, org_b):
        case = make_case(org_a, mediator_a)
        due = case.clock_a_due
        do_reroute_case(case=case, to=org_b, actor=Actor(ActorKind.STAFF, mediator_a), reason="用人单位在西湖区")
        case.refresh_from_db()
        assert case.organisation == org_b and case.division_id == org_b.division_id and case.clock_a_due == due
        assert case.events.get(kind=CaseEvent.Kind.REROUTED).reason == "用人单位在西湖区"

    def test_reroute_refused_without_reason_or_after_acceptance(self, org_a, mediator_a, org_b):
        case = make_case(org_a, mediator_a)
        actor = Actor(ActorKind.STAFF, mediator_a)
        with pytest.raises(CaseActionError):
            do_reroute_case(case=case, to=org_b, actor=actor, reason=" ")
        from tiaojie.cases.actions import do_transition_case

        do_transition_case(case=case, to="accepted", actor=actor)
        with pytest.raises(CaseActionError, match="尚未受理"):
            do_reroute_case(case=case, to=org_b, actor=actor, reason="x")


class TestReferral:
    def test_repeated_post_returns_the_same_case(self, org_a, county_centre):
        operator = MembershipFactory(user=UserFactory(), organisation=county_centre, role="intake_operator").user
        actor = Actor(ActorKind.STAFF, operator, "api")
        kwargs = {
            "sender_type": "arbitration",
            "sender_name": "余杭区劳动人事争议仲裁院",
            "reference_number": "余劳人仲案字〔2026〕第12号",
        }
        first = do_receive_referral(
            data=case_input(channel="referral"), actor=actor, organisation=county_centre, **kwargs
        )
        again = do_receive_referral(
            data=case_input(channel="referral"), actor=actor, organisation=county_centre, **kwargs
        )
        assert first.created and not again.created and first.case == again.case
        assert Case.objects.count() == 1


class TestEvidence:
    def pdf(self):
        return io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    def test_pdf_is_stored_outside_the_web_root_not_executable(self, org_a, mediator_a, settings):
        case = make_case(org_a, mediator_a)
        data = self.pdf()
        ev = do_add_evidence(case=case, upload=data, name="../../工资条.pdf", size=len(data.getvalue()),
                             actor=Actor(ActorKind.STAFF, mediator_a))  # fmt: skip
        path = settings.PRIVATE_MEDIA_ROOT / ev.path
        assert path.exists() and not (path.stat().st_mode & 0o111)
        assert ev.original_name == "工资条.pdf" and ev.kind == Evidence.Kind.PDF
        assert str(settings.STATIC_ROOT) not in str(path)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"MZ\x90\x00 this is an exe", "格式"),
            (b"<html><script>alert(1)</script>", "格式"),
            (b"PK\x03\x04 not really a zip", "格式"),
            (b"", "空"),
        ],
    )
    def test_bad_files_get_a_clear_message_and_leave_nothing(self, org_a, mediator_a, settings, content, message):
        case = make_case(org_a, mediator_a)
        with pytest.raises(CaseActionError, match=message):
            do_add_evidence(case=case, upload=io.BytesIO(content), name="x.pdf", size=len(content),
                            actor=Actor(ActorKind.STAFF, mediator_a))  # fmt: skip
        assert not Evidence.objects.exists()
        assert not (settings.PRIVATE_MEDIA_ROOT / "evidence").exists() or not any(
            (settings.PRIVATE_MEDIA_ROOT / "evidence").rglob("*.*")
        )

    def test_too_big(self, org_a, mediator_a, settings):
        settings.EVIDENCE_MAX_BYTES = 1024
        case = make_case(org_a, mediator_a)
        with pytest.raises(CaseActionError, match="太大"):
            do_add_evidence(
                case=case, upload=self.pdf(), name="a.pdf", size=2048, actor=Actor(ActorKind.STAFF, mediator_a)
            )


def test_unknown_credit_code_without_a_place_is_a_field_error_not_a_500(township_centre):
    from tiaojie.organisations.tests.factories import valid_credit_code

    data = online(employer=EmployerInput(name="某公司", credit_code=valid_credit_code()))
    with pytest.raises(CaseActionError) as err:
        do_submit_application(data=data, actor=APPLICANT)
    assert "employer.division" in err.value.fields
