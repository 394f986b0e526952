import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from danchu.core import audit


@pytest.mark.django_db
def test_verify_audit_reports_intact_chain_and_names_broken_link(capsys):
    first = audit.record(actor=None, action="a", object_type="x")
    second = audit.record(actor=None, action="b", object_type="x")
    call_command("verify_audit")
    assert "2 entries verified" in capsys.readouterr().out

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [second.id])
    with pytest.raises(CommandError, match=f"#{second.id}"):
        call_command("verify_audit")
    assert first.actor_label == "system"
