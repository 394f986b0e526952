"""Writing and verifying the hash-chained audit trail.

Services call :func:`record` inside their transaction, so an entry exists exactly when the
change committed. Writers are serialised while they read the chain head: on PostgreSQL by a
transaction-scoped advisory lock, taken in the function that appends the entry in one round
trip (migration ``core.0005_audit_append_function``), on SQLite by its IMMEDIATE write transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import post_save

from danchu.core.context import client_ip
from danchu.core.models import AuditEntry
from danchu.core.rows import Insert, prepared_cursor

__all__ = ["GENESIS", "ChainBreak", "Pending", "pending", "record", "verify_chain"]

GENESIS = "0" * 64


def _normalise(value: Any) -> Any:
    """JSON-round-trip so that what is hashed equals what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _content(entry: AuditEntry) -> str:
    payload = {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "commune_id": entry.commune_id,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + "\n" + _content(entry)).encode()).hexdigest()


_FIELDS = (
    "at", "actor_id", "actor_label", "action", "object_type", "object_id", "commune_id",
    "before", "after", "ip", "prev_hash", "entry_hash",
)  # fmt: skip
_INSERT = Insert(AuditEntry, _FIELDS)


_APPEND_SQL = (
    "SELECT entry_id, entry_prev_hash, entry_entry_hash FROM danchu_audit_append("
    "%s::timestamptz, %s::bigint, %s::varchar, %s::varchar, %s::varchar, %s::varchar, "
    "%s::bigint, %s::jsonb, %s::jsonb, %s::varchar, %s::text)"
)


def _append_in_database(entry: AuditEntry) -> None:
    """PostgreSQL: lock, read the head, hash and insert in one round trip (the function of
    migration ``core.0005_audit_append_function``, which hashes the same canonical content
    as :func:`compute_hash`)."""
    fields = _INSERT.fields[:-2]  # prev_hash and entry_hash: the function's to compute
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    with prepared_cursor() as cursor:
        cursor.execute(_APPEND_SQL, [*params, _content(entry)])
        entry.pk, entry.prev_hash, entry.entry_hash = cursor.fetchone()


class Pending:
    """PostgreSQL: an entry for an object that the same statement writes, whose id the
    statement returns (quality bar P7: the online vote's insert or update and its entry in one
    statement, which commits on its own). :meth:`call` is the append function's call
    for that statement, with the object's id taken from the SQL expression ``id_sql``;
    :meth:`params` its parameters; :meth:`saved` completes the entry from the returned row.

    The content hashed is the canonical JSON with that id written in (``"object_id":""`` is
    replaced in the database; a string in the content cannot hold that sequence, since JSON
    escapes its quotes), so :func:`verify_chain` checks it as any other entry.
    """

    def __init__(self, entry: AuditEntry) -> None:
        self.entry = entry

    @staticmethod
    def call(id_sql: str) -> str:
        return (
            "danchu_audit_append(%s::timestamptz, %s::bigint, %s::varchar, %s::varchar, "
            f"%s::varchar, ({id_sql})::varchar, %s::bigint, %s::jsonb, %s::jsonb, %s::varchar, "
            f"""replace(%s::text, '"object_id":""', '"object_id":"' || ({id_sql})::text || '"'))"""
        )

    def params(self) -> list[Any]:
        entry = self.entry
        fields = [f for f in _INSERT.fields[:-2] if f.attname != "object_id"]
        values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
        return [*values, _content(entry)]

    def saved(self, entry_id: int, object_id: Any, prev_hash: str, entry_hash: str) -> AuditEntry:
        """The entry as written. Its statement has committed already, so ``post_save``'s
        receivers run after the commit, each in its own transaction (the roll-ups ignore the
        online vote's actions)."""
        entry = self.entry
        entry.pk, entry.object_id = entry_id, str(object_id)
        entry.prev_hash, entry.entry_hash = prev_hash, entry_hash
        _saved(entry)
        return entry


def pending(
    *,
    actor: Any,
    action: str,
    object_type: str,
    commune_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Pending:
    """An entry to append in the statement that writes its object (see :class:`Pending`)."""
    return Pending(
        _entry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id="",
            commune_id=commune_id,
            before=before,
            after=after,
        )  # fmt: skip
    )


def _saved(entry: AuditEntry) -> None:
    """The entry is in the table (written by a hand-written statement: every write pays it,
    and the ORM's ``save()`` cost about twice as much CPU, quality bar P7): mark it saved and
    tell ``post_save``'s receivers as ``save()`` would (the roll-ups mark their commune)."""
    entry._state.adding = False
    entry._state.db = connection.alias
    post_save.send(
        sender=AuditEntry, instance=entry, created=True, update_fields=None, raw=False,
        using=connection.alias,
    )  # fmt: skip


def _chain_head() -> str | None:
    """SQLite: the last entry's hash, read inside the IMMEDIATE transaction that serialises
    the writers. Plain SQL: this runs on every write, and the ORM's query compilation cost
    more than the lookup (quality bar P7)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT entry_hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _entry(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    commune_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        at=datetime.now(UTC),
        actor_id=actor.pk if is_person else None,
        actor_label=(actor.get_username() if is_person else "system")[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        commune_id=commune_id,
        before=_normalise(before),
        after=_normalise(after),
        ip=client_ip(),
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    commune_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction (it opens one if there is none)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id if object_id is not None else obj.pk
    entry = _entry(
        actor=actor, action=action, object_type=object_type or "",
        object_id="" if object_id is None else str(object_id), commune_id=commune_id,
        before=before, after=after,
    )  # fmt: skip
    # No savepoint of its own: an entry that cannot be written must undo the change it records,
    # so a failure here rolls back the caller's whole transaction (two statements fewer a write).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _append_in_database(entry)
        else:
            entry.prev_hash = _chain_head() or GENESIS
            entry.entry_hash = compute_hash(entry.prev_hash, entry)
            entry.pk = _INSERT.execute([getattr(entry, name) for name in _FIELDS])
        _saved(entry)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return (entries checked, the first broken link or None)."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None
        for entry in batch:
            if entry.prev_hash != expected_prev:
                return checked, ChainBreak(
                    entry.id, "previous hash does not match (entry removed or reordered)"
                )
            if compute_hash(entry.prev_hash, entry) != entry.entry_hash:
                return checked, ChainBreak(
                    entry.id, "content does not match its hash (entry altered)"
                )
            expected_prev = entry.entry_hash
            checked += 1
            last_id = entry.id
