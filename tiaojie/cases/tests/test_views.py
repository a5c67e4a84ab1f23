import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.actions import Actor, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db


def intake_post(org, **overrides):
    data = {
        "organisation": str(org.pk),
        "destination": "here",
        "channel": "walk_in",
        "received_at": "",
        "employer_name": "杭州示例有限公司",
        "employer_credit_code": "",
        "facts": "单位拖欠工资三个月。",
        "workers-TOTAL_FORMS": "1",
        "workers-INITIAL_FORMS": "0",
        "workers-0-name": "王五",
        "workers-0-id_number": valid_id_number(),
        "workers-0-phone": "13800138000",
        "claims-TOTAL_FORMS": "1",
        "claims-INITIAL_FORMS": "0",
        "claims-0-type": "wages",
        "claims-0-amount": "15000",
    }
    data.update(overrides)
    return data


def test_home_is_chinese_and_links_login(client):
    body = client.get("/").content.decode()
    assert 'lang="zh-hans"' in body and "工作人员登录" in body


def test_login_with_wrong_password_says_so_in_chinese(client, mediator_a):
    response = client.post(reverse("accounts:login"), {"username": "mediator_a", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "mediator_a", "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:list")


def test_intake_form_registers_a_case(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = client.post(reverse("intake:new"), intake_post(org_a))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == Status.RECEIVED and case.claims.get().amount_claimed == 15000


def test_intake_errors_are_chinese_and_keep_what_was_typed(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = client.post(
        reverse("intake:new"),
        intake_post(org_a, **{"workers-0-id_number": "110101199001011230", "claims-0-amount": "一万"}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请输入金额" in body
    assert Case.objects.count() == 0
    # Fix the amount: the action then finds the bad ID number; the typed name and facts are kept.
    response = client.post(reverse("intake:new"), intake_post(org_a, **{"workers-0-id_number": "110101199001011230"}))
    body = response.content.decode()
    assert "校验位" in body and "王五" in body and "单位拖欠工资三个月。" in body
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "junk",
    [
        {"workers-TOTAL_FORMS": "abc"},
        {"workers-TOTAL_FORMS": "100000"},
        {"organisation": "999999"},
        {"received_at": "2999-01-01T10:00"},
        {"claims-0-type": "x" * 500},
        {"facts": ""},
    ],
)
def test_no_input_produces_a_500(client, org_a, mediator_a, junk):
    client.force_login(mediator_a)
    response = client.post(reverse("intake:new"), intake_post(org_a, **junk))
    assert response.status_code in (200, 404)
    assert Case.objects.count() == 0


def test_transition_button_and_reason(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "受理" in page and "不予受理" in page and "原因（必填）" in page
    url = reverse("cases:transition", args=[case.pk])
    response = client.post(url, {"to": "declined", "expected_status": "received", "reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    client.post(url, {"to": "accepted", "expected_status": "received"})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    # A second click from a stale page gets a clear message, not an error page.
    response = client.post(url, {"to": "declined", "expected_status": "received", "reason": "x"}, follow=True)
    assert "刷新页面" in response.content.decode()
    response = client.post(url, {"to": "nonsense", "expected_status": "??"}, follow=True)
    assert response.status_code == 200 and "操作参数无效" in response.content.decode()


def test_detail_shows_live_deadlines_with_legal_basis(client, org_a, mediator_a):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ), tick=False):
        case = make_case(org_a, mediator_a)
        do_transition_case(case=case, to="accepted", actor=Actor(ActorKind.STAFF, mediator_a))
    # Signed in on the day of each look: a session signed in at the real today may have expired by then.
    with time_machine.travel(dt.datetime(2026, 3, 17, 23, 59, tzinfo=LEGAL_TZ), tick=False):
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "2026年3月17日 24:00" in page and "今天到期" in page
        assert "第十四条第三款" in page
    with time_machine.travel(dt.datetime(2026, 3, 18, 0, 0, tzinfo=LEGAL_TZ), tick=False):
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "已逾期1天" in page and "任何一方均可直接申请仲裁" in page
        overdue = client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
        assert f'href="/cases/{case.pk}/"' in overdue


def test_list_filters(client, org_a, mediator_a):
    wages = make_case(org_a, mediator_a)
    from tiaojie.cases.actions import ClaimInput

    injury = make_case(org_a, mediator_a, claims=[ClaimInput(type="work_injury")], channel="hotline")
    client.force_login(mediator_a)

    def ids(params):
        body = client.get(reverse("cases:list"), params).content.decode()
        return {c.pk for c in (wages, injury) if f'href="/cases/{c.pk}/"' in body}

    assert ids({}) == {wages.pk, injury.pk}
    assert ids({"claim_type": "work_injury"}) == {injury.pk}
    assert ids({"channel": "walk_in"}) == {wages.pk}
    assert ids({"status": "accepted"}) == set()
    assert ids({"received_from": "2000-01-01", "received_to": "2000-01-02"}) == set()
    assert client.get(reverse("cases:list"), {"received_from": "not-a-date"}).status_code == 200


def test_list_keyset_paging_and_constant_queries(client, org_a, mediator_a):
    base = dt.datetime(2026, 1, 5, 9, 0, tzinfo=LEGAL_TZ)
    cases = [make_case(org_a, mediator_a, received_at=base + dt.timedelta(hours=i)) for i in range(55)]
    client.force_login(mediator_a)
    with CaptureQueriesContext(connection) as first:
        page1 = client.get(reverse("cases:list"))
    body = page1.content.decode()
    assert f'href="/cases/{cases[-1].pk}/"' in body and f'href="/cases/{cases[4].pk}/"' not in body
    cursor = page1.context["page"].next_cursor
    page2 = client.get(reverse("cases:list"), {"cursor": cursor}, HTTP_HX_REQUEST="true").content.decode()
    shown = [c.pk for c in cases if f'href="/cases/{c.pk}/"' in page2]
    assert shown == [c.pk for c in cases[:5]]
    # Fifty rows with their workers and claims in a handful of queries: no N+1.
    assert len(first.captured_queries) <= 12
    bad = client.get(reverse("cases:list"), {"cursor": "%%%"}, follow=True)
    assert bad.status_code == 400 and "翻页参数无效" in bad.content.decode()  # and the first page, below


def test_reveal_logs_who_saw_the_full_number(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    worker = case.workers.get()
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    full = worker.reveal("id_number")
    assert full not in page and worker.id_number_masked in page
    response = client.post(
        reverse("cases:reveal", args=[case.pk, worker.pk, "id_number"]), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="UA"
    )
    assert full in response.content.decode()
    log = PiiAccessLog.objects.get()
    assert (log.user, log.record_id, log.field, log.ip_address) == (mediator_a, str(worker.pk), "id_number", "10.1.2.3")
    assert client.post(reverse("cases:reveal", args=[case.pk, worker.pk, "password"])).status_code == 404
    assert client.get(reverse("cases:reveal", args=[case.pk, worker.pk, "phone"])).status_code == 405


def test_full_numbers_never_appear_in_the_list(client, org_a, mediator_a):
    number = valid_id_number()
    from tiaojie.cases.actions import WorkerInput

    make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六", id_number=number, phone="13700001111")])
    client.force_login(mediator_a)
    body = client.get(reverse("cases:list")).content.decode()
    assert number not in body and "13700001111" not in body and number[:6] + "********" in body
    api = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer none")
    assert api.status_code == 401


def test_other_case_id_forms_are_404_not_500(client, mediator_a):
    client.force_login(mediator_a)
    assert client.get("/cases/99999999/").status_code == 404
    assert client.get("/cases/abc/").status_code == 404
    # Past a 64-bit integer: SQLite cannot bind it, so it must be refused before any query.
    assert client.get(f"/cases/{2**63}/").status_code == 404
    assert client.get(f"/cases/{10**30}/").status_code == 404


def test_cursor_query_bounds_the_index_scan(org_a, mediator_a):
    """Without the plain upper bound both databases scan from the newest case to the cursor (bench/README.md)."""
    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.queries import case_page

    for _ in range(3):
        make_case(org_a, mediator_a)
    first = case_page(cases_visible_to(mediator_a), limit=1)
    with CaptureQueriesContext(connection) as queries:
        case_page(cases_visible_to(mediator_a), cursor=first.next_cursor, limit=1)
    id_query = next(q["sql"] for q in queries.captured_queries if "received_at" in q["sql"] and "<=" in q["sql"])
    assert "OFFSET" not in id_query.upper()
