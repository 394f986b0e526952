"""The oversight pillar's indicators: facts agree with ``oversight_figures`` for the commune and
each village, the answer's deadline day is on time, constant queries."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.core.indicators import Fact
from danchu.oversight import indicators, selectors
from danchu.oversight.models import BoardKind, Inspection, Recommendation
from danchu.territory.tests.factories import VillageFactory

D = datetime.date
TODAY = D(2026, 8, 15)
FIRST, LAST = D(2026, 1, 1), D(2026, 12, 31)
MUST = {
    "oversight.inspections", "oversight.recommendations",
    "oversight.recommendations_answered_on_time", "oversight.answered_rate",
}  # fmt: skip


def _facts(commune_ids: Any, first=FIRST, last=LAST, today=TODAY) -> list[Fact]:
    return list(indicators.daily_facts(commune_ids, first, last, today=today))


def _sum(facts: list[Fact], first: datetime.date, last: datetime.date, village: Any = ...) -> Any:
    out: dict[str, int] = defaultdict(int)
    for fact in facts:
        if first <= fact.day <= last and (village is ... or fact.village_id == village):
            out[fact.code] += fact.value
    return out


def _recommendation(commune: Any, received_on: datetime.date, **fields: Any) -> Recommendation:
    values: dict[str, Any] = {
        "board_kind": BoardKind.INSPECTION, "content": "Kiến nghị", "votes_for": 3,
        "members_total": 5, "due_on": received_on + datetime.timedelta(days=15),
    }  # fmt: skip
    values.update(fields)
    return Recommendation.objects.create(commune=commune, received_on=received_on, **values)


def _build(commune: Any, rng: random.Random, n: int) -> list[Any]:
    villages = [VillageFactory(commune=commune), VillageFactory(commune=commune)]
    for _ in range(n):
        day = D(2026, 1, 1) + datetime.timedelta(days=rng.randrange(0, 300))
        done = rng.random() < 0.7
        Inspection.objects.create(
            commune=commune, board_kind=rng.choice(BoardKind.values),
            village=rng.choice([*villages, None]), subject="Đường", inspected_party="UBND xã",
            starts_on=day, notified_on=day - datetime.timedelta(days=7),
            status=Inspection.Status.DONE if done else Inspection.Status.PLANNED,
            carried_out_on=day if done else None,
        )  # fmt: skip
        answered = rng.choice([None, day + datetime.timedelta(days=rng.randrange(0, 30))])
        _recommendation(
            commune, day, village=rng.choice([*villages, None]), answered_on=answered,
            board_kind=rng.choice(BoardKind.values),
            status=Recommendation.Status.OPEN if answered is None else "answered",
        )  # fmt: skip
    return villages


def test_the_catalogue_has_the_codes_the_others_rely_on():
    by_code = {i.code: i for i in indicators.INDICATORS}
    assert len(by_code) == len(indicators.INDICATORS)
    assert set(by_code) >= MUST
    rate = by_code["oversight.answered_rate"]
    assert rate.is_rate
    assert rate.numerator == "oversight.recommendations_answered_on_time"
    assert rate.denominator == "oversight.recommendations"
    assert all(i.public and i.legal_basis for i in indicators.INDICATORS)


def test_facts_add_up_to_oversight_figures(commune, other_commune):
    villages = _build(commune, random.Random(8), 120)
    _build(other_commune, random.Random(9), 30)
    facts = _facts([commune.pk])
    keys = Counter((f.code, f.commune_id, f.village_id, f.day) for f in facts)
    assert set(keys.values()) == {1}
    assert {f.commune_id for f in facts} == {commune.pk}
    periods = [(D(2026, 1, 1), D(2026, 12, 31)), (D(2026, 4, 1), D(2026, 6, 30)),
               (D(2026, 8, 1), D(2026, 8, 31))]  # fmt: skip
    for first, last in periods:
        fig = selectors.oversight_figures(commune, first, last, as_of=TODAY)
        got = _sum(facts, first, last)
        assert got["oversight.inspections"] == fig.total.inspections
        assert got["oversight.recommendations"] == fig.total.recommendations
        assert got["oversight.recommendations_answered_on_time"] == fig.total.answered_on_time
        assert got["oversight.recommendations_overdue"] == fig.total.overdue
        assert (
            got["oversight.inspections_inspection_board"]
            + got["oversight.inspections_supervision_board"]
        ) == got["oversight.inspections"]
        for village in villages:
            part = _sum(facts, first, last, village.pk)
            counts = fig.by_village.get(village.pk, selectors.Counts())
            assert part["oversight.inspections"] == counts.inspections
            assert part["oversight.recommendations"] == counts.recommendations
            assert part["oversight.recommendations_answered_on_time"] == counts.answered_on_time
        wide = _sum(facts, first, last, None)
        counts = fig.commune_wide.get(commune.pk, selectors.Counts())
        assert wide["oversight.inspections"] == counts.inspections
        assert wide["oversight.recommendations"] == counts.recommendations
    everything = _facts(None)
    assert Counter(f for f in everything if f.commune_id == commune.pk) == Counter(facts)
    assert other_commune.pk in {f.commune_id for f in everything}


def test_answered_on_the_deadline_day_is_on_time(commune):
    # Law 10/2022 Art. 40(1)(c): 15 days; the last day counts whole.
    received = D(2026, 3, 2)
    due = D(2026, 3, 17)
    _recommendation(commune, received, due_on=due, answered_on=due, status="answered")
    _recommendation(commune, received, due_on=due, answered_on=due + datetime.timedelta(days=1),
                    status="answered")  # fmt: skip
    _recommendation(commune, received, due_on=due)
    on_due = _sum(_facts([commune.pk], today=due), D(2026, 1, 1), D(2026, 12, 31))
    assert on_due["oversight.recommendations"] == 3
    assert on_due["oversight.recommendations_answered"] == 2
    assert on_due["oversight.recommendations_answered_on_time"] == 1
    assert on_due["oversight.recommendations_overdue"] == 1  # the late answer only
    after = _sum(_facts([commune.pk], today=due + datetime.timedelta(days=1)), D(2026, 1, 1),
                 D(2026, 12, 31))  # fmt: skip
    assert after["oversight.recommendations_overdue"] == 2


def test_facts_take_a_fixed_number_of_queries(commune):
    _build(commune, random.Random(1), 3)
    with CaptureQueriesContext(connection) as small:
        _facts([commune.pk])
    _build(commune, random.Random(2), 60)
    with CaptureQueriesContext(connection) as large:
        _facts([commune.pk])
    assert len(large) == len(small) == 2


def test_every_name_and_definition_reads_in_vietnamese():
    from django.utils import translation

    from danchu.core.management.commands.compile_translations import compile_all

    compile_all()
    translation.trans_real._translations = {}  # reload the freshly compiled catalogues
    for ind in indicators.INDICATORS:
        for text in (ind.name, ind.definition):
            with translation.override(None):
                english = str(text)
            with translation.override("vi"):
                assert str(text) != english, english
