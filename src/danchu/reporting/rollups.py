"""Roll-ups: the pillars' daily facts kept per (code, source commune, village, day) and month.

``refresh`` recomputes them from ``catalogue.SOURCES`` and replaces the stored rows in one
transaction. Pillar writes mark their commune dirty (``mark_dirty``, called by the receivers in
``signals.py``); a background task refreshes dirty communes, and the selectors refresh the dirty
communes of a scope synchronously before they answer, so the figures always equal the raw
computation. ``sums`` reads them: whole months from the monthly layer, the partial months at the
period's edges from the daily layer.
"""

from __future__ import annotations

import calendar
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Q, Sum, Value
from django.utils import timezone

from danchu.core.rows import Insert
from danchu.reporting import catalogue
from danchu.reporting.models import (
    DailyFigure,
    DirtyCommune,
    MonthlyFigure,
    ReportedFigure,
    RollupStamp,
)
from danchu.reporting.periods import MAX_YEAR, MIN_YEAR
from danchu.reporting.scopes import Scope
from danchu.territory.models import AdministrativeUnit, UnitSuccession

__all__ = [
    "EARLIEST",
    "LATEST",
    "Placement",
    "mark_dirty",
    "month_end",
    "month_start",
    "placements",
    "refresh",
    "refresh_dirty",
    "serving",
    "sums",
    "time_dependent_codes",
]

EARLIEST, LATEST = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
_BATCH = 2000
_LOCK_CLASS = 0x726F6C6C  # "roll": advisory locks of one commune's roll-ups (PostgreSQL)
# The background refresh is enqueued at most once per this many seconds per process, and runs
# this long after: every marking in the window is then visible to it (the selectors refresh
# synchronously anyway, so this only keeps the roll-ups warm).
REFRESH_DELAY_SECONDS = 30


# The providers the roll-ups were built from. A test that replaces ``catalogue.SOURCES`` with a
# fake provider (as the indicator contract tells consumers to) has facts that are no rows: no
# write marks their commune dirty. Under a replaced provider the selectors therefore answer from
# the raw computation — until a ``refresh`` has run with that provider (the test publishes its
# facts), or when the test says the roll-ups follow it (``FOLLOW_REPLACED_SOURCES``).
_SOURCES = catalogue.SOURCES
_built_with: object = _SOURCES
FOLLOW_REPLACED_SOURCES = False


def serving() -> bool:
    """Whether the selectors read the roll-ups (always, but under a replaced provider)."""
    sources = catalogue.SOURCES
    return sources is _SOURCES or sources is _built_with or FOLLOW_REPLACED_SOURCES


# --- placement: where a source commune's figures count since 1 July 2025 ----------------


@dataclass(frozen=True)
class Placement:
    commune_id: int
    province_id: int | None


def placements(commune_ids: Iterable[int]) -> dict[int, Placement]:
    """Source commune id → its 2025 commune (the successor with the lowest code for a former
    commune, like :func:`scopes.successor_map`) and that commune's province."""
    ids = set(commune_ids)
    if not ids:
        return {}
    successor: dict[int, int] = {}
    pairs = (
        UnitSuccession.objects.filter(
            predecessor_id__in=ids,
            predecessor__level=AdministrativeUnit.Level.COMMUNE,
            successor__level=AdministrativeUnit.Level.COMMUNE,
        )
        .order_by("predecessor_id", "successor__code")
        .values_list("predecessor_id", "successor_id")
    )
    for former, current in pairs:
        successor.setdefault(former, current)
    mapped = {i: successor.get(i, i) for i in ids}
    province: dict[int, int | None] = {}
    for row in AdministrativeUnit.objects.filter(pk__in=set(mapped.values())).values(
        "pk", "parent_id", "parent__level", "parent__parent_id"
    ):
        if row["parent__level"] == AdministrativeUnit.Level.DISTRICT:
            province[row["pk"]] = row["parent__parent_id"]  # a former commune without successor
        else:
            province[row["pk"]] = row["parent_id"]
    return {i: Placement(m, province.get(m)) for i, m in mapped.items()}


