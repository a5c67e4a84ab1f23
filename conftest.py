"""Personas (style.md habit 8), shared by every app's tests.

Organisation A sits in 余杭区仓前街道 (330110012), organisation B in 西湖区蒋村街道 (330106011). The county
supervisor reads 余杭区 (330110); the other county's supervisor reads 西湖区 (330106).
"""

from __future__ import annotations

import pytest

from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SupervisorScopeFactory,
    UserFactory,
)

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="组织A 仓前街道调解中心", division_id="330110012")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="组织B 蒋村街道调解中心", division_id="330106011")


@pytest.fixture
def mediator_a(org_a):
    return MembershipFactory(user=UserFactory(username="mediator_a"), organisation=org_a).user


@pytest.fixture
def admin_a(org_a):
    return MembershipFactory(user=UserFactory(username="admin_a"), organisation=org_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def intake_a(org_a):
    return MembershipFactory(
        user=UserFactory(username="intake_a"), organisation=org_a, role=Membership.Role.INTAKE
    ).user


@pytest.fixture
def mediator_b(org_b):
    return MembershipFactory(user=UserFactory(username="mediator_b"), organisation=org_b).user


@pytest.fixture
def supervisor_county(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_county"), division_id="330110").user


@pytest.fixture
def supervisor_other_county(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_xihu"), division_id="330106").user


@pytest.fixture
def supervisor_national(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_national"), division_id=None).user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")
