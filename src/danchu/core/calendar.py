"""The one working-day calendar for Vietnam; every deadline in danchu goes through it.

Public holidays (lunar Tết, the Hùng Kings' day, compensatory days off, the government's
bridge days) come from the ``holidays`` package (``country_holidays("VN")``); the
government's yearly adjustments it does not know yet are rows of
:class:`~danchu.core.models.WorkingDayOverride`, which win over the package. A row may belong
to one commune: every function takes ``commune=`` (the unit or its id), and that commune's
row for a date wins over the national row, which wins over the package. Without ``commune``
only the national rows apply.

Counting follows the Civil Code 2015 (Bộ luật Dân sự 91/2015/QH13):

* Art. 147(1): a period in days starts on the day *after* the triggering day.
* Art. 148(5): if the last day of a period is a weekend day or a public holiday, the period
  ends at the end of the next working day.
* Art. 148(6): a period ends at 24:00 of its last day.

Overrides are cached per (year, commune) in the process; services that change them call
:func:`calendar_cache_clear`. Another process sees a change within ``_OVERRIDE_TTL`` seconds.
"""

from __future__ import annotations

import calendar as gregorian
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "TIME_ZONE",
    "DatabaseCalendar",
    "WorkingCalendar",
    "add_days_rolled",
    "add_months",
    "add_working_days",
    "calendar_cache_clear",
    "deadline_end",
    "holiday_name",
    "is_working_day",
    "next_working_day",
    "override_rows",
    "working_days_between",
]

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, for a negative count), or the month's last
    day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


_ONE_DAY = timedelta(days=1)
# Seconds a process trusts its cached overrides: other processes' edits show up after this.
_OVERRIDE_TTL = 300.0
# A guard against a runaway loop (a year of "days off" typed by mistake): no real deadline
# needs more than this many calendar days.
_MAX_SPAN_DAYS = 366 * 20
# (year, commune id) entries kept before the cache starts over: a few years of every commune.
_CACHE_MAX = 20_000


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def _check_n(n: int) -> None:
    if n < 0:
        raise ValueError("n must be zero or positive")


