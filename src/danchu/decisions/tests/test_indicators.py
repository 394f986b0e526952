"""The decisions pillar's indicators: facts that agree with ``decision_figures``."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.decisions import indicators, services
from danchu.decisions.figures import decision_figures
from danchu.decisions.models import Matter
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    deadline_passes,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_ballot,
    open_meeting,
    option,
    representative,
)

pytestmark = pytest.mark.django_db


def _totals(facts, village_id=...) -> Counter:
    totals: Counter = Counter()
    for fact in facts:
        if village_id is ... or fact.village_id == village_id:
            totals[fact.code] += fact.value
    return totals


def _meeting(actor, villages, matter_type, present, approve, **kwargs):
    """A closed meeting matter: ``present`` and ``approve`` per village (in order)."""
    matter = make_matter(actor, villages, matter_type, **kwargs)
    open_meeting(actor, matter)
    for village, here, yes in zip(villages, present, approve, strict=True):
        mv = matter_village(matter, village)
        ids = [h.pk for h in households_of(village)[:here]]
        mv = services.meeting_attendance_record(actor=actor, matter_village=mv, household_ids=ids)
        services.meeting_result_record(
            actor=actor, matter_village=mv, counts={option(matter).pk: yes}
        )
    return services.matter_close(actor=actor, matter=matter)


def _closed_at(matter: Matter, day: datetime.date, at: datetime.time) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, at))
    Matter.objects.filter(pk=matter.pk).update(closed_at=moment)


@pytest.fixture
def data(commune, official, chair):
    """Village A: 10 households, village B: 9; every form, a commune-wide matter, an open one
    and an old one (as the figures' own test)."""
    a = make_village(commune, households=10, code="A")
    b = make_village(commune, households=9, code="B")
    _meeting(official, [a], MatterType.OTHER, [7], [6])
    fund = make_matter(official, [b], MatterType.COMMUNITY_FINANCES)
    open_ballot(official, fund)
    mv = matter_village(fund, b)
    ballots = services.ballots_issue(actor=official, matter_village=mv)
    for ballot in ballots[:5]:
        services.ballot_enter(actor=official, ballot=ballot, entry=option(fund).pk)
        services.ballot_enter(actor=chair, ballot=ballot, entry=option(fund).pk)
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    deadline_passes(mv)
    services.matter_close(actor=official, matter=fund)
    online = make_matter(official, [a], MatterType.OTHER)
    mv = matter_village(online, a)
    for household in households_of(a)[:6]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=online,
        plans={a.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(2), team=TEAM)},
    )  # fmt: skip
    for household in households_of(a)[:6]:
        services.vote_cast(actor=representative(household), matter_village=mv,
                           option=option(online))  # fmt: skip
    deadline_passes(mv)
    services.matter_close(actor=official, matter=online)
    _meeting(chair, [a, b], MatterType.CONTRIBUTIONS, [8, 6], [7, 5], commune_wide=True)
    old = _meeting(official, [b], MatterType.OTHER, [9], [9])
    Matter.objects.filter(pk=old.pk).update(closed_at=timezone.now() - datetime.timedelta(days=400))
    open_meeting(official, make_matter(official, [a], MatterType.OTHER))
    return a, b


def _period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today


def test_facts_agree_with_decision_figures(commune, data):
    first, last = _period()
    totals = _totals(indicators.daily_facts([commune.pk], first, last))
    figures = decision_figures(commune, first, last)
    total = figures.total
    assert totals["decisions.decided"] == total.decisions == 5
    assert totals["decisions.passed"] == total.adopted == 3
    assert totals["decisions.not_passed"] == total.not_adopted == 2
    for form, code in indicators.FORM_CODES.items():
        assert totals[code] == figures.by_form[form].decisions
    assert totals["decisions.eligible_households"] == total.households == 48
    assert totals["decisions.participating_households"] == total.took_part == 32
    assert totals["decisions.votes"] == figures.votes == 11
    assert totals["decisions.online_votes"] == figures.online_votes == 6
    by_type: Counter = Counter()
    for (matter_type, _form), counted in figures.by_type_form.items():
        by_type[matter_type] += counted.decisions
    for matter_type, slug in indicators.TYPE_CODES.items():
        assert totals[f"decisions.decided_{slug}"] == by_type[matter_type]
    assert totals["decisions.decided_contributions"] == 2
    assert totals["decisions.passed_contributions"] == 1
    # The old matter is in its own period.
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    old = _totals(indicators.daily_facts([commune.pk], long_ago, long_ago))
    assert (old["decisions.decided"], old["decisions.participating_households"]) == (1, 9)


