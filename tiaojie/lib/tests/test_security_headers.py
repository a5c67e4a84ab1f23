"""The headers of lib/security_headers.py on every kind of response, the templates that the policy would break,
and the database connection health check (docs/security.md §§1–3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections, transaction
from django.test import Client
from django.test.client import RequestFactory
from django.urls import reverse

from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.security_headers import CONTENT_SECURITY_POLICY

ROOT = Path(settings.BASE_DIR) / "tiaojie"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_policy_is_exactly_the_one_documented_and_allows_nothing_inline():
    assert directives(CONTENT_SECURITY_POLICY) == POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "nonce" not in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy_and_dynamic_ones_no_store(client, org_a, mediator_a, settings):
    case = make_case(org_a, mediator_a)
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    anonymous = {
        "home": client.get("/"),
        "apply": client.get(reverse("public:apply")),
        "track": client.get(reverse("public:track")),
        "track_post": client.post(reverse("public:track"), {"code": "ZZZZZZZZ", "phone": "13800138000"}),
        "login": client.get(reverse("accounts:login")),
        "not_found": client.get("/no-such-page/"),
        "too_big": client.post("/track/", b"x", content_type="text/plain", CONTENT_LENGTH=str(2 * 1024 * 1024)),
        "api_refused": client.get("/api/v1/cases"),
    }
    client.force_login(mediator_a)
    staff = {
        "list": client.get(reverse("cases:list")),
        "detail": client.get(reverse("cases:detail", args=[case.pk])),
        "htmx_reveal": client.post(
            reverse("cases:reveal", args=[case.pk, case.workers.get().pk, "phone"]), HTTP_HX_REQUEST="true"
        ),
        "calculators": client.get(reverse("calculators:index")),
    }
    assert staff["detail"].status_code == 200 and staff["htmx_reveal"].status_code == 200
    assert anonymous["too_big"].status_code == 413 and anonymous["not_found"].status_code == 404
    for name, response in (anonymous | staff).items():
        assert directives(response["Content-Security-Policy"]) == POLICY, name
        # no-store exactly, or a view's stricter value (the login page's never_cache) that includes it.
        assert "no-store" in cache_control(response), (name, response.get("Cache-Control"))
        assert response["Pragma"] == "no-cache", name
        assert not response.has_header("Expires"), name


@pytest.mark.django_db
def test_a_view_that_already_says_no_store_keeps_its_own_value(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.get(reverse("documents:export", args=[case.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store" and response["Pragma"] == "no-cache"


def test_static_files_keep_their_caching_and_get_the_policy(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the app directories, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(settings.STATIC_URL + "tiaojie/behaviours.js")
    assert response.status_code == 200
    assert b"data-select-all" in b"".join(response.streaming_content)
    assert "no-store" not in response.get("Cache-Control", "") and not response.has_header("Pragma")
    assert directives(response["Content-Security-Policy"]) == POLICY


# --- the templates: nothing the policy blocks ----------------------------------------------------------------

# Rendered to PDF by WeasyPrint on the server, never served to a browser: their <style> blocks are fine.
SERVER_SIDE = {"documents/templates/documents/render"}
INLINE = [
    ("inline <script>", re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)),
    ("on*= handler", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)),
    ("hx-on attribute", re.compile(r"\shx-on[:\-]", re.I)),
    (
        "htmx eval (js: / filter)",
        re.compile(r"hx-(?:vals|vars|headers)=['\"]\s*(?:js|javascript):|hx-trigger=\"[^\"]*\[", re.I),
    ),
    ("javascript: URL", re.compile(r"(?:href|src|action)\s*=\s*['\"]\s*javascript:", re.I)),
    ("style attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)),
    ("<style> element", re.compile(r"<style[\s>]", re.I)),
]


def served_templates() -> list[Path]:
    return [
        p
        for p in ROOT.glob("**/templates/**/*.html")
        if not any(str(p.relative_to(ROOT)).startswith(prefix) for prefix in SERVER_SIDE)
    ]


def test_no_served_template_has_inline_script_handlers_or_styles():
    templates = served_templates()
    assert len(templates) > 50  # the glob found the apps' templates
    found = [
        f"{path.relative_to(ROOT)}: {label}: {m.group(0)[:60]}"
        for path in templates
        for label, pattern in INLINE
        for m in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_the_check_above_finds_each_construct():
    samples = [
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<div hx-on:click="x()">',
        "<input hx-trigger=\"keyup[key=='Enter']\">",
        '<a href="javascript:void(0)">',
        '<p style="color:red">',
        "<style>p{}</style>",
    ]
    for (label, pattern), sample in zip(INLINE, samples, strict=True):
        assert pattern.search(sample), label
    assert not any(p.search('<script src="/static/x.js" defer></script>') for _label, p in INLINE)


def test_no_form_widget_sets_a_style_attribute():
    found = [
        str(p.relative_to(ROOT))
        for p in ROOT.glob("**/*.py")
        if "/tests/" not in str(p) and re.search(r"""["']style["']\s*:""", p.read_text())
    ]
    assert found == []


