"""The retention job (tiaojie.cases.retention, docs/privacy.md): cases over for RETENTION_YEARS lose their personal
data, everything else is untouched, the statistics stay right, a rerun does nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from tiaojie.accounts.models import User
from tiaojie.analytics.rollups import rebuild_all, rollup_totals
from tiaojie.cases.actions import Actor, WorkerInput, do_transition_case
from tiaojie.cases.models import Case, CaseEvent, Status, Worker
from tiaojie.cases.retention import (
    RETENTION_STATUSES,
    anonymise_closed_cases,
    do_anonymise_case,
    retention_cutoff,
    scrub_numbers,
)
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.transitions import TRANSITIONS, ActorKind
from tiaojie.documents.tests.factories import issue
from tiaojie.intake.actions import do_add_evidence
from tiaojie.intake.models import Evidence, TrackingCode
from tiaojie.lib import crypto
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.actions import do_set_employer_contact
from tiaojie.mediation.tests.factories import PDF, agreed_case, in_days, pdf_upload
from tiaojie.notifications.actions import do_queue_sms
from tiaojie.notifications.models import Notification
from tiaojie.organisations.models import Organisation

BJ = LEGAL_TZ
CLOSED_AT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BJ)
PHONE = "13800138000"


def staff(user: User) -> Actor:
    return Actor(ActorKind.STAFF, user)


def closed_case(org: Organisation, user: User, *, at: dt.datetime = CLOSED_AT, **overrides: object) -> Case:
    """Received, declined and closed at `at` (Beijing)."""
    with time_machine.travel(at, tick=False):
        case = make_case(org, user, received_at=at, **overrides)
        do_transition_case(case=case, to=Status.DECLINED, actor=staff(user), reason="不属于劳动争议")
        do_transition_case(case=case, to=Status.CLOSED, actor=staff(user))
    case.refresh_from_db()
    return case


def years_later(at: dt.datetime, years: int, days: int = 0) -> dt.datetime:
    return at.replace(year=at.year + years) + dt.timedelta(days=days)


def test_scrub_numbers_removes_ids_and_phones_and_keeps_amounts_and_dates():
    id_number = valid_id_number()
    text = (
        f"张三，身份证{id_number}，旧证号330110900101001，手机{PHONE}、+86 139 0013 9000，"
        "座机0571-88886666，银行卡6222020200112233445，2024年3月1日起拖欠工资12500.00元，共3个月。"
    )
    scrubbed = scrub_numbers(text)
    for secret in (id_number, "330110900101001", PHONE, "139 0013 9000", "88886666", "6222020200112233445"):
        assert secret not in scrubbed
    assert "2024年3月1日" in scrubbed and "12500.00元" in scrubbed and "3个月" in scrubbed
    assert scrubbed.count("[身份证号码已删除]") == 1 and scrubbed.count("[电话号码已删除]") == 3


def test_retention_statuses_are_those_a_case_never_leaves_except_to_closed():
    """The job must never anonymise a case that can still go back to work: if a transition out of one of these
    statuses to anything but `closed` is ever added, this fails."""
    for status in RETENTION_STATUSES:
        assert {t.target for t in TRANSITIONS if t.source == status} <= {Status.CLOSED}, status
    # A settlement not performed goes back to mediation: its period starts only when the case is closed.
    assert any(t.source == Status.SETTLED and t.target != Status.CLOSED for t in TRANSITIONS)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (years_later(CLOSED_AT, 3, days=1), True),  # 3 years + 1 day
        (years_later(CLOSED_AT, 3), False),  # the anniversary is still inside the period
        (years_later(CLOSED_AT, 3, days=-1), False),  # 3 years − 1 day
    ],
)
def test_a_case_is_anonymised_only_after_the_period(org_a, mediator_a, now, due):
    case = closed_case(org_a, mediator_a)
    with time_machine.travel(now, tick=False):
        run = anonymise_closed_cases()
    case.refresh_from_db()
    worker = case.workers.get()
    assert (run.anonymised == [case.pk]) is due
    assert (case.anonymised_at is not None) is due
    assert (worker.name == "劳动者甲") is due
    assert (worker.id_number_encrypted == "" and worker.phone_index == "") is due


def test_the_period_ends_at_midnight_beijing(org_a, mediator_a):
    org = org_a
    late = CLOSED_AT.replace(hour=23, minute=59)
    case = closed_case(org, mediator_a, at=late)
    with time_machine.travel(years_later(late, 3), tick=False):  # 23:59 on the anniversary
        assert anonymise_closed_cases().anonymised == []
    with time_machine.travel(years_later(late.replace(hour=0, minute=0), 3, days=1), tick=False):  # 00:00 next day
        assert anonymise_closed_cases().anonymised == [case.pk]


def test_retention_years_is_the_setting(org_a, mediator_a, settings):
    settings.RETENTION_YEARS = 5
    case = closed_case(org_a, mediator_a)
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        assert anonymise_closed_cases().anonymised == []
    with time_machine.travel(years_later(CLOSED_AT, 5, days=1), tick=False):
        assert anonymise_closed_cases().anonymised == [case.pk]
    assert retention_cutoff(dt.datetime(2028, 2, 29, 12, 0, tzinfo=BJ)) == dt.datetime(2023, 3, 1, tzinfo=BJ)


def test_open_cases_and_agreed_cases_are_untouched_however_old(org_a, mediator_a):
    org = org_a
    with time_machine.travel(CLOSED_AT, tick=False):
        still_open = make_case(org, mediator_a, received_at=CLOSED_AT)
        agreed = agreed_case(org, mediator_a, due=in_days(30))  # performance pending: not closed
    with time_machine.travel(years_later(CLOSED_AT, 10), tick=False):
        run = anonymise_closed_cases()
        assert do_anonymise_case(case_id=still_open.pk) is None
    assert run.due == [] and run.anonymised == []
    for case in (still_open, agreed):
        case.refresh_from_db()
        assert case.anonymised_at is None
        assert case.workers.get().name == "张三"
        assert not case.events.filter(kind=CaseEvent.Kind.ANONYMISED).exists()


def test_rerun_does_nothing(org_a, mediator_a, django_capture_on_commit_callbacks):
    case = closed_case(org_a, mediator_a)
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = anonymise_closed_cases()
        events = CaseEvent.objects.filter(case=case).count()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            second = anonymise_closed_cases()
    assert first.anonymised == [case.pk]
    assert second.due == [] and second.anonymised == [] and callbacks == []
    assert CaseEvent.objects.filter(case=case).count() == events
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.ANONYMISED)
    assert event.actor is None and event.actor_label == "system" and event.data["workers"] == 1


def test_statistics_still_count_the_case(org_a, mediator_a, django_capture_on_commit_callbacks):
    org = org_a
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case(org, mediator_a)
    before = rollup_totals()
    assert before["received"] == 1 and before["closed"] == 1 and before["amount_claimed"] == Decimal("12500.00")
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the CaseEvent refreshes the case's rollups
            assert anonymise_closed_cases().anonymised == [case.pk]
        assert rollup_totals() == before
        rebuild_all()  # recomputed from the anonymised rows: the same numbers
        assert rollup_totals() == before
    case.refresh_from_db()
    assert (case.status, case.organisation_id, case.worker_count) == (Status.CLOSED, org.pk, 1)
    assert case.claims.get().amount_claimed == Decimal("12500.00")


def test_a_worker_shared_with_a_case_in_its_period_keeps_their_row(org_a, mediator_a):
    org = org_a
    id_number = valid_id_number()
    workers = [WorkerInput(name="王五", id_number=id_number, phone=PHONE)]
    old = closed_case(org, mediator_a, workers=workers, facts="王五的工资被拖欠。")
    later = CLOSED_AT + dt.timedelta(days=400)
    newer = closed_case(org, mediator_a, at=later, workers=workers, facts="王五再次申请。")
    shared = old.workers.get()
    assert newer.workers.get() == shared  # found again by the ID number's blind index

    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        assert anonymise_closed_cases().anonymised == [old.pk]
    shared.refresh_from_db()
    old.refresh_from_db()
    assert shared.name == "王五" and shared.id_number_index == crypto.blind_index("id", id_number)
    assert old.facts == "劳动者甲的工资被拖欠。"  # the anonymised case's own text loses the name anyway
    event = old.events.get(kind=CaseEvent.Kind.ANONYMISED)
    assert event.data["workers"] == 0 and event.data["workers_kept"] == 1

    with time_machine.travel(years_later(later, 3, days=1), tick=False):
        assert anonymise_closed_cases().anonymised == [newer.pk]
    shared.refresh_from_db()
    assert shared.name == "劳动者甲" and shared.id_number_index == "" and shared.phone_masked == ""


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _rows_containing(secrets: list[str]) -> list[str]:
    """Every row of every table outside the reference data whose values contain one of `secrets`."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label == "reference":
            continue
        for row in model._default_manager.values_list():
            text = " ".join(str(value) for value in row)
            found += [f"{model._meta.label} {row[0]}: {s}" for s in secrets if s in text]
    return found


