"""The read-replica router (lib/db_router.py): which database a statistics block reads, and the fall-back to the
primary. No replica runs in the suite: the `replica` alias is made to point at the test database itself (as
TEST MIRROR does), so what is measured is where each query goes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.accounts.models import User
from tiaojie.lib import db_router
from tiaojie.lib.db_router import REPLICA, ReplicaRouter, ReplicaStatus, replica_reads, replica_rows
from tiaojie.organisations.models import Organisation

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _add_alias(settings: Any, **changes: Any) -> None:
    """The alias as a connection of its own to the test database (a copy of the test run's `default`). Set on the
    connection handler directly, not in its settings: Django's test case then lets this test use it."""
    conf = {**connections["default"].settings_dict, **changes}
    conf["TEST"] = {**conf["TEST"], "MIRROR": "default"}
    settings.DATABASES = {**settings.DATABASES, REPLICA: conf}  # what db_router.configured() asks
    connections[REPLICA] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, REPLICA)


def _drop_alias() -> None:
    connections[REPLICA].close()
    del connections[REPLICA]
    db_router.forget()


@pytest.fixture
def replica(settings: Any, transactional_db: None) -> Iterator[None]:
    """A `replica` alias on the test database; committed rows (transactional tests) are seen through it."""
    settings.REPLICA_MAX_LAG_SECONDS = 30
    settings.REPLICA_CHECK_SECONDS = 60
    db_router.forget()
    _add_alias(settings)
    yield
    _drop_alias()


@pytest.fixture
def unreachable_replica(settings: Any, db: None) -> Iterator[None]:
    db_router.forget()
    if connections["default"].vendor == "postgresql":
        _add_alias(settings, HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 1})
    else:
        _add_alias(settings, NAME="/nonexistent-h20-directory/replica.sqlite3")
    yield
    _drop_alias()


def _reads_on_replica(work: Any) -> int:
    with CaptureQueriesContext(connections[REPLICA]) as queries:
        work()
    return len(queries)


def test_without_a_replica_every_block_reads_the_primary(db: None) -> None:
    with replica_reads() as alias:
        assert alias == "default"
        assert ReplicaRouter().db_for_read(Organisation) is None  # Django's own choice: the primary


def test_a_statistics_block_reads_the_replica_and_nothing_else_does(replica: None) -> None:
    Organisation.objects.create(name="副本测试 调解中心", type_id="township_centre", division_id="330110012")
    db_router.status(fresh=True)
    with CaptureQueriesContext(connections["default"]) as on_primary:
        with replica_reads() as alias:
            assert alias == REPLICA
            assert _reads_on_replica(lambda: Organisation.objects.filter(name__startswith="副本测试").count()) == 1
            assert Organisation.objects.filter(name__startswith="副本测试").count() == 1
    assert not [q for q in on_primary if "organisations_organisation" in q["sql"]]
    # Outside the block, the same query goes to the primary.
    assert _reads_on_replica(lambda: Organisation.objects.count()) == 0


def test_inside_a_block_writes_sessions_and_users_stay_on_the_primary(replica: None) -> None:
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Organisation) == "default"
        assert router.db_for_read(User) == "default"
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(Organisation) == REPLICA
    assert router.allow_migrate(REPLICA, "cases") is False
    assert router.allow_migrate("default", "cases") is None


def test_a_transaction_keeps_its_reads_on_the_primary(replica: None) -> None:
    with transaction.atomic():
        Organisation.objects.create(name="事务内 调解中心", type_id="township_centre", division_id="330110012")
        with replica_reads() as alias:
            assert alias == "default"
            assert Organisation.objects.filter(name="事务内 调解中心").exists()  # its own write, not yet committed


def test_a_lagging_replica_is_left_for_the_primary(replica: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_router, "measure", lambda: ReplicaStatus(configured=True, reachable=True, lag_seconds=31))
    db_router.forget()
    before = db_router.READS.labels("default", "lagging")._value.get()
    with replica_reads() as alias:
        assert alias == "default"
        assert _reads_on_replica(lambda: Organisation.objects.count()) == 0
    assert db_router.READS.labels("default", "lagging")._value.get() == before + 1
    monkeypatch.setattr(db_router, "measure", lambda: ReplicaStatus(configured=True, reachable=True, lag_seconds=30))
    db_router.forget()
    with replica_reads() as alias:
        assert alias == REPLICA  # at the limit is still within it


def test_an_unreachable_replica_is_reported_and_left_for_the_primary(unreachable_replica: None) -> None:
    state = db_router.status(fresh=True)
    assert state.configured and not state.reachable and state.lag_seconds is None
    assert state.error
    with replica_reads() as alias:
        assert alias == "default"
        assert Organisation.objects.count() >= 0


def test_the_lag_is_measured_once_per_check_interval(replica: None, monkeypatch: pytest.MonkeyPatch, settings) -> None:
    calls = []

    def measure() -> ReplicaStatus:
        calls.append(1)
        return ReplicaStatus(configured=True, reachable=True, lag_seconds=0.0)

    monkeypatch.setattr(db_router, "measure", measure)
    db_router.forget()
    for _ in range(3):
        with replica_reads():
            pass
    assert len(calls) == 1
    settings.REPLICA_CHECK_SECONDS = 0
    with replica_reads():
        pass
    assert len(calls) == 2


def test_a_database_that_is_no_standby_shows_no_lag(replica: None) -> None:
    state = db_router.measure()
    assert state.reachable and state.lag_seconds == 0.0 and not state.standby
    assert state.as_json()["in_use"] is True


def test_streamed_export_rows_are_read_from_the_replica(replica: None) -> None:
    Organisation.objects.create(name="导出 调解中心", type_id="township_centre", division_id="330110012")
    db_router.status(fresh=True)

    def rows() -> Iterator[list[str]]:
        for org in Organisation.objects.filter(name="导出 调解中心"):
            yield [org.name]

    assert _reads_on_replica(lambda: list(replica_rows(rows()))) == 1
    assert db_router.reading() is None  # the block ended with the rows


def test_the_supervisors_dashboard_is_built_from_the_replica(replica: None, supervisor_county, client) -> None:
    db_router.status(fresh=True)
    client.force_login(supervisor_county)
    with CaptureQueriesContext(connections["default"]) as on_primary:
        on_replica = _reads_on_replica(lambda: client.get(reverse("analytics:region", args=["330110"])))
    assert on_replica > 0
    # Who may see 余杭区 was asked of the primary.
    assert any("organisations_supervisorscope" in q["sql"] for q in on_primary)


def test_healthz_and_the_metrics_show_the_lag(replica: None, client) -> None:
    body = client.get("/healthz").json()
    assert body["checks"]["replica"] == {
        "ok": True,
        "configured": True,
        "reachable": True,
        "lag_s": 0.0,
        "max_lag_s": 30,
        "in_use": True,
    }
    text = client.get("/metrics").content.decode()
    assert "tiaojie_replica_lag_seconds 0.0" in text
    assert "tiaojie_replica_up 1.0" in text


def test_without_a_replica_healthz_has_no_replica_check(db: None, client) -> None:
    assert "replica" not in client.get("/healthz").json()["checks"]


def test_the_system_status_page_shows_the_replica_and_its_lag(replica: None, client) -> None:
    admin = User.objects.create_user(username="site_admin_replica", password="x", is_staff=True)
    client.force_login(admin)
    page = client.get("/notifications/system/").content.decode()
    assert 'data-check="replica"' in page
    assert "落后主库 0.0 秒（上限 30 秒）" in page
