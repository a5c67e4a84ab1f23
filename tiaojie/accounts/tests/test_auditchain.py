"""The tamper-evident audit trail (issue 12 item 6; 等保 2.0 8.1.4.3 c; PIPL arts 55-56). Each test performs
the attack (on the database, around the append-only triggers) and shows `tiaojie verify-audit` reports it
with the table and the seq, and exits non-zero."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from tiaojie.accounts.actions import do_log_pii_access, do_record_login_failure
from tiaojie.accounts.chains import LOGIN_CHAIN, PII_CHAIN
from tiaojie.accounts.models import ChainHead, LoginEvent, PiiAccessLog, User
from tiaojie.lib import auditchain

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="attacks on SQLite's triggers")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="attacks as a PostgreSQL superuser")
TABLE = "accounts_piiaccesslog"


def log_views(user, n=5):
    return [
        do_log_pii_access(user=user, record_type="cases.worker", record_id=i, field="id_number", request=None)
        for i in range(1, n + 1)
    ]


def verify_audit(*args: str) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("verify-audit", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def kinds(chain=PII_CHAIN) -> list[tuple[int | None, str]]:
    return [(p.seq, p.kind) for p in auditchain.verify(chain).problems]


def test_an_untouched_chain_verifies_and_prints_its_head(mediator_a):
    rows = log_views(mediator_a)
    do_record_login_failure(username="someone", request=None)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[1].prev_hash == rows[0].row_hash and rows[0].prev_hash == auditchain.GENESIS
    ok, out = verify_audit()
    assert ok, out
    assert f"head accounts.piiaccesslog:5:{rows[-1].row_hash}" in out
    assert "accounts.loginevent：1 行，完好" in out


def test_the_hash_is_keyed(mediator_a, settings):
    """Without the key a forger cannot compute a row's hash: another key sees every row as altered."""
    log_views(mediator_a, 2)
    settings.AUDIT_CHAIN_KEY = "a-different-key"
    assert kinds() == [(1, "altered"), (2, "altered"), (2, "head_forged")]


@sqlite_only
def test_insert_or_replace_rewriting_a_row_is_caught(mediator_a):
    """REPLACE deletes the old row without firing the delete trigger (no recursive triggers): a rewrite."""
    row = log_views(mediator_a)[2]
    sql(
        f"INSERT OR REPLACE INTO {TABLE} (id, at, seq, prev_hash, row_hash, user_id, record_type, record_id, field,"
        " ip_address, user_agent, purpose) SELECT id, at, seq, prev_hash, row_hash, user_id, record_type, record_id,"
        f" 'phone', ip_address, user_agent, purpose FROM {TABLE} WHERE id = %s",
        [row.pk],
    )
    assert PiiAccessLog.objects.get(pk=row.pk).field == "phone"  # the attack worked on the table
    ok, out = verify_audit()
    assert not ok and "accounts.piiaccesslog seq 3 [altered]" in out


@sqlite_only
def test_dropping_the_trigger_then_updating_is_caught(mediator_a):
    log_views(mediator_a)
    sql("DROP TRIGGER pii_log_no_update")
    sql(f"UPDATE {TABLE} SET record_id = '999' WHERE seq = 2")
    ok, out = verify_audit()
    assert not ok and "accounts.piiaccesslog seq 2 [altered]" in out


@sqlite_only
def test_dropping_the_trigger_then_deleting_a_row_is_caught(mediator_a):
    log_views(mediator_a)
    sql("DROP TRIGGER pii_log_no_delete")
    sql(f"DELETE FROM {TABLE} WHERE seq = 3")
    assert kinds() == [(4, "missing"), (4, "broken_link")]
    ok, out = verify_audit()
    assert not ok and "accounts.piiaccesslog seq 4 [missing] 缺少序号 3（被删除）" in out


@sqlite_only
def test_deleting_the_tail_is_caught_by_the_head(mediator_a):
    log_views(mediator_a)
    sql("DROP TRIGGER pii_log_no_delete")
    sql(f"DELETE FROM {TABLE} WHERE seq >= 4")
    assert kinds() == [(4, "truncated")]
    ok, out = verify_audit()
    assert not ok and "链头记录到序号 5，表中只到 3" in out


@sqlite_only
def test_renumbering_after_a_delete_is_caught(mediator_a):
    """Delete a row and close the gap: every later row's link and hash no longer match."""
    log_views(mediator_a)
    sql("DROP TRIGGER pii_log_no_delete")
    sql("DROP TRIGGER pii_log_no_update")
    sql(f"DELETE FROM {TABLE} WHERE seq = 2")
    sql(f"UPDATE {TABLE} SET seq = seq - 1 WHERE seq > 2")
    sql("UPDATE accounts_chainhead SET seq = 4 WHERE name = 'accounts.piiaccesslog'")
    found = kinds()
    assert (2, "broken_link") in found and (2, "altered") in found and (4, "head_forged") in found


def test_an_inserted_row_is_caught(mediator_a):
    """A row appended behind the app's back (after the head): its hash cannot be made without the key."""
    last = log_views(mediator_a, 3)[-1]
    sql(
        f"INSERT INTO {TABLE} (at, seq, prev_hash, row_hash, user_id, record_type, record_id, field, ip_address,"
        " user_agent, purpose) VALUES (%s, 4, %s, %s, %s, 'cases.worker', '7', 'phone', NULL, '', '')",
        [last.at, last.row_hash, "f" * 64, mediator_a.pk],
    )
    assert kinds() == [(4, "altered"), (4, "beyond_head")]
    ok, out = verify_audit()
    assert not ok and "链头之后多出序号 4–4（被插入）" in out


