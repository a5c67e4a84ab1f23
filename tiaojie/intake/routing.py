"""Routing an application to the organisation that should handle it, as an ordered list of rules.

Each rule is data: a code, the reason shown to staff and the worker, and its basis. The first rule that
finds an active organisation wins. The basis is a gettext_noop msgid: stored in Chinese with the case event
and the hotline call, shown on pages in the reader's language with `|translate_stored`. Staff can re-route with a reason
(intake.actions.do_reroute_case).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division


@dataclass(frozen=True)
class RouteSuggestion:
    organisation: Organisation
    rule: str
    reason: str | Promise
    basis: str


def _active(type_code: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(type_id=type_code, is_active=True).select_related("division", "type")


def _employer_committee(employer: Employer, division: Division) -> Organisation | None:
    return employer.committee if employer.pk else None


def _chamber(employer: Employer, division: Division) -> Organisation | None:
    if not employer.industry:
        return None
    # The nearest chamber organisation of the employer's industry: same county first, then city, then province.
    for prefix in (division.code[:6], division.code[:4], division.code[:2]):
        found = _active("chamber").filter(industry=employer.industry, division_id=prefix).first()
        if found:
            return found
    return None


def _township_centre(employer: Employer, division: Division) -> Organisation | None:
    if division.level != Division.Level.TOWNSHIP:
        return None
    return _active("township_centre").filter(division_id=division.code).first()


def _county_arbitration_centre(employer: Employer, division: Division) -> Organisation | None:
    return _active("arbitration_centre").filter(division_id=division.code[:6]).first()


@dataclass(frozen=True)
class Rule:
    code: str
    reason: str | Promise
    basis: str
    find: Callable[[Employer, Division], Organisation | None]


RULES: tuple[Rule, ...] = (
    Rule(
        "employer_committee",
        _("用人单位设有企业劳动争议调解委员会，由本单位调解委员会调解"),
        gettext_noop("《劳动争议调解仲裁法》第十条；《企业劳动争议协商调解规定》"),
        _employer_committee,
    ),
    Rule(
        "chamber",
        _("用人单位所在行业和地区设有商（协）会调解组织"),
        gettext_noop("人社厅发〔2023〕36号"),
        _chamber,
    ),
    Rule(
        "township_centre",
        _("由用人单位所在乡镇（街道）劳动人事争议调解中心调解"),
        gettext_noop("《劳动争议调解仲裁法》第十条；人社厅发〔2023〕36号"),
        _township_centre,
    ),
    Rule(
        "arbitration_centre",
        _("由用人单位所在县（区）劳动人事争议仲裁院调解中心调解"),
        gettext_noop("人社厅发〔2023〕36号"),
        _county_arbitration_centre,
    ),
)


class NoRoute(Exception):
    pass


def suggest_route(employer: Employer, division: Division | None = None) -> RouteSuggestion:
    """The organisation for a dispute with `employer` located at `division` (default: the employer's)."""
    where = division or employer.division
    for rule in RULES:
        organisation = rule.find(employer, where)
        if organisation is not None:
            return RouteSuggestion(organisation, rule.code, rule.reason, rule.basis)
    raise NoRoute(where.code)


def negotiation_suggested(employer: Employer) -> bool:
    """Small and micro employers are offered negotiation first (人社厅发〔2023〕36号: a negotiation–mediation
    mechanism for small and micro enterprises)."""
    return employer.size == Employer.Size.SMALL_MICRO
