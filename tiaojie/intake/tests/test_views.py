import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tiaojie.cases.actions import Actor, WorkerInput
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import do_add_evidence, do_submit_application
from tiaojie.intake.models import CollectiveAlert, OralApplicationRecord
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory
from tiaojie.reference.models import Division

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def form(org, **overrides):
    data = {
        "organisation": str(org.pk), "destination": "here", "channel": "walk_in", "received_at": "",
        "employer_name": "杭州示例有限公司", "employer_credit_code": "", "employer_division": "",
        "facts": "单位拖欠工资三个月。", "workers-TOTAL_FORMS": "1", "workers-INITIAL_FORMS": "0",
        "workers-0-name": "王五", "workers-0-id_number": valid_id_number(), "workers-0-phone": "13800138000",
        "claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "0", "claims-0-type": "wages", "claims-0-amount": "15000",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_oral_application_is_recorded_with_the_confirmation(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = client.post(
        reverse("intake:new"), form(org_a, oral="on", oral_place="仓前街道调解中心", oral_confirmation="oral")
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    record = OralApplicationRecord.objects.get(case=case)
    assert record.applicant_name == "王五" and "劳动报酬" in record.matters and record.recorded_by == mediator_a
    page = client.get(response["Location"]).content.decode()
    assert "口头申请笔录" in page and "当场宣读，申请人口头确认" in page


def test_oral_application_needs_a_confirmation(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = client.post(reverse("intake:new"), form(org_a, oral="on"))
    assert "确认笔录内容" in response.content.decode() and not Case.objects.exists()


def test_station_staff_route_by_rules(client, org_a, _sms_outbox, django_capture_on_commit_callbacks):
    station = OrganisationFactory(name="暖心驿站", type_id="union_station", division_id="330110012")
    staff = MembershipFactory(organisation=station, role="intake_operator").user
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:new"), form(station, destination="rules", employer_division="330110012"), follow=True
        )
    case = Case.objects.get()
    assert case.organisation == org_a
    body = response.content.decode()
    assert "分派至「组织A 仓前街道调解中心」" in body and "查询码" in body
    assert len(_sms_outbox) == 1


def test_rules_with_unknown_division_is_a_field_error(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = client.post(reverse("intake:new"), form(org_a, destination="rules", employer_division="999"))
    assert "区划代码不存在" in response.content.decode() and not Case.objects.exists()


def test_reroute_from_the_case_page(client, org_a, mediator_a):
    other = OrganisationFactory(name="良渚人民调解委员会", type_id="people_mediation", division_id="330110010")
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    form_url = reverse("intake:reroute", args=[case.pk])
    # The kept page holds the section and a link to the form, not the other organisations' rows.
    assert "转交其他调解组织" in page and f'href="{form_url}"' in page and "良渚人民调解委员会" not in page
    fragment = client.get(form_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and f'value="{other.pk}"' in fragment and "良渚人民调解委员会" in fragment
    whole = client.get(form_url).content.decode()  # without JavaScript: a page of its own
    assert "<html" in whole and "良渚人民调解委员会" in whole
    client.post(form_url, {"organisation": other.pk, "reason": "用人单位在良渚"})
    case.refresh_from_db()
    assert case.organisation == other
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # no longer ours
    assert client.get(form_url).status_code == 404


def test_a_refused_reroute_keeps_the_reason_typed(client, org_a, mediator_a):
    OrganisationFactory(name="良渚人民调解委员会", type_id="people_mediation", division_id="330110010")
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(reverse("intake:reroute", args=[case.pk]), {"organisation": "", "reason": "用人单位在良渚"})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择转交的组织并填写原因" in html and "用人单位在良渚" in html
    case.refresh_from_db()
    assert case.organisation == org_a and not case.events.filter(kind=CaseEvent.Kind.REROUTED).exists()


def test_the_reroute_form_of_another_organisations_case_is_404(client, org_a, mediator_a, mediator_b):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_b)
    assert client.get(reverse("intake:reroute", args=[case.pk])).status_code == 404
    assert client.post(reverse("intake:reroute", args=[case.pk]), {"reason": "x"}).status_code == 404


def test_an_accepted_case_has_no_reroute_form(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    Case.objects.filter(pk=case.pk).update(status=Status.ACCEPTED)
    client.force_login(mediator_a)
    response = client.get(reverse("intake:reroute", args=[case.pk]), follow=True)
    assert "不能再转交" in response.content.decode() and response.redirect_chain[-1][0].endswith(f"/cases/{case.pk}/")
    fragment = client.get(reverse("intake:reroute", args=[case.pk]), headers={"HX-Request": "true"})
    assert "不能再转交" in fragment.content.decode() and "<form" not in fragment.content.decode()


def test_evidence_upload_download_and_access(client, org_a, mediator_a, mediator_b, supervisor_county):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    upload = SimpleUploadedFile("工资条.pdf", PDF, "application/pdf")
    client.post(reverse("intake:upload_evidence", args=[case.pk]), {"file": upload, "description": "3月工资条"})
    evidence = case.evidence.get()
    url = reverse("intake:evidence", args=[case.pk, evidence.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert case.events.filter(kind=CaseEvent.Kind.EVIDENCE).exists()
    client.force_login(supervisor_county)
    assert client.get(url).status_code == 200
    client.force_login(mediator_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("intake:upload_evidence", args=[case.pk]), {}).status_code == 404


def test_html_disguised_as_pdf_is_refused_with_a_message(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(
        reverse("intake:upload_evidence", args=[case.pk]),
        {"file": SimpleUploadedFile("a.pdf", b"<html><script>x</script>", "application/pdf")},
        follow=True,
    )
    assert "内容不是这几种格式" in response.content.decode() and not case.evidence.exists()


def test_evidence_of_another_case_is_404(client, org_a, mediator_a):
    one, two = make_case(org_a, mediator_a), make_case(org_a, mediator_a)
    ev = do_add_evidence(
        case=one, upload=io.BytesIO(PDF), name="a.pdf", size=len(PDF), actor=Actor(ActorKind.STAFF, mediator_a)
    )
    client.force_login(mediator_a)
    assert client.get(reverse("intake:evidence", args=[two.pk, ev.pk])).status_code == 404


@override_settings(COLLECTIVE_ALERT_THRESHOLD=2)
def test_alerts_reach_the_organisation_and_the_county_supervisor_only(
    client, org_a, mediator_a, mediator_b, supervisor_county, supervisor_other_county
):
    workers = [WorkerInput(name=f"工人{i}", id_number=valid_id_number()) for i in range(2)]
    from tiaojie.cases.tests.factories import case_input

    do_submit_application(data=case_input(workers=workers), actor=Actor(ActorKind.APPLICANT, None, "applicant"),
                          employer_division=Division.objects.get(code="330110012"))  # fmt: skip
    alert = CollectiveAlert.objects.get()
    for user, sees in (
        (mediator_a, True),
        (supervisor_county, True),
        (mediator_b, False),
        (supervisor_other_county, False),
    ):
        client.force_login(user)
        body = client.get(reverse("intake:alerts")).content.decode()
        assert ("杭州示例电子有限公司" in body) == sees, user
    client.force_login(mediator_b)
    assert client.post(reverse("intake:alert_acknowledge", args=[alert.pk])).status_code == 404
    client.force_login(mediator_a)
    client.post(reverse("intake:alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.acknowledged_by == mediator_a
