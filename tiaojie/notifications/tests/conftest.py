from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import LEGAL_TZ

# Monday 3 March 2025, 10:00 in Beijing: acceptance (3 working days) ends Thursday 6 March, clock A (15 days)
# Tuesday 18 March; no holiday in between.
RECEIVED = dt.datetime(2025, 3, 3, 10, 0, tzinfo=LEGAL_TZ)
WORKER_PHONE = "13800138000"


def beijing(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=LEGAL_TZ)


@pytest.fixture(autouse=True)
def _tasks_in_database(_tasks_run_immediately, settings):
    """These tests are about the queue: tasks go to django-tasks-db's table, as in production, and a test
    runs the worker, the sweep or the task itself when it wants delivery (the root conftest runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def travel() -> Iterator[time_machine.travel]:
    """travel(moment): move the clock (stopped) to `moment` until the test ends or the next travel."""
    active: list[time_machine.travel] = []

    def go(moment: dt.datetime) -> None:
        if active:
            active.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        active.append(traveller)

    yield go  # type: ignore[misc]
    for traveller in active:
        traveller.stop()


@pytest.fixture
def staff(mediator_a, admin_a, intake_a, mediator_b):
    """Org A: a mediator with an email address, an admin without one (page only), an intake operator (not
    responsible for deadlines). Org B's mediator must never hear of org A's cases."""
    mediator_a.email = "mediator_a@example.org"
    mediator_a.save(update_fields=["email"])
    return {"mediator_a": mediator_a, "admin_a": admin_a, "intake_a": intake_a, "mediator_b": mediator_b}


@pytest.fixture
def case(staff, org_a, travel) -> Case:
    travel(RECEIVED)
    return make_case(org_a, staff["mediator_a"], received_at=RECEIVED)