@pytest.mark.django_db
def test_no_personal_data_of_the_case_is_left_anywhere(org_a, mediator_a, django_capture_on_commit_callbacks):
    """The whole journey (a worker, an employer's contact, evidence, an issued document, four signed scans, an SMS,
    a tracking code), closed, then run past its period: no table holds the name, ID number, phone numbers or
    their blind indexes any more, and no file of the case is left on disk."""
    org = org_a
    id_number = valid_id_number()
    contact_phone = "13900139000"
    facts = f"申请人张三（身份证号码{id_number}，电话{PHONE}）在被申请人处工作，被拖欠工资。"
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(CLOSED_AT, tick=False):
        case = agreed_case(
            org,
            mediator_a,
            due=in_days(30),
            workers=[WorkerInput(name="张三", id_number=id_number, phone=PHONE, address="杭州市西湖区文三路1号")],
            facts=facts,
        )
        do_set_employer_contact(case=case, name="李经理", phone=contact_phone, actor=staff(mediator_a))
        upload = pdf_upload("张三的工资条.pdf", PDF + b"wage slip")
        do_add_evidence(
            case=case, upload=upload, name=upload.name, size=upload.size, actor=staff(mediator_a), description="工资条"
        )
        issue(case, mediator_a)
        worker = case.workers.get()
        do_queue_sms(phone=PHONE, text="张三您好，查询码 ABCD-EFGH-JKLM", template_key="test", case=case, worker=worker)
        TrackingCode.objects.create(case=case, code_index="c" * 64, phone_index=crypto.blind_index("phone", PHONE))
        do_transition_case(case=case, to=Status.CLOSED, actor=staff(mediator_a))
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    secrets = [
        "张三",
        "李经理",
        id_number,
        PHONE,
        contact_phone,
        "文三路",
        crypto.blind_index("id", id_number),
        crypto.blind_index("phone", PHONE),
    ]
    assert len(_files(root)) >= 1 + 4 + 2  # the evidence, four scans, the document's PDF and .docx
    assert _rows_containing(secrets)  # the check below can find what it looks for
    assert Notification.objects.filter(case=case, recipient_user__isnull=True).exists()

    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert anonymise_closed_cases().anonymised == [case.pk]

    assert _rows_containing(secrets) == []
    assert _files(root) == []
    evidence = Evidence.objects.get(case=case)
    assert evidence.original_name == "（已按保存期限删除）" and evidence.sha256  # the row stays, marked
    assert not TrackingCode.objects.filter(case=case).exists()
    assert not Notification.objects.filter(case=case, recipient_user__isnull=True).exists()
    case.refresh_from_db()
    assert case.facts == (
        "申请人劳动者甲（身份证号码[身份证号码已删除]，电话[电话号码已删除]）在被申请人处工作，被拖欠工资。"
    )
    assert case.agreement.items.count() == 1 and case.documents.count() == 1  # the records stay, without names


