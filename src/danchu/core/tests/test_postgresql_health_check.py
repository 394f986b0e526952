"""The PostgreSQL backend's health check without a round trip
(``danchu.core.backends.postgresql``): a session the server ended is seen as unusable, a
live one as usable, and Django then reconnects for the next request."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),
]


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    with psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_live_connection_is_usable_without_a_statement():
    connection.ensure_connection()
    assert connection.is_usable()
    # Nothing was sent: the server saw no statement for the check.
    raw = connection.connection
    before = raw.pgconn.transaction_status
    assert connection.is_usable()
    assert raw.pgconn.transaction_status == before


def test_a_session_the_server_ended_is_not_usable_and_django_reconnects():
    pid = _backend_pid()
    _terminate(pid)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye reaches the socket
    assert not connection.is_usable()
    # What a new request does: the failed check closes the connection; the next query
    # opens another.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert _backend_pid() != pid


def test_a_failed_transaction_is_not_usable():
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = False
    try:
        with pytest.raises(psycopg.Error):
            raw.execute("SELECT 1/0")
        assert not connection.is_usable()
    finally:
        raw.rollback()
        raw.autocommit = True
    assert connection.is_usable()
