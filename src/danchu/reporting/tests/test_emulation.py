"""Emulation rounds: the scoring rule, the ranking from the figures, criteria and awards.

The indicator catalogue is faked (three indicators and a rate) so these tests do not depend
on the pillars' indicator modules.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.utils import translation

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.indicators import Fact, Indicator
from danchu.core.models import AuditEntry
from danchu.reporting import catalogue, emulation, steering, steering_selectors
from danchu.reporting.models import AwardKind, Direction
from danchu.reporting.periods import Period
from danchu.reporting.steering import CriterionIn
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

FAKE = (
    Indicator("fake.meetings", "fake", "Meetings held", "", "count", "Art. 1"),
    Indicator("fake.complaints", "fake", "Complaints", "", "count", "Art. 2"),
    Indicator("fake.due", "fake", "Items due", "", "count", "Art. 3"),
    Indicator("fake.on_time", "fake", "Items on time", "", "count", "Art. 3"),
    Indicator(
        "fake.on_time_rate",
        "fake",
        "On-time rate",
        "",
        "rate",
        "Art. 3",
        numerator="fake.on_time",
        denominator="fake.due",
    ),  # fmt: skip
    Indicator("fake.secret", "fake", "Denunciations", "", "count", "Art. 4", public=False),
)


class FakeFacts:
    """A fact source over a list the test fills."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    def add(self, code: str, village, value: int, day: date = date(2026, 3, 1)) -> None:
        self.facts.append(Fact(code, village.commune_id, village.pk, day, value))

    def add_commune(self, code: str, commune, value: int, day: date = date(2026, 3, 1)) -> None:
        self.facts.append(Fact(code, commune.pk, None, day, value))

    def __call__(self, commune_ids, first, last):
        for fact in self.facts:
            if commune_ids is not None and fact.commune_id not in commune_ids:
                continue
            if first <= fact.day <= last:
                yield fact


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the source language); pages check the Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def facts(monkeypatch):
    source = FakeFacts()
    monkeypatch.setattr(catalogue, "SOURCES", (source,))
    monkeypatch.setattr(catalogue, "indicators", lambda: FAKE)
    monkeypatch.setattr(catalogue, "by_code", lambda: {i.code: i for i in FAKE})
    return source


@pytest.fixture
def setting(db, facts):
    """A commune with three villages (named so the name order is A, B, C) and its chair."""
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province)
    villages = [VillageFactory(commune=commune, name=f"Thôn {n}") for n in "ABC"]
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    return commune, villages, chair


H1 = Period.half(2026, 1)


def _round(actor, unit, criteria, period=H1):
    return steering.round_create(
        actor=actor, unit=unit, title="Thi đua thực hiện dân chủ ở cơ sở",
        period_first=period.first, period_last=period.last, criteria=criteria,
    )  # fmt: skip


# --- the scoring rule ------------------------------------------------------------------------


def test_points_min_max_higher_is_better():
    assert emulation.points([10, 20, 15], 40, Direction.HIGHER) == [0, 40, 20]


def test_points_lower_is_better():
    assert emulation.points([10, 20, 15], 40, Direction.LOWER) == [40, 0, 20]


def test_points_exact_fractions():
    got = emulation.points([0, 3, 1], 10, Direction.HIGHER)
    assert got == [0, 10, Fraction(10, 3)]


def test_points_all_equal_earn_the_full_weight():
    assert emulation.points([5, 5, 5], 30, Direction.LOWER) == [30, 30, 30]


def test_points_missing_value_earns_nothing_and_is_left_out():
    got = emulation.points([None, Fraction(1, 2), Fraction(3, 4)], 20, Direction.HIGHER)
    assert got == [0, 0, 20]
    assert emulation.points([None, None], 20, Direction.HIGHER) == [0, 0]


def test_period_of_names_known_periods():
    assert emulation.period_of(date(2026, 1, 1), date(2026, 6, 30)).key == "2026-H1"
    assert emulation.period_of(date(2025, 7, 1), date(2026, 6, 30)).kind == "range"
    assert emulation.period_of(date(2021, 1, 1), date(2026, 12, 31)).key == "2021-2026"


# --- the ranking -----------------------------------------------------------------------------


