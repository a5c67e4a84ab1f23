"""Receivers of the hooks sent by the apps below cases (they never import cases: docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from tiaojie.cases.actions import case_changed
from tiaojie.cases.models import Case, CaseSearchDocument
from tiaojie.organisations.models import Organisation
from tiaojie.organisations.signals import organisation_division_changed
from tiaojie.reference.models import Division


@receiver(organisation_division_changed, dispatch_uid="cases.move_cases_with_organisation")
def move_cases_with_organisation(sender: Any, organisation: Organisation, division: Division, **kwargs: Any) -> int:
    """Keep Case.division, the organisation's division copied onto its cases (one index range per supervisor
    subtree), equal to it: every case of the organisation, open or closed, moves in the action's transaction.
    Returns the number of cases moved.

    One UPDATE, not a save per case: the division is derived data, the organisation's history row is the audit
    of the change (who, why), and no CaseEvent is written per case. The statistics follow on commit: each case
    of the organisation is announced on `case_changed`, whose analytics receiver refreshes its rollups
    (refresh_case moves its counts from the old division's scopes to the new one's). The list is read after the
    commit: every case of the organisation, since refreshing one whose figures did not change is a no-op. One
    refresh per case, each its own short transaction; for an organisation with a very large number of cases,
    `tiaojie rebuild-rollups` is the set-based equivalent."""
    moved = (
        Case.objects.filter(organisation_id=organisation.pk)
        .exclude(division_id=division.code)
        .update(division=division, updated_at=timezone.now())
    )
    organisation_id = organisation.pk
    # The search documents' copy of the division (cases.search) moves in the same transaction, set-based: a
    # supervisor of the new county finds the cases as soon as this commits, one of the old county never again.
    CaseSearchDocument.objects.filter(case__organisation_id=organisation_id).exclude(division_id=division.code).update(
        division_id=division.code
    )

    def refresh() -> None:
        for case_id in Case.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True).iterator():
            case_changed.send(sender=Case, case_id=case_id, kind="division_changed")

    if moved:
        transaction.on_commit(refresh)
    return moved


# Every committed change rebuilds the case's search document (cases.search).
@receiver(case_changed, dispatch_uid="cases.search.on_case_changed")
def refresh_search(sender: Any, case_id: int, kind: str = "", **kwargs: Any) -> None:
    if kind in ("created", "routed"):
        # "created": do_create_case wrote the document in its own transaction (search.new_document).
        # "routed": recorded only in that same transaction, and the routing changes nothing the document holds.
        return
    from tiaojie.cases.search import on_case_changed

    on_case_changed(sender, case_id=case_id, kind=kind)
