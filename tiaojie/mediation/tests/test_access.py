"""Who may reach which mediation endpoint: staff of the case's organisation act; another organisation's
mediator gets 404; a supervisor reads the case page but every write (and the staff-only documents) is 404;
anonymous visitors are sent to log in; token pages 404 on a wrong token. And no input gives a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation import actions
from tiaojie.mediation.models import Party
from tiaojie.mediation.tests.factories import agreed_case, in_days, mediating_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, mediator_a, admin_a):
    """An agreed case with a paid-proof-ready payment, a mediating case with a session, a negotiating case."""
    agreed = agreed_case(org_a, mediator_a, due=in_days(30))
    mediating = mediating_case(org_a, mediator_a)
    actions.do_assign_mediator(case=mediating, user_id=mediator_a.pk, actor=staff(admin_a))
    session = actions.do_schedule_session(
        case=mediating,
        data=actions.SessionInput(
            mode="phone", starts_at=mediating.received_at, participants="双方", already_held=True
        ),
        actor=staff(mediator_a),
    )
    actions.do_create_agreement(case=mediating, actor=staff(mediator_a))
    negotiating = make_case(org_a, mediator_a)
    negotiation = actions.do_open_negotiation(
        case=negotiating, requested_by=Party.WORKER, actor=staff(mediator_a), base_url="http://testserver/",
        contact_name="李经理", contact_phone="13900139000",
    )  # fmt: skip
    return {
        "agreed": agreed,
        "payment": agreed.agreement.payments.get(),
        "signature": agreed.agreement.signatures.first(),
        "mediating": mediating,
        "session": session,
        "assignment": mediating.mediator_assignments.get(),
        "negotiating": negotiating,
        "negotiation": negotiation,
    }


def endpoints(w):
    """(name, kwargs, method, kind) — kind: write | staff_read (staff only) | read (whoever reads the case)."""
    a, m, n = w["agreed"].pk, w["mediating"].pk, w["negotiating"].pk
    return [
        ("employer_contact", {"case_id": n}, "post", "write"),
        ("negotiation_open", {"case_id": n}, "post", "write"),
        ("negotiation_answer", {"case_id": n, "negotiation_id": w["negotiation"].pk}, "post", "write"),
        ("negotiation_fail", {"case_id": n, "negotiation_id": w["negotiation"].pk}, "post", "write"),
        ("settlement", {"case_id": n, "negotiation_id": w["negotiation"].pk}, "post", "write"),
        ("settlement_performance", {"case_id": n, "settlement_id": 1}, "post", "write"),
        ("assign", {"case_id": m}, "post", "write"),
        ("unassign", {"case_id": m, "assignment_id": w["assignment"].pk}, "post", "write"),
        ("session_new", {"case_id": m}, "post", "write"),
        ("minutes", {"case_id": m, "session_id": w["session"].pk}, "post", "write"),
        ("session_reschedule", {"case_id": m, "session_id": w["session"].pk}, "post", "write"),
        ("session_cancel", {"case_id": m, "session_id": w["session"].pk}, "post", "write"),
        ("fail", {"case_id": m}, "post", "write"),
        ("agreement_create", {"case_id": m}, "post", "write"),
        ("agreement_edit", {"case_id": m}, "get", "write"),
        ("agreement_edit", {"case_id": m}, "post", "write"),
        ("sign_send_code", {"case_id": m}, "post", "write"),
        ("sign_code", {"case_id": m}, "post", "write"),
        ("sign_scan", {"case_id": m}, "post", "write"),
        ("sign_in_person", {"case_id": m}, "post", "write"),
        ("void_signatures", {"case_id": m}, "post", "write"),
        ("confirmation", {"case_id": a}, "post", "write"),
        ("payment_paid", {"case_id": a, "payment_id": w["payment"].pk}, "post", "write"),
        ("ratings_send", {"case_id": a}, "post", "write"),
        ("payment_order", {"case_id": a}, "get", "staff_read"),
        ("handoff", {"case_id": a}, "get", "staff_read"),
        ("signature_file", {"case_id": a, "signature_id": w["signature"].pk}, "get", "read"),
        ("similar_cases", {"case_id": a}, "get", "read"),
    ]


def call(client, name, kwargs, method, data=None):
    url = reverse(f"mediation:{name}", kwargs=kwargs)
    return client.get(url) if method == "get" else client.post(url, data or {})


def test_other_organisation_mediator_gets_404_everywhere(client, world, mediator_b):
    client.force_login(mediator_b)
    for name, kwargs, method, _kind in endpoints(world):
        assert call(client, name, kwargs, method).status_code == 404, name
    assert client.get(reverse("cases:detail", args=[world["agreed"].pk])).status_code == 404


def test_intake_operator_of_the_same_organisation_cannot_decide(client, world, intake_a):
    client.force_login(intake_a)
    for name, kwargs, method, kind in endpoints(world):
        if kind != "read":
            assert call(client, name, kwargs, method).status_code == 404, name


def test_supervisor_reads_the_panels_but_every_write_is_404(client, world, supervisor_county, supervisor_other_county):
    client.force_login(supervisor_county)
    for name, kwargs, method, kind in endpoints(world):
        expected = 200 if kind == "read" else 404
        assert call(client, name, kwargs, method).status_code == expected, name
    page = client.get(reverse("cases:detail", args=[world["agreed"].pk])).content.decode()
    assert 'id="mediation-agreement"' in page and 'id="mediation-performance"' in page
    assert "登记已支付" not in page and "<form" not in page.split('id="mediation-agreement"')[1].split("</section>")[0]
    client.force_login(supervisor_other_county)
    for name, kwargs, method, _kind in endpoints(world):
        assert call(client, name, kwargs, method).status_code == 404, name


def test_anonymous_is_sent_to_log_in(client, world):
    for name, kwargs, method, _kind in endpoints(world):
        response = call(client, name, kwargs, method)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


# The panel of the case page each staff POST returns to (with the outcome, or the form's errors, as a message).
PANEL = {
    **dict.fromkeys(
        ("employer_contact", "negotiation_open", "negotiation_answer", "negotiation_fail", "settlement"),
        "mediation-negotiation",
    ),
    **dict.fromkeys(("assign", "unassign", "fail"), "mediation-mediators"),
    **dict.fromkeys(
        ("agreement_create", "sign_send_code", "sign_code", "sign_scan", "sign_in_person", "void_signatures"),
        "mediation-agreement",
    ),
    "confirmation": "mediation-confirmation",
    "payment_paid": "mediation-performance",
    "ratings_send": "mediation-ratings",
}


SESSION_FORMS = ("session_new", "minutes", "session_reschedule", "session_cancel")


def test_staff_reach_every_endpoint(client, world, mediator_a):
    """Pages and files are shown; the agreement form, posted empty, comes back with its errors; every other
    POST (empty or refused) goes back to its panel of the same case. Never the login page, never a 404."""
    client.force_login(mediator_a)
    for name, kwargs, method, _kind in endpoints(world):
        response = call(client, name, kwargs, method)
        if name == "settlement_performance":
            assert response.status_code == 404  # this world has no settlement with that id
        elif method == "get" or name == "agreement_edit":
            assert response.status_code == 200, name
        elif name in SESSION_FORMS:
            # The session forms answer a refusal with the case page itself, the form kept (test_sessions.py).
            assert response.status_code == 400, name
            assert 'id="mediation-mediators"' in response.content.decode(), name
        else:
            expected = reverse("cases:detail", args=[kwargs["case_id"]]) + f"#{PANEL[name]}"
            assert (response.status_code, response["Location"]) == (302, expected), name


def test_ids_of_another_case_are_404(client, world, mediator_a):
    """A row id from one case under another case's URL (same organisation) is not found."""
    client.force_login(mediator_a)
    m = world["mediating"].pk
    assert (
        call(client, "minutes", {"case_id": world["agreed"].pk, "session_id": world["session"].pk}, "post").status_code
        == 404
    )
    assert call(client, "payment_paid", {"case_id": m, "payment_id": world["payment"].pk}, "post").status_code == 404
    assert (
        call(client, "signature_file", {"case_id": m, "signature_id": world["signature"].pk}, "get").status_code == 404
    )


