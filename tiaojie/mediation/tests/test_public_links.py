"""Links that leave the site (SMS to the parties, links staff hand over) use settings.PUBLIC_BASE_URL, never the
request's Host header (docs/security.md §4). The attack: a mediator's request arrives with a forged Host that
ALLOWED_HOSTS lets through (a wildcard, a shared proxy); before the fix, the employer's SMS carried that host."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tiaojie.cases.actions import do_transition_case
from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation.tests.factories import agreed_case, in_days, pdf_upload, staff

pytestmark = pytest.mark.django_db

PUBLIC = "https://tiaojie.example.gov.cn"
FORGED = "phish.example"


@pytest.fixture
def forged_host_allowed(settings):
    settings.ALLOWED_HOSTS = [FORGED, "testserver"]
    settings.PUBLIC_BASE_URL = PUBLIC


def test_negotiation_sms_and_link_use_public_base_url_not_the_forged_host(
    client, org_a, mediator_a, _sms_outbox, commit, forged_host_allowed
):
    case = make_case(org_a, mediator_a)
    do_transition_case(case=case, to=Status.NEGOTIATING, actor=staff(mediator_a))
    client.force_login(mediator_a)
    with commit():
        response = client.post(
            reverse("mediation:negotiation_open", args=[case.pk]),
            {"requested_by": "worker", "contact_name": "李经理", "contact_phone": "13900139000"},
            HTTP_HOST=FORGED,
        )
    assert response.status_code == 302
    [(phone, text)] = _sms_outbox
    assert phone == "13900139000"
    assert f"{PUBLIC}/mediation/n/" in text
    assert FORGED not in text
    # The same link shown on the case page for staff to hand over.
    page = client.get(reverse("cases:detail", args=[case.pk]), HTTP_HOST=FORGED).content.decode()
    assert f'value="{PUBLIC}/mediation/n/' in page
    assert FORGED not in page


def test_rating_sms_and_links_use_public_base_url_not_the_forged_host(
    client, org_a, mediator_a, _sms_outbox, commit, forged_host_allowed
):
    from tiaojie.mediation import actions

    case = agreed_case(org_a, mediator_a, due=in_days(20))
    payment = case.agreement.payments.get()
    upload = pdf_upload("转账凭证.pdf")
    with commit():
        actions.do_mark_payment_paid(
            payment=payment, paid_on=in_days(0), upload=upload, name=upload.name, size=upload.size,
            actor=staff(mediator_a),
        )  # fmt: skip
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    _sms_outbox.clear()
    client.force_login(mediator_a)
    with commit():
        response = client.post(reverse("mediation:ratings_send", args=[case.pk]), HTTP_HOST=FORGED)
    assert response.status_code == 302
    texts = [text for _phone, text in _sms_outbox]
    assert texts and all(f"{PUBLIC}/mediation/" in text for text in texts)
    assert not any(FORGED in text for text in texts)
    page = client.get(reverse("cases:detail", args=[case.pk]), HTTP_HOST=FORGED).content.decode()
    assert f'value="{PUBLIC}/mediation/' in page  # the rating links staff may hand over
    assert FORGED not in page
