"""The access matrix: every case page and API endpoint, every persona (docs/style.md habit 8)."""

import json

import pytest
from django.urls import reverse

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.tests.factories import make_case
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(org_a, mediator_a):
    return make_case(org_a, mediator_a)


@pytest.fixture
def personas(
    mediator_a,
    admin_a,
    intake_a,
    mediator_b,
    supervisor_county,
    supervisor_other_county,
    supervisor_national,
    no_role_user,
):
    return {
        "mediator_a": mediator_a, "admin_a": admin_a, "intake_a": intake_a, "mediator_b": mediator_b,
        "supervisor_county": supervisor_county, "supervisor_other_county": supervisor_other_county,
        "supervisor_national": supervisor_national, "no_role_user": no_role_user,
    }  # fmt: skip


# Expected outcome of reading / acting on a case of organisation A.
CAN_READ = {"mediator_a", "admin_a", "intake_a", "supervisor_county", "supervisor_national"}
CAN_ACT = {"mediator_a", "admin_a"}


def read_urls(case):
    worker = case.workers.get()
    return [
        ("get", reverse("cases:detail", args=[case.pk]), {}),
        # A supervisor states a purpose (test_supervisor_pii.py refuses it without one); staff need none.
        ("post", reverse("cases:reveal", args=[case.pk, worker.pk, "id_number"]), {"purpose": "核查投诉"}),
    ]


def act_urls(case):
    return [
        ("post", reverse("cases:transition", args=[case.pk]), {"to": "accepted", "expected_status": "received"}),
        ("post", reverse("cases:extend", args=[case.pk]), {"days": "3", "reason": "双方同意"}),
    ]


@pytest.mark.parametrize(
    "persona",
    ["mediator_a", "admin_a", "intake_a", "mediator_b", "supervisor_county", "supervisor_other_county",
     "supervisor_national", "no_role_user"],
)  # fmt: skip
def test_page_matrix(client, personas, persona, case_a):
    client.force_login(personas[persona])
    for method, url, data in read_urls(case_a):
        response = getattr(client, method)(url, data)
        assert (response.status_code == 200) == (persona in CAN_READ), (persona, url, response.status_code)
        if persona not in CAN_READ:
            assert response.status_code == 404
    for method, url, data in act_urls(case_a):
        response = getattr(client, method)(url, data)
        assert response.status_code == (302 if persona in CAN_ACT else 404), (persona, url, response.status_code)
    # A redirect alone would also follow a refused action: the acts must have happened, or not at all.
    case_a.refresh_from_db()
    kinds = set(case_a.events.values_list("kind", flat=True))
    assert (case_a.status == "accepted") == (persona in CAN_ACT), (persona, case_a.status)
    assert ("clock_b_extended" in kinds) == (persona in CAN_ACT), (persona, kinds)
    listed = client.get(reverse("cases:list")).content.decode()
    assert (f'href="/cases/{case_a.pk}/"' in listed) == (persona in CAN_READ)


