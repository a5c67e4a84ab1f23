from __future__ import annotations

import random

import factory
from stdnum.cn import uscc

from tiaojie.accounts.models import User
from tiaojie.organisations.models import Employer, Membership, Organisation, SupervisorScope

_rng = random.Random(7)


def valid_credit_code(region: str = "330110") -> str:
    body = "91" + region + "".join(_rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("pw-for-tests-1")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"杭州测试{n}有限公司")
    credit_code = factory.LazyFunction(valid_credit_code)
    division_id = "330110012"
    size = Employer.Size.SMALL_MICRO
    industry = "C"
    is_registered = True  # as staff enter them; an applicant-typed row is made by the intake action


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试调解中心{n}")
    type_id = "township_centre"
    division_id = "330110012"  # 余杭区仓前街道


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEDIATOR


class SupervisorScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorScope

    user = factory.SubFactory(UserFactory)
    division_id = "330110"
    department = SupervisorScope.Department.HRSS
