"""Model instances from a hand-written SELECT, for the few hot paths where the ORM's query
compilation costs more than the query (quality bar P7: the online vote).

Django compiles every queryset again on every request (no prepared or cached queries): a
four-table ``select_related`` costs about 1.5 ms of CPU to build and read back, the statement
itself a few hundredths of that. :class:`Columns` lists a model's concrete columns for a
SELECT (or a RETURNING clause) once, and turns the matching slice of a row into an instance
exactly as the ORM would: the backend's and the fields' converters applied (SQLite's dates,
booleans; encrypted fields' decryption), unlisted fields deferred, ``_state`` set.

Use it only where a measured hot path needs it; everywhere else the ORM is the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

__all__ = [
    "Columns",
    "Insert",
    "adapt_date",
    "adapt_datetime",
    "prepared_cursor",
]

Converter = Callable[[Any, Any, Any], Any]


def prepared_cursor() -> Any:
    """A cursor for a hot path's hand-written statement.

    On PostgreSQL it binds the parameters on the server, so that psycopg prepares each
    statement once per connection (``prepare_threshold`` in the settings; Django's own cursors
    bind on the client and are never prepared). Planning the token's seven-table join cost
    about 2.5 ms of the database's CPU on every request, executing it 0.5 ms (EXPLAIN ANALYZE,
    quality bar P7). SQLite's driver already keeps its compiled statements.
    """
    conn = _default()
    if conn.vendor != "postgresql":
        return conn.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    conn.close_if_health_check_failed()
    conn.ensure_connection()
    raw = conn.connection
    if raw.prepare_threshold is None:  # prepared statements switched off (a pooler)
        return conn.cursor()
    with conn.wrap_database_errors:
        return conn._prepare_cursor(ServerBindingCursor(raw))  # type: ignore[attr-defined,call-arg]


def _default() -> Any:
    """This thread's default connection itself: every attribute read through the
    ``django.db.connection`` proxy looks the connection up again (75 lookups a vote)."""
    return connections[DEFAULT_DB_ALIAS]


class Columns[M: Model]:
    """The concrete columns of ``model`` (``only`` those, or all but ``exclude``: attribute
    names; the others are deferred on the instances), qualified by the table alias ``alias``
    (or unqualified with ``alias=None``, e.g. for RETURNING)."""

    def __init__(
        self,
        model: type[M],
        alias: str | None,
        *,
        exclude: Collection[str] = (),
        only: Collection[str] | None = None,
    ) -> None:
        self.model = model
        self.alias = alias
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in exclude and (only is None or f.attname in only)
        ]
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def sql(self) -> str:
        """``"alias"."column", …`` in the model's field order (quoted for the connection)."""
        quote = connection.ops.quote_name
        prefix = f"{quote(self.alias)}." if self.alias else ""
        return ", ".join(prefix + quote(str(f.column)) for f in self.fields)

    def _converters_for(self, conn: Any) -> list[tuple[int, list[Converter], Any]]:
        vendor = conn.vendor
        found = self._converters.get(vendor)
        if found is None:
            found = []
            for n, f in enumerate(self.fields):
                col = f.get_col(self.alias or self.model._meta.db_table)
                converters = conn.ops.get_db_converters(col) + f.get_db_converters(conn)
                if converters:
                    found.append((n, converters, col))
            self._converters[vendor] = found
        return found

    def build(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance of ``row[start : start + width]``, as the ORM would have built it."""
        conn = _default()
        values = list(row[start : start + self.width])
        for n, converters, col in self._converters_for(conn):
            for converter in converters:
                values[n] = converter(values[n], col, conn)
        model = self.model
        if pre_init.has_listeners(model) or post_init.has_listeners(model):
            return model.from_db(conn.alias, self.attnames, values)
        # What ``from_db`` ends with, without ``__init__``'s walk over every field (a third of
        # the cost on a wide model): the loaded attributes set, the others left deferred.
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding = False
        state.db = conn.alias
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        return instance


class Insert[M: Model]:
    """A hand-written ``INSERT … RETURNING pk`` of one row of ``model`` with the attributes
    ``attnames`` (the others take their database default: leave out only columns that have
    one, or are nullable). Each value is prepared by its field (``get_db_prep_save``: JSON,
    aware datetimes, encrypted fields) exactly as the ORM's insert does; no signals are sent
    and no ``save()`` runs — the caller does what the model's ``save`` would have done.

    Measured on the audit entry (quality bar P7): the ORM's ``save()`` of one row cost about
    0.5 ms of CPU, compiling included; this costs the statement."""

    def __init__(self, model: type[M], attnames: Sequence[str]) -> None:
        self.model = model
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [by_attname[name] for name in attnames]
        self.attnames = list(attnames)
        self._sql: dict[str, str] = {}

    def sql(self, conn: Any = None) -> str:
        conn = conn or _default()
        vendor = conn.vendor
        found = self._sql.get(vendor)
        if found is None:
            quote = conn.ops.quote_name
            columns = ", ".join(quote(str(f.column)) for f in self.fields)
            marks = ", ".join(["%s"] * len(self.fields))
            table = quote(self.model._meta.db_table)
            pk = quote(str(self.model._meta.pk.column))
            found = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - names only
            self._sql[vendor] = found
        return found

    def execute(self, values: Sequence[Any]) -> Any:
        """Insert the row of ``values`` (in ``attnames`` order); return its primary key."""
        conn = _default()
        params = [f.get_db_prep_save(v, conn) for f, v in zip(self.fields, values, strict=True)]
        with prepared_cursor() as cur:
            cur.execute(self.sql(conn), params)
            row = cur.fetchone()
        return row[0]


def adapt_date(value: Any) -> Any:
    """A date as the connection takes it as a parameter of a hand-written statement."""
    return connection.ops.adapt_datefield_value(value)


def adapt_datetime(value: Any) -> Any:
    """An aware datetime as the connection takes it as a parameter (SQLite stores UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