def test_facts_per_village_agree_with_the_village_figures(commune, data):
    first, last = _period()
    facts = list(indicators.daily_facts([commune.pk], first, last))
    assert {f.village_id for f in facts} == {v.pk for v in data}
    for village in data:
        mine = _totals(facts, village.pk)
        figures = decision_figures(commune, first, last, village=village)
        assert mine["decisions.decided"] == figures.total.decisions
        assert mine["decisions.passed"] == figures.total.adopted
        assert mine["decisions.eligible_households"] == figures.total.households
        assert mine["decisions.participating_households"] == figures.total.took_part
        assert mine["decisions.online_votes"] == figures.online_votes
        assert mine["decisions.votes"] == figures.votes
    a, b = data
    # A: the meeting, the online vote, its part of the commune-wide matter.
    assert _totals(facts, a.pk)["decisions.decided"] == 3
    assert _totals(facts, b.pk)["decisions.by_ballot"] == 1


def test_a_matter_closed_on_the_last_day_counts_the_next_day_does_not(commune, official):
    a = make_village(commune, households=4, code="A")
    last = datetime.date(2026, 6, 30)
    first = datetime.date(2026, 1, 1)
    inside = _meeting(official, [a], MatterType.OTHER, [3], [3])
    outside = _meeting(official, [a], MatterType.OTHER, [3], [1])
    early = _meeting(official, [a], MatterType.OTHER, [3], [3])
    _closed_at(inside, last, datetime.time(23, 59, 59))
    _closed_at(outside, last + datetime.timedelta(days=1), datetime.time(0, 0))
    _closed_at(early, first, datetime.time(0, 0))
    facts = list(indicators.daily_facts([commune.pk], first, last))
    assert _totals(facts) == {
        "decisions.decided": 2,
        "decisions.passed": 2,
        "decisions.decided_other": 2,
        "decisions.passed_other": 2,
        "decisions.by_meeting": 2,
        "decisions.eligible_households": 8,
        "decisions.participating_households": 6,
    }
    assert {f.day for f in facts} == {first, last}
    figures = decision_figures(commune, first, last)
    assert figures.total.decisions == 2
    after = _totals(indicators.daily_facts([commune.pk], last + datetime.timedelta(days=1),
                                           last + datetime.timedelta(days=1)))  # fmt: skip
    assert (after["decisions.decided"], after["decisions.not_passed"]) == (1, 1)


def test_commune_filter_and_one_fact_per_key(commune, other_commune, data):
    first, last = _period()
    other = make_village(other_commune, households=3, code="X")
    _meeting(official_of(other_commune), [other], MatterType.OTHER, [3], [3])
    mine = list(indicators.daily_facts([commune.pk], first, last))
    theirs = list(indicators.daily_facts([other_commune.pk], first, last))
    everyone = list(indicators.daily_facts(None, first, last))
    assert {f.commune_id for f in mine} == {commune.pk}
    assert {f.village_id for f in theirs} == {other.pk}
    assert Counter(everyone) == Counter(mine + theirs)
    assert list(indicators.daily_facts([], first, last)) == []
    keys = [(f.code, f.commune_id, f.village_id, f.day) for f in everyone]
    assert len(keys) == len(set(keys))
    assert all(f.value > 0 for f in everyone)


def test_query_count_does_not_grow_with_rows(commune, official, chair):
    first, last = _period()
    a = make_village(commune, households=5, code="A")
    b = make_village(commune, households=5, code="B")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            list(indicators.daily_facts([commune.pk], first, last))
        return len(queries)

    _meeting(official, [a], MatterType.OTHER, [3], [3])
    small = count()
    for _ in range(3):
        _meeting(chair, [a, b], MatterType.CONTRIBUTIONS, [4, 4], [4, 1], commune_wide=True)
    assert count() == small == 2


def test_catalogue_entries():
    codes = {i.code for i in indicators.INDICATORS}
    assert {
        "decisions.decided", "decisions.passed", "decisions.not_passed", "decisions.by_meeting",
        "decisions.by_ballot", "decisions.by_online", "decisions.eligible_households",
        "decisions.participating_households", "decisions.turnout", "decisions.online_votes",
        "decisions.online_share",
    } <= codes  # fmt: skip
    assert len(codes) == len(indicators.INDICATORS)
    for indicator in indicators.INDICATORS:
        assert indicator.pillar == "decisions"
        assert indicator.legal_basis
        if indicator.is_rate:
            assert {indicator.numerator, indicator.denominator} <= codes
