"""PostgreSQL, with a health check that costs no round trip.

Django's persistent connections (``CONN_MAX_AGE``) are checked at the start of each request
that reuses one (``CONN_HEALTH_CHECKS``); its PostgreSQL backend does it with ``SELECT 1`` —
one more round trip and statement on every request that touches the database (quality bar
P7: a quarter of the online vote's round trips). Here the check reads what the server has
sent while the connection sat idle, without waiting: a server that ended the session (a
restart, ``pg_terminate_backend``, an idle timeout, a crash that closed the socket) has sent
its error or closed the socket, and libpq then reports the connection as bad. A connection
in a failed transaction, or that psycopg already knows broken, fails the check too.

What no check without a round trip sees is a peer that vanished without closing its socket
(a network partition); ``SELECT 1`` would then hang for the TCP timeout as well.
"""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql import base

__all__ = ["DatabaseWrapper"]


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        pq = psycopg.pq
        pgconn = raw.pgconn
        try:
            pgconn.consume_input()  # non-blocking: only what already arrived
        except psycopg.Error:
            return False
        if pgconn.status != pq.ConnStatus.OK:
            return False
        # As ``SELECT 1`` would: usable idle or inside a transaction, not in a failed one.
        status = pgconn.transaction_status
        return status in (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)
