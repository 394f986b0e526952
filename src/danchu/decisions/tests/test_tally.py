"""The tally and the outcome (selectors.tally, matter_outcome, result_digest).

Built directly with the models, not the services: these tests pin the arithmetic of Law 10/2022
Art. 21(1) — the denominator is all households of the village, frozen when the matter opens —
and that the count is one ``GROUP BY`` whatever the number of villages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.decisions import rules, selectors
from danchu.decisions.models import Matter, MatterVillage, Option, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Household, Village
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

APPROVE, REJECT, OTHER = Option.Kind.APPROVE, Option.Kind.REJECT, Option.Kind.OTHER


# --- building blocks (models only) ----------------------------------------------------------


def _matter(
    commune: AdministrativeUnit,
    matter_type: int,
    *,
    commune_wide: bool = False,
    candidates: Iterable[str] = (),
) -> tuple[Matter, dict[str, Option]]:
    matter = Matter.objects.create(
        commune=commune,
        matter_type=matter_type,
        commune_wide=commune_wide,
        title="Đóng góp làm đường thôn",
        question="Mỗi hộ đóng góp 500.000 đồng?",
        status=Matter.Status.OPEN,
    )
    names = list(candidates)
    kinds = [(name, Option.Kind.CANDIDATE) for name in names] or [
        ("approve", APPROVE),
        ("reject", REJECT),
        ("other", OTHER),
    ]
    options = {
        key: Option.objects.create(commune=commune, matter=matter, position=i, kind=kind, label=key)
        for i, (key, kind) in enumerate(kinds, start=1)
    }
    return matter, options


def _village(
    matter: Matter, households: int = 100, *, form: str = Form.BALLOT
) -> tuple[MatterVillage, list[Household]]:
    """A village of ``households`` households; the matter's denominator frozen at that number."""
    village = cast(Village, VillageFactory(commune=matter.commune))
    rows = Household.objects.bulk_create(
        Household(commune=matter.commune, village=village, code=f"{village.code}-{n:04d}")
        for n in range(households)
    )
    matter_village = MatterVillage.objects.create(
        commune=matter.commune,
        matter=matter,
        village=village,
        form=form,
        total_households=len(rows),
    )
    return matter_village, rows


def _vote(
    matter_village: MatterVillage,
    households: list[Household],
    counts: dict[Option, int],
    *,
    channels: tuple[str, ...] = (Vote.Channel.BALLOT, Vote.Channel.ONLINE),
) -> list[Vote]:
    """One vote per household, in order: ``counts[option]`` households choose ``option``;
    channels alternate so that paper and online votes are counted together."""
    choices = [option for option, n in counts.items() for _ in range(n)]
    assert len(choices) <= len(households)
    return Vote.objects.bulk_create(
        Vote(
            commune=matter_village.commune,
            matter=matter_village.matter,
            matter_village=matter_village,
            household=household,
            option=option,
            channel=channels[i % len(channels)],
        )
        for i, (household, option) in enumerate(zip(households, choices, strict=False))
    )


# --- Art. 21(1): exact denominators ---------------------------------------------------------


@pytest.mark.parametrize(
    ("matter_type", "approvals", "adopted"),
    [
        # Clauses 1–2: two thirds or more of ALL households: 66/100 fails, 67/100 passes.
        (MatterType.CONTRIBUTIONS, 66, False),
        (MatterType.CONTRIBUTIONS, 67, True),
        (MatterType.COMMUNITY_FINANCES, 66, False),
        (MatterType.COMMUNITY_FINANCES, 67, True),
        # Clauses 3–6: more than half of ALL households: exactly half (50/100) fails.
        (MatterType.OTHER, 50, False),
        (MatterType.OTHER, 51, True),
        (MatterType.CONVENTION, 50, False),
        (MatterType.CONVENTION, 51, True),
    ],
)
def test_village_threshold_counts_all_households(commune, matter_type, approvals, adopted):
    matter, options = _matter(commune, matter_type)
    matter_village, households = _village(matter, 100)
    # 15 more households vote against or otherwise; 100 - approvals - 15 do not vote at all.
    _vote(matter_village, households, {options["approve"]: approvals, options["reject"]: 10})
    _vote(matter_village, households[approvals + 10 :], {options["other"]: 5})

    outcome = selectors.matter_outcome(matter)

    [village] = outcome.villages
    assert village.total_households == 100
    assert village.approvals == approvals
    assert village.turnout == approvals + 15
    # 66 of 81 voters is 81% of the votes cast, yet it fails: the denominator is all households.
    assert village.adopted is adopted
    assert outcome.adopted is adopted
    assert outcome.article == "Luật 10/2022 Điều 21(1)"