def test_a_rewritten_head_is_caught(mediator_a):
    log_views(mediator_a, 3)
    ChainHead.objects.filter(name=PII_CHAIN.name).update(seq=2)
    assert (2, "head_forged") in kinds()


def test_a_missing_head_is_caught(mediator_a):
    log_views(mediator_a, 2)
    ChainHead.objects.filter(name=PII_CHAIN.name).delete()
    assert kinds() == [(None, "head_missing")]


def test_the_login_trail_is_chained_and_guarded_too(mediator_a, client):
    client.login(username="mediator_a", password="wrong")
    client.login(username="mediator_a", password="pw-for-tests-1")
    assert auditchain.verify(LOGIN_CHAIN).ok
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        LoginEvent.objects.filter(seq=1).update(kind=LoginEvent.Kind.LOGIN_SUCCESS)
    with pytest.raises(DatabaseError), transaction.atomic():
        LoginEvent.objects.filter(seq=1).delete()


def test_a_noted_head_catches_a_chain_rewritten_with_the_key(mediator_a):
    """Someone with the key rebuilds the chain without row 2: internally consistent, but the head the operator
    noted earlier is gone."""
    rows = log_views(mediator_a, 3)
    noted = f"{PII_CHAIN.name}:3:{rows[-1].row_hash}"
    assert verify_audit("--expect", noted)[0]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER pii_log_no_delete")
            cursor.execute("DROP TRIGGER pii_log_no_update")
        else:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")
        # Rebuild the chain from seq 1 as the app would have, with the key.
        key, prev = auditchain.chain_key(), auditchain.GENESIS
        for seq, row in enumerate(PiiAccessLog.objects.order_by("seq"), start=1):
            digest = auditchain.row_hash(key, prev, auditchain._values_of(PII_CHAIN, row, seq))
            cursor.execute(
                f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s", [seq, prev, digest, row.pk]
            )
            prev = digest
        mac = auditchain.head_mac(key, PII_CHAIN.name, 2, prev)
        cursor.execute("UPDATE accounts_chainhead SET seq = 2, head_hash = %s, head_mac = %s", [prev, mac])
    assert auditchain.verify(PII_CHAIN).ok  # the rewrite is consistent…
    ok, out = verify_audit("--expect", noted)
    assert not ok and "先前记录的序号 3 已不在表中" in out  # …but not with what was noted


def test_a_bad_expect_argument_is_a_clear_error():
    with pytest.raises(CommandError, match="CHAIN:SEQ:HASH"):
        call_command("verify-audit", "--expect", "nonsense", stdout=StringIO())


@postgres_only
@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        (["SET session_replication_role = replica", f"UPDATE {TABLE} SET field = 'phone' WHERE seq = 2"], "altered"),
        ([f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL", f"DELETE FROM {TABLE} WHERE seq = 3"], "missing"),
        ([f"TRUNCATE {TABLE}"], "truncated"),
    ],
)
def test_superuser_tampering_on_postgresql_is_caught(mediator_a, attack, expected):
    log_views(mediator_a)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' deferred FK checks, done before the attack
        for statement in attack:
            cursor.execute(statement)
        cursor.execute("RESET session_replication_role")
    ok, out = verify_audit()
    assert not ok and f"[{expected}]" in out and "accounts.piiaccesslog seq" in out


@postgres_only
def test_parallel_appends_do_not_fork_the_chain(transactional_db, mediator_a):
    """Eight writers logging at the same instant, on their own connections: one chain, seq 1 to 40."""
    barrier = threading.Barrier(8)

    def write():
        try:
            barrier.wait()
            log_views(mediator_a, 5)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(PiiAccessLog.objects.values_list("seq", flat=True)) == list(range(1, 41))
    assert auditchain.verify(PII_CHAIN).ok


def test_only_the_actions_write_the_audit_tables():
    """The chain holds only if every row goes through auditchain.append: no other create() in the product."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        for model in ("PiiAccessLog", "LoginEvent"):
            for call in (".objects.create(", ".objects.bulk_create(", "(**"):
                if f"{model}{call}" in text:
                    offenders.append(f"{path.relative_to(root)}: {model}{call}")
    assert offenders == []


@override_settings(AUDIT_CHAIN_KEY="")
def test_without_a_dedicated_key_the_chain_key_comes_from_secret_key(settings):
    settings.SECRET_KEY = "x" * 50
    first = auditchain.chain_key()
    settings.AUDIT_CHAIN_KEY = "dedicated"
    assert auditchain.chain_key() != first and first != ("x" * 50).encode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_rows_written_before_it():
    """Rows of an installation that predates the chain (migrations 0004–0006): chained oldest first, the
    append-only guard back in place afterwards."""
    import datetime as dt

    from django.db import DatabaseError, transaction
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("accounts", "0003_user_is_demo")], [("accounts", "0006_audit_append_only")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(username="old_staff")
    log = old.get_model("accounts", "PiiAccessLog")
    for record_id, days_ago in [("3", 2), ("1", 3), ("2", 1)]:  # "1" is the oldest, whatever its id
        with time_machine.travel(dt.timedelta(days=-days_ago)):
            log.objects.create(user=user, record_type="cases.worker", record_id=record_id, field="phone")
    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert list(PiiAccessLog.objects.order_by("seq").values_list("record_id", flat=True)) == ["1", "3", "2"]
    assert auditchain.verify(PII_CHAIN).ok
    staff = User.objects.get(pk=user.pk)
    row = do_log_pii_access(user=staff, record_type="cases.worker", record_id=4, field="phone", request=None)
    assert row.seq == 4 and auditchain.verify(PII_CHAIN).ok
    with pytest.raises(DatabaseError), transaction.atomic():
        PiiAccessLog.objects.filter(seq=1).update(field="id_number")
