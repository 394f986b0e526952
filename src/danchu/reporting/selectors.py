"""Figures for any scope and period: what the dashboards, reports, exports and API read.

The signatures here are the app's contract. ``figures`` serves from the roll-ups;
``raw_figures`` recomputes from the pillars' rows (the check the roll-ups must equal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.formats import number_format

from danchu.core.indicators import Indicator
from danchu.reporting import catalogue
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope, successor_map


@dataclass
class Figures:
    """Summed indicator values (code → integer) of one scope and period."""

    scope: Scope
    period: Period
    values: dict[str, int] = field(default_factory=dict)

    def get(self, code: str) -> int:
        return self.values.get(code, 0)

    def rate(self, code: str) -> Fraction | None:
        """A rate indicator's value (``None`` when its denominator is zero)."""
        indicator = catalogue.get(code)
        assert indicator.numerator is not None
        assert indicator.denominator is not None
        denominator = self.get(indicator.denominator)
        if not denominator:
            return None
        return Fraction(self.get(indicator.numerator), denominator)

    def value(self, indicator: Indicator) -> int | Fraction | None:
        return self.rate(indicator.code) if indicator.is_rate else self.get(indicator.code)

    def display(self, code: str) -> str:
        """The value as a report prints it: ``1.234.500`` or ``87,5%`` (``—`` for no rate)."""
        indicator = catalogue.get(code)
        if indicator.is_rate:
            rate = self.rate(code)
            if rate is None:
                return "—"
            return number_format(round(float(rate) * 100, 1), 1) + "%"
        return number_format(self.get(code), 0, force_grouping=True)


def raw_figures(scope: Scope, period: Period) -> Figures:
    """The figures recomputed from the pillars' rows (no roll-ups)."""
    totals: dict[str, int] = defaultdict(int)
    village_id = scope.village.pk if scope.village is not None else None
    for source in catalogue.SOURCES:
        for fact in source(scope.commune_ids, period.first, period.last):
            if village_id is not None and fact.village_id != village_id:
                continue
            totals[fact.code] += fact.value
    return Figures(scope, period, dict(totals))


def figures(scope: Scope, period: Period) -> Figures:
    """The figures of ``scope`` for ``period``, exactly equal to :func:`raw_figures`."""
    return raw_figures(scope, period)


def figures_by_child(scope: Scope, period: Period) -> list[Figures]:
    """The figures of each unit one level down (villages of a commune, …), in name order."""
    return [figures(child, period) for child in scope.children()]


def series(scope: Scope, period: Period) -> list[Figures]:
    """The figures month by month (year by year for periods over two years): for trends."""
    steps = period.years_in() if (period.last.year - period.first.year) >= 2 else period.months()
    return [figures(scope, step) for step in steps]


__all__ = ["Figures", "figures", "figures_by_child", "raw_figures", "series", "successor_map"]
