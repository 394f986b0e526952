"""SQLite with a writers' queue: Django's backend, where a write transaction first takes a
lock on a file beside the database (``<name>-writers``) and releases it when it ends.

Why: SQLite lets one writer at a time in; a second ``BEGIN IMMEDIATE`` meets a busy
database and SQLite's busy handler *sleeps* — 1, 2, 5, 10 ms and longer — before it tries
again, while a vote's whole write transaction holds the lock for about 1–2 ms (most of it
the commit's fsync). With two server workers writing, a waiting worker slept longer than
the write it waited for (quality bar P7, ``bench/online_votes.py``). Here the waiting
writer polls the queue's lock at a tenth of a millisecond, doubling up to a millisecond,
so it starts right after the previous write ends. Readers never queue (WAL).

The queue only orders writers that use it; any other writer (the ``sqlite3`` shell, a
connection in autocommit mode) still meets SQLite's own busy handler, so nothing can
deadlock. A writer that has queued for the busy timeout stops queueing and lets SQLite's
handler decide, so a long transaction (an import) makes others wait no longer than before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base, creation

__all__ = ["DatabaseWrapper"]

_FIRST_PAUSE = 0.0001  # seconds: a short write ends within a few of these
_LONGEST_PAUSE = 0.001


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}-writers")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    _queue_fd: int | None = None
    _queued = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        self._queue_close()
        if not self.is_in_memory_db():
            name = f"{self.settings_dict['NAME']}-writers"
            self._queue_fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return conn

    def _queue_enter(self) -> None:
        fd = self._queue_fd
        if fd is None or self._queued:
            return
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = _FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's own busy handler decides from here
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)
                continue
            self._queued = True
            return

    def _queue_leave(self) -> None:
        if self._queued and self._queue_fd is not None:
            self._queued = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def _queue_close(self) -> None:
        self._queue_leave()
        if self._queue_fd is not None:
            fd, self._queue_fd = self._queue_fd, None
            os.close(fd)

    def _start_transaction_under_autocommit(self) -> None:
        self._queue_enter()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._queue_leave()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._queue_leave()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._queue_close()