def test_token_pages_404_on_wrong_token(client):
    for name in ("employer_negotiation", "rate"):
        for token in ("x", "A" * 32, "%00", "a" * 100):
            assert client.get(reverse(f"mediation:{name}", args=[token])).status_code == 404
            assert client.post(reverse(f"mediation:{name}", args=[token]), {"answer": "accept"}).status_code == 404


GARBAGE = [
    {},
    {"role": "king", "version": "x", "code": "'; drop table", "file": "nope"},
    {"role": "worker", "version": "99999999999999999999", "code": "1" * 5000},
    {"requested_by": "worker", "contact_phone": "12345", "contact_name": "x" * 500},
    {"answer": "maybe", "channel": "link", "note": "x" * 5000},
    {"reason": "", "category": "bogus"},
    {"terms": "x", "signed_on": "2099-13-45", "amount": "NaN", "perform_by": "yesterday"},
    {"amount": "1e400", "signed_on": "1900-01-01"},
    {"user": "abc"},
    {"user": "999999"},
    {"mode": "video", "starts_at": "not-a-date", "link": "javascript:alert(1)", "participants": ""},
    {"mode": "in_person", "starts_at": "2026-02-30T10:00", "participants": "x"},
    {"statements": "x", "signatures": "x", "held_at": "3026-01-01T00:00"},
    {"route": "judicial", "outcome": "confirmed", "outcome_on": "0001-01-01"},
    {"paid_on": "2026-01-01", "file": "x"},
    {"performed": "perhaps"},
    {
        "version": "1",
        "payment_method": "cash",
        "items-TOTAL_FORMS": "1000",
        "items-INITIAL_FORMS": "0",
        "payments-TOTAL_FORMS": "-1",
        "payments-INITIAL_FORMS": "x",
    },
    {
        "version": "1",
        "payment_method": "other",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-item_id": "999999",
        "items-0-amount_agreed": "-5",
        "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0",
        "payments-0-due_date": "2000-01-01",
        "payments-0-amount": "0",
    },
]


def test_no_input_gives_a_500(client, world, mediator_a, admin_a):
    client.force_login(admin_a)
    for name, kwargs, method, _kind in endpoints(world):
        if method != "post":
            continue
        for data in GARBAGE:
            response = call(client, name, kwargs, method, data)
            assert response.status_code < 500, (name, data)
        bad_file = SimpleUploadedFile("x.pdf", b"\x00\x01garbage", content_type="application/pdf")
        response = client.post(reverse(f"mediation:{name}", kwargs=kwargs), {"file": bad_file, "role": "worker"})
        assert response.status_code < 500, name
    for url in (
        reverse("mediation:agreement_edit", args=[world["mediating"].pk]) + "?more=abc",
        reverse("mediation:agreement_edit", args=[world["mediating"].pk]) + "?more=999999",
        reverse("mediation:handoff", args=[world["agreed"].pk]) + "?pii=yes",
    ):
        assert client.get(url).status_code == 200, url
    token = world["negotiation"].token
    for data in ({}, {"answer": "x"}, {"answer": "accept" * 1000}):
        assert client.post(reverse("mediation:employer_negotiation", args=[token]), data).status_code < 500
