"""Personas (docs/style.md habit 8), shared by every app's tests.

Organisation A sits in 余杭区仓前街道 (330110012), organisation B in 西湖区蒋村街道 (330106011). The county
supervisor reads 余杭区 (330110); the other county's supervisor reads 西湖区 (330106).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import django.apps
import pytest

from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SupervisorScopeFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

PASSWORD = "pw-for-tests-1"
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    """Hash the test users' passwords with MD5: PBKDF2's 870,000 rounds cost ~0.86 s a user, and the suite
    creates thousands of them. Production settings are untouched; a test of the real hasher sets its own."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="组织A 仓前街道调解中心", division_id="330110012")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="组织B 蒋村街道调解中心", division_id="330106011")


@pytest.fixture
def mediator_a(org_a):
    return MembershipFactory(user=UserFactory(username="mediator_a"), organisation=org_a).user


@pytest.fixture
def admin_a(org_a):
    return MembershipFactory(user=UserFactory(username="admin_a"), organisation=org_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def intake_a(org_a):
    return MembershipFactory(
        user=UserFactory(username="intake_a"), organisation=org_a, role=Membership.Role.INTAKE
    ).user


@pytest.fixture
def mediator_b(org_b):
    return MembershipFactory(user=UserFactory(username="mediator_b"), organisation=org_b).user


@pytest.fixture
def supervisor_county(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_county"), division_id="330110").user


@pytest.fixture
def supervisor_other_county(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_xihu"), division_id="330106").user


@pytest.fixture
def supervisor_national(db):
    return SupervisorScopeFactory(user=UserFactory(username="supervisor_national"), division_id=None).user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")


# --- real-browser tests (Playwright's sync API driving Debian chromium; no pytest-playwright) ---


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    names = set(request.fixturenames)
    return bool(names & {"transactional_db", "live_server"}) or any(
        m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")
    )


def _reference_tables() -> frozenset[str]:
    """The tables the migrations fill and no test writes to for good: divisions, the holiday calendar,
    organisation types, hotline tiers, the seeded wage standards, the provincial rules, content types and
    permissions."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from tiaojie.calculators_web.models import LocalWageStandard
    from tiaojie.hotline.models import ComplexityTier
    from tiaojie.organisations.models import OrganisationType
    from tiaojie.reference.models import CalendarYear, Division, ProvincialRule, SpecialDay

    models = (Division, CalendarYear, SpecialDay, ProvincialRule, OrganisationType, ComplexityTier, LocalWageStandard)
    return frozenset(m._meta.db_table for m in (*models, ContentType, Permission))


@pytest.fixture(autouse=True, scope="session")
def _flush_keeps_reference_data() -> Iterator[None]:
    """A transactional test ends with a flush of every table; reloading the 41,352 divisions and the calendar
    afterwards cost ~15 s a time (43 such tests). The flush leaves the reference tables alone instead: those
    tests do not change them (a test that does must restore them itself), and the next test finds them as the
    migrations left them. The reload below stays as the safety net for a database that lost them anyway."""
    from django.core.management.commands import flush

    keep = _reference_tables()

    def sql_flush(style: Any, connection: Any, reset_sequences: bool = True, allow_cascade: bool = False) -> list[str]:
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        kept = [t for t in tables if t not in keep]
        return connection.ops.sql_flush(style, kept, reset_sequences=reset_sequences, allow_cascade=allow_cascade)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(flush, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """A transactional test's database is flushed after it; that also wipes the reference data the data
    migrations loaded (divisions, organisation types, holiday calendar). Put it back when it is gone."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from tiaojie.reference.calendar import clear_calendar_cache
    from tiaojie.reference.loaders import load_calendar, load_divisions
    from tiaojie.reference.models import Division

    if not Division.objects.exists():
        load_divisions()
        load_calendar()
        importlib.import_module("tiaojie.organisations.migrations.0002_organisation_types").seed(django.apps.apps, None)
    from tiaojie.reference.rules import clear_rules_cache, seed_provincial_rules

    seed_provincial_rules()  # the national defaults and the Zhejiang rows, if a flush took them
    clear_rules_cache()
    clear_calendar_cache()
    yield
    # The flush keeps the calendar tables: take back the years a test added (entered through the page, or
    # reference.tests.factories.cover_years_ahead), so the next test finds the seeded table.
    from tiaojie.reference.loaders import CALENDAR_SOURCE
    from tiaojie.reference.models import CalendarYear, SpecialDay

    added = list(CalendarYear.objects.exclude(source=CALENDAR_SOURCE).values_list("year", flat=True))
    if added:
        SpecialDay.objects.filter(date__year__in=added).delete()
        CalendarYear.objects.filter(year__in=added).delete()
        load_calendar()  # a seeded year a test replaced comes back as seeded
    clear_calendar_cache()  # the rows go with the flush; don't leave a cached calendar built from them


@pytest.fixture(autouse=True)
def _pii_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """The personal-data access log refuses DELETE (a trigger). PostgreSQL's flush after a transactional test
    is a TRUNCATE, which row triggers do not see; SQLite's is a DELETE, which the trigger refuses — so a
    transactional test on SQLite that logged a view of personal data could not be cleaned up. For those tests
    only, the delete trigger is dropped just before the flush; every test that uses the database on SQLite
    starts with it in place (so the guard's own tests see it)."""
    from django.db import connection

    transactional = _is_transactional(request)
    uses_db = transactional or "db" in request.fixturenames or request.node.get_closest_marker("django_db") is not None
    if not uses_db or connection.vendor != "sqlite":
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")  # ours tears down before its flush
    migration = importlib.import_module("tiaojie.accounts.migrations.0002_pii_log_append_only")
    # The login audit trail (accounts.LoginEvent) has the same guard: every login writes a row.
    guards = {
        "pii_log_no_delete": migration.SQLITE[1],
        **importlib.import_module("tiaojie.accounts.migrations.0006_audit_append_only").SQLITE_DELETE_GUARDS,
    }
    with connection.cursor() as cursor:
        for name, sql in guards.items():
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql)
    yield
    if transactional:
        with connection.cursor() as cursor:
            for name in guards:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="module")
def chromium(browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """One headless chromium per test module.

    Playwright's sync API keeps an asyncio event loop on this thread, so Django would refuse ORM calls made
    from the test (fixtures, assertions, the flush after each transactional test) with
    SynchronousOnlyOperation. Allow them only while the browser is up, and only in this module, so the rest of
    the suite keeps Django's guard."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            # Under `make test-clock` libfaketime is preloaded into this process; chromium hangs with it (its
            # many threads and helper processes). The browser keeps the real clock, like a party's own phone:
            # the server's pages and cookies (Max-Age, not an absolute date) work with any skew between the two.
            env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
            browser = pw.chromium.launch(headless=True, env=env, **browser_type_launch_args)
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture
def new_context(chromium: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context (its own cookies: one per signed-in person); all are closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(**kwargs: Any) -> BrowserContext:
        context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    """Every test sends SMS to an in-memory outbox (tiaojie.lib.sms.outbox) instead of the console."""
    from tiaojie.lib import sms

    settings.SMS_BACKEND = "tiaojie.lib.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _law_links_memo() -> None:
    """The law links' memo outlives a request while the library's newest ids are unchanged; a rolled-back
    test can leave rows whose ids the next test's rows reuse (SQLite), so each test starts without it."""
    from tiaojie.knowledge.links import clear_memo

    clear_memo()


@pytest.fixture(autouse=True)
def _no_request_left_open() -> Iterator[None]:
    """Each test starts outside a request (lib.request_memo): a download's response a test did not close never
    ended its request, and a test after it on the same worker would read that request's kept values."""
    from tiaojie.lib.request_memo import end_request

    end_request()
    yield
    end_request()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a test client request in English leaves English active in the
    thread (LocaleMiddleware activates, nothing deactivates), which would leak into the next test on the worker."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Tasks run when enqueued (django_tasks' ImmediateBackend) instead of waiting for `tiaojie db_worker`: an
    SMS an action queues (notifications.actions.do_queue_sms) reaches the outbox when the transaction commits,
    as in production a moment later. A retry cannot wait in this backend; the watcher's sweep sends it when
    due. Tests of the queue itself (tiaojie/notifications/tests) put the database backend back."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded evidence goes to a per-test folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
