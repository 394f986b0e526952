"""Roll-ups equal the raw computation: village → commune → province → nation, at period edges,
after changes, across the 1 July 2025 merger."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.reporting import rollups
from danchu.reporting.models import DailyFigure, DirtyCommune, MonthlyFigure
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import figures, figures_by_child, raw_figures, series
from danchu.reporting.tests.rollup_fakes import FakeSource, fake_source, generate  # noqa: F401
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db

PERIODS = [
    Period.parse("2026-H1"),
    Period.parse("2024-02"),  # a leap February
    Period.parse("2024-02-29..2024-02-29"),  # the leap day alone
    Period.parse("2024-02-29..2025-07-01"),  # edges inside months, across the merger
    Period.parse("2025-06-30..2025-07-01"),
    Period.parse("2024-03-01..2026-05-31"),  # whole months only
    Period.parse("2024-01-31..2024-03-01"),  # last day of a month to first day of another
    Period.parse("2021-2026"),
    Period.parse("2025-Q3"),
]


def former(code: str, name: str) -> AdministrativeUnit:
    district = AdministrativeUnit.objects.get_or_create(
        era=AdministrativeUnit.Era.FORMER, level=AdministrativeUnit.Level.DISTRICT, code="999",
        defaults={"name": "Huyện Cũ", "name_folded": "huyen cu"},
    )[0]  # fmt: skip
    return AdministrativeUnit.objects.create(
        era=AdministrativeUnit.Era.FORMER, level=AdministrativeUnit.Level.COMMUNE, code=code,
        name=name, name_folded=name.lower(), parent=district,
    )  # fmt: skip


@pytest.fixture
def land(fake_source: FakeSource):  # noqa: F811
    """Two provinces; three communes in the first, two in the second, villages in each; two
    former communes merged into the first commune, and one split between two communes."""
    provinces = [ProvinceFactory(), ProvinceFactory()]
    communes = [CommuneFactory(parent=provinces[0], code=f"1000{i}") for i in range(3)]
    communes += [CommuneFactory(parent=provinces[1], code=f"2000{i}") for i in range(2)]
    villages = {c.pk: [VillageFactory(commune=c).pk for _ in range(3)] for c in communes}
    merged = [former("50001", "Thị trấn Cũ"), former("50002", "Xã Cũ")]
    for unit in merged:
        UnitSuccession.objects.create(predecessor=unit, successor=communes[0])
    split = former("50003", "Xã Tách")
    UnitSuccession.objects.create(predecessor=split, successor=communes[4])  # code 20001
    UnitSuccession.objects.create(predecessor=split, successor=communes[1])  # code 10001: lowest
    orphan = former("50004", "Xã Không Kế Thừa")
    generate(fake_source, villages, seed=8, first=date(2021, 1, 1), last=date(2026, 12, 31))
    old = {u.pk: [] for u in [*merged, split, orphan]}
    generate(fake_source, old, seed=9, first=date(2021, 1, 1), last=date(2025, 6, 30))
    rollups.refresh(None)
    assert set(rollups.refresh_dirty()) == {u.pk for u in [*merged, split]}  # the successions
    return provinces, communes, merged, split, orphan


def scopes_of(provinces, communes) -> list[Scope]:
    out = [Scope.nation()]
    for p in provinces:
        out.append(Scope.of(p))
    for c in communes:
        out.append(Scope.of(c))
        out.extend(Scope.of(v) for v in c.villages.all())
    return out


def test_every_scope_and_period_equals_raw(land) -> None:
    provinces, communes, *_ = land
    for scope in scopes_of(provinces, communes):
        for period in PERIODS:
            assert figures(scope, period).values == raw_figures(scope, period).values, (
                scope.key, period.key,
            )  # fmt: skip


def test_villages_sum_to_commune_to_province_to_nation(land, fake_source: FakeSource) -> None:  # noqa: F811
    provinces, communes, merged, split, orphan = land
    period = Period.parse("2021-2026")
    nation = figures(Scope.nation(), period)
    by_province = figures_by_child(Scope.nation(), period)
    for province, child in zip(provinces, by_province, strict=True):
        assert child.values == raw_figures(Scope.of(province), period).values
        by_commune = figures_by_child(Scope.of(province), period)
        assert sum((Counter(c.values) for c in by_commune), Counter()) == Counter(child.values)
        for commune, fig in zip(sorted(province.children.all(), key=lambda c: (c.name, c.pk)),
                                by_commune, strict=True):  # fmt: skip
            assert fig.values == raw_figures(Scope.of(commune), period).values
            by_village = figures_by_child(Scope.of(commune), period)
            assert [v.values for v in by_village] == [
                raw_figures(v.scope, period).values for v in by_village
            ]
            # The commune = its villages + the facts without a village.
            no_village = Counter()
            ids = Scope.of(commune).commune_ids
            for (code, c, v, day), value in fake_source.facts.items():
                if c in ids and v is None and day in period:
                    no_village[code] += value
            summed = sum((Counter(v.values) for v in by_village), no_village)
            assert +summed == Counter(fig.values)
    # The nation = its provinces + the former commune that has no successor.
    orphan_fig = figures(Scope("commune", orphan), period)
    assert orphan_fig.values
    assert orphan_fig.values == raw_figures(Scope("commune", orphan), period).values
    assert sum((Counter(p.values) for p in by_province), Counter(orphan_fig.values)) == Counter(
        nation.values
    )
    assert nation.values == raw_figures(Scope.nation(), period).values


def test_series_steps_equal_raw(land) -> None:
    provinces, communes, *_ = land
    for scope in (Scope.nation(), Scope.of(provinces[0]), Scope.of(communes[0])):
        for period in (Period.parse("2024-02-29..2024-05-01"), Period.parse("2021-2026")):
            steps = series(scope, period)
            assert [s.values for s in steps] == [raw_figures(scope, s.period).values for s in steps]
            total = sum((Counter(s.values) for s in steps), Counter())
            assert total == Counter(figures(scope, period).values)


def test_merger_mapping(land, fake_source: FakeSource) -> None:  # noqa: F811
    provinces, communes, merged, split, orphan = land
    ids = Scope.of(communes[0]).commune_ids
    assert {u.pk for u in merged} <= set(ids)
    former_only = Counter()
    for (code, c, _v, _d), value in fake_source.facts.items():
        if c in {u.pk for u in merged}:
            former_only[code] += value
    assert former_only  # the former units did things before the merger …
    # … and they count in their successor, in its province, only once.
    rows = DailyFigure.objects.filter(source__in=merged)
    assert set(rows.values_list("commune_id", "province_id").distinct()) == {
        (communes[0].pk, provinces[0].pk)
    }
    # The split commune counts in its successor with the lowest code only.
    assert set(DailyFigure.objects.filter(source=split).values_list("commune_id", flat=True)) == {
        communes[1].pk
    }
    assert split.pk not in Scope.of(communes[4]).commune_ids
    # A period before the merger: the 2025 commune's figures are its former units' figures.
    before = Period.parse("2021-01-01..2021-12-31")
    assert (
        figures(Scope.of(communes[0]), before).values
        == raw_figures(Scope.of(communes[0]), before).values
    )


def test_new_succession_moves_figures(land) -> None:
    provinces, communes, merged, split, orphan = land
    period = Period.parse("2021-2026")
    UnitSuccession.objects.create(predecessor=orphan, successor=communes[3])
    assert DirtyCommune.objects.filter(commune=orphan).exists()
    assert (
        figures(Scope.of(communes[3]), period).values
        == raw_figures(Scope.of(communes[3]), period).values
    )
    assert (
        figures(Scope.of(provinces[1]), period).values
        == raw_figures(Scope.of(provinces[1]), period).values
    )


def test_change_marks_dirty_then_figures_equal_raw(land, fake_source: FakeSource) -> None:  # noqa: F811
    provinces, communes, *_ = land
    period = Period.parse("2026-H1")
    scope = Scope.of(provinces[0])
    before = figures(scope, period).get("fake.count")
    fake_source.add("fake.count", communes[2].pk, None, date(2026, 3, 31), 7)
    rollups.mark_dirty(communes[2].pk)
    rollups.mark_dirty(communes[2].pk)  # once per transaction
    assert DirtyCommune.objects.filter(commune=communes[2]).count() == 1
    # Another province's figures do not refresh this commune.
    figures(Scope.of(provinces[1]), period)
    assert DirtyCommune.objects.filter(commune=communes[2]).exists()
    after = figures(scope, period)
    assert after.get("fake.count") == before + 7
    assert after.values == raw_figures(scope, period).values
    assert not DirtyCommune.objects.exists()
    # Marked again later in the same transaction: a new marking (the first was consumed).
    fake_source.add("fake.count", communes[2].pk, None, date(2026, 4, 1), 1)
    rollups.mark_dirty(communes[2].pk)
    assert DirtyCommune.objects.count() == 1
    assert (
        figures(Scope.of(communes[2]), period).values
        == raw_figures(Scope.of(communes[2]), period).values
    )


def test_refresh_dirty_task_and_range_refresh(land, fake_source: FakeSource) -> None:  # noqa: F811
    from danchu.reporting.tasks import refresh_dirty_task

    provinces, communes, *_ = land
    fake_source.add("fake.money_vnd", communes[1].pk, None, date(2024, 2, 29), 3_000_000_000)
    rollups.mark_dirty(communes[1].pk)
    result = refresh_dirty_task.enqueue()
    assert result.return_value == {"communes": 1}
    assert not DirtyCommune.objects.exists()
    month = MonthlyFigure.objects.get(
        source=communes[1], village=None, month=date(2024, 2, 1), code="fake.money_vnd"
    )
    assert month.value >= 3_000_000_000
    # A refresh of a few days keeps the rest of the months.
    fake_source.add("fake.count", communes[1].pk, None, date(2024, 2, 10), 2)
    rollups.refresh([communes[1].pk], date(2024, 2, 10), date(2024, 2, 10))
    p = Period.parse("2024")
    assert figures(Scope.of(communes[1]), p).values == raw_figures(Scope.of(communes[1]), p).values


def test_pillar_write_marks_its_commune_dirty(commune, official) -> None:
    from danchu.contributions.tests.factories import make_campaign

    DirtyCommune.objects.all().delete()
    make_campaign(official, commune)
    assert DirtyCommune.objects.filter(commune=commune).count() == 1


def test_query_counts_do_not_grow_with_children(fake_source: FakeSource) -> None:  # noqa: F811
    period = Period.parse("2026-01-15..2026-06-20")

    def counts(n: int) -> tuple[int, int, int]:
        province = ProvinceFactory()
        for _ in range(n):
            commune = CommuneFactory(parent=province)
            village = VillageFactory(commune=commune)
            fake_source.add("fake.count", commune.pk, village.pk, date(2026, 2, 3), 1)
            fake_source.add("fake.count", commune.pk, None, date(2026, 1, 20), 1)
        rollups.refresh(None)
        scope = Scope.of(province)
        out = []
        for call in (figures, figures_by_child, series):
            with CaptureQueriesContext(connection) as ctx:
                result = call(scope, period)
            out.append(len(ctx.captured_queries))
            assert result
        return tuple(out)  # type: ignore[return-value]

    assert counts(2) == counts(9)
