"""A fake indicator provider for the review tests: a few indicators of the contract and facts
the test writes, so that the reviews are tested without the pillars' indicator modules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import pytest

from danchu.core.indicators import Fact, Indicator
from danchu.reporting import catalogue, selectors

INDICATORS = (
    Indicator("decisions.decided", "decisions", "Số nội dung Nhân dân bàn và quyết định",
              "", "count", "Luật 10/2022 Điều 15"),
    Indicator("contributions.money_received_vnd", "contributions", "Tiền Nhân dân đóng góp",
              "", "vnd", "Luật 10/2022 Điều 15(1)"),
    Indicator("requests.received", "petitions", "Đơn tiếp nhận", "", "count", "Luật 10/2022"),
    Indicator("requests.received_denunciation", "petitions", "Đơn tố cáo tiếp nhận", "",
              "count", "Luật Tố cáo", public=False),
    Indicator("requests.resolved", "petitions", "Đơn đã giải quyết", "", "count", "Luật 10/2022"),
    Indicator("requests.resolved_on_time", "petitions", "Đơn giải quyết đúng hạn", "", "count",
              "Luật 10/2022"),
    Indicator("requests.on_time_rate", "petitions", "Tỷ lệ giải quyết đúng hạn", "", "rate",
              "Luật 10/2022", numerator="requests.resolved_on_time",
              denominator="requests.resolved"),
)  # fmt: skip


@dataclass
class FakeFacts:
    facts: list[Fact] = field(default_factory=list)

    def add(self, code: str, commune_id: int, day: date, value: int,
            village_id: int | None = None) -> None:  # fmt: skip
        self.facts.append(Fact(code, commune_id, village_id, day, value))

    def source(self, commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
        for fact in self.facts:
            if commune_ids is not None and fact.commune_id not in commune_ids:
                continue
            if first <= fact.day <= last:
                yield fact


@pytest.fixture(name="fake_facts")
def fake_facts_fixture(monkeypatch: pytest.MonkeyPatch) -> FakeFacts:
    fake = FakeFacts()
    by_code = {i.code: i for i in INDICATORS}
    monkeypatch.setattr(catalogue, "SOURCES", (fake.source,))
    monkeypatch.setattr(catalogue, "indicators", lambda: INDICATORS)
    monkeypatch.setattr(catalogue, "by_code", lambda: by_code)
    # Whatever ``figures`` reads from (roll-ups once maintained), these tests feed the raw path.
    monkeypatch.setattr(selectors, "figures", selectors.raw_figures)
    monkeypatch.setattr(
        selectors,
        "figures_by_child",
        lambda scope, period: [selectors.raw_figures(c, period) for c in scope.children()],
    )
    return fake
