"""Tasks for the django-tasks database worker (`tiaojie db_worker`)."""

from __future__ import annotations

from django_tasks import task

from tiaojie.analytics.rollups import drain_pending


@task()
def refresh_rollups(case_id: int) -> int:
    """Bring one case's rollups in line with it (queued by rollups.mark_pending). Several tasks of one case, or
    a drain beside them, refresh it once per change that is still pending: the pending row is taken first."""
    return drain_pending([case_id])
