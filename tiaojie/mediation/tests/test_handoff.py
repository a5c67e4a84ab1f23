"""The hand-off package for the arbitration commission (docs/handoff.md)."""

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.tests.factories import mediating_case, staff

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[3] / "docs" / "handoff.md"


@pytest.fixture
def failed_case(org_a, mediator_a, admin_a):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ), tick=False):
        case = mediating_case(org_a, mediator_a)
        actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
        actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff(admin_a))
        session = actions.do_schedule_session(
            case=case,
            data=actions.SessionInput(
                mode="in_person", starts_at=case.received_at, participants="双方", place="调解室", already_held=True
            ),
            actor=staff(mediator_a),
        )
        actions.do_record_minutes(
            session=session,
            data=actions.MinutesInput(statements="申请人称拖欠工资", signatures="均已签名"),
            actor=staff(mediator_a),
        )
        actions.do_fail_mediation(case=case, category="timeout", reason="15日内未达成协议", actor=staff(mediator_a))
    return case


def test_masked_by_default(client, failed_case, mediator_a):
    client.force_login(mediator_a)
    response = client.get(reverse("mediation:handoff", args=[failed_case.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["schema"] == "tiaojie.handoff/1" and data["pii"] == "masked"
    worker = data["parties"]["workers"][0]
    assert worker["id_number"].count("*") >= 8 and worker["phone"] == "138****8000"
    assert data["parties"]["employer"]["contact"]["phone"] == "139****9000"
    assert data["case"]["status"] == "failed" and data["case"]["received_at"].startswith("2026-03-02T09:00:00+08:00")
    assert [a["at"][:10] for a in data["claim_assertions"]] == ["2026-03-02"]
    assert "第二十七条" in data["claim_assertions"][0]["basis"]
    assert [e["to_status"] for e in data["events"] if e["kind"] == "transition"] == ["accepted", "mediating", "failed"]
    assert data["sessions"][0]["minutes"]["statements"] == "申请人称拖欠工资"
    assert data["notices"][0]["kind"] == "arbitration_right" and data["notices"][0]["category"] == "timeout"
    assert data["mediators"][0]["name"] == "mediator_a"
    assert data["agreement"] is None
    # Organisation A is in Zhejiang: the commission sees the rule clock B was counted on (docs/law.md §3).
    assert data["case"]["deadlines"]["clock_b_basis"].startswith("《浙江省劳动人事争议调解仲裁条例》第十条第二款")
    claim = data["claims"][0]
    limitation = claim.pop("limitation")
    assert claim == {"type": "wages", "type_label": "劳动报酬", "amount_claimed": "12500.00", "description": ""}
    # failed on 2026-03-02..: the year restarts from the day mediation ended (tests/test_limitation.py)
    assert limitation["state"] == "running" and limitation["labour_pay"] is True
    assert PiiAccessLog.objects.count() == 0


def test_full_numbers_only_with_pii_and_every_one_is_logged(client, failed_case, mediator_a):
    client.force_login(mediator_a)
    data = json.loads(client.get(reverse("mediation:handoff", args=[failed_case.pk]) + "?pii=1").content)
    worker = failed_case.case_workers.get().worker
    assert data["pii"] == "full"
    assert data["parties"]["workers"][0]["id_number"] == worker.reveal("id_number")
    assert data["parties"]["workers"][0]["phone"] == "13800138000"
    assert data["parties"]["employer"]["contact"]["phone"] == "13900139000"
    logged = set(PiiAccessLog.objects.values_list("record_type", "field"))
    assert logged == {("cases.worker", "id_number"), ("cases.worker", "phone"), ("mediation.employercontact", "phone")}


def test_every_top_level_field_is_documented(client, failed_case, mediator_a):
    client.force_login(mediator_a)
    data = json.loads(client.get(reverse("mediation:handoff", args=[failed_case.pk])).content)
    doc = DOC.read_text(encoding="utf-8")
    for key in data:
        assert f"`{key}`" in doc, key
    for key in data["case"]:
        assert f"`{key}`" in doc, key
