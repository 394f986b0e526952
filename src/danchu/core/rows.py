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

from django.db import connection
from django.db.models import Model

__all__ = ["Columns", "adapt_date", "adapt_datetime"]

Converter = Callable[[Any, Any, Any], Any]


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

    def _converters_for(self) -> list[tuple[int, list[Converter], Any]]:
        vendor = connection.vendor
        found = self._converters.get(vendor)
        if found is None:
            found = []
            for n, f in enumerate(self.fields):
                col = f.get_col(self.alias or self.model._meta.db_table)
                converters = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
                if converters:
                    found.append((n, converters, col))
            self._converters[vendor] = found
        return found

    def build(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance of ``row[start : start + width]``, as the ORM would have built it."""
        values = list(row[start : start + self.width])
        for n, converters, col in self._converters_for():
            for converter in converters:
                values[n] = converter(values[n], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


def adapt_date(value: Any) -> Any:
    """A date as the connection takes it as a parameter of a hand-written statement."""
    return connection.ops.adapt_datefield_value(value)


def adapt_datetime(value: Any) -> Any:
    """An aware datetime as the connection takes it as a parameter (SQLite stores UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
