"""Reporting periods (kỳ báo cáo): month, quarter, half-year, year and several years.

A period is written the way the API and URLs take it: ``2026-05`` (month), ``2026-Q2``
(quarter), ``2026-H1`` (half-year), ``2026`` (year), ``2021-2026`` (several years, inclusive),
or ``2026-01-01..2026-06-30`` (any range of days).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.utils.translation import gettext as _

Kind = Literal["month", "quarter", "half", "year", "years", "range"]

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.I)),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.I)),
    ("year", re.compile(r"^(\d{4})$")),
    ("years", re.compile(r"^(\d{4})-(\d{4})$")),
    ("range", re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
)
# Periods before the oldest law on grassroots democracy or far ahead are input errors.
MIN_YEAR, MAX_YEAR = 1998, 2100


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Period:
    kind: Kind
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(_("The period ends before it starts."))

    # --- constructors ---------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", date(year, month, 1), date(year, month, _days(year, month)))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        m = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, m, 1), date(year, m + 2, _days(year, m + 2)))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half == 1:
            return cls("half", date(year, 1, 1), date(year, 6, 30))
        return cls("half", date(year, 7, 1), date(year, 12, 31))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def years(cls, first_year: int, last_year: int) -> Period:
        return cls("years", date(first_year, 1, 1), date(last_year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``text``; :class:`PeriodError` with a message for the user when it is wrong."""
        text = (text or "").strip()
        for kind, pattern in _PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return _build(cls, kind, match.groups())
                except (ValueError, OverflowError):
                    break
        raise PeriodError(
            _(
                "Unknown period “%(text)s”: write 2026-05, 2026-Q2, 2026-H1, 2026, 2021-2026 "
                "or 2026-01-01..2026-06-30."
            )
            % {"text": text[:40]}
        )

    # --- reading --------------------------------------------------------------------------
    @property
    def key(self) -> str:
        """The text :meth:`parse` reads back to this period."""
        f = self.first
        if self.kind == "month":
            return f"{f.year}-{f.month:02d}"
        if self.kind == "quarter":
            return f"{f.year}-Q{(f.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{f.year}-H{1 if f.month == 1 else 2}"
        if self.kind == "year":
            return str(f.year)
        if self.kind == "years":
            return f"{f.year}-{self.last.year}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        """How a report names the period, e.g. “6 tháng đầu năm 2026”."""
        f = self.first
        if self.kind == "month":
            return _("month %(month)d/%(year)d") % {"month": f.month, "year": f.year}
        if self.kind == "quarter":
            return _("quarter %(q)d/%(year)d") % {"q": (f.month - 1) // 3 + 1, "year": f.year}
        if self.kind == "half":
            if f.month == 1:
                return _("first six months of %(year)d") % {"year": f.year}
            return _("last six months of %(year)d") % {"year": f.year}
        if self.kind == "year":
            return _("year %(year)d") % {"year": f.year}
        if self.kind == "years":
            return _("%(first)d–%(last)d") % {"first": f.year, "last": self.last.year}
        return _("%(first)s to %(last)s") % {
            "first": f.strftime("%d/%m/%Y"),
            "last": self.last.strftime("%d/%m/%Y"),
        }

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def months(self) -> list[Period]:
        """The calendar months the period touches, clipped to it (for trend charts)."""
        out: list[Period] = []
        year, month = self.first.year, self.first.month
        while date(year, month, 1) <= self.last:
            m = Period.month(year, month)
            out.append(Period("range", max(m.first, self.first), min(m.last, self.last)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return [p if (p.first, p.last) != (m.first, m.last) else m for p, m in _pair(out)]

    def years_in(self) -> list[Period]:
        """The calendar years the period touches, clipped to it."""
        out: list[Period] = []
        for y in range(self.first.year, self.last.year + 1):
            whole = Period.year(y)
            first, last = max(whole.first, self.first), min(whole.last, self.last)
            out.append(
                whole
                if (first, last) == (whole.first, whole.last)
                else Period("range", first, last)
            )
        return out

    def previous(self) -> Period:
        """The period of the same kind just before this one (the “same period last year” for
        a range)."""
        if self.kind == "month":
            d = self.first - timedelta(days=1)
            return Period.month(d.year, d.month)
        if self.kind == "quarter":
            d = self.first - timedelta(days=1)
            return Period.quarter(d.year, (d.month - 1) // 3 + 1)
        if self.kind == "half":
            d = self.first - timedelta(days=1)
            return Period.half(d.year, 1 if d.month <= 6 else 2)
        if self.kind == "year":
            return Period.year(self.first.year - 1)
        span = self.last.year - self.first.year + 1
        if self.kind == "years":
            return Period.years(self.first.year - span, self.first.year - 1)
        length = self.last - self.first
        last = self.first - timedelta(days=1)
        return Period("range", last - length, last)


def _days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _pair(periods: list[Period]) -> list[tuple[Period, Period]]:
    return [(p, Period.month(p.first.year, p.first.month)) for p in periods]


def _build(cls: type[Period], kind: Kind, groups: tuple[str | None, ...]) -> Period:
    a, b = ([g or "" for g in groups] + [""])[:2]
    if kind == "range":
        return cls("range", date.fromisoformat(a), date.fromisoformat(b))
    year = int(a)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(year)
    if kind == "month":
        return cls.month(year, int(b))
    if kind == "quarter":
        return cls.quarter(year, int(b))
    if kind == "half":
        return cls.half(year, int(b))
    if kind == "year":
        return cls.year(year)
    if not MIN_YEAR <= int(b) <= MAX_YEAR:
        raise ValueError(b)
    return cls.years(year, int(b))
