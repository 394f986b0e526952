"""Figures for any scope and period: what the dashboards, reports, exports and API read.

The signatures here are the app's contract. ``figures`` serves from the roll-ups;
``raw_figures`` recomputes from the pillars' rows (the check the roll-ups must equal).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Sum
from django.utils.formats import get_format, number_format

from danchu.core.indicators import Indicator
from danchu.reporting import catalogue, rollups
from danchu.reporting.models import ReportedFigure
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
        return grouped(self.get(code))


def grouped(value: int) -> str:
    """``1.234.500`` in Vietnamese, ``1,234,500`` in English: Django's ``number_format`` groups
    only where the locale sets NUMBER_GROUPING, which the Vietnamese locale does not."""
    return f"{value:,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))


def raw_figures(scope: Scope, period: Period) -> Figures:
    """The figures recomputed from the pillars' rows and the reported figures (no roll-ups)."""
    totals: dict[str, int] = defaultdict(int)
    village_id = scope.village.pk if scope.village is not None else None
    for source in catalogue.SOURCES:
        for fact in source(scope.commune_ids, period.first, period.last):
            if village_id is not None and fact.village_id != village_id:
                continue
            totals[fact.code] += fact.value
    if scope.village is None:
        reported = ReportedFigure.objects.filter(first__gte=period.first, last__lte=period.last)
        if scope.commune_ids is not None:
            reported = reported.filter(unit_id__in=scope.commune_ids)
        for code, total in reported.values_list("code").annotate(t=Sum("value")).order_by():
            totals[code] += total
    return Figures(scope, period, _nonzero(totals))


def _nonzero(totals: dict[str, int]) -> dict[str, int]:
    return {code: value for code, value in totals.items() if value}


def _reported(
    scope: Scope, first: date, last: date, by: str | None = None
) -> list[tuple[Any, str, date, date, int]]:
    """Reported figures of ``scope`` lying inside ``first..last``: ``(group, code, first, last,
    value)``. A reported figure counts in a period only when its whole period lies inside
    (one that straddles the period's first or last day is left out: it cannot be split)."""
    if scope.village is not None:
        return []
    qs = ReportedFigure.objects.filter(first__gte=first, last__lte=last)
    where = rollups.reported_filter(scope)
    if where is not None:
        qs = qs.filter(where)
    group = f"{by}_id" if by else "unit_id"
    return list(qs.values_list(group, "code", "first", "last", "value"))


def figures(scope: Scope, period: Period) -> Figures:
    """The figures of ``scope`` for ``period`` from the roll-ups, exactly equal to
    :func:`raw_figures` (the scope's dirty communes are refreshed first)."""
    if not rollups.serving():
        return raw_figures(scope, period)
    rollups.refresh_dirty(scope)
    totals: dict[str, int] = defaultdict(int)
    for (code,), value in rollups.sums(
        rollups.scope_filter(scope), period.first, period.last
    ).items():
        totals[code] += value
    for _unit, code, _first, _last, value in _reported(scope, period.first, period.last):
        totals[code] += value
    return Figures(scope, period, _nonzero(totals))


# The grouping field of each level's children in the roll-ups.
_CHILD_FIELD = {"nation": "province", "province": "commune", "commune": "village"}


def figures_by_child(scope: Scope, period: Period) -> list[Figures]:
    """The figures of each unit one level down (villages of a commune, …), in name order:
    one GROUP BY for all the children."""
    children = scope.children()
    if not children:
        return []
    by = _CHILD_FIELD.get(scope.level)
    if by is None or scope.unit is not None and not scope.unit.is_current:
        return [figures(child, period) for child in children]
    if not rollups.serving():
        return [raw_figures(child, period) for child in children]
    rollups.refresh_dirty(scope)
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    where = rollups.scope_filter(scope)
    for (key, code), value in rollups.sums(where, period.first, period.last, (by,)).items():
        totals[key][code] += value
    if by != "village":
        for key, code, _first, _last, value in _reported(scope, period.first, period.last, by):
            totals[key][code] += value
    out = []
    for child in children:
        key = child.village.pk if child.village is not None else child.unit.pk  # type: ignore[union-attr]
        out.append(Figures(child, period, _nonzero(totals.get(key, {}))))
    return out


def series(scope: Scope, period: Period) -> list[Figures]:
    """The figures month by month (year by year for periods over two years): for trends.
    A constant number of queries: the steps are bucketed from one grouped read."""
    steps = period.years_in() if (period.last.year - period.first.year) >= 2 else period.months()
    if not rollups.serving():
        return [raw_figures(scope, step) for step in steps]
    rollups.refresh_dirty(scope)
    starts = [step.first for step in steps]
    totals: list[dict[str, int]] = [defaultdict(int) for _ in steps]
    where = rollups.scope_filter(scope)
    for (when, code), value in rollups.sums(where, period.first, period.last, ("when",)).items():
        totals[bisect_right(starts, when) - 1][code] += value
    for _unit, code, first, last, value in _reported(scope, period.first, period.last):
        i = bisect_right(starts, first) - 1
        if last <= steps[i].last:  # inside one step only (the rule of ``_reported``)
            totals[i][code] += value
    return [Figures(scope, step, _nonzero(t)) for step, t in zip(steps, totals, strict=True)]


__all__ = ["Figures", "figures", "figures_by_child", "raw_figures", "series", "successor_map"]