@pytest.mark.parametrize(
    "persona",
    ["mediator_a", "admin_a", "intake_a", "mediator_b", "supervisor_county", "supervisor_other_county",
     "supervisor_national", "no_role_user"],
)  # fmt: skip
def test_api_matrix(client, personas, persona, case_a):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=personas[persona])}"}
    detail = client.get(f"/api/v1/cases/{case_a.pk}", **headers)
    assert detail.status_code == (200 if persona in CAN_READ else 404), persona
    listed = client.get("/api/v1/cases", **headers).json()
    assert (case_a.pk in [item["id"] for item in listed["items"]]) == (persona in CAN_READ)
    moved = client.post(
        f"/api/v1/cases/{case_a.pk}/transitions",
        json.dumps({"to": "accepted"}),
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == (200 if persona in CAN_ACT else 404), (persona, moved.content)
    if persona in CAN_ACT:
        case_a.refresh_from_db()
        assert case_a.status == "accepted"


def test_anonymous_is_sent_to_login_and_api_gets_401(client, case_a):
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_registering_in_another_organisation_is_404(client, mediator_b, org_a):
    client.force_login(mediator_b)
    token = do_create_api_token(user=mediator_b)
    payload = {
        "organisation_id": org_a.pk, "channel": "walk_in", "employer": {"name": "X公司"},
        "workers": [{"name": "张三"}], "claims": [{"type": "wages"}], "facts": "欠薪",
    }  # fmt: skip
    response = client.post(
        "/api/v1/cases", json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404


def test_user_without_organisation_cannot_open_the_intake_form(client, supervisor_county):
    client.force_login(supervisor_county)
    assert client.get(reverse("intake:new")).status_code == 404


def test_supervisor_subtree_includes_townships_and_excludes_neighbours(supervisor_county, mediator_a):
    county_org = OrganisationFactory(division_id="330110", type_id="arbitration_centre")
    neighbour = OrganisationFactory(division_id="330111001")  # 富阳区: code 330111 sorts right after 330110
    mediator = MembershipFactory(user=UserFactory(), organisation=county_org).user
    other = MembershipFactory(user=UserFactory(), organisation=neighbour).user
    visible = make_case(county_org, mediator)
    hidden = make_case(neighbour, other)
    ids = set(cases_visible_to(supervisor_county).values_list("pk", flat=True))
    assert visible.pk in ids and hidden.pk not in ids


def test_inactive_membership_sees_nothing(client, org_a, mediator_a, case_a):
    mediator_a.memberships.update(is_active=False)
    client.force_login(mediator_a)
    assert client.get(reverse("cases:detail", args=[case_a.pk])).status_code == 404


def test_the_one_query_scope_sees_what_the_list_scope_sees(personas, org_a, org_b, mediator_a, mediator_b):
    """cases_visible_to_in_one_query (the API's read of one case) folds the memberships and scopes into the
    case query; it must hold the same cases as cases_visible_to for every kind of reader, inactive ones too."""
    from tiaojie.cases.access import cases_visible_to_in_one_query
    from tiaojie.organisations.tests.factories import SupervisorScopeFactory

    county_org = OrganisationFactory(division_id="330110", type_id="arbitration_centre")
    neighbour = OrganisationFactory(division_id="330111001")  # 富阳区: code 330111 sorts right after 330110
    closed_org = OrganisationFactory(division_id="330110012", is_active=False)
    cases = [
        make_case(org, MembershipFactory(user=UserFactory(), organisation=org).user)
        for org in (county_org, neighbour, closed_org)
    ] + [make_case(org_a, mediator_a), make_case(org_b, mediator_b)]
    readers = dict(personas)
    readers["of_closed_org"] = MembershipFactory(user=UserFactory(), organisation=closed_org).user
    readers["left_org_a"] = MembershipFactory(user=UserFactory(), organisation=org_a, is_active=False).user
    readers["scope_ended"] = SupervisorScopeFactory(is_active=False).user
    readers["two_scopes"] = SupervisorScopeFactory(division_id="330106").user
    SupervisorScopeFactory(user=readers["two_scopes"], division_id="330111")
    readers["deactivated"] = MembershipFactory(user=UserFactory(is_active=False), organisation=org_a).user
    ids = {c.pk for c in cases}
    for name, user in readers.items():
        expected = set(cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert set(cases_visible_to_in_one_query(user).filter(pk__in=ids).values_list("pk", flat=True)) == expected, (
            name
        )
    seen = {name: set(cases_visible_to_in_one_query(u).filter(pk__in=ids).values_list("pk", flat=True))
            for name, u in readers.items()}  # fmt: skip
    assert seen["supervisor_county"] == {cases[0].pk, cases[2].pk, cases[3].pk}  # not the neighbour's
    assert seen["two_scopes"] == {cases[1].pk, cases[4].pk}
    assert seen["supervisor_national"] == ids
    assert seen["left_org_a"] == seen["scope_ended"] == seen["deactivated"] == seen["of_closed_org"] == set()