def test_commune_round_ranks_villages_with_the_figures(setting, facts):
    commune, (a, b, c), chair = setting
    for village, meetings, complaints, due, on_time in (
        (a, 4, 3, 10, 5),
        (b, 8, 1, 10, 10),
        (c, 6, 2, 0, 0),  # nothing due: no rate
    ):
        facts.add("fake.meetings", village, meetings)
        facts.add("fake.complaints", village, complaints)
        if due:
            facts.add("fake.due", village, due)
            facts.add("fake.on_time", village, on_time)
    facts.add("fake.meetings", a, 100, day=date(2026, 7, 1))  # outside the period
    row = _round(
        chair, commune,
        [
            CriterionIn("fake.meetings", 50),
            CriterionIn("fake.complaints", 30, Direction.LOWER),
            CriterionIn("fake.on_time_rate", 20),
        ],
    )  # fmt: skip
    ranking = emulation.rank(row)
    assert ranking.max_score == 100
    assert [r.name for r in ranking.rows] == ["Thôn B", "Thôn C", "Thôn A"]
    best, middle, last = ranking.rows
    assert best.score == 50 + 30 + 20
    # C: meetings (6-4)/(8-4)·50 = 25; complaints (3-2)/(3-1)·30 = 15; no rate → 0
    assert middle.score == 40
    assert middle.cells[2].value is None
    assert middle.cells[2].display == "—"
    assert last.score == 0
    with translation.override("vi"):  # as the dashboards print it
        assert [c.display for c in emulation.rank(row).rows[0].cells] == ["8", "1", "100,0%"]
    assert best.cells[2].value == 1
    assert [r.rank for r in ranking.rows] == [1, 2, 3]


def test_ties_are_broken_by_name(setting, facts):
    commune, (a, b, c), chair = setting
    for v in (c, a, b):
        facts.add("fake.meetings", v, 3)
    ranking = emulation.rank(_round(chair, commune, [CriterionIn("fake.meetings", 10)]))
    assert [r.name for r in ranking.rows] == ["Thôn A", "Thôn B", "Thôn C"]
    assert all(r.score == 10 for r in ranking.rows)


def test_a_criterion_missing_from_the_catalogue_counts_for_nobody(setting, facts, monkeypatch):
    commune, (a, b, _c), chair = setting
    facts.add("fake.meetings", a, 1)
    facts.add("fake.meetings", b, 2)
    row = _round(
        chair, commune, [CriterionIn("fake.meetings", 10), CriterionIn("fake.complaints", 5)]
    )
    smaller = {i.code: i for i in FAKE if i.code != "fake.complaints"}
    monkeypatch.setattr(catalogue, "by_code", lambda: smaller)
    ranking = emulation.rank(row)
    assert ranking.max_score == 10
    assert not ranking.columns[1].available
    assert ranking.rows[0].name == "Thôn B"
    assert ranking.rows[0].score == 10


def test_province_round_ranks_communes(db, facts):
    province = ProvinceFactory()
    first = CommuneFactory(parent=province, name="Xã Một")
    second = CommuneFactory(parent=province, name="Xã Hai")
    CommuneFactory()  # another province's commune is not ranked
    facts.add_commune("fake.meetings", first, 2, day=date(2025, 9, 1))
    facts.add_commune("fake.meetings", second, 5, day=date(2026, 2, 1))
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user
    period = Period("range", date(2025, 7, 1), date(2026, 6, 30))
    row = _round(reader, province, [CriterionIn("fake.meetings", 10)], period)
    assert row.commune is None
    assert row.province == province
    ranking = emulation.rank(row)
    assert [(r.name, r.score) for r in ranking.rows] == [("Xã Hai", 10), ("Xã Một", 0)]
    assert ranking.rows[0].unit_id == second.pk


# --- creating a round ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "at least one"),
        ([CriterionIn("nope.code", 5)], "Unknown indicator"),
        ([CriterionIn("fake.secret", 5)], "Unknown indicator"),  # not public
        ([CriterionIn("fake.meetings", 5), CriterionIn("fake.meetings", 3)], "twice"),
        ([CriterionIn("fake.meetings", 0)], "whole number"),
        ([CriterionIn("fake.meetings", 1001)], "whole number"),
        ([CriterionIn("fake.meetings", 5, "sideways")], "higher or lower"),
        ([CriterionIn(f"fake.{i}", 1) for i in range(11)], "At most"),
    ],
)
def test_round_criteria_are_checked(setting, criteria, message):
    commune, _v, chair = setting
    with pytest.raises(ValidationFailed) as error:
        _round(chair, commune, criteria)
    assert any(message in m for m in error.value.fields["criteria"])


