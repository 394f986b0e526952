"""A fake indicator provider for the dashboard, export and API tests: a few indicators of each
measure (one not public, one rate) and facts kept in a list, so the tests depend on no pillar's
indicators and the fake source makes no query."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from datetime import date

import pytest

from danchu.core.indicators import Fact, Indicator
from danchu.reporting import catalogue

ITEMS = Indicator("test.items", "disclosure", "Mục công khai", "Số mục.", "count", "Điều 11")
MONEY = Indicator(
    "test.money", "contributions", "Tiền đóng góp", "Số tiền.", "vnd", "Luật 10/2022 Điều 15"
)
DONE = Indicator("test.done", "petitions", "Đã giải quyết", "Số việc.", "count", "Điều 28")
TOTAL = Indicator("test.total", "petitions", "Đã tiếp nhận", "Số việc.", "count", "Điều 28")
RATE = Indicator(
    "test.rate", "petitions", "Tỷ lệ giải quyết", "Đã/nhận.", "rate", "Điều 28",
    numerator="test.done", denominator="test.total",
)  # fmt: skip
SECRET = Indicator(
    "test.secret", "petitions", "Tố cáo bí mật", "Số tố cáo.", "count", "Luật Tố cáo", public=False
)
FAKE_INDICATORS = (ITEMS, MONEY, DONE, TOTAL, RATE, SECRET)


class FakeSource:
    """Facts in memory, filtered like a real ``daily_facts``."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    def add(self, code: str, commune, value: int, day: date, village=None) -> None:  # noqa: ANN001
        self.facts.append(
            Fact(code, commune.pk, village.pk if village is not None else None, day, value)
        )

    def publish(self) -> None:
        """Make the facts visible to ``selectors.figures``: once the roll-ups serve the figures,
        they are rebuilt from this source (before that, the selectors read the source)."""
        try:
            rollups = importlib.import_module("danchu.reporting.rollups")
        except ModuleNotFoundError:
            return
        rollups.refresh(None)

    def __call__(
        self, commune_ids: Sequence[int] | None, first: date, last: date
    ) -> Iterator[Fact]:
        wanted = None if commune_ids is None else set(commune_ids)
        for fact in self.facts:
            if (wanted is None or fact.commune_id in wanted) and first <= fact.day <= last:
                yield fact


def install(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    """Replace the catalogue by the fake indicators and their source (for one test)."""
    source = FakeSource()
    monkeypatch.setattr(catalogue, "SOURCES", (source,))
    monkeypatch.setattr(catalogue, "indicators", lambda: FAKE_INDICATORS)
    monkeypatch.setattr(catalogue, "by_code", lambda: {i.code: i for i in FAKE_INDICATORS})
    return source
