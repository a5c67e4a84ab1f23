"""Sections that higher apps add to the case page, without cases importing them.

An app registers a function in its AppConfig.ready(); the case page calls each one with the request and
the case, and includes the template of every panel returned. This keeps the dependency arrow pointing
down (intake, mediation, documents → cases) while the case page still shows their parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from tiaojie.cases.models import Case


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFactory = Callable[[HttpRequest, Case, bool], Panel | None]
_factories: list[PanelFactory] = []


def register_panel(factory: PanelFactory) -> PanelFactory:
    if factory not in _factories:
        _factories.append(factory)
    return factory


def case_panels(request: HttpRequest, case: Case, can_act: bool) -> list[Panel]:
    panels = [p for p in (factory(request, case, can_act) for factory in _factories) if p is not None]
    return sorted(panels, key=lambda p: p.order)
