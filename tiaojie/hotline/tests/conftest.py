"""Hotline personas, on top of the root conftest's: an operator of the Hangzhou 12351 hotline, an operator of
another (Ningbo) hotline, and the hotline's complexity tiers put back for live_server tests."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import django.apps
import pytest

from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def hotline(db):
    return OrganisationFactory(name="杭州市总工会12351热线", type_id="hotline", division_id="3301")


@pytest.fixture
def hotline_other(db):
    return OrganisationFactory(name="宁波市总工会12351热线", type_id="hotline", division_id="3302")


@pytest.fixture
def operator(hotline):
    user = UserFactory(username="operator", display_name="话务员甲")
    return MembershipFactory(user=user, organisation=hotline, role=Membership.Role.INTAKE).user


@pytest.fixture
def operator_other(hotline_other):
    user = UserFactory(username="operator_nb")
    return MembershipFactory(user=user, organisation=hotline_other, role=Membership.Role.INTAKE).user


@pytest.fixture(autouse=True)
def _tiers_for_live_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """The flush after a transactional test wipes the tiers migration 0002 seeded; put them back."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        importlib.import_module("tiaojie.hotline.migrations.0002_seed_tiers").seed(django.apps.apps, None)
    yield
