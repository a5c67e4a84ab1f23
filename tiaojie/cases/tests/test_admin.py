"""The admin is no back door around the case actions: superusers may look at cases, never change them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from tiaojie.cases.models import Case, CaseEvent, ClaimItem, Worker
from tiaojie.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org_a, mediator_a):
    return make_case(org_a, mediator_a)


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    claims = list(ClaimItem.objects.filter(case=case).order_by("pk").values_list("type", "amount_claimed"))
    return (case.organisation_id, case.division_id, case.status, case.facts, claims)


def test_a_superuser_cannot_change_a_case(admin_client, case, org_b):
    before = _snapshot(case)
    claim = case.claims.get()
    response = admin_client.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        {
            "organisation": org_b.pk,
            "division": org_b.division_id,
            "employer": case.employer_id,
            "worker_count": 1,
            "channel": "online",
            "facts": "改写的事实",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "1",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
            "claims-0-id": claim.pk,
            "claims-0-case": case.pk,
            "claims-0-type": "overtime",
            "claims-0-amount_claimed": "1.00",
            "_save": "保存",
        },
    )
    assert response.status_code == 403
    assert _snapshot(case) == before


def test_a_superuser_cannot_delete_a_case(admin_client, case):
    response = admin_client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
    # Nor in bulk from the list: the "delete selected" action is not offered, and posting it deletes nothing.
    changelist = reverse("admin:cases_case_changelist")
    assert "delete_selected" not in admin_client.get(changelist).content.decode()
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [case.pk], "post": "yes"})
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_case_page_is_read_only(admin_client, case):
    response = admin_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert 'name="facts"' not in page and 'name="organisation"' not in page
    assert case.facts in page  # shown, as text
    assert 'name="claims-0-amount_claimed"' not in page  # the claims inline is read-only too
    assert "12500" in page.replace(",", "")
    assert admin_client.get(reverse("admin:cases_case_add")).status_code == 403


def test_events_and_workers_cannot_be_changed_or_deleted(admin_client, case):
    event = CaseEvent.objects.filter(case=case).first()
    worker = case.workers.get()
    name = worker.name
    refused = [
        admin_client.post(reverse("admin:cases_caseevent_change", args=[event.pk]), {"reason": "x"}),
        admin_client.post(reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"}),
        admin_client.post(reverse("admin:cases_worker_change", args=[worker.pk]), {"name": "李四"}),
        admin_client.post(reverse("admin:cases_worker_delete", args=[worker.pk]), {"post": "yes"}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    worker.refresh_from_db()
    assert worker.name == name
    assert admin_client.get(reverse("admin:cases_caseevent_change", args=[event.pk])).status_code == 200


def _bears_a_case(model: type[models.Model]) -> bool:
    if model in (Case, Worker):
        return True
    return any(
        isinstance(f, models.ForeignKey) and f.related_model in (Case, Worker) for f in model._meta.concrete_fields
    )


def test_no_admin_of_a_case_bearing_row_lets_a_superuser_write(admin_user):
    """Every model registered in the admin that is a case, a party, or hangs off one (events, claims, documents,
    notices, calls, reminders...) is view-only, inlines included: its writes belong to the actions."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for target, target_admin in [(model, model_admin), *((i.model, i) for i in inlines)]:
            if not _bears_a_case(target):
                continue
            checked.append(target.__name__)
            assert target_admin.has_view_permission(request), target
            for permission in ("add", "change", "delete"):
                check = getattr(target_admin, f"has_{permission}_permission")
                top_level_add = permission == "add" and target_admin is model_admin
                allowed = check(request) if top_level_add else check(request, None)
                assert not allowed, f"{target.__name__}: {permission}"
    assert {"Case", "ClaimItem", "CaseEvent", "Worker", "Document", "Negotiation", "Reminder"} <= set(checked)
