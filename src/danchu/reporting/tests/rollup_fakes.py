"""A fake indicator provider for the roll-up tests: facts kept in a list, filtered like a pillar's
``daily_facts`` (so the tests do not depend on the pillars' indicators)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import pytest

from danchu.core.indicators import Fact, Indicator
from danchu.reporting import catalogue

FAKE_INDICATORS = (
    Indicator("fake.count", "fake", "Đếm", "Số việc", "count", "Luật 10/2022 Điều 1"),
    Indicator("fake.money_vnd", "fake", "Tiền", "Tiền đóng góp", "vnd", "Luật 10/2022 Điều 1"),
    Indicator("fake.done", "fake", "Xong", "Số việc xong", "count", "Luật 10/2022 Điều 1"),
    Indicator(
        "fake.done_rate", "fake", "Tỷ lệ", "Tỷ lệ xong", "rate", "Luật 10/2022 Điều 1",
        numerator="fake.done", denominator="fake.count",
    ),
)  # fmt: skip


class FakeSource:
    """Facts in memory; at most one per (code, commune, village, day), like the contract."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, int, int | None, date], int] = {}

    def add(
        self, code: str, commune_id: int, village_id: int | None, day: date, value: int
    ) -> None:
        key = (code, commune_id, village_id, day)
        self.facts[key] = self.facts.get(key, 0) + value

    def __call__(
        self, commune_ids: Sequence[int] | None, first: date, last: date
    ) -> Iterable[Fact]:
        wanted = None if commune_ids is None else set(commune_ids)
        for (code, commune, village, day), value in sorted(
            self.facts.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0, kv[0][3])
        ):
            if (wanted is None or commune in wanted) and first <= day <= last:
                yield Fact(code, commune, village, day, value)


@pytest.fixture
def fake_source(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    source = FakeSource()
    monkeypatch.setattr(catalogue, "SOURCES", (source,))
    monkeypatch.setattr(catalogue, "indicators", lambda: FAKE_INDICATORS)
    monkeypatch.setattr(catalogue, "by_code", lambda: {i.code: i for i in FAKE_INDICATORS})
    return source


def generate(
    source: FakeSource,
    communes: dict[int, list[int]],
    *,
    seed: int,
    first: date,
    last: date,
    per_commune: int = 60,
) -> None:
    """Random facts for ``communes`` (commune id → its village ids) between ``first`` and
    ``last``, with the edges (first/last day of months, the leap day) well represented."""
    rng = random.Random(seed)
    span = (last - first).days
    edges = [first, last] + [
        d for d in (date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2025, 6, 30),
                    date(2025, 7, 1), date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))
        if first <= d <= last
    ]  # fmt: skip
    for commune, villages in communes.items():
        for _ in range(per_commune):
            day = (
                rng.choice(edges) if rng.random() < 0.3 else first + timedelta(rng.randint(0, span))
            )
            village = rng.choice(villages) if villages and rng.random() < 0.8 else None
            count = rng.randint(1, 9)
            source.add("fake.count", commune, village, day, count)
            source.add("fake.done", commune, village, day, rng.randint(0, count))
            source.add("fake.money_vnd", commune, village, day, rng.randint(0, 5) * 1_250_000_000)


def totals(values: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for k, v in values.items():
        out[k] += v
    return dict(out)