# --- maintenance -------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _lock(commune_ids: Sequence[int] | None) -> None:
    """Serialise refreshes of the same communes (PostgreSQL; SQLite serialises its writers)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if commune_ids is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK_CLASS])
            return
        for commune_id in sorted(set(commune_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, commune_id])


def refresh(
    commune_ids: Sequence[int] | None, first: date | None = None, last: date | None = None
) -> int:
    """Recompute the roll-ups of ``commune_ids`` (``None``: every commune) for the days
    ``first..last`` (default: all) from the pillars' facts and replace the stored rows, daily and
    monthly, in one transaction. Returns the number of daily rows written."""
    global _built_with
    _built_with = catalogue.SOURCES
    first, last = first or EARLIEST, last or LATEST
    ids = None if commune_ids is None else sorted(set(commune_ids))
    if ids is not None and not ids:
        return 0
    with transaction.atomic():
        _lock(ids)
        # The markings this refresh answers: those visible before the facts are read (one made
        # meanwhile stays for the next refresh).
        marks = (
            DirtyCommune.objects.all()
            if ids is None
            else DirtyCommune.objects.filter(commune_id__in=ids)
        )
        answered = list(marks.values_list("pk", flat=True))
        totals: dict[tuple[str, int, int | None, date], int] = defaultdict(int)
        for source in catalogue.SOURCES:
            for fact in source(ids, first, last):
                totals[(fact.code, fact.commune_id, fact.village_id, fact.day)] += fact.value
        seen = {key[1] for key in totals} | set(ids or ())
        placed = placements(seen)
        where = Q() if ids is None else Q(source_id__in=ids)
        DailyFigure.objects.filter(where, day__gte=first, day__lte=last).delete()
        _insert_daily(
            (code, commune, village, day, placed[commune].commune_id,
             placed[commune].province_id, value)
            for (code, commune, village, day), value in totals.items()
            if value
        )  # fmt: skip
        _rebuild_months(ids, month_start(first), month_end(last))
        _place_reported(ids, placed)
        _stamp(ids if ids is not None else sorted(seen), everything=ids is None)
        for start in range(0, len(answered), 10_000):
            DirtyCommune.objects.filter(pk__in=answered[start : start + 10_000]).delete()
        for mark in _pending_marks():
            if ids is None or mark.commune_id in ids:
                mark.live = False  # a later write in this transaction marks it again
    return sum(1 for v in totals.values() if v)


def _col(model: Any, name: str) -> str:
    column = getattr(model._meta.get_field(name), "column", None)
    assert isinstance(column, str)
    return connection.ops.quote_name(column)


def _insert_daily(rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert daily rows ``(code, source, village, day, commune, province, value)`` with
    ``COPY`` on PostgreSQL, multi-row ``INSERT … VALUES`` statements of 1,000 rows elsewhere (no
    model instances: rebuilds write millions; 7,000 parameters stay under SQLite's limit)."""
    names = ("code", "source", "village", "day", "commune", "province", "value")
    columns = ", ".join(_col(DailyFigure, n) for n in names)
    head = f"INSERT INTO {connection.ops.quote_name(DailyFigure._meta.db_table)} ({columns}) "
    group = "(" + ", ".join(["%s"] * len(names)) + ")"
    adapt = connection.ops.adapt_datefield_value
    batch: list[Any] = []
    size = 1000

    def flush(cursor: Any) -> None:
        count = len(batch) // len(names)
        cursor.execute(head + "VALUES " + ", ".join([group] * count), batch)  # noqa: S608
        batch.clear()

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(DailyFigure._meta.db_table)} ({columns}) "
                "FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    with connection.cursor() as cursor:
        for code, source, village, day, commune, province, value in rows:
            batch.extend((code, source, village, adapt(day), commune, province, value))
            if len(batch) >= size * len(names):
                flush(cursor)
        if batch:
            flush(cursor)


