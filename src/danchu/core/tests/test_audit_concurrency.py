"""Concurrent writers keep one unbroken chain, on both databases: on PostgreSQL the append
function's advisory lock orders them, on SQLite the IMMEDIATE transaction (and its writers'
queue). A hash computed by the database equals Python's."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from danchu.core import audit
from danchu.core.models import AuditEntry

WRITERS = 6
ENTRIES = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain() -> None:
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait(10)
            for k in range(ENTRIES):
                with transaction.atomic():
                    audit.record(
                        actor=None, action="core.test.write", object_type="test",
                        object_id=f"{n}-{k}", after={"n": n, "k": k, "tên": "Nguyễn Văn Ấ"},
                    )  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    checked, broken = audit.verify_chain()
    assert broken is None
    assert checked == AuditEntry.objects.count() >= WRITERS * ENTRIES
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs)  # no two entries chained to the same head


@pytest.mark.django_db
def test_the_returned_entry_is_what_was_stored() -> None:
    entry = audit.record(
        actor=None, action="core.test.write", object_type="test", object_id="1",
        before={"a": [1, 2]}, after={"ghi chú": "đường làng", "n": 3},
    )  # fmt: skip
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.prev_hash, stored.entry_hash) == (entry.prev_hash, entry.entry_hash)
    assert audit.compute_hash(stored.prev_hash, stored) == stored.entry_hash
    assert stored.after == {"ghi chú": "đường làng", "n": 3}
    assert not entry._state.adding
    assert connection.vendor in ("sqlite", "postgresql")
