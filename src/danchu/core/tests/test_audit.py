import pytest
from django.db import DatabaseError, connection, transaction

from danchu.core import audit
from danchu.core.models import AuditEntry


@pytest.mark.django_db
def test_chain_verifies_and_names_first_tampered_entry(official):
    entries = [
        audit.record(
            actor=official,
            action="test.change",
            object_type="x",
            object_id=i,
            before={"n": i},
            after={"n": i + 1, "name": "Nguyễn"},
        )
        for i in range(5)
    ]
    checked, broken = audit.verify_chain()
    assert (checked, broken) == (5, None)
    assert entries[1].prev_hash == entries[0].entry_hash

    _tamper(f"UPDATE core_auditentry SET after = '{{\"n\": 99}}' WHERE id = {entries[2].id}")
    checked, broken = audit.verify_chain()
    assert broken is not None
    assert broken.entry_id == entries[2].id
    assert checked == 2


@pytest.mark.django_db
def test_deleted_entry_breaks_the_chain_at_the_next(official):
    entries = [audit.record(actor=official, action="a", object_type="x") for _ in range(3)]
    _tamper(f"DELETE FROM core_auditentry WHERE id = {entries[1].id}")
    _, broken = audit.verify_chain()
    assert broken is not None
    assert broken.entry_id == entries[2].id


@pytest.mark.django_db
def test_audit_rows_refuse_update_and_delete_in_python_and_database(official):
    entry = audit.record(actor=official, action="a", object_type="x")
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x'")


def _tamper(sql: str) -> None:
    """Bypass the append-only triggers, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
            cursor.execute(sql)
