"""Three tally fixes of issue 4 (docs/decisions.md "Not done yet"):

* blank and spoiled ballots are households that took part: they count in the turnout, with the
  ballots issued and returned (Decree 59/2023 Art. 4(6), form 04) — never as approvals;
* who decides is the village's households **at the opening** (Law 10/2022 Art. 21(1)): a
  household that moves mid-vote neither votes twice nor changes either denominator;
* a matter put to several villages (not commune-wide) is decided by each village's community:
  each village's outcome stands on its own (Law 10/2022 Art. 20, 21(1)).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from danchu.core.errors import ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import selectors, services
from danchu.decisions.figures import decision_figures
from danchu.decisions.models import EligibleHousehold, Option, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    add_households,
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
from danchu.territory.models import Household

pytestmark = pytest.mark.django_db


# --- blank and spoiled ballots in the turnout ------------------------------------------------


def _ballot_vote(official, chair, matter, entries):
    """Issue the ballots of the matter's village and enter ``entries`` (one per household in
    order: an option kind, "blank", "spoiled", or None for a ballot never returned), twice."""
    mv = matter_village(matter)
    ballots = sorted(
        services.ballots_issue(actor=official, matter_village=mv), key=lambda b: b.household_id
    )
    for ballot, entry in zip(ballots, entries, strict=True):
        if entry is None:
            services.ballot_mark(actor=official, ballot=ballot, status="delivered")
            continue
        value = entry if entry in ("blank", "spoiled") else option(matter, entry).pk
        services.ballot_enter(actor=official, ballot=ballot, entry=value)
        services.ballot_enter(actor=chair, ballot=ballot, entry=value)
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    deadline_passes(mv)
    return services.matter_close(actor=official, matter=matter)


APPROVE, REJECT = Option.Kind.APPROVE, Option.Kind.REJECT


def test_blank_and_spoiled_ballots_count_in_turnout_not_in_approvals(commune, official, chair):
    village = make_village(commune, households=6)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    matter = _ballot_vote(
        official, chair, matter, [APPROVE, APPROVE, REJECT, "blank", "spoiled", None]
    )
    result = selectors.matter_outcome(matter).villages[0]
    assert (result.issued, result.returned, result.blank, result.spoiled) == (6, 5, 1, 1)
    assert result.turnout == 5  # 3 counted votes + 1 blank + 1 spoiled
    assert result.approvals == 2
    # Law 10/2022 Art. 21(1): 2 approvals of 6 households is not more than half.
    assert result.adopted is False
    seal = AuditEntry.objects.get(action="decisions.matter.close").after["villages"][0]
    assert {k: seal[k] for k in ("issued", "returned", "blank", "spoiled", "turnout")} == {
        "issued": 6, "returned": 5, "blank": 1, "spoiled": 1, "turnout": 5,
    }  # fmt: skip


def test_blank_ballots_do_not_help_reach_the_threshold(commune, official, chair):
    """Clause 6, 4 households: 2 approvals + 2 blank fails (exactly half); 3 + 1 blank passes."""
    for entries, adopted in (
        ([APPROVE, APPROVE, "blank", "blank"], False),
        ([APPROVE, APPROVE, APPROVE, "blank"], True),
    ):
        village = make_village(commune, households=4)
        matter = make_matter(official, [village])
        open_ballot(official, matter)
        matter = _ballot_vote(official, chair, matter, entries)
        result = selectors.matter_outcome(matter).villages[0]
        assert result.turnout == 4
        assert result.adopted is adopted


def test_the_sealed_digest_covers_blank_and_spoiled_ballots(commune, official, chair):
    digests = []
    for entries in ([APPROVE, "blank", REJECT], [APPROVE, "spoiled", REJECT]):
        village = make_village(commune, households=3)
        matter = make_matter(official, [village])
        open_ballot(official, matter)
        matter = _ballot_vote(official, chair, matter, entries)
        outcome = selectors.matter_outcome(matter)
        assert selectors.result_digest(outcome) == matter.result_hash
        digests.append(matter.result_hash)
    assert digests[0] != digests[1]  # same votes, a blank instead of a spoiled ballot


def test_the_public_page_shows_issued_returned_blank_and_spoiled(client, commune, official, chair):
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    matter = _ballot_vote(official, chair, matter, [APPROVE, "blank", "spoiled", None])
    html = client.get(
        reverse("decisions:public_detail", args=[commune.code, matter.pk])
    ).content.decode()
    for marker, value in (("issued", 4), ("returned", 3), ("blank", 1), ("spoiled", 1)):
        assert f"<span data-{marker}>{value}</span>" in html
    assert "<span data-turnout>3</span>" in html


# --- eligibility fixed at the opening --------------------------------------------------------


def _open_online_two(official, commune):
    a = make_village(commune, households=3)
    b = make_village(commune, households=3)
    matter = make_matter(official, [a, b])
    plans = {}
    for village in (a, b):
        mv = matter_village(matter, village)
        for household in households_of(village)[:2]:
            services.online_opt_in_record(
                actor=official, matter_village=mv, household=household, agrees=True
            )
        plans[village.pk] = services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)
    services.matter_open(actor=official, matter=matter, plans=plans)
    return matter, matter_village(matter, a), matter_village(matter, b)


def test_opening_snapshots_the_eligible_households(commune, official):
    matter, mv_a, mv_b = _open_online_two(official, commune)
    for mv in (mv_a, mv_b):
        assert mv.eligibility_frozen
        assert EligibleHousehold.objects.filter(matter_village=mv).count() == mv.total_households
        assert mv.total_households == 3


def test_a_household_moving_mid_vote_votes_once_where_it_was_at_the_opening(commune, official):
    matter, mv_a, mv_b = _open_online_two(official, commune)
    mover = households_of(mv_a.village)[0]
    Household.objects.filter(pk=mover.pk).update(village=mv_b.village)
    rep = representative(Household.objects.get(pk=mover.pk))
    # In its new village it does not vote: it was not among B's households at the opening.
    with pytest.raises(services.WrongState) as exc:
        services.vote_cast(actor=rep, matter_village=mv_b, option=option(matter))
    assert exc.value.code == "not_eligible"
    # In its village at the opening it still votes, once.
    services.vote_cast(actor=rep, matter_village=mv_a, option=option(matter))
    assert Vote.objects.get(household=mover).matter_village == mv_a
    # Neither denominator moved.
    assert services.eligible_households(mv_a).filter(pk=mover.pk).exists()
    assert not services.eligible_households(mv_b).filter(pk=mover.pk).exists()
    for mv in (mv_a, mv_b):
        deadline_passes(mv)
    services.matter_close(actor=official, matter=matter)
    outcome = selectors.matter_outcome(matter)
    totals = {o.matter_village.pk: o.total_households for o in outcome.villages}
    assert totals == {mv_a.pk: 3, mv_b.pk: 3}


def test_a_household_registered_after_the_opening_does_not_vote(commune, official):
    matter, mv_a, _mv_b = _open_online_two(official, commune)
    late = add_households(mv_a.village, 1)[-1]
    with pytest.raises(services.WrongState) as exc:
        services.vote_cast(actor=representative(late), matter_village=mv_a, option=option(matter))
    assert exc.value.code == "not_eligible"
    assert services.eligible_households(mv_a).count() == 3


def test_a_mover_gets_no_ballot_and_no_attendance_in_its_new_village(commune, official):
    a = make_village(commune, households=2)
    b = make_village(commune, households=2)
    matter = make_matter(official, [a, b])
    open_meeting(official, matter)
    mover = households_of(a)[0]
    Household.objects.filter(pk=mover.pk).update(village=b)
    with pytest.raises(ValidationFailed):
        services.meeting_attendance_record(
            actor=official, matter_village=matter_village(matter, b), household_ids=[mover.pk]
        )
    mv_a = services.meeting_attendance_record(
        actor=official, matter_village=matter_village(matter, a), household_ids=[mover.pk]
    )
    assert mv_a.present == 1


def test_ballots_go_to_the_households_at_the_opening(commune, official):
    a = make_village(commune, households=2)
    matter = make_matter(official, [a])
    open_ballot(official, matter)
    mover = households_of(a)[0]
    elsewhere = make_village(commune, households=0)
    Household.objects.filter(pk=mover.pk).update(village=elsewhere)
    ballots = services.ballots_issue(actor=official, matter_village=matter_village(matter))
    assert mover.pk in {b.household_id for b in ballots}
    assert len(ballots) == 2


# --- each village's outcome stands on its own ------------------------------------------------


def _meeting(official, matter, village, approvals):
    mv = matter_village(matter, village)
    ids = [h.pk for h in households_of(village)]
    mv = services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: approvals}
    )


@pytest.mark.parametrize(
    ("approvals", "adopted_villages", "adopted"),
    [((3, 2), 1, True), ((2, 2), 0, False), ((3, 3), 2, True)],
)
def test_a_several_village_matter_is_decided_village_by_village(
    commune, official, approvals, adopted_villages, adopted
):
    """Clause 6, 4 households each: 3 approvals adopt in that village, 2 (exactly half) do not;
    one village's refusal does not undo another's decision (Law 10/2022 Art. 20, 21(1))."""
    a = make_village(commune, households=4)
    b = make_village(commune, households=4)
    matter = make_matter(official, [a, b], MatterType.OTHER)
    open_meeting(official, matter)
    for village, yes in zip((a, b), approvals, strict=True):
        _meeting(official, matter, village, yes)
    matter = services.matter_close(actor=official, matter=matter)
    outcome = selectors.matter_outcome(matter)
    today = timezone.localdate()
    assert decision_figures(commune, today, today).matters.adopted == int(adopted)
    assert outcome.per_village
    assert outcome.adopted_villages == adopted_villages
    assert outcome.adopted is adopted
    by_village = {o.matter_village.village_id: o.adopted for o in outcome.villages}
    assert by_village == {a.pk: approvals[0] == 3, b.pk: approvals[1] == 3}
    assert matter_village(matter, a).adopted is (approvals[0] == 3)


def test_a_commune_wide_matter_still_needs_two_thirds_of_the_villages(commune, chair):
    """Law 10/2022 Art. 21(1): commune-wide contributions — 2 of 3 villages adopt: adopted."""
    villages = [make_village(commune, households=3) for _ in range(3)]
    matter = make_matter(chair, villages, MatterType.CONTRIBUTIONS, commune_wide=True)
    open_meeting(chair, matter)
    for village, yes in zip(villages, (2, 2, 1), strict=True):
        _meeting(chair, matter, village, yes)
    outcome = selectors.matter_outcome(services.matter_close(actor=chair, matter=matter))
    assert not outcome.per_village
    assert outcome.adopted_villages == 2
    assert outcome.adopted is True


def test_a_mover_votes_in_its_opening_village_through_the_api_and_the_page(
    client, commune, official
):
    from danchu.api.tests.helpers import auth, token_for

    matter, mv_a, mv_b = _open_online_two(official, commune)
    mover = households_of(mv_a.village)[0]
    Household.objects.filter(pk=mover.pk).update(village=mv_b.village)
    rep = representative(Household.objects.get(pk=mover.pk))
    headers = auth(token_for(rep))
    body = json.dumps({"option_id": option(matter).pk})
    moved_from = client.post(
        f"/api/v1/matter-villages/{mv_a.pk}/vote", body, content_type="application/json",
        **headers,
    )  # fmt: skip
    assert moved_from.status_code == 200, moved_from.content
    moved_to = client.post(
        f"/api/v1/matter-villages/{mv_b.pk}/vote", body, content_type="application/json",
        **headers,
    )  # fmt: skip
    assert moved_to.status_code == 409
    assert moved_to.json()["code"] == "not_eligible"
    client.force_login(rep)
    assert client.get(reverse("decisions:vote", args=[mv_a.pk])).status_code == 200
    assert Vote.objects.filter(household=mover).count() == 1
