"""A persistent connection checked without a round trip at the start of each request.

With persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS, Django asks a connection the request is about to
reuse whether it still works, and its PostgreSQL backend asks the server: `SELECT 1`, one round trip before the
request's first statement: 112-139 µs against 2 µs for polling the socket, some 5 % of an API read in process
(bench/RESULTS.md, "The health check without a round trip"). The failures the check is for all leave something
to read on the idle socket: a server that restarts, an administrator's pg_terminate_backend, idle_session_timeout
or a proxy closing the connection send PostgreSQL's FATAL message or end the stream before they close it. So an
idle connection whose socket has nothing to read is taken as usable, and one that has something is asked with
Django's `SELECT 1` as before (which fails and replaces it, or reads a harmless notice). A connection lost without
a word (a cable cut) is not found by either check any sooner: `SELECT 1` would wait as long as the request's own
statement.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed:
            return False
        if conn.info.transaction_status == TransactionStatus.IDLE:
            try:
                poller = select.poll()
                poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
                waiting = poller.poll(0)
            except (OSError, ValueError):  # the socket is gone
                return False
            if not waiting:
                return True
        # Something to read, or a transaction left open: ask the server, as Django does.
        return bool(super().is_usable())
