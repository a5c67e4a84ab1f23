"""The parties' SMS links in a real browser (issue 13 item 1): the employer opens the negotiation link from the
SMS in a fresh browser with no session, at a phone's width, and accepts or declines; after closure the worker
and the employer each rate the service from their own SMS link. Chrome sends `Origin: null` on a form post from
a page served with `Referrer-Policy: no-referrer`, and Django's CSRF check refused every one of these answers.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/mediation/tests/test_browser_public_links.py -q
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from tiaojie.cases.models import Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation import actions
from tiaojie.mediation.models import Negotiation, Party, Rating
from tiaojie.mediation.tests.factories import agreed_case, in_days, pdf_upload, staff

PHONE = {"width": 360, "height": 740}
SHOTS = "/tmp/shots/h1"


def sms_link(outbox: list[tuple[str, str]], phone: str, path: str) -> str:
    texts = [text for to, text in outbox if to == phone and path in text]
    assert len(texts) == 1, outbox
    return re.search(r"https?://\S+?" + re.escape(path) + r"[\w-]+/", texts[0]).group(0)


def phone_page(new_context) -> Page:
    """A fresh browser with no cookies, as on the party's own phone."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def open_negotiation(case, user, base_url: str) -> None:
    actions.do_open_negotiation(
        case=case, requested_by=Party.WORKER, actor=staff(user), base_url=base_url,
        contact_name="李经理", contact_phone="13900139000",
    )  # fmt: skip


@pytest.fixture
def public_base(settings, live_server) -> str:
    """The SMS links point at the live server, as PUBLIC_BASE_URL points at the site in production."""
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server.url


@pytest.mark.browser
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_employer_answers_from_the_sms_link(
    answer, transactional_db, public_base, new_context, org_a, mediator_a, _sms_outbox
):
    case = make_case(org_a, mediator_a)
    open_negotiation(case, mediator_a, public_base)
    link = sms_link(_sms_outbox, "13900139000", "/mediation/n/")
    assert link.startswith(public_base)
    page = phone_page(new_context)
    page.goto(link)
    expect(page.get_by_role("heading").first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/employer-negotiation-360.png", full_page=True)
    label = "同意协商" if answer == "accept" else "不同意协商"
    response_statuses: list[int] = []
    page.on("response", lambda r: response_statuses.append(r.status) if r.request.method == "POST" else None)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("body")).to_contain_text("您的答复已记录")
    expect(page.locator("body")).not_to_contain_text("CSRF")
    page.screenshot(path=f"{SHOTS}/employer-{answer}-done-360.png", full_page=True)
    assert 403 not in response_statuses
    negotiation = case.negotiations.get()
    assert negotiation.state == (Negotiation.State.ACCEPTED if answer == "accept" else Negotiation.State.DECLINED)
    assert negotiation.answer_channel == Negotiation.AnswerChannel.LINK
    case.refresh_from_db()
    assert case.status == (Status.NEGOTIATING if answer == "accept" else Status.RECEIVED)  # back where it was


@pytest.mark.browser
def test_each_party_rates_from_their_sms_link(
    transactional_db, public_base, new_context, org_a, mediator_a, _sms_outbox
):
    case = agreed_case(org_a, mediator_a, due=in_days(20))
    actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    client = Client()
    client.force_login(mediator_a)
    payment = case.agreement.payments.get()
    client.post(
        reverse("mediation:payment_paid", args=[case.pk, payment.pk]),
        {"paid_on": in_days(0).isoformat(), "file": pdf_upload()},
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    for phone, party, score, comment in (
        ("13800138000", "worker", "4", "调解员很耐心"),
        ("13900139000", "employer", "5", ""),
    ):
        page = phone_page(new_context)
        page.goto(sms_link(_sms_outbox, phone, "/mediation/r/"))
        expect(page.get_by_role("heading", name="请为本次调解服务评价")).to_be_visible()
        page.locator(f"input[name=score][value='{score}']").check()
        if comment:
            page.locator("textarea[name=comment]").fill(comment)
        page.get_by_role("button", name="提交评价").click()
        expect(page.locator("body")).to_contain_text("感谢您的评价")
        expect(page.locator("#rating-done")).to_contain_text(f"{score} 分")
        page.screenshot(path=f"{SHOTS}/rating-{party}-done-360.png", full_page=True)
        rating = Rating.objects.get(case=case, party=party)
        assert (rating.score, rating.comment) == (int(score), comment)


@pytest.mark.django_db
@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_a_post_from_another_origin_is_still_refused(origin, org_a, mediator_a, _sms_outbox, commit):
    """Not a browser test: a plain client with Django's CSRF checks on. Another site (or a page that hides its
    origin) posting the employer's answer with a valid token and cookie is refused; the page's own origin is not."""
    case = make_case(org_a, mediator_a)
    with commit():
        open_negotiation(case, mediator_a, "http://testserver")
    path = re.search(r"/mediation/n/[\w-]+/", _sms_outbox[0][1]).group(0)
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    refused = client.post(path, {"answer": "decline", "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
    assert refused.status_code == 403
    assert case.negotiations.get().state == Negotiation.State.AWAITING
    accepted = client.post(path, {"answer": "accept", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert accepted.status_code == 302
    assert case.negotiations.get().state == Negotiation.State.ACCEPTED
