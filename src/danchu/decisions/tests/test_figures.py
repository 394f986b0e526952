"""Report figures on decisions: by type and form, adopted or not, turnout, online share."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danchu.decisions import services
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
    open_ballot,
    open_meeting,
    option,
    representative,
)

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def data(commune, official, chair):
    """Village A: 10 households, village B: 9; four closed matters, one open, one old."""
    a = make_village(commune, households=10, code="A")
    b = make_village(commune, households=9, code="B")
    # Clause 6 at a meeting in A: 7 present, 6 agree — more than half of 10: adopted.
    _meeting(official, [a], MatterType.OTHER, [7], [6])
    # Clause 2 by ballot in B: 5 of 9 agree, below two thirds (6): not adopted.
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
    # Clause 6 online in A: 6 of 10 opted in; 6 agree online: adopted.
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
    # Clause 1 commune-wide at meetings: A adopts (7 of 10 ≥ two thirds), B does not
    # (5 of 9): 1 of 2 villages is below two thirds of the villages — not adopted.
    _meeting(chair, [a, b], MatterType.CONTRIBUTIONS, [8, 6], [7, 5], commune_wide=True)
    # Closed long ago: outside the period.
    old = _meeting(official, [b], MatterType.OTHER, [9], [9])
    Matter.objects.filter(pk=old.pk).update(closed_at=timezone.now() - datetime.timedelta(days=400))
    # Open: not decided yet.
    open_meeting(official, make_matter(official, [a], MatterType.OTHER))
    return a, b


def test_commune_figures_for_the_period(commune, data, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(4):
        figures = decision_figures(commune, today - datetime.timedelta(days=30), today)
    # Matters: four closed in the period, two adopted.
    assert (figures.matters.matters, figures.matters.adopted) == (4, 2)
    assert figures.matters.not_adopted == 2
    assert {t: (c.matters, c.adopted) for t, c in figures.by_type.items()} == {
        MatterType.OTHER: (2, 2),
        MatterType.COMMUNITY_FINANCES: (1, 0),
        MatterType.CONTRIBUTIONS: (1, 0),
    }
    # Village decisions by form: meetings (A, A and B of the commune-wide one), ballot, online.
    meeting, ballot, online = (figures.by_form[f] for f in (Form.MEETING, Form.BALLOT,
                                                             Form.ONLINE))  # fmt: skip
    assert (meeting.decisions, meeting.adopted, meeting.households, meeting.took_part) == (
        3, 2, 29, 21,
    )  # fmt: skip
    assert (ballot.decisions, ballot.adopted, ballot.households, ballot.took_part) == (1, 0, 9, 5)
    assert (online.decisions, online.adopted, online.households, online.took_part) == (
        1, 1, 10, 6,
    )  # fmt: skip
    assert figures.by_type_form[(MatterType.CONTRIBUTIONS, Form.MEETING)].decisions == 2
    total = figures.total
    assert (total.decisions, total.adopted, total.not_adopted) == (5, 3, 2)
    assert (total.households, total.took_part) == (48, 32)
    assert total.turnout == pytest.approx(32 / 48)
    # Online share: 6 online votes among 11 individual votes (5 ballots + 6 online).
    assert (figures.votes, figures.online_votes) == (11, 6)
    assert figures.online_share == pytest.approx(6 / 11)


def test_village_figures(commune, data):
    a, b = data
    today = timezone.localdate()
    figures = decision_figures(commune, today, today, village=a)
    # In A: the meeting, the online vote and the commune-wide matter (adopted in A).
    assert (figures.matters.matters, figures.matters.adopted) == (3, 3)
    assert (figures.total.households, figures.total.took_part) == (30, 21)
    assert figures.online_share == 1.0
    assert set(figures.by_village) == {a.pk}
    commune_wide = decision_figures(commune, today, today)
    assert commune_wide.by_village[b.pk].households == 18
    assert commune_wide.by_village[b.pk].took_part == 11


def test_empty_period_and_other_commune(commune, other_commune, data):
    today = timezone.localdate()
    empty = decision_figures(commune, today + datetime.timedelta(days=1),
                             today + datetime.timedelta(days=9))  # fmt: skip
    assert (empty.matters.matters, empty.total.decisions, empty.votes) == (0, 0, 0)
    assert empty.total.turnout is None
    assert empty.online_share is None
    assert decision_figures(other_commune, today, today).total.decisions == 0
    assert decision_figures(commune, today, today - datetime.timedelta(days=1)).votes == 0
    # The old matter (closed 400 days ago) is in its own period.
    long_ago = today - datetime.timedelta(days=400)
    old = decision_figures(commune, long_ago, long_ago)
    assert (old.matters.matters, old.matters.adopted, old.total.took_part) == (1, 1, 9)
