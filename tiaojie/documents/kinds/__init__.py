"""The document kinds: which apply to a case, in what order, and how each is built from case data.

`REGISTRY` is the single list (docs/law.md §8). Each entry names the builder, the subjects that apply now (one
document per subject: "" for one-per-case kinds, "minutes:<id>" for each 调解笔录 …), whether the document is
served on the parties (and so gets a 送达回证), its place in the case file, and its legal basis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content
from tiaojie.documents.models import Kind


class NotApplicable(Exception):
    """The document cannot be made for this case (yet): the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    build: Callable[[Case, str], Content]
    subjects: Callable[[Case], list[str]]
    served: bool
    order: int
    # A gettext_noop msgid: printed as it is, shown on the staff page in its language (`|translate_stored`).
    basis: str


REGISTRY: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    REGISTRY[str(spec.kind)] = spec
    return spec


def spec_for(kind: str) -> KindSpec:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise NotApplicable(f"未知的文书类型：{kind}") from None


def applicable(case: Case) -> list[tuple[KindSpec, str]]:
    """Every (kind, subject) that can be made for the case now, in case-file order."""
    out = []
    for spec in sorted(REGISTRY.values(), key=lambda s: s.order):
        for subject in spec.subjects(case):
            out.append((spec, subject))
    return out


def build(case: Case, kind: str, subject: str = "") -> Content:
    spec = spec_for(kind)
    if subject not in spec.subjects(case):
        raise NotApplicable(f"本案目前不能出具{Kind(kind).label}")
    # A legal document is Chinese whatever language the staff member's screen is in (docs/i18n.md): the
    # choice labels and dates a builder reads are gettext_lazy and would otherwise follow the request.
    with translation.override("zh-hans"):
        return spec.build(case, subject)


# Import the builders so they register themselves.
from tiaojie.documents.kinds import (  # noqa: E402, F401
    agreement,
    application,
    confirmation,
    minutes,
    notices,
    payment_order,
    service,
    termination,
)
