"""The SQLite writers' queue (``danchu.core.backends.sqlite3``): write transactions of two
connections follow each other without "database is locked", the queue is left on commit,
rollback and close, and a writer that queued for the busy timeout lets SQLite decide."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


def _settings(path: Path, timeout: float = 20) -> dict[str, object]:
    return {
        "ENGINE": "danchu.core.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


@contextmanager
def _atomic(conn: Any) -> Iterator[Any]:
    """What ``transaction.atomic`` does on SQLite, on a connection of a private handler."""
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield conn.cursor()
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.set_autocommit(True)


@pytest.fixture(autouse=True)
def _private_databases(django_db_blocker: Any) -> Iterator[None]:
    """These connections open their own files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[ConnectionHandler]:
    path = tmp_path / "q.sqlite3"
    connections = ConnectionHandler(
        {"default": _settings(path), "b": _settings(path), "short": _settings(path, timeout=0.2)}
    )
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    yield connections
    connections.close_all()


def _queue_is_free(path: str) -> bool:
    fd = os.open(f"{path}-writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_second_writer_waits_for_the_first_and_then_writes(handler: ConnectionHandler) -> None:
    a = handler["default"]
    order: list[str] = []
    started = threading.Event()

    def second() -> None:
        started.wait()
        b = handler["b"]  # this thread's connection
        with _atomic(b) as cursor:
            order.append("b began")
            cursor.execute("INSERT INTO t VALUES (2)")
        b.close()

    thread = threading.Thread(target=second)
    thread.start()
    with _atomic(a) as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
        started.set()
        time.sleep(0.3)  # far beyond SQLite's first busy sleeps; b must wait, not fail
        order.append("a commits")
    thread.join(5)
    assert order == ["a commits", "b began"]
    with a.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [n for (n,) in cursor.fetchall()] == [1, 2]


def test_the_queue_is_left_on_commit_rollback_and_close(handler: ConnectionHandler) -> None:
    a = handler["default"]
    name = str(a.settings_dict["NAME"])
    with _atomic(a) as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
        assert not _queue_is_free(name)
    assert _queue_is_free(name)
    with pytest.raises(OperationalError), _atomic(a) as cursor:  # noqa: PT012
        cursor.execute("INSERT INTO t VALUES (2)")
        cursor.execute("INSERT INTO no_such_table VALUES (2)")
    assert _queue_is_free(name)
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert not _queue_is_free(name)
    a.close()
    assert _queue_is_free(name)


def test_a_writer_that_queued_for_the_timeout_lets_sqlite_decide(
    handler: ConnectionHandler,
) -> None:
    """Another process holds the queue (and not the database): after the busy timeout the
    writer goes ahead instead of waiting without end."""
    short = handler["short"]
    short.ensure_connection()
    fd = os.open(f"{short.settings_dict['NAME']}-writers", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        began = time.monotonic()
        with _atomic(short) as cursor:
            cursor.execute("INSERT INTO t VALUES (3)")
        assert 0.2 <= time.monotonic() - began < 2
    finally:
        os.close(fd)


def test_a_writer_outside_the_queue_still_meets_the_busy_timeout(
    handler: ConnectionHandler,
) -> None:
    """The queue orders only its own writers: a writer holding SQLite's lock without it makes
    a queued writer wait for SQLite's busy timeout, then fail, as before."""
    a, short = handler["default"], handler["short"]
    with a.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")  # autocommit mode: no queue
        try:
            with pytest.raises(OperationalError), _atomic(short) as short_cursor:
                short_cursor.execute("INSERT INTO t VALUES (4)")
        finally:
            cursor.execute("ROLLBACK")


def test_an_in_memory_database_has_no_queue() -> None:
    connections = ConnectionHandler({"default": _settings(Path(":memory:"))})
    memory = connections["default"]
    memory.ensure_connection()
    assert memory._queue_fd is None
    with _atomic(memory) as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    connections.close_all()
