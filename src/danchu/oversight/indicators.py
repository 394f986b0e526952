"""The oversight pillar's indicators for the steering reports (see danchu.core.indicators)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from danchu.core.indicators import Fact, Indicator

INDICATORS: tuple[Indicator, ...] = ()


def daily_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    """The pillar's facts per commune, village and day between first and last."""
    yield from ()