# --- the database connection health check (docs/security.md §3) ---------------------------------------------


def test_connection_health_checks_are_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def serve(handler: WSGIHandler, path: str, cookie: str) -> int:
    """One request through the WSGI handler as a server worker runs it: request_started and request_finished
    fire (close_old_connections), unlike the test client's requests."""
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    status: list[str] = []
    result = handler(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(result)
    result.close()  # sends request_finished
    return int(status[0].split()[0])


def terminate_backend(pid: int) -> None:
    """pg_terminate_backend from another connection, as a database restart or an idle-timeout proxy does."""
    import psycopg

    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"]}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, port=db["PORT"] or None, autocommit=True) as other:
        # Waits until the backend has gone (PostgreSQL 14+), as after a restart: the dropped connection's socket
        # then holds the server's last word, which the health check looks for (lib/postgres).
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server that can drop the connection")
@pytest.mark.parametrize("health_checks", [True, False])
def test_a_dropped_connection_is_replaced_before_the_next_request(
    transactional_db, org_a, mediator_a, settings, health_checks
):
    """With health checks, the request after the drop is served (200). Without them (the setting before), that
    request fails with a 500, and only the one after it reconnects: one error per worker per drop."""
    make_case(org_a, mediator_a)
    client = Client()
    client.force_login(mediator_a)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600  # a persistent connection, as in production
    connection.settings_dict["CONN_HEALTH_CHECKS"] = health_checks
    try:
        assert serve(handler, "/cases/", cookie) == 200
        pid = connection.connection.info.backend_pid
        terminate_backend(pid)
        assert serve(handler, "/cases/", cookie) == (200 if health_checks else 500)
        assert serve(handler, "/cases/", cookie) == 200
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's")
def test_a_healthy_idle_connection_is_checked_without_asking_the_server(transactional_db, monkeypatch):
    """Django's check is a `SELECT 1` round trip before each request's first statement; ours looks at the idle
    socket and asks the server only when something is waiting there."""
    from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

    from tiaojie.lib.postgres.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.vendor == "postgresql"
    asked: list[bool] = []
    monkeypatch.setattr(DjangoWrapper, "is_usable", lambda self: asked.append(True) or True)
    connection.ensure_connection()
    assert connection.is_usable() is True
    assert asked == []
    # Inside a transaction the socket says nothing of its state: the server is asked.
    with transaction.atomic():
        connection.cursor().execute("SELECT 1")
        assert connection.is_usable() is True
    assert asked == [True]
    # After the server dropped it, its last word is on the socket: the server is asked (and the check fails).
    monkeypatch.undo()
    terminate_backend(connection.connection.info.backend_pid)
    assert connection.is_usable() is False
    connection.close()
