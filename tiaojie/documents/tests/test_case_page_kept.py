"""The staff case page is kept rendered (cases.page_cache): each kind of change still shows on the very next
view, each viewer gets their own CSRF token and rights, and another organisation's staff still get a 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.cases.models import Case, Status
from tiaojie.cases.page_cache import CSRF_PLACEHOLDER
from tiaojie.cases.tests.factories import make_case
from tiaojie.documents.actions import do_request_case_file
from tiaojie.documents.models import CaseFileJob
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.models import MediatorEmployment
from tiaojie.mediation.tests.factories import mediating_case
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)


def _page(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _kept_pages() -> int:
    return sum(1 for key in cache._cache if ":case-page:" in key)  # type: ignore[attr-defined]


def _without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: each response masks the token anew."""
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.fixture
def case(org_a, mediator_a):
    with time_machine.travel(RECEIVED, tick=False):
        return make_case(org_a, mediator_a)


def test_an_action_shows_on_the_next_view(client, case, mediator_a):
    client.force_login(mediator_a)
    before = _page(client, case)
    assert f'<span class="badge received" id="case-status">{Status.RECEIVED.label}</span>' in before
    kept = _kept_pages()
    assert _without_tokens(_page(client, case)) == _without_tokens(before)
    assert _kept_pages() == kept  # the second view read the kept body
    client.post(reverse("cases:transition", args=[case.pk]), {"to": "accepted", "expected_status": "received"})
    after = _page(client, case)
    assert f'<span class="badge accepted" id="case-status">{Status.ACCEPTED.label}</span>' in after
    assert "不予受理" not in after  # the transitions of the new state, not the kept ones


def test_a_case_file_jobs_progress_shows_without_an_event(client, case, mediator_a):
    client.force_login(mediator_a)
    do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    version = Case.objects.get(pk=case.pk).state_version
    assert "已排队" in _page(client, case)
    CaseFileJob.objects.filter(case=case).update(state=CaseFileJob.State.RUNNING, total=3, done=1)
    assert Case.objects.get(pk=case.pk).state_version == version  # no event: the kept body is still good
    assert "已完成 1 / 3" in _page(client, case)
    CaseFileJob.objects.filter(case=case).update(done=2)
    assert "已完成 2 / 3" in _page(client, case)


def test_a_case_without_a_case_file_reads_no_job_until_one_is_requested(client, case, mediator_a):
    client.force_login(mediator_a)
    _page(client, case)
    with CaptureQueriesContext(connection) as kept:
        assert 'id="casefile"' in _page(client, case) and "已排队" not in _page(client, case)
    assert not any("documents_casefilejob" in q["sql"] for q in kept.captured_queries)
    # Requesting one renews the case's state, so the very next view looks for the job, and finds it.
    do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    with CaptureQueriesContext(connection) as after:
        assert "已排队" in _page(client, case)
    assert any("documents_casefilejob" in q["sql"] for q in after.captured_queries)


def test_a_change_of_the_viewers_rights_shows_at_once(client, case, mediator_a):
    client.force_login(mediator_a)
    assert reverse("cases:transition", args=[case.pk]) in _page(client, case)
    # The mediator becomes an intake operator of the same organisation: they may read the case, not act.
    Membership.objects.filter(user=mediator_a).update(role=Membership.Role.INTAKE)
    page = _page(client, case)
    assert reverse("cases:transition", args=[case.pk]) not in page
    assert reverse("cases:claim_add", args=[case.pk]) not in page
    Membership.objects.filter(user=mediator_a).update(is_active=False)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_days_left_change_at_beijing_midnight(client, case, mediator_a):
    with time_machine.travel(dt.datetime(2026, 3, 5, 23, 59, tzinfo=LEGAL_TZ), tick=False):
        client.force_login(mediator_a)
        first = _page(client, case)
        left = int(re.search(r"还剩(\d+)天", first).group(1))  # type: ignore[union-attr]
        assert _without_tokens(_page(client, case)) == _without_tokens(first)
    with time_machine.travel(dt.datetime(2026, 3, 6, 0, 0, 30, tzinfo=LEGAL_TZ), tick=False):
        client.force_login(mediator_a)
        assert f"还剩{left - 1}天" in _page(client, case)


