"""The production files in deploy/ (docs/deployment.md) agree with the settings and keep their hardening."""

from __future__ import annotations

import configparser
import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = [
    "tiaojie-web.service",
    "tiaojie-worker.service",
    "tiaojie-watcher.service",
    "tiaojie-daily.service",
]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_nginx_refuses_bodies_above_the_apps_own_limit():
    text = (DEPLOY / "nginx" / "tiaojie.conf").read_text(encoding="utf-8")
    (size,) = re.findall(r"client_max_body_size (\d+)m;", text)
    assert int(size) * 1024 * 1024 == settings.MAX_REQUEST_BYTES
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "ssl_certificate " in text and "return 301 https://" in text


@pytest.mark.parametrize("name", UNITS)
def test_every_service_runs_as_its_own_user_on_a_read_only_system(name):
    service = unit(name)["Service"]
    if service.get("Type") != "oneshot":
        assert service["Restart"] == "on-failure"
    assert service["User"] == "tiaojie"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ReadWritePaths"] == "/srv/tiaojie/var"
    assert service["EnvironmentFile"] == "/etc/tiaojie/env"


def test_the_services_run_the_three_processes():
    assert "gunicorn --config /srv/tiaojie/app/deploy/gunicorn.conf.py" in unit(UNITS[0])["Service"]["ExecStart"]
    assert unit(UNITS[1])["Service"]["ExecStart"].endswith("tiaojie db_worker --no-reload")
    assert unit(UNITS[2])["Service"]["ExecStart"].endswith("tiaojie watch-deadlines")


def test_gunicorn_preloads_threaded_workers_of_the_projects_wsgi_app(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["preload_app"] is True
    assert config["workers"] == 3
    assert config["wsgi_app"] == "tiaojie.wsgi:application"
    assert config["bind"] == "127.0.0.1:8000"  # loopback: only nginx reaches it


def test_the_daily_jobs_run_every_day_after_midnight_in_beijing():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / "systemd" / "tiaojie-daily.timer", encoding="utf-8")
    assert parser["Timer"]["OnCalendar"] == "*-*-* 00:20:00 Asia/Shanghai"
    steps = (DEPLOY / "systemd" / "tiaojie-daily.service").read_text(encoding="utf-8")
    for command in ("grade-employers", "expire-negotiations", "anonymise-closed-cases", "backup", "verify-audit"):
        assert f"tiaojie {command}" in steps
