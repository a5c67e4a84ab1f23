"""Two staff acting at the same instant, on real parallel connections (PostgreSQL; SQLite serialises every
writer, so these run only there). One wins; the other gets a clear message; nothing is half-written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tiaojie.cases.actions import CaseActionError
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.mediation import actions
from tiaojie.mediation.models import Agreement, Payment, Signature
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case, pdf_upload, sign_all, staff

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")


def race(*calls):
    """Run the calls at the same moment, each on its own connection; return what each raised or returned."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except CaseActionError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def scan_call(agreement_id, role, user):
    def call():
        agreement = Agreement.objects.select_related("case").get(pk=agreement_id)
        upload = pdf_upload()
        return actions.do_sign_with_scan(
            agreement=agreement,
            role=role,
            upload=upload,
            name=upload.name,
            size=upload.size,
            signer_name="",
            version=agreement.version,
            actor=staff(user),
        )

    return call


def test_same_signature_twice_at_once_one_wins(transactional_db, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=in_days(30))
    results = race(scan_call(agreement.pk, "employer", mediator_a), scan_call(agreement.pk, "employer", admin_a))
    wins = [r for r in results if isinstance(r, Signature)]
    losses = [r for r in results if isinstance(r, CaseActionError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "签署" in losses[0].message
    assert Signature.objects.filter(agreement=agreement).count() == 1


def test_last_two_signatures_at_once_make_it_effective_exactly_once(transactional_db, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=in_days(30))
    scan_call(agreement.pk, "worker", mediator_a)()
    scan_call(agreement.pk, "employer", mediator_a)()
    results = race(scan_call(agreement.pk, "mediator", mediator_a), scan_call(agreement.pk, "organisation", admin_a))
    assert all(isinstance(r, Signature) for r in results), results
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.AGREED
    assert CaseEvent.objects.filter(case=case, kind="transition", to_status=Status.AGREED).count() == 1
    assert Agreement.objects.get(pk=agreement.pk).effective_at is not None


def test_same_payment_marked_paid_at_once_one_wins(transactional_db, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)
    sign_all(draft_agreement(case, mediator_a, due=in_days(30)), mediator_a)
    payment_id = Payment.objects.get(agreement__case=case).pk

    def pay(user):
        def call():
            payment = Payment.objects.select_related("agreement__case").get(pk=payment_id)
            upload = pdf_upload()
            return actions.do_mark_payment_paid(
                payment=payment,
                paid_on=in_days(0),
                upload=upload,
                name=upload.name,
                size=upload.size,
                actor=staff(user),
            )

        return call

    results = race(pay(mediator_a), pay(admin_a))
    assert sum(isinstance(r, Payment) for r in results) == 1, results
    assert sum(isinstance(r, CaseActionError) for r in results) == 1, results
    assert CaseEvent.objects.filter(case=case, kind="transition", to_status=Status.CLOSED).count() == 1


def test_failing_the_same_case_at_once_one_wins(transactional_db, org_a, mediator_a, admin_a):
    case = mediating_case(org_a, mediator_a)

    def fail(user, category):
        def call():
            return actions.do_fail_mediation(
                case=Case.objects.get(pk=case.pk), category=category, reason="并发测试", actor=staff(user)
            )

        return call

    results = race(fail(mediator_a, "refused"), fail(admin_a, "other"))
    assert sum(isinstance(r, CaseActionError) for r in results) == 1, results
    assert CaseEvent.objects.filter(case=case, kind="transition", to_status=Status.FAILED).count() == 1
    assert case.notices.count() == 1