def _rebuild_months(ids: list[int] | None, first: date, last: date) -> None:
    """Recompute the monthly layer of the months ``first..last`` from the daily layer: one
    ``INSERT … SELECT … GROUP BY`` in the database (no rows through Python)."""
    where = Q() if ids is None else Q(source_id__in=ids)
    MonthlyFigure.objects.filter(where, month__gte=first, month__lte=last).delete()
    qn, col = connection.ops.quote_name, _col
    names = ("code", "source", "village", "commune", "province")
    src = [col(DailyFigure, n) for n in names]
    dst = [col(MonthlyFigure, n) for n in names]
    day, value = col(DailyFigure, "day"), col(DailyFigure, "value")
    if connection.vendor == "postgresql":
        month = f"CAST(date_trunc('month', {day}) AS date)"
    else:
        month = f"date({day}, 'start of month')"
    params: list[Any] = [first, last]
    condition = f"{day} >= %s AND {day} <= %s"
    if ids is not None:
        condition += f" AND {src[1]} IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sql = (
        f"INSERT INTO {qn(MonthlyFigure._meta.db_table)} ({', '.join(dst)}, "  # noqa: S608
        f"{col(MonthlyFigure, 'month')}, {col(MonthlyFigure, 'value')}) "
        f"SELECT {', '.join(src)}, {month}, SUM({value}) FROM {qn(DailyFigure._meta.db_table)} "
        f"WHERE {condition} GROUP BY {', '.join(src)}, {month} HAVING SUM({value}) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _stamp(ids: Sequence[int], *, everything: bool) -> None:
    today = timezone.localdate()
    if everything:
        RollupStamp.objects.update(as_of=today)
    RollupStamp.objects.bulk_create(
        [RollupStamp(commune_id=i, as_of=today) for i in ids],
        update_conflicts=True,
        unique_fields=["commune"],
        update_fields=["as_of"],
        batch_size=_BATCH,
    )


def time_dependent_codes() -> frozenset[str]:
    """The codes whose facts change with the day they are read (the pillars declare them)."""
    out: set[str] = set()
    for module in getattr(catalogue, "_MODULES", ()):
        out |= set(getattr(module, "TIME_DEPENDENT", ()))
    return frozenset(out)


def _place_reported(ids: list[int] | None, placed: dict[int, Placement]) -> None:
    """Keep the reported figures of the refreshed communes counting where they belong."""
    reported = (
        ReportedFigure.objects.all()
        if ids is None
        else ReportedFigure.objects.filter(unit_id__in=ids)
    )
    units = set(reported.values_list("unit_id", flat=True).distinct())
    missing = units - placed.keys()
    if missing:
        placed = {**placed, **placements(missing)}
    for unit_id in units:
        p = placed[unit_id]
        ReportedFigure.objects.filter(unit_id=unit_id).exclude(
            commune_id=p.commune_id, province_id=p.province_id
        ).update(commune_id=p.commune_id, province_id=p.province_id)


# --- dirty communes ----------------------------------------------------------------------


class _Marked:
    """The on-commit hook of one commune marked dirty in the current transaction: while it is
    pending (and ``live``), further writes to that commune in the same transaction do not insert
    another marking. A rolled-back savepoint drops the hook together with the marking's row."""

    def __init__(self, commune_id: int) -> None:
        self.commune_id = commune_id
        self.live = True

    def __call__(self) -> None:
        _schedule_refresh()


def _pending_marks() -> list[_Marked]:
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return []
    return [hook for _sids, hook, *_rest in conn.run_on_commit if isinstance(hook, _Marked)]


# Every pillar write pays this INSERT: hand-written, it costs the statement, not the ORM's
# compilation (quality bar P7, the online vote).
_MARK = Insert(DirtyCommune, ["commune_id", "marked_at"])


def mark_dirty(commune_id: int | None) -> None:
    """Note that ``commune_id``'s pillar rows changed (one INSERT, once per transaction)."""
    if commune_id is None:
        return
    if any(m.live and m.commune_id == commune_id for m in _pending_marks()):
        return
    _MARK.execute([commune_id, timezone.now()])
    transaction.on_commit(_Marked(commune_id), robust=True)


_last_scheduled = 0.0


def _schedule_refresh() -> None:
    global _last_scheduled
    now = time.monotonic()
    if _last_scheduled and now - _last_scheduled < REFRESH_DELAY_SECONDS:
        return
    _last_scheduled = now
    from danchu.reporting.tasks import refresh_dirty_task

    if refresh_dirty_task.get_backend().supports_defer:
        from django.utils import timezone

        run_after = timezone.now() + timedelta(seconds=REFRESH_DELAY_SECONDS)
        refresh_dirty_task.using(run_after=run_after).enqueue()
    else:
        refresh_dirty_task.enqueue()


