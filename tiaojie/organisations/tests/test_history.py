"""The configuration tables keep a history of who changed what (django-simple-history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tiaojie.calculators_web.models import LocalWageStandard
from tiaojie.organisations.models import Membership, Organisation, SupervisorScope
from tiaojie.organisations.tests.factories import MembershipFactory, UserFactory
from tiaojie.reference.loaders import load_calendar
from tiaojie.reference.models import CalendarYear, Division, SpecialDay

pytestmark = pytest.mark.django_db


def admin_form_data(client: Client, url: str) -> dict[str, Any]:
    """The POST an unchanged save of the admin change page at `url` sends: its form and inline forms as shown."""
    response = client.get(url)
    assert response.status_code == 200

    def values(form: Any) -> dict[str, Any]:
        data = {}
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value.isoformat() if isinstance(value, dt.date) else value
        return data

    data = values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for form in formset.initial_forms:
            data.update(values(form))
    return data


def test_an_admin_edit_of_an_organisation_records_who(admin_client, admin_user, org_a):
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    data = admin_form_data(admin_client, url)
    data["phone"] = "0571-88001234"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = org_a.history.latest()
    assert (latest.history_type, latest.history_user, latest.phone) == ("~", admin_user, "0571-88001234")
    assert org_a.history.count() == 2  # created (by the factory, no user), changed (by the admin)
    # The history page lists the change with its author; reverting an old version is refused.
    page = admin_client.get(reverse("admin:organisations_organisation_history", args=[org_a.pk]))
    assert page.status_code == 200 and "0571-88001234" in page.content.decode()
    first = org_a.history.earliest()
    revert = reverse("admin:organisations_organisation_simple_history", args=[org_a.pk, first.history_id])
    assert admin_client.get(revert).status_code == 200
    assert admin_client.post(revert, data | {"phone": ""}).status_code == 403
    org_a.refresh_from_db()
    assert org_a.phone == "0571-88001234"


def test_memberships_edited_inline_record_who(admin_client, admin_user, org_a, mediator_a):
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    data = admin_form_data(admin_client, url)
    data["memberships-0-role"] = Membership.Role.ADMIN
    assert admin_client.post(url, data).status_code == 302
    membership = Membership.objects.get(user=mediator_a, organisation=org_a)
    assert membership.role == Membership.Role.ADMIN
    latest = membership.history.latest()
    assert (latest.history_user, latest.role) == (admin_user, Membership.Role.ADMIN)  # the middleware's user


def test_an_admin_edit_of_a_holiday_records_who(admin_client, admin_user):
    day = SpecialDay.objects.filter(kind="holiday", date__year=2025).order_by("date").first()
    url = reverse("admin:reference_specialday_change", args=[day.pk])
    response = admin_client.post(url, {"date": day.date.isoformat(), "kind": "holiday", "name": "元旦（更正）"})
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = day.history.latest()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", admin_user, "元旦（更正）")

    year = CalendarYear.objects.get(year=2025)
    url = reverse("admin:reference_calendaryear_change", args=[year.pk])
    assert admin_client.post(url, {"year": "2025", "source": "国办发明电〔2024〕12号"}).status_code == 302
    assert year.history.latest().history_user == admin_user


def test_an_admin_edit_of_a_wage_table_records_who(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:calculators_web_localwagestandard_add"),
        {
            "division": "3201",
            "kind": "minimum_monthly",
            "effective_from": "2024-01-01",
            "amount": "2490.00",
            "source": "江苏省人民政府关于调整全省最低工资标准的通知",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = LocalWageStandard.objects.get(division_id="3201")
    assert (row.history.get().history_type, row.history.get().history_user) == ("+", admin_user)


def test_supervisor_scopes_keep_a_history(admin_client, admin_user, supervisor_county):
    scope = SupervisorScope.objects.get(user=supervisor_county)
    url = reverse("admin:organisations_supervisorscope_change", args=[scope.pk])
    data = admin_form_data(admin_client, url)
    data.pop("is_active")
    assert admin_client.post(url, data).status_code == 302
    latest = scope.history.latest()
    assert (latest.history_user, latest.is_active) == (admin_user, False)


def test_the_reference_loaders_write_no_history_and_divisions_have_none():
    """Bulk loads (bulk_create: no signals, so no history rows) still work; divisions are reference data."""
    assert not hasattr(Division, "history")
    day = SpecialDay.objects.filter(date__year=2025).order_by("date").first()
    SpecialDay.objects.filter(pk=day.pk).delete()
    rows_before = SpecialDay.history.count()
    assert load_calendar() == 1  # the deleted day, put back
    assert SpecialDay.objects.filter(pk=day.pk).exists()
    assert SpecialDay.history.count() == rows_before
    assert not CalendarYear.history.exists()  # the migration's load wrote none either


def test_history_rows_name_a_user_who_is_deleted_later_as_nobody(admin_client, org_a):
    """Deleting a user keeps the history (history_user is set to null), so staff turnover loses no record."""
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    MembershipFactory(user=UserFactory(username="someone"), organisation=org_a)
    client = Client()
    client.force_login(editor)
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    assert client.post(url, admin_form_data(client, url) | {"address": "新地址"}).status_code == 302
    count = Organisation.history.filter(id=org_a.pk).count()
    editor.delete()
    assert Organisation.history.filter(id=org_a.pk).count() == count
    assert Organisation.history.filter(id=org_a.pk).latest().history_user is None
