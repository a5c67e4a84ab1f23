"""Hooks the apps above organisations hang off: organisations never imports them (docs/architecture.md)."""

from __future__ import annotations

import django.dispatch

# Sent by actions.do_change_organisation_division inside its transaction, after the organisation row is saved,
# with organisation (already carrying the new division), old_division_id, division, actor and reason. Receivers
# update their copies of the organisation's division in the same transaction (cases: Case.division); one that
# raises rolls the whole change back, so the organisation and its copies never disagree. Sent with `send`, not
# `send_robust`, for that reason.
organisation_division_changed = django.dispatch.Signal()
