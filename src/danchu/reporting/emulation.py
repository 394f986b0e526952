"""Emulation rounds (phong trào thi đua): ranking villages or communes on weighted indicators.

The scoring rule (the issue leaves it to us):

* For each criterion, the value of every ranked unit is read from the same figures the
  dashboards show (:func:`danchu.reporting.selectors.figures_by_child`): a count, an amount or
  a rate (numerator over denominator, summed first).
* The values are normalised by min–max across the ranked units: the best value earns the full
  weight, the worst none, the others in proportion — ``weight × (v − min) / (max − min)`` when
  higher is better, ``weight × (max − v) / (max − min)`` when lower is better.
* When every unit has the same value, nobody is behind: each earns the full weight.
* A unit without a value (a rate whose denominator is zero: nothing to measure) earns no
  points for that criterion and is left out of its minimum and maximum.
* An indicator missing from the catalogue (not deployed) is shown as unavailable and counts
  for nobody; the maximum score is the sum of the available weights.
* The score is the sum of the points; the ranking is by score, highest first, ties broken by
  the unit's name (then its id). Arithmetic is exact (``Fraction``); only the display rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.formats import number_format

from danchu.reporting import catalogue
from danchu.reporting.models import Direction, EmulationRound
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import Figures, figures_by_child

__all__ = ["Cell", "Column", "Ranking", "Row", "period_of", "points", "rank", "show_points"]

Value = int | Fraction | None


@dataclass(frozen=True)
class Column:
    """A criterion as the ranking shows it."""

    code: str
    name: str
    weight: int
    direction: str
    available: bool  # False when the catalogue has no such indicator

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER


@dataclass(frozen=True)
class Cell:
    value: Value
    display: str  # the figure as the dashboards print it
    points: Fraction


@dataclass(frozen=True)
class Row:
    rank: int
    scope: Scope
    name: str
    score: Fraction
    cells: tuple[Cell, ...]

    @property
    def unit_id(self) -> int | None:
        """The village's id (commune round) or the commune's (province round)."""
        if self.scope.village is not None:
            return self.scope.village.pk
        return self.scope.unit.pk if self.scope.unit is not None else None

    @property
    def score_display(self) -> str:
        return show_points(self.score)


@dataclass(frozen=True)
class Ranking:
    round: EmulationRound
    period: Period
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def max_score(self) -> int:
        return sum(c.weight for c in self.columns if c.available)


def show_points(value: Fraction) -> str:
    """Points for print: two decimals, Vietnamese separators (``87,50``)."""
    return str(number_format(round(float(value), 2), 2))


def period_of(first: date, last: date) -> Period:
    """The period ``first``–``last`` named as a half-year, year… when it is one."""
    candidates = (
        Period.month(first.year, first.month),
        Period.quarter(first.year, (first.month - 1) // 3 + 1),
        Period.half(first.year, 1 if first.month <= 6 else 2),
        Period.year(first.year),
        Period.years(first.year, last.year),
    )
    for candidate in candidates:
        if (candidate.first, candidate.last) == (first, last):
            return candidate
    return Period("range", first, last)


def points(values: list[Value], weight: int, direction: str) -> list[Fraction]:
    """Min–max normalised points of one criterion (see the module's docstring)."""
    known = [Fraction(v) for v in values if v is not None]
    if not known:
        return [Fraction(0)] * len(values)
    low, high = min(known), max(known)
    out: list[Fraction] = []
    for value in values:
        if value is None:
            out.append(Fraction(0))
        elif high == low:
            out.append(Fraction(weight))
        elif direction == Direction.LOWER:
            out.append(weight * (high - Fraction(value)) / (high - low))
        else:
            out.append(weight * (Fraction(value) - low) / (high - low))
    return out


def _columns(round: EmulationRound) -> tuple[Column, ...]:  # noqa: A002
    known = catalogue.by_code()
    columns = []
    for criterion in round.criteria.all():
        indicator = known.get(criterion.indicator_code)
        columns.append(
            Column(
                code=criterion.indicator_code,
                name=str(indicator.name) if indicator is not None else criterion.indicator_code,
                weight=criterion.weight,
                direction=criterion.direction,
                available=indicator is not None,
            )
        )
    return tuple(columns)


def _value(figures: Figures, column: Column) -> tuple[Value, str]:
    if not column.available:
        return None, "—"
    indicator = catalogue.get(column.code)
    return figures.value(indicator), figures.display(column.code)


def rank(round: EmulationRound) -> Ranking:  # noqa: A002 - the domain's word
    """The round's ranking, computed from the figures of its villages or communes."""
    period = period_of(round.period_first, round.period_last)
    columns = _columns(round)
    children = figures_by_child(Scope.of(round.unit), period)
    table = [[_value(f, c) for c in columns] for f in children]
    per_column = [
        points([table[r][i][0] for r in range(len(children))], c.weight, c.direction)
        if c.available
        else [Fraction(0)] * len(children)
        for i, c in enumerate(columns)
    ]
    scored = []
    for r, figures in enumerate(children):
        cells = tuple(
            Cell(table[r][i][0], table[r][i][1], per_column[i][r]) for i in range(len(columns))
        )
        score = sum((cell.points for cell in cells), Fraction(0))
        scored.append((figures.scope, cells, score))
    scored.sort(key=lambda item: (-item[2], item[0].name, _pk(item[0])))
    rows = tuple(
        Row(rank=i, scope=scope, name=scope.name, score=score, cells=cells)
        for i, (scope, cells, score) in enumerate(scored, start=1)
    )
    return Ranking(round=round, period=period, columns=columns, rows=rows)


def _pk(scope: Scope) -> int:
    if scope.village is not None:
        return int(scope.village.pk)
    return int(scope.unit.pk) if scope.unit is not None else 0
