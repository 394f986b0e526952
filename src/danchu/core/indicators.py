"""The shape of an indicator (chỉ tiêu) and of the daily facts a pillar reports for it.

Each pillar declares its indicators and a ``daily_facts`` selector in its own
``indicators.py``; ``danchu.reporting`` collects them into one catalogue, keeps the facts
per village and day (roll-ups) and computes any unit and period from them. The types live in
``core`` because pillars must not import ``reporting`` (apps depend downward only).

Every stored figure is an additive integer (a count, VND, m², workdays). Rates are never
stored: a rate indicator names its numerator and denominator and is computed after summing,
so village → commune → province sums stay exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from django.utils.functional import Promise

Measure = Literal["count", "vnd", "m2", "workdays", "households", "rate"]


@dataclass(frozen=True)
class Indicator:
    """One named indicator of the catalogue.

    ``code`` is stable (``pillar.name``) and is what the roll-ups, reports and API store.
    A ``rate`` indicator has ``numerator`` and ``denominator`` codes and no facts of its own.
    ``public`` indicators appear on the public dashboards and the open-data export; the others
    only for officials (e.g. denunciations received).
    """

    code: str
    pillar: str
    name: str | Promise
    definition: str | Promise
    measure: Measure
    legal_basis: str
    public: bool = True
    numerator: str | None = None
    denominator: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.measure == "rate"


class Fact(NamedTuple):
    """An additive figure of one indicator for one commune (and village, when it has one) on
    one day. ``commune_id`` is the unit the underlying rows belong to: a 2025 commune or, for
    history, a former commune (mapped to its successor by the roll-ups)."""

    code: str
    commune_id: int
    village_id: int | None
    day: date
    value: int


# ``daily_facts(commune_ids, first, last)``: every fact of the pillar with ``first <= day <=
# last`` for those communes (``None``: all communes). Must be computed in the database (GROUP
# BY), never by iterating rows in Python, and must yield at most one fact per (code, commune,
# village, day).
FactSource = Callable[[Sequence[int] | None, date, date], Iterable[Fact]]
