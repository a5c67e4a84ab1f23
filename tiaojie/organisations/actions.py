"""Writes to organisations, their staff and supervisors. Each action is one transaction and leaves an audit row:
the models keep a django-simple-history history, and every action sets who (`actor`) and why (`reason`) on the
row it saves, so the history row it writes names them. `actor` is the user acting, or None for the system
(the demo builder, a management command).

This app sits below `cases` (docs/architecture.md) and imports nothing above it: the cases' denormalised
copy of an organisation's division is kept in step through the `organisation_division_changed` signal, which
tiaojie.cases.signals receives inside the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.accounts.models import User
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.models import Employer, Membership, Organisation, OrganisationType, SupervisorScope
from tiaojie.organisations.signals import organisation_division_changed
from tiaojie.reference.models import Division

REASON_MAX = 2000


class OrganisationActionError(Exception):
    """A refused write, with a message for the user and, for input errors, the fields concerned."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def _audit(row: Organisation | Membership | SupervisorScope, actor: User | None, reason: str) -> None:
    """What simple-history writes on the row's next save: the actor (None: the system, even inside a request,
    whose user the middleware would otherwise record) and the reason."""
    row._history_user = actor  # type: ignore[union-attr]
    row._change_reason = reason  # type: ignore[union-attr]


def _full_clean(row: Organisation | Membership | SupervisorScope) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        fields = {name: " ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        raise OrganisationActionError(_("内容有误，请按提示修改"), fields) from exc


def placeable_division(division: Division | str, field: str = "division") -> Division:
    """The division, if it is one an organisation may be placed in today: it exists, is not retired, and is a
    place rather than a statistical grouping ("市辖区")."""
    if isinstance(division, str):
        found = Division.objects.filter(code=division).first() if division.isdigit() else None
        if found is None:
            raise OrganisationActionError(_("没有这个行政区划代码，请核对"), {field: _("没有这个行政区划代码，请核对")})
        division = found
    if division.valid_to is not None and division.valid_to <= legal_date(timezone.now()):
        message = _("该行政区划已停用，请选择现行区划")
        raise OrganisationActionError(message, {field: message})
    if division.is_placeholder:
        message = _("「%(name)s」是统计用的汇总代码，请选择具体的区划") % {"name": division.name}
        raise OrganisationActionError(message, {field: message})
    return division


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise OrganisationActionError(_("请填写原因"), {"reason": _("此操作需要填写原因")})
    if len(reason) > REASON_MAX:
        raise OrganisationActionError(_("原因不超过2000字"), {"reason": _("原因不超过2000字")})
    return reason


def do_create_organisation(
    *,
    name: str,
    type: OrganisationType | str,
    division: Division | str,
    actor: User | None,
    employer: Employer | None = None,
    industry: str = "",
    address: str = "",
    phone: str = "",
    reason: str = "",
) -> Organisation:
    """Register a mediation organisation. An enterprise committee names its employer (one per employer)."""
    type_code = type if isinstance(type, str) else type.code
    if not OrganisationType.objects.filter(code=type_code).exists():
        raise OrganisationActionError(_("没有这个组织类型"), {"type": _("没有这个组织类型")})
    if type_code == "enterprise_committee" and employer is None:
        message = _("企业劳动争议调解委员会须填写所属企业")
        raise OrganisationActionError(message, {"employer": message})
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        organisation = Organisation(
            name=name.strip(),
            type_id=type_code,
            division=placeable_division(division),
            employer=employer,
            industry=industry,
            address=address.strip(),
            phone=phone.strip(),
        )
        _full_clean(organisation)
        _audit(organisation, actor, reason)
        organisation.save()
    return organisation


def do_add_membership(
    *, user: User, organisation: Organisation, role: str, actor: User | None, reason: str = ""
) -> Membership:
    """Make `user` a member of `organisation` in `role`. A former member's row is reactivated with the new role
    (one row per user and organisation, so the history of that membership stays in one place)."""
    if role not in Membership.Role.values:
        raise OrganisationActionError(_("没有这个角色"), {"role": _("没有这个角色")})
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
        if membership is not None and membership.is_active:
            message = _("%(user)s 已是%(organisation)s的成员") % {"user": user, "organisation": organisation}
            raise OrganisationActionError(message, {"user": message})
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
            _full_clean(membership)
        else:
            membership.role = role
            membership.is_active = True
        _audit(membership, actor, reason)
        membership.save()
    return membership


def do_grant_supervisor_scope(
    *, user: User, division: Division | str | None, department: str, actor: User | None, reason: str = ""
) -> SupervisorScope:
    """Let `user` supervise the cases in `division`'s subtree (None: the whole country) for `department`.
    Granting a scope the user already holds changes nothing; a revoked identical one is reactivated."""
    if department not in SupervisorScope.Department.values:
        raise OrganisationActionError(_("没有这个部门"), {"department": _("没有这个部门")})
    place = None if division is None else placeable_division(division)
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        scope = (
            SupervisorScope.objects.select_for_update()
            .filter(user=user, division=place, department=department)
            .order_by("-is_active", "pk")
            .first()
        )
        if scope is not None and scope.is_active:
            return scope
        if scope is None:
            scope = SupervisorScope(user=user, division=place, department=department)
            _full_clean(scope)
        else:
            scope.is_active = True
        _audit(scope, actor, reason)
        scope.save()
    return scope


def do_change_organisation_division(
    *, organisation: Organisation, division: Division | str, actor: User | None, reason: str
) -> int:
    """Move `organisation` to `division`, with its cases' copy of the division (Case.division, open and closed
    alike), in one transaction. Returns the number of cases moved.

    Closed cases move too. Case.division is a copy of the organisation's division, not a fact about the case:
    supervisors' access reads it (a county supervisor sees the cases whose division lies in the county), and
    so do the statistics kept per division. Leaving closed cases behind would let the old county's supervisor
    keep reading an organisation that is no longer theirs, hide its past cases from the new one, and split
    its figures between two places for good. The rollups follow on commit (tiaojie.cases.signals announces
    each case moved on `case_changed`), so earlier periods' per-division figures move with the organisation,
    as a re-division (区划调整) or a correction of a wrong code wants, and agree with what
    `tiaojie rebuild-rollups` computes from the cases. The organisation's history row is the audit: who, when,
    the old and the new division, and why."""
    reason = _clean_reason(reason, required=True)
    place = placeable_division(division)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        old_division_id = locked.division_id
        if old_division_id == place.code:
            message = _("新区划与原区划相同")
            raise OrganisationActionError(message, {"division": message})
        locked.division = place
        _audit(locked, actor, reason)
        locked.save(update_fields=["division"])
        responses = organisation_division_changed.send(
            sender=Organisation,
            organisation=locked,
            old_division_id=old_division_id,
            division=place,
            actor=actor,
            reason=reason,
        )
    organisation.division = place
    # Receivers return how many rows of theirs they moved (the cases receiver: its cases).
    moved: list[Any] = [n for _receiver, n in responses]
    return sum(n for n in moved if isinstance(n, int))