def _dirty_filter(scope: Scope | None) -> Q:
    """The markings that concern ``scope`` (``None`` or the nation: all of them)."""
    if scope is None or scope.level == "nation":
        return Q()
    assert scope.unit is not None
    if not scope.unit.is_current:
        return Q(commune_id__in=scope.commune_ids or [])
    if scope.level == "province":
        return Q(commune__parent_id=scope.unit.pk) | Q(
            commune__successions__successor__parent_id=scope.unit.pk
        )
    return Q(commune_id=scope.unit.pk) | Q(commune__successions__successor_id=scope.unit.pk)


def refresh_dirty(scope: Scope | None = None) -> list[int]:
    """Refresh the dirty communes of ``scope`` (all of them by default) and, when the catalogue
    has time-dependent codes, those computed before today; one query when there are none.
    Returns the refreshed commune ids."""
    where = _dirty_filter(scope)
    rows = DirtyCommune.objects.filter(where).values_list("pk", "commune_id")
    if time_dependent_codes():
        stale = RollupStamp.objects.filter(where, as_of__lt=timezone.localdate()).values_list(
            Value(0, output_field=BigIntegerField()), "commune_id"
        )
        rows = rows.union(stale, all=True)
    seen = list(rows)
    if not seen:
        return []
    communes = sorted({c for _pk, c in seen})
    refresh(communes)  # answers the markings of these communes
    return communes


# --- reading -----------------------------------------------------------------------------


@dataclass
class Split:
    """A period cut into whole months (monthly layer) and edge days (daily layer)."""

    months: tuple[date, date] | None  # first days of the first and last whole month
    days: list[tuple[date, date]] = field(default_factory=list)


def split(first: date, last: date) -> Split:
    whole_first = first if first.day == 1 else month_end(first) + timedelta(days=1)
    whole_last = last if last == month_end(last) else month_start(last) - timedelta(days=1)
    if whole_first > whole_last:
        return Split(None, [(first, last)])
    days = []
    if first < whole_first:
        days.append((first, whole_first - timedelta(days=1)))
    if whole_last < last:
        days.append((whole_last + timedelta(days=1), last))
    return Split((whole_first, month_start(whole_last)), days)


def scope_filter(scope: Scope) -> Q | None:
    """The roll-up rows of ``scope`` (``None``: every row)."""
    if scope.level == "nation":
        return None
    assert scope.unit is not None
    if not scope.unit.is_current:
        where = Q(source_id__in=scope.commune_ids or [])
    elif scope.level == "province":
        where = Q(province_id=scope.unit.pk)
    else:
        where = Q(commune_id=scope.unit.pk)
    if scope.village is not None:
        where &= Q(village_id=scope.village.pk)
    return where


def reported_filter(scope: Scope) -> Q | None:
    """The reported figures of ``scope`` (``None``: every one). Reported figures are commune
    figures: a village has none (the caller skips villages)."""
    if scope.level == "nation":
        return None
    assert scope.unit is not None
    if not scope.unit.is_current:
        return Q(unit_id__in=scope.commune_ids or [])
    if scope.level == "province":
        return Q(province_id=scope.unit.pk)
    return Q(commune_id=scope.unit.pk)


Key = tuple[Any, ...]


def sums(where: Q | None, first: date, last: date, by: Sequence[str] = ()) -> dict[Key, int]:
    """``(*group values, code) → value`` summed over the roll-ups in ``first..last``. ``by``
    names grouping fields among ``commune``, ``province``, ``village`` and ``when`` (the month's
    first day for whole months, the day for edge days). At most two queries."""
    cut = split(first, last)
    out: dict[Key, int] = defaultdict(int)
    where = where or Q()
    fields = [f"{name}_id" if name != "when" else "when" for name in by]
    if cut.months is not None:
        qs = MonthlyFigure.objects.filter(where, month__gte=cut.months[0], month__lte=cut.months[1])
        if "when" in fields:
            qs = qs.annotate(when=F("month"))
        for row in qs.values_list(*fields, "code").annotate(total=Sum("value")).order_by():
            out[tuple(row[:-1])] += row[-1]
    if cut.days:
        days = Q()
        for a, b in cut.days:
            days |= Q(day__gte=a, day__lte=b)
        qs2 = DailyFigure.objects.filter(where, days)
        if "when" in fields:
            qs2 = qs2.annotate(when=F("day"))
        for row in qs2.values_list(*fields, "code").annotate(total=Sum("value")).order_by():
            out[tuple(row[:-1])] += row[-1]
    return out
