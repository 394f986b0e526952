"""The database triggers that make the audit trail append-only, on SQLite and PostgreSQL.

Row-level: UPDATE and DELETE are refused. TRUNCATE is not trapped: it needs the table owner's
privilege, which the application's database role should not have in production
(docs/operations.md); test-database flushes use it on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

__all__ = ["install", "purge_for_tests", "uninstall"]

SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
    "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
]


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for sql in PG_UP if connection.vendor == "postgresql" else SQLITE_UP:
            cursor.execute(sql)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        for sql in PG_DOWN if connection.vendor == "postgresql" else SQLITE_DOWN:
            cursor.execute(sql)


def purge_for_tests(connection: Any) -> None:
    """Empty the trail so a test database can be flushed, then put the triggers back."""
    uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    install(connection)