def test_the_command(org_a, mediator_a):
    case = closed_case(org_a, mediator_a)
    out = io.StringIO()
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        call_command("anonymise-closed-cases", "--dry-run", stdout=out)
        assert "1 case(s) due" in out.getvalue()
        case.refresh_from_db()
        assert case.anonymised_at is None
        call_command("anonymise-closed-cases", "--batch-size", "1", stdout=out)
        assert "anonymised 1 case(s) ended or closed before 2026-03-11 (RETENTION_YEARS=3); failed 0" in out.getvalue()
        with pytest.raises(CommandError):
            call_command("anonymise-closed-cases", "--batch-size", "0", stdout=out)
    assert Worker.objects.get(cases=case).name == "劳动者甲"


def test_a_failing_case_is_rolled_back_and_the_others_are_done(org_a, mediator_a, monkeypatch):
    org = org_a
    first, second = closed_case(org, mediator_a), closed_case(org, mediator_a)
    from tiaojie.cases import retention

    def broken(ctx: retention.Anonymisation) -> None:
        if ctx.case.pk == first.pk:
            raise RuntimeError("disk on fire")

    monkeypatch.setitem(retention._ANONYMISERS, "broken", retention.Anonymiser("broken", broken))
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        run = anonymise_closed_cases(batch_size=1)
        with pytest.raises(CommandError):
            call_command("anonymise-closed-cases", stdout=io.StringIO())
    assert run.failed == [first.pk] and run.anonymised == [second.pk]
    first.refresh_from_db()
    assert first.anonymised_at is None and first.workers.get().name == "张三"


def test_on_request_a_case_that_is_over_is_anonymised_before_its_period(org_a, mediator_a):
    case = closed_case(org_a, mediator_a)
    with time_machine.travel(CLOSED_AT + dt.timedelta(days=30), tick=False):
        assert anonymise_closed_cases().anonymised == []  # far from due
        with pytest.raises(CommandError):
            call_command("anonymise-closed-cases", "--case", str(case.pk), stdout=io.StringIO())  # no reason
        out = io.StringIO()
        reason = "本人到场申请，已核对身份证"
        call_command("anonymise-closed-cases", "--case", str(case.pk), "--reason", reason, stdout=out)
        assert f"anonymised case {case.pk} on request" in out.getvalue()
        with pytest.raises(CommandError):  # once only
            call_command("anonymise-closed-cases", "--case", str(case.pk), "--reason", "again", stdout=out)
        still_open = make_case(org_a, mediator_a)
        assert do_anonymise_case(case_id=still_open.pk, on_request="本人申请") is None  # not over: refused
    event = case.events.get(kind=CaseEvent.Kind.ANONYMISED)
    assert "本人到场申请" in event.reason
    assert case.workers.get().name == "劳动者甲"
    assert still_open.workers.get().name == "张三"