class WorkingCalendar:
    """Vietnam's public holidays plus a fixed mapping of overrides (date → is a working day).

    The pure part of the calendar; :class:`DatabaseCalendar` reads the overrides from the
    database. Tests (and property tests) use this one with overrides of their own.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def overrides_for_year(self, year: int) -> Mapping[date, bool]:
        return {d: v for d, v in self._overrides.items() if d.year == year}

    def holiday_name(self, d: date) -> str | None:
        """The package's name of the public holiday on ``d`` (Vietnamese), or None."""
        return _vn_holidays(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        override = self.overrides_for_year(d.year).get(d)
        if override is not None:
            return override
        calendar = _vn_holidays(d.year)
        if d in calendar:
            return False
        # Saturdays the government swapped into working days that the package knows
        # (e.g. 2026-08-22 for the 2026-08-31 bridge day).
        if d in calendar.weekend_workdays:
            return True
        return d.weekday() < 5

    def next_working_day(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after ``d`` (on or after it with ``inclusive``)."""
        current = d if inclusive else d + _ONE_DAY
        for _ in range(_MAX_SPAN_DAYS):
            if self.is_working_day(current):
                return current
            current += _ONE_DAY
        raise ValueError("no working day within twenty years")

    def add_working_days(self, d: date, n: int) -> date:
        """N working days after ``d``: the count starts the day after ``d`` (Civil Code
        Art. 147(1)). ``n == 0`` gives ``d`` itself, or the next working day if ``d`` is not one.
        """
        _check_n(n)
        current = self.next_working_day(d, inclusive=True) if n == 0 else d
        for _ in range(n):
            current = self.next_working_day(current)
        return current

    def add_days_rolled(self, d: date, n: int) -> date:
        """N calendar days after ``d`` (Civil Code Art. 147(1)), rolled forward to the next
        working day when the last day is a weekend day or a holiday (Art. 148(5))."""
        _check_n(n)
        return self.next_working_day(d + timedelta(days=n), inclusive=True)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open interval (a, b]; negative when ``b`` is before ``a``.

        The inverse of :meth:`add_working_days`: ``between(d, add_working_days(d, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        current = a + _ONE_DAY
        while current <= b:
            count += self.is_working_day(current)
            current += _ONE_DAY
        return count


CacheKey = tuple[int, int | None]


class DatabaseCalendar(WorkingCalendar):
    """The calendar with the overrides stored in ``WorkingDayOverride``, cached per year.

    ``commune_id`` None: the national rows only. Otherwise the national rows with that
    commune's rows on top. Instances may share one cache (keyed by year and commune).
    """

    def __init__(
        self,
        commune_id: int | None = None,
        cache: dict[CacheKey, tuple[float, dict[date, bool]]] | None = None,
    ) -> None:
        super().__init__()
        self.commune_id = commune_id
        self._cache = cache if cache is not None else {}

    def clear(self) -> None:
        self._cache.clear()

    def overrides_for_year(self, year: int) -> Mapping[date, bool]:
        key = (year, self.commune_id)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < _OVERRIDE_TTL:
            return cached[1]
        from danchu.core.models import WorkingDayOverride

        rows = override_rows(year, commune=self.commune_id).values_list(
            "date", "kind", "commune_id"
        )
        mapping: dict[date, bool] = {}
        # National rows first, so that the commune's row for the same date replaces them.
        for d, kind, _commune in sorted(rows, key=lambda r: r[2] is not None):
            mapping[d] = kind == WorkingDayOverride.Kind.WORKING_DAY
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[key] = (now, mapping)
        return mapping


_cache: dict[CacheKey, tuple[float, dict[date, bool]]] = {}
_default = DatabaseCalendar(cache=_cache)


def _commune_id(commune: Any) -> int | None:
    value = getattr(commune, "pk", commune)
    return None if value is None else int(value)


def _for(commune: Any) -> DatabaseCalendar:
    commune_id = _commune_id(commune)
    return _default if commune_id is None else DatabaseCalendar(commune_id, _cache)


def override_rows(year: int, *, commune: Any = None) -> Any:
    """The adjustment rows that apply in ``year``: the national ones, plus the commune's.

    A queryset of :class:`~danchu.core.models.WorkingDayOverride` ordered by date, national
    rows before the commune's on the same date. The calendar is public information: no
    actor scoping here; writes are checked in ``core.services``.
    """
    from django.db.models import F, Q

    from danchu.core.models import WorkingDayOverride

    commune_id = _commune_id(commune)
    applies = Q(commune__isnull=True)
    if commune_id is not None:
        applies |= Q(commune_id=commune_id)
    national_first = F("commune_id").asc(nulls_first=True)
    return WorkingDayOverride.objects.filter(applies, date__year=year).order_by(
        "date", national_first
    )


def calendar_cache_clear() -> None:
    """Forget the cached overrides; services call this after changing one."""
    _cache.clear()


def is_working_day(d: date, *, commune: Any = None) -> bool:
    return _for(commune).is_working_day(d)


def holiday_name(d: date) -> str | None:
    return _default.holiday_name(d)


def next_working_day(d: date, *, inclusive: bool = False, commune: Any = None) -> date:
    return _for(commune).next_working_day(d, inclusive=inclusive)


def add_working_days(d: date, n: int, *, commune: Any = None) -> date:
    return _for(commune).add_working_days(d, n)


def add_days_rolled(d: date, n: int, *, commune: Any = None) -> date:
    return _for(commune).add_days_rolled(d, n)


def working_days_between(a: date, b: date, *, commune: Any = None) -> int:
    return _for(commune).working_days_between(a, b)


def deadline_end(d: date) -> datetime:
    """The instant a period whose last day is ``d`` ends: 24:00 of ``d`` in Vietnam, i.e.
    00:00 of the next day (Civil Code Art. 148(6)). Something done at ``t`` is in time
    when ``t < deadline_end(d)``."""
    following = d + _ONE_DAY
    return datetime(following.year, following.month, following.day, tzinfo=TIME_ZONE)
