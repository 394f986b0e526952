"""The consultation pillar's indicators: facts that agree with ``consultation_figures``."""

from __future__ import annotations

import datetime
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.consultation import indicators, selectors, services
from danchu.consultation.models import Consultation
from danchu.consultation.tests.factories import closed_consultation
from danchu.consultation.tests.factories import data as consultation_data
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 7, 1), date(2026, 12, 31)


def _totals(facts, village_id=...) -> Counter:
    totals: Counter = Counter()
    for fact in facts:
        if village_id is ... or fact.village_id == village_id:
            totals[fact.code] += fact.value
    return totals


def _enter(official, consultation, body, village=None, form="meeting"):
    return services.opinion_enter(
        actor=official, consultation=consultation, body=body, form=form, source="Họp thôn",
        village=village,
    )  # fmt: skip


def _answer(official, consultation, ids, outcome):
    group = services.group_create(
        actor=official, consultation=consultation, topic=outcome, opinion_ids=ids
    )
    services.group_answer(actor=official, group=group, outcome=outcome, answer="Trả lời")


def _published(consultation, day: date) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(published_on=day)


@pytest.fixture
def data(commune, official):
    """Three consultations in the period (one decided against the majority, one decided, one
    with a pending group), one the day before the period and one the day after."""
    a = VillageFactory(commune=commune)
    b = VillageFactory(commune=commune)
    # 1. Answered: 2 accepted (A, B), 1 not accepted (no village); decision departs.
    one = closed_consultation(official, commune)
    yes = [_enter(official, one, "đồng ý", a).pk, _enter(official, one, "hay", b).pk]
    no = [_enter(official, one, "không đồng ý").pk]
    _answer(official, one, yes, "accepted")
    _answer(official, one, no, "not_accepted")
    services.synthesis_publish(actor=official, consultation=one)
    one.refresh_from_db()
    services.decision_record(
        actor=official, consultation=one, reference="Quyết định số 9/QĐ-UBND",
        issued_on=timezone.localdate(), departs_from_majority=True,
        explanation="Vì ngân sách xã chưa bố trí được.",
    )  # fmt: skip
    _published(one, LAST)  # published on the period's last day: in it
    # 2. Another subject; three opinions from A, one answered (accepted), two in a pending group.
    two = closed_consultation(official, commune, category=2)
    ids = [_enter(official, two, f"ý kiến {i}", a).pk for i in range(3)]
    _answer(official, two, ids[:1], "accepted")
    services.group_create(actor=official, consultation=two, topic="Chờ", opinion_ids=ids[1:])
    _published(two, FIRST)
    # 3. No opinions at all.
    three = closed_consultation(official, commune)
    _published(three, date(2026, 9, 1))
    # Outside the period by one day on each side.
    before = closed_consultation(official, commune)
    _enter(official, before, "trước kỳ", a)
    _published(before, FIRST - timedelta(days=1))
    after = closed_consultation(official, commune)
    _enter(official, after, "sau kỳ", b)
    _published(after, LAST + timedelta(days=1))
    # A draft not yet published counts nowhere.
    services.consultation_create(
        actor=official, commune=commune,
        data=consultation_data(),
    )  # fmt: skip
    return a, b


def test_facts_agree_with_consultation_figures(commune, data):
    totals = _totals(indicators.daily_facts([commune.pk], FIRST, LAST))
    figures = selectors.consultation_figures(commune, FIRST, LAST)
    assert totals["consultation.held"] == sum(figures.held_by_category.values()) == 3
    for category, slug in indicators.CATEGORY_CODES.items():
        assert totals[f"consultation.held_{slug}"] == figures.held_by_category.get(category, 0)
    assert totals["consultation.opinions"] == figures.opinions == 6
    assert totals["consultation.opinions_online"] == figures.opinions_by_form.get("web", 0) == 0
    assert totals["consultation.opinions_answered"] == figures.answered == 4
    assert totals["consultation.opinions_accepted"] == figures.accepted == 3
    assert totals["consultation.decisions"] == figures.decisions == 1
    assert totals["consultation.departing_majority"] == figures.departures == 1


def test_village_attribution_and_days(commune, data):
    a, b = data
    facts = list(indicators.daily_facts([commune.pk], FIRST, LAST))
    assert _totals(facts, a.pk)["consultation.opinions"] == 4
    assert _totals(facts, b.pk)["consultation.opinions_accepted"] == 1
    assert _totals(facts, None)["consultation.opinions"] == 1
    # Consultations and their decisions belong to the commune, not a village.
    commune_level = {f.village_id for f in facts if not f.code.startswith("consultation.opinions")}
    assert commune_level == {None}
    assert {f.day for f in facts} == {FIRST, date(2026, 9, 1), LAST}
    # The day after the period is in the next one.
    later = _totals(indicators.daily_facts([commune.pk], LAST + timedelta(1), LAST + timedelta(1)))
    assert (later["consultation.held"], later["consultation.opinions"]) == (1, 1)


def test_commune_filter_and_one_fact_per_key(commune, other_commune, data):
    chair = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user
    theirs_one = closed_consultation(chair, other_commune)
    _enter(chair, theirs_one, "xã khác")
    _published(theirs_one, FIRST)
    mine = list(indicators.daily_facts([commune.pk], FIRST, LAST))
    theirs = list(indicators.daily_facts([other_commune.pk], FIRST, LAST))
    everyone = list(indicators.daily_facts(None, FIRST, LAST))
    assert {f.commune_id for f in mine} == {commune.pk}
    assert _totals(theirs) == {"consultation.held": 1, "consultation.held_community_decisions": 1,
                               "consultation.opinions": 1}  # fmt: skip
    assert Counter(everyone) == Counter(mine + theirs)
    assert list(indicators.daily_facts([], FIRST, LAST)) == []
    keys = [(f.code, f.commune_id, f.village_id, f.day) for f in everyone]
    assert len(keys) == len(set(keys))
    assert all(f.value > 0 for f in everyone)


def test_query_count_does_not_grow_with_rows(commune, official):
    village = VillageFactory(commune=commune)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            list(indicators.daily_facts([commune.pk], FIRST, LAST))
        return len(queries)

    first = closed_consultation(official, commune)
    _published(first, FIRST)
    small = count()
    for n in range(3):
        more = closed_consultation(official, commune, category=n + 1)
        for i in range(3):
            _enter(official, more, f"ý kiến {i}", village)
        _published(more, FIRST + datetime.timedelta(days=n))
    assert count() == small == 2


def test_catalogue_entries():
    codes = {i.code for i in indicators.INDICATORS}
    assert {
        "consultation.held", "consultation.opinions", "consultation.opinions_answered",
        "consultation.opinions_accepted", "consultation.answered_rate",
        "consultation.accepted_rate", "consultation.departing_majority",
    } <= codes  # fmt: skip
    assert len(codes) == len(indicators.INDICATORS)
    for indicator in indicators.INDICATORS:
        assert indicator.pillar == "consultation"
        assert indicator.legal_basis
        if indicator.is_rate:
            assert {indicator.numerator, indicator.denominator} <= codes
