"""The one catalogue of indicators: every pillar's ``indicators.py`` collected.

Reporting reads the pillars through these selectors only (apps depend downward).
"""

from __future__ import annotations

from functools import cache

from danchu.consultation import indicators as consultation
from danchu.contributions import indicators as contributions
from danchu.core.indicators import FactSource, Indicator
from danchu.decisions import indicators as decisions
from danchu.disclosure import indicators as disclosure
from danchu.oversight import indicators as oversight
from danchu.petitions import indicators as petitions

# In the order the reviews present the pillars: know, discuss and decide, do, inspect and
# supervise (requests, oversight), consultations.
_MODULES = (disclosure, decisions, contributions, petitions, oversight, consultation)

SOURCES: tuple[FactSource, ...] = tuple(m.daily_facts for m in _MODULES)


# Audit actions that a pillar declares never change its facts (``UNCOUNTED_ACTIONS``): they
# do not mark their commune for the roll-ups.
UNCOUNTED_ACTIONS: frozenset[str] = frozenset().union(
    *(getattr(m, "UNCOUNTED_ACTIONS", frozenset()) for m in _MODULES)
)


@cache
def indicators() -> tuple[Indicator, ...]:
    found = tuple(i for m in _MODULES for i in m.INDICATORS)
    codes = [i.code for i in found]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ValueError(f"indicator codes declared twice: {sorted(duplicates)}")
    return found


@cache
def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in indicators()}


def get(code: str) -> Indicator:
    """The indicator ``code``; ``KeyError`` when the catalogue has none."""
    return by_code()[code]


def stored_codes() -> tuple[str, ...]:
    """The codes that have facts (every indicator but the rates)."""
    return tuple(i.code for i in indicators() if not i.is_rate)
