"""The prepared state of the case page: what its sections read, loaded once per request and handed to each.

The case page (cases.views.case_detail) builds one CaseState; every panel, of this app or of a higher one
(cases.panels), reads the case, its parties and its claims from it, and loads what only it needs through
`state.memo` (once per request) or `state.cached` (once per change of the case, in the Django cache).

`cached` keys its entry with `Case.state_version`, which changes with every CaseEvent written
(cases.actions.record_case_event, in the writing transaction) and when the dispute-type suggestion is stored,
so an entry of an earlier state is never read again, whatever cache backend is configured and however many
processes serve the site: a per-process cache only misses more often. Only what changes with an event of the
case may be cached there (its claims, the mediation rows, its documents); what other cases or other tables
change without an event (a case-file job's progress) stays `memo`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import get_language

from tiaojie.cases.actions import claims_locked_reason, renew_state_version
from tiaojie.cases.models import Case, CaseWorker, ClaimItem, DisputeTypeSuggestion

T = TypeVar("T")

# How long an entry of one state of a case is kept: a case that changes gets a new key anyway.
CACHE_SECONDS = 60 * 60
# Where the state of the request's case is kept between the view and the panels.
REQUEST_ATTRIBUTE = "_case_state"


@dataclass
class CaseState:
    case: Case
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, name: str, load: Callable[[], T]) -> T:
        """`load()` once per request (the first panel that asks loads it for the others)."""
        if name not in self._memo:
            self._memo[name] = load()
        value: T = self._memo[name]
        return value

    def cached(self, name: str, load: Callable[[], T]) -> T:
        """`load()` once per state of the case: kept in the cache under the case's state_version. `load` must
        read only rows that change with an event of this case, and return something picklable."""

        def fetch() -> T:
            # The language too: a cached value may hold labels translated when it was loaded.
            key = f"case-state:{self.case.pk}:{self.case.state_version}:{get_language()}:{name}"
            kept = cache.get(key)  # a 1-tuple, so that a loaded None is kept too
            if kept is None:
                kept = (load(),)
                cache.set(key, kept, CACHE_SECONDS)
            value: T = kept[0]
            return value

        return self.memo(name, fetch)

    def _rows(self) -> tuple[list[CaseWorker], list[ClaimItem]]:
        def load() -> tuple[list[CaseWorker], list[ClaimItem]]:
            parties = list(self.case.case_workers.select_related("worker").order_by("-is_representative", "id"))
            return parties, list(self.case.claims.order_by("id"))

        parties, claims = self.cached("rows", load)
        for party in parties:
            party.case = self.case  # the request's instance, not the pickled copy
        for claim in claims:
            claim.case = self.case
        return parties, claims

    def claims_locked(self) -> str | None:
        """Why the claims can no longer change (cases.actions.claims_locked_reason), or None."""
        return self.cached("claims_locked", lambda: claims_locked_reason(self.case))

    @property
    def parties(self) -> list[CaseWorker]:
        return self._rows()[0]

    @property
    def claims(self) -> list[ClaimItem]:
        return self._rows()[1]


def case_state(request: HttpRequest, case: Case) -> CaseState:
    """The state of `case` for this request, built on the first call (a request about another case, rare,
    gets its own)."""
    state: CaseState | None = getattr(request, REQUEST_ATTRIBUTE, None)
    if state is None or state.case.pk != case.pk:
        state = CaseState(case)
        setattr(request, REQUEST_ATTRIBUTE, state)
    return state


@receiver(post_save, sender=DisputeTypeSuggestion, dispatch_uid="cases.state.new_version_on_suggestion")
def new_version_on_suggestion(sender: Any, instance: DisputeTypeSuggestion, **kwargs: Any) -> None:
    """A stored dispute-type suggestion comes without an event (every event renews the version itself:
    cases.actions.record_case_event). The one do_create_case writes with the case is inserted without signals
    (lib.insert_together): nobody can have read that case's first version yet."""
    renew_state_version(instance.case_id)
