"""Search over folded columns: one code path for SQLite and PostgreSQL.

The ``*_folded`` column holds ``fold_vi()`` of the text; a query is folded the same way and
matched word by word with ``icontains``. On PostgreSQL a pg_trgm GIN index on the folded
column makes that fast (created in migrations only when the vendor is PostgreSQL).
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import Q, QuerySet

from danchu.core.text import fold_vi

__all__ = ["TrigramIndex", "search_folded"]


def search_folded(queryset: QuerySet, field: str, query: str | None) -> QuerySet:
    """Filter ``queryset`` to rows whose folded ``field`` contains every word of ``query``."""
    words = fold_vi(query).split()
    if not words:
        return queryset
    condition = Q()
    for word in words[:8]:  # a bound: a pasted paragraph must not build a huge query
        condition &= Q(**{f"{field}__contains": word})
    return queryset.filter(condition)


class TrigramIndex(migrations.RunSQL):
    """A pg_trgm GIN index on PostgreSQL; nothing on SQLite (the folded column still works)."""

    def __init__(self, table: str, column: str) -> None:
        name = f"{table}_{column}_trgm"[:63]
        super().__init__(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