def test_weight_boundaries_are_accepted(setting):
    commune, _v, chair = setting
    row = _round(chair, commune, [CriterionIn("fake.meetings", 1), CriterionIn("fake.due", 1000)])
    assert [c.weight for c in row.criteria.all()] == [1, 1000]
    assert AuditEntry.objects.filter(action="reporting.emulation.create").count() == 1


def test_only_the_committee_creates_rounds(setting, facts):
    commune, (a, *_), _chair = setting
    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=a).user
    with pytest.raises(PermissionDenied):
        _round(head, commune, [CriterionIn("fake.meetings", 5)])
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        _round(stranger, commune, [CriterionIn("fake.meetings", 5)])


# --- awards ----------------------------------------------------------------------------------


def _award(actor, row, **kw):
    values = {
        "kind": AwardKind.COMMUNE_CERTIFICATE, "decision_number": "125/QĐ-UBND",
        "decision_date": date(2026, 7, 10), "signer": "Phan Văn Hùng",
    }  # fmt: skip
    values.update(kw)
    return steering.award_create(actor=actor, round=row, **values)


def test_awards_to_ranked_villages_and_named_collectives(setting):
    commune, (a, b, _c), chair = setting
    row = _round(chair, commune, [CriterionIn("fake.meetings", 5)])
    first = _award(chair, row, recipient_unit=a)
    assert first.recipient_name == "Thôn A"
    assert first.recipient_village == a
    _award(chair, row, recipient_name="Chi hội Phụ nữ thôn B", citation="Thành tích xuất sắc")
    lines = steering_selectors.awards_for_review(commune, Period.half(2026, 2))
    assert [line.recipient for line in lines] == ["Thôn A", "Chi hội Phụ nữ thôn B"]
    assert lines[0].decision.endswith("10/07/2026")
    assert "125/QĐ-UBND" in lines[0].decision
    assert steering_selectors.awards_for_review(commune, H1) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": AwardKind.PROVINCE_CERTIFICATE, "recipient_name": "X"}, "kind"),
        ({"kind": "medal", "recipient_name": "X"}, "kind"),
        ({"kind": AwardKind.OTHER, "recipient_name": "X"}, "kind_other"),
        ({"decision_number": "", "recipient_name": "X"}, "decision_number"),
        ({"decision_date": date(2099, 1, 1), "recipient_name": "X"}, "decision_date"),
        ({}, "recipient_name"),
    ],
)
def test_award_fields_are_checked(setting, changes, field):
    commune, _v, chair = setting
    row = _round(chair, commune, [CriterionIn("fake.meetings", 5)])
    with pytest.raises(ValidationFailed) as error:
        _award(chair, row, **changes)
    assert field in error.value.fields


def test_award_recipient_must_be_ranked_in_the_round(setting):
    commune, _v, chair = setting
    row = _round(chair, commune, [CriterionIn("fake.meetings", 5)])
    with pytest.raises(ValidationFailed) as error:
        _award(chair, row, recipient_unit=VillageFactory())
    assert "recipient_unit" in error.value.fields
    with pytest.raises(ValidationFailed):
        _award(chair, row, recipient_unit=commune)


def test_province_awards_show_in_the_communes_review(db, facts):
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province, name="Xã Can Lộc")
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user
    row = _round(reader, province, [CriterionIn("fake.meetings", 5)])
    _award(
        reader, row, kind=AwardKind.PROVINCE_CERTIFICATE, recipient_unit=commune,
        decision_number="1520/QĐ-UBND",
    )  # fmt: skip
    for unit in (commune, province):
        lines = steering_selectors.awards_for_review(unit, Period.year(2026))
        assert [(line.recipient, line.kind) for line in lines] == [
            ("Xã Can Lộc", "Certificate of merit (Bằng khen)")
        ]
    assert steering_selectors.awards_for_review(CommuneFactory(parent=province), H1) == []
