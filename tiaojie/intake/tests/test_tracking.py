"""The worker's tracking page to the end of the case (issue 13 item 7): sessions, agreed amounts and payment
schedule, confirmation windows, the arbitration limitation date, the documents served on them (downloadable
only by the tracking session of that case), and the lockout that says how many tries are left and lifts with
an SMS code sent to the phone on file."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.models import CaseEvent
from tiaojie.documents.models import Kind
from tiaojie.documents.tests.kind_fixtures import issue, serve_in_person
from tiaojie.intake.actions import _issue_tracking_code
from tiaojie.intake.models import ThrottleHit
from tiaojie.lib.workdays import LEGAL_TZ, WorkCalendar
from tiaojie.mediation import actions
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case, sign_all, staff
from tiaojie.mediation.tracking import one_year_after
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.django_db
PHONE = "13800138000"  # the default worker's (cases.tests.factories)


def _tracked(case):
    return _issue_tracking_code(case, PHONE)


def _open(client, code, phone=PHONE, ip="10.9.0.1"):
    return client.post(reverse("public:track"), {"code": code, "phone": phone}, REMOTE_ADDR=ip)


# --- the limitation date -------------------------------------------------------------------------------


def test_one_year_after_takes_the_same_date_or_the_month_end_and_rolls_over_rest_days():
    weekdays = WorkCalendar(first_year=2024, last_year=2030)
    assert one_year_after(dt.date(2026, 3, 3), weekdays).last_day == dt.date(2027, 3, 3)  # a Wednesday
    assert one_year_after(dt.date(2028, 2, 29), weekdays).last_day == dt.date(2029, 2, 28)
    saturday = one_year_after(dt.date(2026, 3, 6), weekdays)  # 2027-03-06 is a Saturday
    assert (saturday.last_day, saturday.rolled_from) == (dt.date(2027, 3, 8), dt.date(2027, 3, 6))
    holiday = WorkCalendar(first_year=2024, last_year=2030, rest_days=frozenset({dt.date(2027, 3, 8)}))
    assert one_year_after(dt.date(2026, 3, 6), holiday).last_day == dt.date(2027, 3, 9)
    assert one_year_after(dt.date(2030, 6, 3), weekdays).uncertain  # 2031 is beyond the calendar


def test_the_limitation_date_is_shown_when_mediation_fails(client, org_a, mediator_a):
    ended = dt.datetime(2026, 3, 4, 10, 0, tzinfo=LEGAL_TZ)
    with time_machine.travel(ended - dt.timedelta(days=2), tick=False):
        case = mediating_case(org_a, mediator_a)
        code = _tracked(case)
    with time_machine.travel(ended, tick=False):
        _open(client, code)
        open_page = client.get(reverse("public:track")).content.decode()
        assert "仲裁时效已经中断" in open_page
        actions.do_fail_mediation(case=case, category="refused", reason="被申请人拒绝调解", actor=staff(mediator_a))
        page = client.get(reverse("public:track")).content.decode()
    section = page[page.index('id="track-limitation"') :]
    # 2027-03-04 is a Thursday: a working day in any calendar, so the date is the same whatever the table holds.
    assert "仲裁时效从 2026年3月4日 起重新计算一年" in section and "<strong>2027年3月4日</strong>" in section
    assert "第二十七条" in section


# --- sessions, the agreement, its windows ----------------------------------------------------------------


def test_sessions_amounts_schedule_and_windows_are_on_the_tracking_page(client, org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    code = _tracked(case)
    session = actions.do_schedule_session(
        case=case,
        data=actions.SessionInput(
            mode="in_person", starts_at=case.received_at, participants="双方", place="第一调解室", already_held=True
        ),
        actor=staff(mediator_a),
    )
    sign_all(draft_agreement(case, mediator_a, due=in_days(20), instalments=2), mediator_a)
    case.refresh_from_db()
    assert _open(client, code).status_code == 302
    page = client.get(reverse("public:track")).content.decode()
    assert f'<span id="case-number">{case.number}</span>' in page  # the number staff and documents use
    sessions = page[page.index('id="track-sessions"') :]
    assert timezone.localtime(session.starts_at).strftime("%Y年%-m月%-d日 %H:%M") in sessions
    assert "第一调解室" in sessions and "双方" not in sessions.split("</section>")[0]  # no participants list
    agreement = case.agreement
    payments = list(agreement.payments.order_by("seq"))
    block = page[page.index('id="track-agreement"') :]
    total = sum(i.amount_agreed for i in agreement.items.all())
    assert f'<strong id="track-total">{total}</strong>' in block
    for p in payments:
        assert f"{p.due_date.year}年{p.due_date.month}月{p.due_date.day}日 前支付 {p.amount} 元" in block
    windows = page[page.index('id="track-windows"') :]
    review, judicial = agreement.review_deadline.last_day, agreement.judicial_deadline.last_day
    assert f"{review.year}年{review.month}月{review.day}日 24:00" in windows and "仲裁审查确认" in windows
    assert f"{judicial.year}年{judicial.month}月{judicial.day}日 24:00" in windows and "司法确认" in windows
    limitation = page[page.index('id="track-limitation"') :]
    effective = timezone.localtime(agreement.effective_at).date()
    assert f"仲裁时效从 {effective.year}年{effective.month}月{effective.day}日 起" in limitation


def test_a_cancelled_session_is_shown_cancelled_with_its_reason(client, org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    code = _tracked(case)
    session = actions.do_schedule_session(
        case=case,
        data=actions.SessionInput(mode="phone", starts_at=timezone.now() + dt.timedelta(days=2), participants="双方"),
        actor=staff(mediator_a),
    )
    actions.do_cancel_session(session=session, reason="调解员生病", actor=staff(mediator_a))
    _open(client, code)
    sessions = client.get(reverse("public:track")).content.decode().split('id="track-sessions"')[1]
    assert "已取消" in sessions.split("</section>")[0] and "调解员生病" in sessions.split("</section>")[0]


# --- documents served on the worker --------------------------------------------------------------------------


@pytest.fixture
def served(org_a, mediator_a):
    """A declined case with its notice served on the worker, and an acceptance notice served on nobody."""
    cover_years_ahead()  # the notices print deadlines: certain on any date
    case = mediating_case(org_a, mediator_a)
    worker = case.case_workers.select_related("worker").first().worker.name
    notice = issue(case, Kind.ACCEPTANCE, mediator_a)
    serve_in_person(notice, mediator_a, at=timezone.now(), receiver=worker)
    other = issue(case, Kind.APPLICATION, mediator_a)
    serve_in_person(other, mediator_a, at=timezone.now(), receiver="被申请人人事经理")
    return case, notice, other


def test_a_document_served_on_the_worker_downloads_from_their_tracking_session(client, served):
    case, notice, other = served
    code = _tracked(case)
    _open(client, code)
    page = client.get(reverse("public:track")).content.decode()
    url = reverse("documents:track_download", args=[notice.pk])
    assert f'href="{url}"' in page
    assert reverse("documents:track_download", args=[other.pk]) not in page  # served on the employer only
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert CaseEvent.objects.filter(case=case, data__step="track_download", data__document=notice.pk).exists()
    assert client.get(reverse("documents:track_download", args=[other.pk])).status_code == 404


def test_another_tracking_session_and_a_visitor_get_404(client, served, org_a, mediator_a):
    _case, notice, _other = served
    url = reverse("documents:track_download", args=[notice.pk])
    assert client.get(url).status_code == 404  # no tracking session at all
    someone_else = mediating_case(org_a, mediator_a)
    _open(client, _tracked(someone_else))  # a valid tracking session, of another case
    assert client.get(url).status_code == 404


# --- lockout: tries left, and the SMS unlock ----------------------------------------------------------------


def test_wrong_codes_say_how_many_tries_are_left_and_the_owner_unlocks_by_sms(
    client, org_a, mediator_a, settings, _sms_outbox, django_capture_on_commit_callbacks
):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track_ip": (20, 3600), "track_ipcode": (3, 3600)}
    case = mediating_case(org_a, mediator_a)
    code = _tracked(case)
    _sms_outbox.clear()
    ip = "10.9.1.1"
    first = _open(client, code, phone="13900000001", ip=ip)
    assert first.status_code == 200 and "还可以再试 2 次" in first.content.decode()
    assert "还可以再试 1 次" in _open(client, code, phone="13900000002", ip=ip).content.decode()
    locked = _open(client, code, phone="13900000003", ip=ip)
    assert locked.status_code == 429 and "用短信验证码马上解锁" in locked.content.decode()
    assert _open(client, code, ip=ip).status_code == 429  # even the right phone, until unlocked

    # A phone that is not the one on file: the same answer, and no SMS.
    send = reverse("public:track_unlock_code")
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post(send, {"code": code, "phone": "13900000009"}, REMOTE_ADDR=ip)
    assert wrong.status_code == 302 and _sms_outbox == []
    refused = client.post(reverse("public:track_unlock"), {"sms_code": "000000"}, REMOTE_ADDR=ip)
    assert refused.status_code == 400 and "验证码不对" in refused.content.decode()

    # The phone on file gets the code; a wrong code is refused; the right one opens the case.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"code": code, "phone": PHONE}, REMOTE_ADDR=ip)
    [(phone, text)] = _sms_outbox
    assert phone == PHONE and "解除查询锁定" in text
    sms_code = re.search(r"验证码 (\d{6})", text).group(1)
    page = client.get(reverse("public:track") + "?unlock=1").content.decode()
    assert "138****8000" in page and 'name="sms_code"' in page
    wrong_code = "111111" if sms_code != "111111" else "222222"
    assert client.post(reverse("public:track_unlock"), {"sms_code": wrong_code}, REMOTE_ADDR=ip).status_code == 400
    opened = client.post(reverse("public:track_unlock"), {"sms_code": sms_code}, REMOTE_ADDR=ip)
    assert opened.status_code == 302
    assert 'id="case-status"' in client.get(reverse("public:track")).content.decode()
    assert CaseEvent.objects.filter(case=case, data__step="tracking_unlock").count() == 1
    # This code's failures are forgotten; the address-wide count stays (it guards other people's codes).
    assert not ThrottleHit.objects.filter(scope="track_ipcode").exists()
    assert ThrottleHit.objects.filter(scope="track_ip").count() == 3
    # The code is used once.
    client.post(reverse("public:track_leave"))
    assert client.post(reverse("public:track_unlock"), {"sms_code": sms_code}, REMOTE_ADDR=ip).status_code == 400


def test_a_locked_look_up_of_a_closed_door_never_500s(client):
    for data in ({}, {"code": "x" * 500, "phone": "abc"}, {"code": "ABCD-EFGH-JKMN", "phone": "13800138000"}):
        assert client.post(reverse("public:track_unlock_code"), data).status_code < 500
    assert client.post(reverse("public:track_unlock"), {"sms_code": "1" * 50}).status_code == 400
