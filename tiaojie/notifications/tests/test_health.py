"""/healthz, the load balancer's probe: each check, and that a stopped watcher or worker turns it red."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from tiaojie.notifications import health
from tiaojie.notifications.models import Heartbeat

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 5, 6, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def worker_runs_tasks_at_once(settings):
    """This directory's conftest leaves tasks in the database; here the queued heartbeat task stands for a live
    worker, so it runs at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def probe() -> tuple[int, dict]:
    response = Client().get("/healthz")
    return response.status_code, response.json()


def test_a_watcher_tick_beats_for_itself_and_through_the_worker():
    with time_machine.travel(MOMENT, tick=False):
        call_command("watch-deadlines", "--once")  # the worker's beat is recorded too (the fixture)
        status, body = probe()
    assert status == 200, body
    assert body["status"] == "ok"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "migrations",
        "watcher",
        "worker",
        "disk",
    }
    assert body["checks"]["watcher"]["age_s"] == 0


def test_no_background_process_ever_ran_is_unhealthy():
    status, body = probe()
    assert status == 503
    assert body["checks"]["watcher"] == {"ok": False, "age_s": None}
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_watcher_that_stopped_goes_red_after_the_allowed_age(settings):
    settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS = 300
    with time_machine.travel(MOMENT, tick=False):
        call_command("watch-deadlines", "--once")
    with time_machine.travel(MOMENT + dt.timedelta(seconds=300), tick=False):
        assert probe()[0] == 200
    with time_machine.travel(MOMENT + dt.timedelta(seconds=301), tick=False):
        status, body = probe()
    assert status == 503
    assert body["checks"]["watcher"] == {"ok": False, "age_s": 301}


def test_one_live_process_of_several_is_enough():
    with time_machine.travel(MOMENT, tick=False):
        Heartbeat.objects.create(kind="watcher", process="old-host:1", at=MOMENT - dt.timedelta(days=3))
        Heartbeat.objects.create(kind="watcher", process="new-host:2", at=MOMENT)
        Heartbeat.objects.create(kind="worker", process="new-host:3", at=MOMENT)
        assert probe()[0] == 200


def test_a_full_disk_is_unhealthy(settings):
    settings.HEALTH_MIN_FREE_BYTES = 10**18
    with time_machine.travel(MOMENT, tick=False):
        call_command("watch-deadlines", "--once")
        status, body = probe()
    assert status == 503
    assert body["checks"]["disk"]["ok"] is False


def test_unapplied_migrations_are_unhealthy(monkeypatch):
    monkeypatch.setattr(health, "_migrations_done", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("app", "0099_new")])
    status, body = probe()
    assert status == 503
    assert body["checks"]["migrations"] == {"ok": False, "unapplied": 1}


def test_the_probe_is_never_cached_and_answers_only_get():
    response = Client().get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert Client().post("/healthz").status_code == 405


def test_a_watcher_without_a_worker_leaves_the_worker_red(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, and nobody works it
    with time_machine.travel(MOMENT, tick=False):
        call_command("watch-deadlines", "--once")
        status, body = probe()
    assert status == 503
    assert body["checks"]["watcher"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "age_s": None}