def test_denominator_is_frozen_when_the_matter_opens(commune):
    """Households moving in after the opening change nothing (Art. 21(1), frozen at opening)."""
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS)
    matter_village, households = _village(matter, 100)
    _vote(matter_village, households, {options["approve"]: 67})
    Household.objects.bulk_create(
        Household(commune=commune, village=matter_village.village, code=f"NEW-{n}")
        for n in range(10)
    )

    [village] = selectors.matter_outcome(matter).villages

    assert village.total_households == 100
    assert village.adopted is True


def test_tally_counts_ballot_and_online_votes_together(commune):
    matter, options = _matter(commune, MatterType.OTHER)
    first, first_households = _village(matter, 30)
    second, second_households = _village(matter, 20)
    votes = _vote(first, first_households, {options["approve"]: 12, options["reject"]: 7})
    votes += _vote(second, second_households, {options["other"]: 4, options["approve"]: 9})

    counts = selectors.tally(matter)

    recount: Counter[tuple[int, int]] = Counter(
        (v.matter_village_id, v.option_id) for v in Vote.objects.filter(matter=matter)
    )
    assert counts == {
        first.pk: {options["approve"].pk: 12, options["reject"].pk: 7},
        second.pk: {options["other"].pk: 4, options["approve"].pk: 9},
    }
    assert {(mv, o): n for mv, by in counts.items() for o, n in by.items()} == dict(recount)
    assert {v.channel for v in votes} == {Vote.Channel.BALLOT, Vote.Channel.ONLINE}


# --- meetings: the counts entered on the village row ----------------------------------------


@pytest.mark.parametrize(("approvals", "adopted"), [(66, False), (67, True)])
def test_meeting_village_uses_its_hand_counts(commune, approvals, adopted):
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS)
    meeting, _households = _village(matter, 100, form=Form.MEETING)
    meeting.present = 90
    meeting.hand_counts = {str(options["approve"].pk): approvals, str(options["reject"].pk): 20}
    meeting.save()

    counts = selectors.tally(matter)
    [village] = selectors.matter_outcome(matter).villages

    assert counts == {meeting.pk: {options["approve"].pk: approvals, options["reject"].pk: 20}}
    assert village.approvals == approvals
    assert village.turnout == 90  # a meeting's turnout is the households present
    assert village.adopted is adopted


def test_meeting_and_ballot_villages_in_one_matter(commune):
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS, commune_wide=True)
    meeting, _ = _village(matter, 100, form=Form.MEETING)
    meeting.present = 80
    meeting.hand_counts = {str(options["approve"].pk): 70, str(options["reject"].pk): 10}
    meeting.save()
    ballot, households = _village(matter, 100)
    _vote(ballot, households, {options["approve"]: 60, options["reject"]: 30})

    outcome = selectors.matter_outcome(matter)

    by_village = {o.matter_village.pk: o for o in outcome.villages}
    assert by_village[meeting.pk].adopted is True
    assert by_village[ballot.pk].adopted is False
    assert by_village[ballot.pk].turnout == 90
    # 1 village of 2 is less than two thirds of the villages.
    assert outcome.adopted is False


# --- commune-wide: two thirds or more of the villages (Art. 21(1)) --------------------------


@pytest.mark.parametrize(("villages_adopting", "adopted"), [(2, True), (1, False)])
def test_commune_wide_needs_two_thirds_of_villages(commune, villages_adopting, adopted):
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS, commune_wide=True)
    for n in range(3):
        matter_village, households = _village(matter, 100)
        approvals = 67 if n < villages_adopting else 66
        _vote(matter_village, households, {options["approve"]: approvals})

    outcome = selectors.matter_outcome(matter)

    assert sum(v.adopted for v in outcome.villages) == villages_adopting
    assert outcome.adopted is adopted
    assert outcome.rule.endswith(rules.commune_rule_text())


