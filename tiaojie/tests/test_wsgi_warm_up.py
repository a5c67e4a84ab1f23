"""gunicorn's master runs tiaojie.wsgi.warm_up before it forks the workers (deploy/gunicorn.conf.py, when_ready):
what it prepares is inherited by every worker, so it must leave nothing a fork cannot share."""

from __future__ import annotations

from tiaojie.knowledge.classifier import runtime
from tiaojie.wsgi import warm_up


def test_warm_up_trains_the_seed_model_without_opening_a_database_connection() -> None:
    # No django_db mark: pytest-django refuses any connection here, so a warm-up that touched the database (a
    # connection opened in the master would be shared by the forked workers) fails this test.
    runtime.seed_model.cache_clear()
    warm_up()
    # The seed model is what a new worker's first intake would otherwise train (seconds of CPU) before answering.
    assert runtime.seed_model.cache_info().currsize == 1
    assert runtime.seed_model().version.startswith("seeds-")
