"""Sections that higher apps add to the worker's tracking page (intake's public track page), without intake
importing them: intake, mediation and documents are siblings or above one another in the wrong direction
(documents sits above intake), so, as for the staff case page (cases.panels), the registry sits here, below
all of them. An app registers a function in its AppConfig.ready(); the tracking page calls each one with the
case it opened (from the tracking session: never an id from the request) and includes every section returned.
A section shows only what the worker may see: no staff notes, personal data of others masked."""

from __future__ import annotations

from collections.abc import Callable

from tiaojie.cases.models import Case
from tiaojie.cases.panels import Panel

TrackingSection = Callable[[Case], Panel | None]
_sections: list[TrackingSection] = []


def register_tracking_section(factory: TrackingSection) -> TrackingSection:
    """Idempotent, so AppConfig.ready() may run twice. Usable as a decorator."""
    if factory not in _sections:
        _sections.append(factory)
    return factory


def tracking_sections(case: Case) -> list[Panel]:
    found = [p for p in (factory(case) for factory in _sections) if p is not None]
    return sorted(found, key=lambda p: p.order)
