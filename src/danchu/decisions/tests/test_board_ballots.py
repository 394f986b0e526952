"""A board election with several seats decided by household ballot (issue 4).

Law 10/2022 Art. 15(5) (board members), 19(1)(b) (the ballot after a meeting that cannot reach
the threshold), 19(3) (one vote per household), 21(1) (more than half of all households);
Decree 59/2023 Art. 3(5)(d) (the best ``seats`` that pass are elected).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from danchu.core.errors import ValidationFailed
from danchu.decisions import documents, elections, selectors, services
from danchu.decisions.models import Ballot, BallotApproval, Option, Vote, VoteConflict
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    days_ago,
    deadline_passes,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(commune, official):
    """Two seats, three candidates, 4 households; nobody came to the meeting: by ballot."""
    village = make_village(commune, households=4)
    matter = make_matter(
        official, [village], MatterType.BOARD_MEMBERS, candidates=["An", "Bình", "Cường"]
    )
    elections.board_seats_set(actor=official, matter_village=matter_village(matter), seats=2)
    open_meeting(official, matter)
    mv = services.matter_switch_to_ballot(
        actor=official, matter_village=matter_village(matter), held_on=days_ago(0),
        closes_at=in_hours(48), team=TEAM, notice_on=days_ago(2),
    )  # fmt: skip
    services.ballots_issue(actor=official, matter_village=mv)
    candidates = list(Option.objects.filter(matter=matter).order_by("position"))
    ballots = list(Ballot.objects.filter(matter_village=mv).order_by("serial"))
    return matter, mv, candidates, ballots


def _enter(official, chair, ballot, entry):
    services.ballot_enter(actor=official, ballot=ballot, entry=entry)
    return services.ballot_enter(actor=chair, ballot=ballot, entry=entry)


def test_a_household_approves_up_to_the_seats_with_one_vote(board, official, chair):
    _matter, _mv, (an, binh, cuong), ballots = board
    with pytest.raises(ValidationFailed) as exc:  # three approvals for two seats
        services.ballot_enter(actor=official, ballot=ballots[0], entry=[an.pk, binh.pk, cuong.pk])
    assert exc.value.code == "too_many_candidates"
    with pytest.raises(ValidationFailed):  # the same candidate twice
        services.ballot_enter(actor=official, ballot=ballots[0], entry=f"{an.pk},{an.pk}")
    services.ballot_enter(actor=official, ballot=ballots[0], entry=f"{binh.pk},{an.pk}")
    result = services.ballot_enter(actor=chair, ballot=ballots[0], entry=[an.pk, binh.pk])
    assert result.step == "matched"  # the same candidates in another order agree
    vote = Vote.objects.get()
    assert vote.option_id is None
    assert set(vote.approvals.values_list("option_id", flat=True)) == {an.pk, binh.pk}


def test_differing_candidate_sets_are_a_mismatch(board, official, chair):
    _matter, _mv, (an, binh, cuong), ballots = board
    services.ballot_enter(actor=official, ballot=ballots[0], entry=[an.pk, binh.pk])
    result = services.ballot_enter(actor=chair, ballot=ballots[0], entry=[an.pk, cuong.pk])
    assert result.step == "mismatch"
    assert not BallotApproval.objects.exists()


@pytest.mark.parametrize(("binh_approvals", "elected"), [(2, ["An"]), (3, ["An", "Bình"])])
def test_more_than_half_of_all_households_elects_the_best_seats(
    board, official, chair, binh_approvals, elected
):
    # 4 households: 2 approvals is exactly half and fails; 3 pass (Law Art. 21(1)).
    matter, mv, (an, binh, cuong), ballots = board
    for i, ballot in enumerate(ballots):
        chosen = [an.pk] + ([binh.pk] if i < binh_approvals else [cuong.pk])
        _enter(official, chair, ballot, chosen)
    counts = selectors.tally(matter)[mv.pk]
    assert counts == {an.pk: 4, binh.pk: binh_approvals, cuong.pk: 4 - binh_approvals}
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    deadline_passes(mv)
    matter = services.matter_close(actor=official, matter=matter)
    outcome = selectors.matter_outcome(matter).villages[0]
    assert [o.label for o in outcome.elected] == elected
    assert outcome.turnout == 4  # households, not approvals


def test_a_conflict_kept_as_new_restores_the_ballots_approvals(board, official, chair):
    matter, mv, (an, binh, _cuong), ballots = board
    Vote.objects.create(
        commune_id=mv.commune_id, matter=matter, matter_village=mv,
        household_id=ballots[0].household_id, channel=Vote.Channel.MEETING,
    )  # fmt: skip
    result = _enter(official, chair, ballots[0], [an.pk, binh.pk])
    assert result.conflict is not None
    assert not BallotApproval.objects.exists()
    services.conflict_resolve(
        actor=official, conflict=VoteConflict.objects.get(), keep="new", reason="Phiếu hợp lệ"
    )
    assert selectors.tally(matter)[mv.pk] == {an.pk: 1, binh.pk: 1}


def test_the_ballots_page_ticks_several_candidates(client, board, official, chair):
    _matter, mv, (an, binh, cuong), ballots = board
    url = reverse("decisions:bo_ballots", args=[mv.pk])
    client.force_login(official)
    html = client.get(url).content.decode()
    assert 'type="checkbox" name="entry"' in html
    assert_accessible(html)
    enter = reverse("decisions:bo_enter", args=[mv.pk])
    data = {"ballot": ballots[0].pk, "entry": [an.pk, binh.pk]}
    assert client.post(enter, data).status_code == 302
    client.force_login(chair)
    assert client.post(enter, data).status_code == 302
    assert set(BallotApproval.objects.values_list("option_id", flat=True)) == {an.pk, binh.pk}
    too_many = {"ballot": ballots[1].pk, "entry": [an.pk, binh.pk, cuong.pk]}
    assert client.post(enter, too_many).status_code == 400


def test_the_decision_document_names_every_elected_candidate(board, official, chair):
    matter, mv, (an, binh, _cuong), ballots = board
    for ballot in ballots[:3]:
        _enter(official, chair, ballot, [an.pk, binh.pk])
    _enter(official, chair, ballots[3], [an.pk])
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    deadline_passes(mv)
    matter = services.matter_close(actor=official, matter=matter)
    outcome = selectors.matter_outcome(matter)
    facts = documents.decision_facts(matter_village(matter), outcome)
    text = "\n".join(str(v) for v in vars(facts).values())
    assert "Ông (bà) An được bầu với 4/4 hộ gia đình tán thành" in text
    assert "Ông (bà) Bình được bầu với 3/4 hộ gia đình tán thành" in text
