"""Sections that higher apps add to the case page, without cases importing them.

An app registers a function in its AppConfig.ready(); the case page calls each one with the request and
the case, and includes the template of every panel returned. This keeps the dependency arrow pointing
down (intake, mediation, documents → cases) while the case page still shows their parts.

The rendered page is kept per state of the case and viewer (cases.page_cache). A panel that shows what can
change without an event of the case (other tables: the organisation's mediators, a background job's progress)
is registered `live=True`: it is rendered on every request and put in its place in the kept page. A live panel
that is a part of another (kept) panel is registered `live=True, inline=True`: the page does not place it, the
host panel's template places its mark with `{% live_mark "dotted.name" %}` (only its small part is rendered per
request, not the whole host).
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
    live: bool = False  # set by case_panels
    name: str = ""  # the factory's dotted name, set by case_panels
    inline: bool = False  # set by case_panels: placed by its host panel's template, not by the page


PanelFactory = Callable[[HttpRequest, Case, bool], Panel | None]
_factories: list[PanelFactory] = []
_live: set[str] = set()
_inline: set[str] = set()


def factory_name(factory: PanelFactory) -> str:
    return f"{factory.__module__}.{factory.__qualname__}"


def register_panel(factory: PanelFactory | None = None, *, live: bool = False, inline: bool = False) -> Any:
    """`@register_panel`, or `@register_panel(live=True)` for a panel rendered on every request
    (`inline=True` too when another panel's template places it)."""
    if inline and not live:
        raise ValueError("only a live panel is placed by another panel")

    def add(f: PanelFactory) -> PanelFactory:
        if f not in _factories:
            _factories.append(f)
        if live:
            _live.add(factory_name(f))
        if inline:
            _inline.add(factory_name(f))
        return f

    return add(factory) if factory is not None else add


def is_live(factory: PanelFactory) -> bool:
    return factory_name(factory) in _live


def case_panels(request: HttpRequest, case: Case, can_act: bool, *, only_live: bool = False) -> list[Panel]:
    """The panels of the case page in their order, each with `live` and `name` set (only the live ones when
    `only_live`, for a kept page)."""
    panels = []
    for factory in _factories:
        live = is_live(factory)
        if only_live and not live:
            continue
        panel = factory(request, case, can_act)
        if panel is not None:
            panel.live, panel.name = live, factory_name(factory)
            panel.inline = panel.name in _inline
            panels.append(panel)
    return sorted(panels, key=lambda p: p.order)