def test_another_organisations_staff_get_404_for_a_kept_page(client, case, mediator_a, mediator_b):
    client.force_login(mediator_a)
    _page(client, case)
    other = Client()
    other.force_login(mediator_b)
    assert other.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_two_mediators_share_the_body_each_with_their_own_csrf_token(case, org_a, mediator_a):
    colleague = MembershipFactory(user=UserFactory(username="mediator_a2"), organisation=org_a).user
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(mediator_a)
    second.force_login(colleague)
    kept = _kept_pages()
    one = _page(first, case)
    two = _page(second, case)
    assert _kept_pages() == kept + 1  # one body for both: the same rights on the same state
    assert CSRF_PLACEHOLDER not in one and CSRF_PLACEHOLDER not in two
    mine = _csrf_tokens(two)
    assert mine and mine.isdisjoint(_csrf_tokens(one))
    # The kept page's form works for the second viewer with the token written for them.
    response = second.post(
        reverse("cases:transition", args=[case.pk]),
        {"to": "accepted", "expected_status": "received", "csrfmiddlewaretoken": mine.pop()},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_supervisor_gets_their_own_page(client, case, mediator_a, supervisor_county):
    client.force_login(mediator_a)
    assert "完整号码的每次显示都会记录查看人和时间" in _page(client, case)
    supervisor = Client()
    supervisor.force_login(supervisor_county)
    page = _page(supervisor, case)
    assert "您以监督身份查看本案" in page
    assert reverse("cases:transition", args=[case.pk]) not in page


def test_a_case_row_changed_without_an_event_is_not_shown_stale(client, case, mediator_a):
    client.force_login(mediator_a)
    assert "新的事实" not in _page(client, case)
    Case.objects.filter(pk=case.pk).update(facts="新的事实")
    assert "新的事实" in _page(client, case)


def test_the_mediators_one_may_assign_are_read_on_every_view_in_one_query(client, org_a, mediator_a, admin_a):
    """Who may be assigned, and who may not for working at the employer, changes without an event of the case:
    the kept page shows it on the very next view, and reads it in one query however many mediators there are."""
    case = mediating_case(org_a, mediator_a)
    client.force_login(admin_a)
    _page(client, case)
    kept = _kept_pages()
    newcomer = MembershipFactory(user=UserFactory(username="newcomer", display_name="新来的调解员"), organisation=org_a)
    html = _page(client, case)
    assert _kept_pages() == kept  # the kept body was used: only the choices were rendered anew
    assign = html[html.index('id="mediator-assign"') :]
    assign = assign[: assign.index("</form>")]
    assert f'value="{newcomer.user_id}"' in assign and "新来的调解员" in assign
    assert "受雇于被申请人" not in assign

    MediatorEmployment.objects.create(user=newcomer.user, employer=case.employer)
    html = _page(client, case)
    conflicts = html[html.index("以下人员受雇于被申请人") :]
    assert "新来的调解员" in conflicts[: conflicts.index("</p>")]

    with CaptureQueriesContext(connection) as few:
        _page(client, case)
    for i in range(8):
        MembershipFactory(user=UserFactory(username=f"more{i}"), organisation=org_a)
    with CaptureQueriesContext(connection) as many:
        html = _page(client, case)
    assert 'value="' in html and html.count("<option") >= 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_viewer_who_may_not_act_gets_no_assign_form(client, org_a, mediator_a):
    case = mediating_case(org_a, mediator_a)
    reader = MembershipFactory(
        user=UserFactory(username="reader"), organisation=org_a, role=Membership.Role.INTAKE
    ).user
    client.force_login(reader)
    html = _page(client, case)
    assert "调解员与调解安排" in html and 'id="mediator-assign"' not in html
    assert "live-panel:" not in html
