"""Raw bulk writes into the models' real tables, for the benchmarks (never for the application).

:class:`Table` writes rows of one model: the caller gives the columns it cares about (Django's
``attname``: ``commune_id``, not ``commune``) and the ids (a fresh database: ids are handed out
here, so that rows can point at each other without reading anything back); every other NOT NULL
column gets the model's default (``auto_now``/``auto_now_add``: a fixed stamp; ``blank`` text:
``""``), computed once, never per row. PostgreSQL: ``COPY … FROM STDIN`` through psycopg's
``cursor.copy``; SQLite: one ``executemany``. The caller holds the transaction; Django's foreign
keys are deferred to the commit, so rows may point at rows written later in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection, models


class Table:
    """One model's table: its next id, its default columns, and a bulk writer."""

    def __init__(self, model: type[models.Model], stamp: datetime) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.stamp = stamp
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT max(id) FROM {self.name}")  # noqa: S608
            (last,) = cursor.fetchone()
        self.next_id = (last or 0) + 1
        self.written = 0

    def ids(self, count: int) -> range:
        """Reserve ``count`` ids."""
        first = self.next_id
        self.next_id += count
        return range(first, first + count)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _columns(self) -> dict[str, str]:
        """Field attname → column name."""
        return {f.attname: f.column or f.attname for f in self.model._meta.concrete_fields}

    def _defaults(self, given: Sequence[str]) -> tuple[list[str], list[Any]]:
        names: list[str] = []
        values: list[Any] = []
        columns = self._columns()
        for field in self.model._meta.concrete_fields:
            if field.attname in given or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value: Any = self.stamp
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                continue  # NULL: the column's own default
            elif field.blank and isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{self.name}.{field.attname}: NOT NULL and not given")
            names.append(columns[field.attname])
            values.append(field.get_db_prep_save(value, connection))
        return names, values

    def write(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write ``rows`` (``id`` first, then ``columns``); returns how many were written."""
        extra_names, extra_values = self._defaults(columns)
        fields = self._columns()
        names = ["id", *(fields[c] for c in columns), *extra_names]
        tail = tuple(extra_values)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.name} ({', '.join(names)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row((*row, *tail))
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(tuple(_sqlite(v) for v in (*row, *tail)))
                    if len(batch) >= 20_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                cursor.executemany(sql, batch)
                count += len(batch)
        self.written += count
        return count

    def reset_sequence(self) -> None:
        """After explicit ids: the next ORM insert must not collide with them."""
        if connection.vendor != "postgresql" or not self.written:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.name}', 'id'), %s)",  # noqa: S608
                [self.next_id - 1],
            )


def _sqlite(value: Any) -> Any:
    """The text Django stores in SQLite for dates and (UTC) datetimes."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


@contextmanager
def fast_load(tables: Iterable[type[models.Model]], *, check_keys: bool) -> Iterator[list[str]]:
    """PostgreSQL, inside the caller's transaction: drop the plain (non-constraint) indexes of
    ``tables`` and build them again after the load (a sorted build instead of millions of
    index insertions), and — unless ``check_keys`` or the role is not a superuser — skip the
    foreign-key triggers (``session_replication_role = replica``, what ``pg_restore
    --disable-triggers`` does): the generator hands out every id itself. Unique constraints and
    primary keys stay. Yields what it did (for the report); does nothing on SQLite."""
    done: list[str] = []
    if connection.vendor != "postgresql":
        yield done
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
        if superuser and not check_keys:
            cursor.execute("SET LOCAL session_replication_role = replica")
            done.append("foreign keys not checked")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        names = [m._meta.db_table for m in tables]
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
            "::regclass)",
            [names],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        done.append(f"{len(indexes)} indexes of {len(names)} tables built after the load")
    yield done
    with connection.cursor() as cursor:
        # Checks the keys now (when checked): a table with pending checks takes no index.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
