"""Reacting to case moves made anywhere (the case page's generic buttons, the API, other apps)."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from tiaojie.cases.actions import case_changed

logger = logging.getLogger(__name__)


@receiver(case_changed, dispatch_uid="mediation.on_case_changed")
def on_case_changed(sender: object, case_id: int, kind: str, **kwargs: object) -> None:
    if kind != "transition":
        return
    from tiaojie.mediation.actions import on_case_transition

    try:
        on_case_transition(case_id)
    except Exception:
        # Runs after the move committed: never turn a successful move into an error page. The notices and
        # links are idempotent and are (re)issued by the next transition or from the case page.
        logger.exception("mediation follow-up failed for case %s", case_id)