def test_commune_wide_counts_villages_not_households(commune):
    """One large village approving unanimously cannot carry two small villages that fail:
    432 of 500 households approve (86%), yet only 1 of 3 villages adopts."""
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS, commune_wide=True)
    big, big_households = _village(matter, 300)
    _vote(big, big_households, {options["approve"]: 300})
    for _n in range(2):
        small, small_households = _village(matter, 100)
        _vote(small, small_households, {options["approve"]: 66})

    outcome = selectors.matter_outcome(matter)

    assert sum(v.approvals for v in outcome.villages) == 432
    assert [v.adopted for v in outcome.villages].count(True) == 1
    assert outcome.adopted is False


# --- elections: a candidate needs more than half of all households --------------------------


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        (50, 45, None),  # the most votes, but exactly half of all households: nobody is elected
        (51, 40, "A"),
        (30, 51, "B"),
    ],
)
def test_election_winner_only_above_half_of_all_households(commune, first, second, winner):
    matter, options = _matter(commune, MatterType.VILLAGE_HEAD, candidates=["A", "B"])
    matter_village, households = _village(matter, 100)
    _vote(matter_village, households, {options["A"]: first, options["B"]: second})

    outcome = selectors.matter_outcome(matter)

    [village] = outcome.villages
    assert village.approvals == max(first, second)
    assert (village.winner.label if village.winner else None) == winner
    assert village.adopted is (winner is not None)
    assert outcome.adopted is (winner is not None)


# --- the sealed result ----------------------------------------------------------------------


def test_result_digest_is_stable_and_follows_every_vote(commune):
    matter, options = _matter(commune, MatterType.OTHER)
    matter_village, households = _village(matter, 10)
    votes = _vote(matter_village, households, {options["approve"]: 4, options["reject"]: 3})

    first = selectors.result_digest(selectors.matter_outcome(matter))
    again = selectors.result_digest(selectors.matter_outcome(matter))
    assert first == again
    assert re.fullmatch(r"[0-9a-f]{64}", first)

    # One household's vote changes (reject → other): the outcome stays "not adopted", the
    # digest does not stay the same.
    changed = votes[-1]
    changed.option = options["other"]
    changed.save()
    after = selectors.result_digest(selectors.matter_outcome(matter))
    assert after != first

    changed.option = options["reject"]
    changed.save()
    assert selectors.result_digest(selectors.matter_outcome(matter)) == first


# --- query counts: constant in the number of villages ---------------------------------------


def _matter_with_villages(commune: AdministrativeUnit, villages: int) -> Matter:
    matter, options = _matter(commune, MatterType.CONTRIBUTIONS, commune_wide=True)
    for n in range(villages):
        form = Form.MEETING if n % 2 else Form.BALLOT
        matter_village, households = _village(matter, 5, form=form)
        if form == Form.MEETING:
            matter_village.present = 5
            matter_village.hand_counts = {str(options["approve"].pk): 4}
            matter_village.save()
        else:
            _vote(matter_village, households, {options["approve"]: 4, options["reject"]: 1})
    return matter


def test_tally_and_outcome_issue_constant_queries(commune, django_assert_max_num_queries):
    small = _matter_with_villages(commune, 2)
    large = _matter_with_villages(commune, 20)

    used = {}
    for name, matter in (("small", small), ("large", large)):
        with CaptureQueriesContext(connection) as tally_queries:
            counts = selectors.tally(matter)
        with CaptureQueriesContext(connection) as outcome_queries:
            outcome = selectors.matter_outcome(matter)
        used[name] = (len(tally_queries), len(outcome_queries))
        assert len(counts) == len(outcome.villages)

    assert len(selectors.matter_outcome(large).villages) == 20
    assert used["small"] == used["large"]
    with django_assert_max_num_queries(2):
        selectors.tally(large)
    # The fifth: ballots per status (issued, returned, blank, spoiled) for the turnout.
    with django_assert_max_num_queries(5):
        selectors.matter_outcome(large)
