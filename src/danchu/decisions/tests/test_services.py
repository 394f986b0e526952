"""Community decisions' services: matters, form gating, meetings, ballots, online votes, close.

Law 10/2022 Art. 16–21; Decree 59/2023 Art. 3–6; Decree 61/2023 Art. 10.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import selectors, services
from danchu.decisions.models import (
    Ballot,
    EligibleHousehold,
    Matter,
    MatterVillage,
    MeetingAttendance,
    OnlineOptIn,
    Option,
    Vote,
    VoteConflict,
)
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    add_households,
    days_ago,
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
    village_head,
)
from danchu.territory.models import Household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def small(commune):
    """A village of 5 households."""
    return make_village(commune, households=5)


@pytest.fixture
def hundred(commune):
    """A village of 100 households: the issue's boundary examples."""
    return make_village(commune, households=100)


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def _no_choice_in(entry: AuditEntry) -> None:
    """Art. 9(5): a household's vote is audited by channel, never by the option chosen."""
    text = json.dumps([entry.before, entry.after])
    for key in ('"option"', '"entry"', '"first_entry"', '"second_entry"', '"other_opinion"'):
        assert key not in text


def _attend(actor, mv, n):
    ids = [h.pk for h in households_of(mv.village)[:n]]
    return services.meeting_attendance_record(actor=actor, matter_village=mv, household_ids=ids)


def _opt_in(actor, mv, n):
    for household in households_of(mv.village)[:n]:
        services.online_opt_in_record(
            actor=actor, matter_village=mv, household=household, agrees=True
        )


def _open_online(actor, matter, village, agreeing):
    mv = matter_village(matter, village)
    _opt_in(actor, mv, agreeing)
    services.matter_open(
        actor=actor, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    return matter_village(matter, village)


# --- creating a matter (Art. 15–16) ---------------------------------------------------------


def test_a_village_head_creates_a_matter_for_their_village(small):
    head = village_head(small)
    matter = make_matter(head, [small], MatterType.CONTRIBUTIONS)
    assert matter.status == Matter.Status.DRAFT
    assert [(o.kind, o.label) for o in matter.options.order_by("position")] == [
        (Option.Kind.APPROVE, "Đồng ý"),
        (Option.Kind.REJECT, "Không đồng ý"),
        (Option.Kind.OTHER, "Ý kiến khác"),
    ]
    mv = matter_village(matter)
    assert (mv.village, mv.total_households) == (small, 0)  # frozen only at opening
    entry = _audit("decisions.matter.create")[0]
    assert entry.commune_id == small.commune_id
    assert entry.after["villages"] == [small.pk]


def test_a_village_head_only_for_their_own_village(commune, small):
    other = make_village(commune, households=3)
    head = village_head(small)
    with pytest.raises(PermissionDenied):
        make_matter(head, [other])
    with pytest.raises(PermissionDenied):
        make_matter(head, [small, other])
    assert not Matter.objects.exists()


def test_another_communes_official_gets_not_found(small, other_commune):
    with pytest.raises(NotFound):
        make_matter(official_of(other_commune), [small])


def test_a_household_representative_cannot_create(small):
    rep = representative(households_of(small)[0])
    with pytest.raises(PermissionDenied):
        make_matter(rep, [small])


def test_bad_input_gives_field_errors_and_writes_nothing(commune, official, other_commune):
    foreign = make_village(other_commune)
    with pytest.raises(ValidationFailed) as exc:
        services.matter_create(
            actor=official, commune=commune, matter_type=MatterType.OTHER, title="  ",
            question="", village_ids=[foreign.pk], description="x\x00y",
        )  # fmt: skip
    assert set(exc.value.fields) == {"title", "question", "village_ids", "description"}
    with pytest.raises(ValidationFailed) as exc:
        services.matter_create(
            actor=official, commune=commune, matter_type=9, title="T", question="Q",
            village_ids=[1],
        )  # fmt: skip
    assert set(exc.value.fields) == {"matter_type"}
    with pytest.raises(ValidationFailed) as exc:
        services.matter_create(
            actor=official, commune=commune, matter_type=6, title="T", question="Q"
        )
    assert set(exc.value.fields) == {"village_ids"}
    assert not Matter.objects.exists()


def test_commune_wide_contributions_by_the_chair_concern_every_village(commune, chair):
    villages = [make_village(commune, households=3) for _ in range(3)]
    matter = make_matter(chair, villages, MatterType.CONTRIBUTIONS, commune_wide=True)
    assert matter.commune_wide
    assert set(matter.villages.values_list("village_id", flat=True)) == {v.pk for v in villages}


@pytest.mark.parametrize("matter_type", [3, 4, 5, 6])
def test_commune_wide_only_for_contributions_and_finances(commune, chair, small, matter_type):
    with pytest.raises(ApplicationError) as exc:
        make_matter(chair, [small], matter_type, commune_wide=True, candidates=["A"])
    assert exc.value.code == "commune_wide_refused"
    assert "Luật 10/2022 Điều 16(1), 21(1)" in exc.value.message


def test_commune_wide_is_the_chairs(small, official):
    with pytest.raises(PermissionDenied):
        make_matter(official, [small], MatterType.CONTRIBUTIONS, commune_wide=True)


def test_an_election_needs_a_candidate(small, official):
    with pytest.raises(ValidationFailed) as exc:
        make_matter(official, [small], MatterType.VILLAGE_HEAD)
    assert "Nghị định 59/2023 Điều 6" in exc.value.fields["candidates"][0]
    matter = make_matter(official, [small], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn A"])
    assert list(matter.options.values_list("kind", "label")) == [
        (Option.Kind.CANDIDATE, "Nguyễn Văn A")
    ]
    dismissal = make_matter(official, [small], MatterType.VILLAGE_HEAD, dismissal=True)
    assert dismissal.options.count() == 3
    with pytest.raises(ValidationFailed) as exc:
        make_matter(official, [small], MatterType.OTHER, candidates=["A"])
    assert "candidates" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        make_matter(official, [small], MatterType.VILLAGE_HEAD, candidates=["A", " a "])
    assert "candidates" in exc.value.fields


# --- opening: denominators, forms and notices -------------------------------------------------


def test_opening_freezes_each_villages_total_households(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = matter_village(matter)
    assert (mv.total_households, mv.form, mv.held_on) == (5, Form.MEETING, TODAY())
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN
    assert matter.opened_at is not None
    # A household registered later changes nothing (Art. 21(1)).
    late = add_households(small, 1)[-1]
    mv.refresh_from_db()
    assert mv.total_households == 5
    assert not services.eligible_households(mv).filter(pk=late.pk).exists()
    entry = _audit("decisions.matter.open")[0]
    assert entry.after["villages"][0]["total_households"] == 5


def test_a_matter_opens_once(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    with pytest.raises(services.WrongState) as exc:
        open_meeting(official, matter)
    assert exc.value.code == "matter_open"


def test_meeting_notice_exactly_two_days_is_enough_one_is_not(small, official):
    matter = make_matter(official, [small])
    with pytest.raises(ApplicationError) as exc:
        open_meeting(official, matter, notice_on=days_ago(1), held_on=TODAY())
    assert exc.value.code == "notice_too_short"
    assert "Nghị định 59/2023 Điều 3(3)" in exc.value.message
    open_meeting(official, matter, notice_on=days_ago(2), held_on=TODAY())


def test_ballot_notice_two_days_before_distribution(small, official):
    matter = make_matter(official, [small], MatterType.CONTRIBUTIONS)
    with pytest.raises(ApplicationError) as exc:
        open_ballot(official, matter, notice_on=days_ago(1))
    assert "Nghị định 59/2023 Điều 4(4)" in exc.value.message
    open_ballot(official, matter, notice_on=days_ago(2))


def test_a_village_head_election_is_announced_seven_days_before(small, official):
    matter = make_matter(official, [small], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn A"])
    with pytest.raises(ApplicationError) as exc:
        open_meeting(official, matter, notice_on=days_ago(6))
    assert "Nghị định 59/2023 Điều 6" in exc.value.message
    open_meeting(official, matter, notice_on=days_ago(7))


def test_the_notice_is_recorded_not_planned(small, official):
    matter = make_matter(official, [small])
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        open_meeting(official, matter, notice_on=tomorrow, held_on=tomorrow + datetime.timedelta(3))
    assert set(exc.value.fields) == {"notice_on"}
    with pytest.raises(ValidationFailed) as exc:
        services.matter_open(actor=official, matter=matter, form=Form.MEETING)
    assert set(exc.value.fields) == {"held_on"}


@pytest.mark.parametrize("matter_type", [3, 4, 5])
def test_conventions_and_elections_cannot_open_by_ballot(small, official, matter_type):
    matter = make_matter(
        official, [small], matter_type, candidates=["A"] if matter_type > 3 else None
    )
    with pytest.raises(ApplicationError) as exc:
        open_ballot(official, matter)
    assert exc.value.code == "form_refused"
    assert "Luật 10/2022 Điều 17(2), 19(1)(b)" in exc.value.message


def test_a_ballot_needs_its_team_of_three_to_five(small, official):
    matter = make_matter(official, [small], MatterType.CONTRIBUTIONS)
    with pytest.raises(ApplicationError) as exc:
        open_ballot(official, matter, team=TEAM[:2])
    assert exc.value.code == "team_refused"
    assert "Điều 3(5), 4(3), 5(2)(b)" in exc.value.message


def test_a_village_without_households_cannot_open(commune, official):
    empty = make_village(commune)
    matter = make_matter(official, [empty])
    with pytest.raises(ApplicationError) as exc:
        open_meeting(official, matter)
    assert exc.value.code == "no_households"


def test_a_village_head_cannot_open_a_matter_of_two_villages(commune, small, official):
    other = make_village(commune, households=2)
    matter = make_matter(official, [small, other])
    with pytest.raises(PermissionDenied):
        open_meeting(village_head(small), matter)
    open_meeting(official, matter)


def test_villages_of_one_matter_may_decide_in_different_forms(commune, small, official):
    other = make_village(commune, households=4)
    matter = make_matter(official, [small, other])
    services.matter_open(
        actor=official, matter=matter,
        plans={
            small.pk: services.VillagePlan(Form.MEETING, days_ago(3), TODAY()),
            other.pk: services.VillagePlan(
                Form.BALLOT, days_ago(2), TODAY(), in_hours(24), TEAM
            ),
        },
    )  # fmt: skip
    assert matter_village(matter, small).form == Form.MEETING
    assert matter_village(matter, other).form == Form.BALLOT
    assert matter_village(matter, other).team == TEAM


# --- online opt-in (Decree 59/2023 Art. 5(2)(c)) ---------------------------------------------


def test_online_needs_more_than_half_of_all_households_to_agree(commune, official):
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    mv = matter_village(matter)
    _opt_in(official, mv, 2)  # 2 of 4: exactly half
    plan = {village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(2), team=TEAM)}
    with pytest.raises(ApplicationError) as exc:
        services.matter_open(actor=official, matter=matter, plans=plan)
    assert exc.value.code == "form_refused"
    assert "Nghị định 59/2023 Điều 5(2)(c)" in exc.value.message
    services.online_opt_in_record(
        actor=official, matter_village=mv, household=households_of(village)[2], agrees=True
    )
    services.matter_open(actor=official, matter=matter, plans=plan)
    assert matter_village(matter).form == Form.ONLINE


def test_online_opt_in_at_the_boundary_of_100_households(hundred, official):
    matter = make_matter(official, [hundred])
    mv = matter_village(matter)
    households = households_of(hundred)
    OnlineOptIn.objects.bulk_create(
        OnlineOptIn(commune_id=mv.commune_id, matter_village=mv, household=h, agrees=True)
        for h in households[:50]
    )
    plan = {hundred.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(2), team=TEAM)}
    with pytest.raises(ApplicationError):
        services.matter_open(actor=official, matter=matter, plans=plan)
    services.online_opt_in_record(
        actor=official, matter_village=mv, household=households[50], agrees=True
    )
    services.matter_open(actor=official, matter=matter, plans=plan)


def test_a_representative_answers_the_opt_in_for_their_own_household_only(small, official):
    matter = make_matter(official, [small])
    mv = matter_village(matter)
    own, other = households_of(small)[:2]
    rep = representative(own)
    opt_in = services.online_opt_in_record(actor=rep, matter_village=mv, household=own, agrees=True)
    services.online_opt_in_record(actor=rep, matter_village=mv, household=own, agrees=False)
    opt_in.refresh_from_db()
    assert opt_in.agrees is False
    assert OnlineOptIn.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.online_opt_in_record(actor=rep, matter_village=mv, household=other, agrees=True)


def test_online_only_for_other_matters(small, official):
    matter = make_matter(official, [small], MatterType.CONTRIBUTIONS)
    mv = matter_village(matter)
    with pytest.raises(ApplicationError) as exc:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=households_of(small)[0], agrees=True
        )
    assert "Luật 10/2022 Điều 17(2)" in exc.value.message


def test_the_opt_in_is_before_the_vote_and_in_the_village(commune, small, official):
    matter = make_matter(official, [small])
    mv = matter_village(matter)
    stranger = add_households(make_village(commune), 1)[0]
    with pytest.raises(ValidationFailed):
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=stranger, agrees=True
        )
    open_meeting(official, matter)
    with pytest.raises(services.WrongState):
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=households_of(small)[0], agrees=True
        )


# --- meetings ---------------------------------------------------------------------------------


def test_attendance_is_per_household_idempotent_and_counted(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = matter_village(matter)
    ids = [h.pk for h in households_of(small)]
    services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids[:3])
    mv = services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=ids[:4]
    )
    assert mv.present == 4
    assert MeetingAttendance.objects.filter(matter_village=mv).count() == 4
    mv = services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=[], remove_ids=[ids[0]]
    )
    assert mv.present == 3


def test_attendance_only_of_the_villages_households(commune, small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    stranger = add_households(make_village(commune), 1)[0]
    with pytest.raises(ValidationFailed) as exc:
        services.meeting_attendance_record(
            actor=official, matter_village=matter_village(matter), household_ids=[stranger.pk]
        )
    assert "household_ids" in exc.value.fields


def test_a_meeting_is_recorded_on_or_after_its_day(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter, notice_on=TODAY(), held_on=TODAY() + datetime.timedelta(2))
    with pytest.raises(services.WrongState) as exc:
        _attend(official, matter_village(matter), 3)
    assert exc.value.code == "too_early"


def test_a_village_head_runs_only_their_villages_meeting(commune, small):
    other = make_village(commune, households=3)
    official = official_of(commune)
    matter = make_matter(official, [small, other])
    open_meeting(official, matter)
    head = village_head(small)
    _attend(head, matter_village(matter, small), 2)
    with pytest.raises(PermissionDenied):
        _attend(head, matter_village(matter, other), 2)


def test_residents_cannot_run_a_meeting_and_other_communes_see_nothing(small, other_commune):
    official = official_of(small.commune)
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = matter_village(matter)
    with pytest.raises(PermissionDenied):
        _attend(representative(households_of(small)[0]), mv, 1)
    with pytest.raises(NotFound):
        _attend(official_of(other_commune), mv, 1)
    with pytest.raises(NotFound):
        services.matter_close(actor=official_of(other_commune), matter=matter)


def test_meeting_counts_are_checked(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 4)
    approve, reject = option(matter), option(matter, Option.Kind.REJECT)
    foreign = option(make_matter(official, [small]))
    for counts in ({approve.pk: 3, reject.pk: 2}, {approve.pk: -1}, {foreign.pk: 1},
                   {approve.pk: 1.5}, {"x": 1}):  # fmt: skip
        with pytest.raises(ValidationFailed) as exc:
            services.meeting_result_record(actor=official, matter_village=mv, counts=counts)
        assert "counts" in exc.value.fields
    mv = services.meeting_result_record(
        actor=official, matter_village=mv, counts={approve.pk: 3, str(reject.pk): 1}
    )
    assert mv.hand_counts[str(approve.pk)] == 3
    assert mv.hand_counts[str(option(matter, Option.Kind.OTHER).pk)] == 0
    with pytest.raises(services.WrongState) as exc:
        _attend(official, mv, 5)
    assert exc.value.code == "result_recorded"


def test_a_convention_meeting_with_half_the_households_is_not_valid(hundred, official):
    matter = make_matter(official, [hundred], MatterType.CONVENTION)
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 50)
    with pytest.raises(ApplicationError) as exc:
        services.meeting_result_record(
            actor=official, matter_village=mv, counts={option(matter).pk: 50}
        )
    assert exc.value.code == "not_quorate"
    assert "Nghị định 61/2023 Điều 10" in exc.value.message
    assert services.ballot_fallback_allowed(mv)
    # 51 of 100: valid, and 51 approvals adopt it.
    mv = _attend(official, mv, 51)
    assert not services.ballot_fallback_allowed(mv)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: 51}
    )
    matter = services.matter_close(actor=official, matter=matter)
    assert matter_village(matter).adopted is True


def test_sixty_present_cannot_reach_two_thirds_and_the_ballot_is_offered(hundred, official):
    # Law 10/2022 Art. 19(1)(b): 60 of 100 cannot reach 67.
    matter = make_matter(official, [hundred], MatterType.CONTRIBUTIONS)
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 60)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: 60}
    )
    assert services.ballot_fallback_allowed(mv)
    mv = services.matter_switch_to_ballot(
        actor=official, matter_village=mv, notice_on=TODAY(),
        held_on=TODAY() + datetime.timedelta(days=2), closes_at=in_hours(24 * 5), team=TEAM,
    )  # fmt: skip
    assert mv.form == Form.BALLOT
    assert mv.present == 60  # the meeting's record stays
    assert len(services.ballots_issue(actor=official, matter_village=mv)) == 100
    # The meeting's counts no longer count: the tally comes from the ballots.
    assert selectors.tally(matter) == {}


def test_sixty_seven_present_may_decide_so_no_ballot(hundred, official):
    matter = make_matter(official, [hundred], MatterType.CONTRIBUTIONS)
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 67)
    with pytest.raises(ApplicationError) as exc:
        services.matter_switch_to_ballot(
            actor=official, matter_village=mv, held_on=TODAY() + datetime.timedelta(days=2),
            closes_at=in_hours(24 * 5), team=TEAM,
        )  # fmt: skip
    assert exc.value.code == "meeting_reachable"
    assert "Luật 10/2022 Điều 19(1)(b)" in exc.value.message


def test_a_non_quorate_convention_falls_back_to_the_ballot(hundred, official):
    matter = make_matter(official, [hundred], MatterType.CONVENTION)
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 40)
    with pytest.raises(ApplicationError) as exc:  # the ballot has its own 2-day notice
        services.matter_switch_to_ballot(
            actor=official, matter_village=mv, held_on=TODAY() + datetime.timedelta(days=1),
            closes_at=in_hours(24 * 5), team=TEAM,
        )  # fmt: skip
    assert exc.value.code == "notice_too_short"
    mv = services.matter_switch_to_ballot(
        actor=official, matter_village=mv, held_on=TODAY() + datetime.timedelta(days=2),
        closes_at=in_hours(24 * 5), team=TEAM,
    )  # fmt: skip
    assert mv.form == Form.BALLOT


def test_a_secret_count_needs_its_committee_and_two_witnesses(small, official):
    matter = make_matter(official, [small], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn A"])
    open_meeting(official, matter, notice_on=days_ago(7))
    mv = _attend(official, matter_village(matter), 5)
    counts = {option(matter, Option.Kind.CANDIDATE).pk: 3}

    def record(**kwargs):
        return services.meeting_result_record(
            actor=official, matter_village=mv, counts=counts, secret=True, **kwargs
        )

    for kwargs, article in (
        ({}, "Điều 3(5)(c)"),
        ({"team": TEAM[:2], "witnesses": WITNESSES}, "Điều 3(5), 4(3), 5(2)(b)"),
        ({"team": TEAM, "witnesses": WITNESSES[:1]}, "Điều 3(5)(c), 4(6)"),
        ({"team": TEAM, "witnesses": WITNESSES, "team_approved_by": 2}, "Điều 3(5)"),
    ):
        with pytest.raises(ApplicationError) as exc:
            record(**kwargs)
        assert article in exc.value.message, kwargs
    mv = record(team=TEAM, witnesses=WITNESSES, team_approved_by=3)  # 3 of 5 present
    assert (mv.team, mv.witnesses) == (TEAM, WITNESSES)


def test_a_show_of_hands_needs_no_committee(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _attend(official, matter_village(matter), 3)
    services.meeting_result_record(actor=official, matter_village=mv, counts={option(matter).pk: 3})


# --- household ballots ------------------------------------------------------------------------


def _ballot_village(official, village, matter_type=MatterType.CONTRIBUTIONS):
    matter = make_matter(official, [village], matter_type)
    open_ballot(official, matter)
    mv = matter_village(matter, village)
    return matter, mv, services.ballots_issue(actor=official, matter_village=mv)


def test_one_ballot_per_household_with_a_unique_serial(small, official):
    matter, mv, ballots = _ballot_village(official, small)
    assert len(ballots) == 5
    assert {b.household_id for b in ballots} == {h.pk for h in households_of(small)}
    serials = [b.serial for b in Ballot.objects.filter(matter_village=mv)]
    assert len(set(serials)) == 5
    prefix = f"{small.commune.code}-{services._base36(matter.pk)}-"
    assert all(s.startswith(prefix) and len(s) == len(prefix) + 6 for s in serials)
    add_households(small, 1)  # registered after opening: no ballot
    assert services.ballots_issue(actor=official, matter_village=mv) == []
    assert Ballot.objects.filter(matter_village=mv).count() == 5
    assert _audit("decisions.ballots.issue")[0].after["issued"] == 5


def test_ballots_only_in_a_ballot_village(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    with pytest.raises(services.WrongState) as exc:
        services.ballots_issue(actor=official, matter_village=matter_village(matter))
    assert exc.value.code == "wrong_form"


def test_delivery_and_return_are_tracked_forwards_only(small, official):
    _matter, _mv, ballots = _ballot_village(official, small)
    ballot = services.ballot_mark(actor=official, ballot=ballots[0], status="delivered")
    ballot = services.ballot_mark(actor=official, ballot=ballot, status="returned")
    assert ballot.status == Ballot.Status.RETURNED
    with pytest.raises(services.WrongState):
        services.ballot_mark(actor=official, ballot=ballot, status="delivered")
    with pytest.raises(ValidationFailed):
        services.ballot_mark(actor=official, ballot=ballots[1], status="counted")


def test_double_entry_by_two_people_counts_the_ballot(small, official, chair):
    matter, mv, ballots = _ballot_village(official, small)
    approve = option(matter)
    first = services.ballot_enter(actor=official, ballot=ballots[0], entry=approve.pk)
    assert first.step == "first"
    assert first.ballot.status == Ballot.Status.RETURNED
    assert not Vote.objects.exists()
    with pytest.raises(ApplicationError) as exc:
        services.ballot_enter(actor=official, ballot=ballots[0], entry=approve.pk)
    assert exc.value.code == "same_person"
    second = services.ballot_enter(actor=chair, ballot=ballots[0], entry=str(approve.pk))
    assert second.step == "matched"
    assert second.ballot.status == Ballot.Status.COUNTED
    vote = Vote.objects.get()
    assert (vote.channel, vote.option, vote.household_id) == (
        Vote.Channel.BALLOT, approve, ballots[0].household_id,
    )  # fmt: skip
    with pytest.raises(services.WrongState) as exc:
        services.ballot_enter(actor=official, ballot=ballots[0], entry=approve.pk)
    assert exc.value.code == "already_entered"
    for entry in _audit("decisions.ballot.enter"):
        _no_choice_in(entry)


def test_differing_entries_need_a_third_person(small, official, chair):
    matter, mv, ballots = _ballot_village(official, small)
    head = village_head(small)
    approve, reject = option(matter), option(matter, Option.Kind.REJECT)
    services.ballot_enter(actor=official, ballot=ballots[0], entry=approve.pk)
    result = services.ballot_enter(actor=head, ballot=ballots[0], entry=reject.pk)
    assert result.step == "mismatch"
    assert result.ballot.status == Ballot.Status.MISMATCH
    assert not Vote.objects.exists()
    with pytest.raises(services.WrongState) as exc:
        services.ballot_enter(actor=chair, ballot=ballots[0], entry=approve.pk)
    assert exc.value.code == "mismatch"
    deadline_passes(mv)
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "ballots_mismatch"
    with pytest.raises(ApplicationError) as exc:
        services.ballot_resolve(actor=official, ballot=ballots[0], entry=approve.pk, reason="x")
    assert exc.value.code == "same_person"
    with pytest.raises(ValidationFailed):
        services.ballot_resolve(actor=chair, ballot=ballots[0], entry=approve.pk, reason=" ")
    resolved = services.ballot_resolve(
        actor=chair, ballot=ballots[0], entry=approve.pk, reason="Đã xem lại phiếu giấy"
    )
    assert resolved.ballot.status == Ballot.Status.COUNTED
    assert Vote.objects.get().option == approve
    _no_choice_in(_audit("decisions.ballot.resolve")[0])


def test_blank_and_spoiled_ballots_make_no_vote(small, official, chair):
    _matter, _mv, ballots = _ballot_village(official, small)
    for ballot, entry, status in ((ballots[0], "blank", Ballot.Status.BLANK),
                                  (ballots[1], "SPOILED", Ballot.Status.SPOILED)):  # fmt: skip
        services.ballot_enter(actor=official, ballot=ballot, entry=entry)
        assert (
            services.ballot_enter(actor=chair, ballot=ballot, entry=entry).ballot.status == status
        )
    assert not Vote.objects.exists()
    with pytest.raises(ValidationFailed) as exc:
        services.ballot_enter(actor=official, ballot=ballots[2], entry="approve")
    assert "entry" in exc.value.fields


def test_closing_a_ballot_village_needs_every_entry_and_two_witnesses(small, official, chair):
    matter, mv, ballots = _ballot_village(official, small)
    services.ballot_enter(actor=official, ballot=ballots[0], entry=option(matter).pk)
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "still_open"
    deadline_passes(mv)
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "ballots_pending"
    services.ballot_enter(actor=chair, ballot=ballots[0], entry=option(matter).pk)
    with pytest.raises(ApplicationError) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "witnesses_missing"
    assert "Nghị định 59/2023 Điều 4(6)" in exc.value.message
    with pytest.raises(ApplicationError):
        services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES[:1])
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    matter = services.matter_close(actor=official, matter=matter)
    mv.refresh_from_db()
    assert (matter.status, mv.status, mv.adopted) == (
        Matter.Status.CLOSED, MatterVillage.Status.COUNTED, False,  # 1 of 5 < two thirds
    )  # fmt: skip


# --- online votes -----------------------------------------------------------------------------


@pytest.fixture
def online(commune, official):
    """An online vote in a village of 4 households (3 agreed to vote online)."""
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    mv = _open_online(official, matter, village, 3)
    return matter, mv


def test_a_representative_votes_and_may_change_until_the_close(online):
    matter, mv = online
    household = households_of(mv.village)[0]
    rep = representative(household)
    vote = services.vote_cast(actor=rep, matter_village=mv, option=option(matter))
    assert (vote.channel, vote.household, vote.cast_by) == (Vote.Channel.ONLINE, household, rep)
    changed = services.vote_cast(
        actor=rep, matter_village=mv, option=option(matter, Option.Kind.OTHER),
        other_opinion="Nên làm vào mùa khô",
    )  # fmt: skip
    assert changed.pk == vote.pk
    assert Vote.objects.get().option.kind == Option.Kind.OTHER
    assert Vote.objects.get().other_opinion == "Nên làm vào mùa khô"
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="decisions.vote")] == [
        "decisions.vote.cast", "decisions.vote.change",
    ]  # fmt: skip
    for entry in AuditEntry.objects.filter(action__startswith="decisions.vote"):
        _no_choice_in(entry)
        assert entry.after["channel"] == Vote.Channel.ONLINE
    deadline_passes(mv)
    with pytest.raises(services.WrongState) as exc:
        services.vote_cast(actor=rep, matter_village=mv, option=option(matter))
    assert exc.value.code == "voting_closed"


def test_an_opinion_only_with_other_opinion(online):
    matter, mv = online
    rep = representative(households_of(mv.village)[0])
    with pytest.raises(ValidationFailed) as exc:
        services.vote_cast(actor=rep, matter_village=mv, option=option(matter), other_opinion="x")
    assert "other_opinion" in exc.value.fields
    other_matter = make_matter(official_of(mv.commune), [mv.village])
    with pytest.raises(ValidationFailed) as exc:
        services.vote_cast(actor=rep, matter_village=mv, option=option(other_matter))
    assert "option" in exc.value.fields


def test_only_the_villages_representatives_vote(online, other_commune):
    matter, mv = online
    elsewhere = make_village(mv.commune, households=1)
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=representative(households_of(elsewhere)[0]), matter_village=mv,
            option=option(matter),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=official_of(mv.commune), matter_village=mv, option=option(matter))
    stranger = representative(add_households(make_village(other_commune), 1)[0])
    with pytest.raises(NotFound):
        services.vote_cast(actor=stranger, matter_village=mv, option=option(matter))
    assert not Vote.objects.exists()


def test_online_votes_only_in_an_online_village(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    rep = representative(households_of(small)[0])
    with pytest.raises(services.WrongState) as exc:
        services.vote_cast(actor=rep, matter_village=matter_village(matter), option=option(matter))
    assert exc.value.code == "wrong_form"


def test_a_concurrent_duplicate_insert_becomes_an_update_not_an_error(online, monkeypatch):
    # The read misses a vote committed at the same moment: the unique constraint catches it in
    # a savepoint and the service carries on with the vote it finds. (The general path, which
    # ballots take and online votes fall back to; the online vote's own one-statement path is
    # tested in test_vote_queries.py.)
    matter, mv = online
    household = households_of(mv.village)[0]
    rep = representative(household)
    services.vote_cast(actor=rep, matter_village=mv, option=option(matter))
    real = services._existing_vote
    calls = []

    def first_read_misses(matter_id, household_id):
        calls.append(1)
        return None if len(calls) == 1 else real(matter_id, household_id)

    monkeypatch.setattr(services, "_existing_vote", first_read_misses)
    with transaction.atomic():
        vote, created = services._save_vote(
            actor=rep, mv=mv, household_id=household.pk,
            option=option(matter, Option.Kind.REJECT), channel=Vote.Channel.ONLINE,
        )  # fmt: skip
    assert len(calls) == 2
    assert not created
    assert Vote.objects.count() == 1
    assert vote.option.kind == Option.Kind.REJECT


# --- one vote per household across channels -------------------------------------------------


@pytest.fixture
def two_forms(commune, official):
    """One matter, village A votes online (3 of 4 opted in), village B by ballot."""
    a = make_village(commune, households=4)
    b = make_village(commune, households=3)
    matter = make_matter(official, [a, b])
    _opt_in(official, matter_village(matter, a), 3)
    services.matter_open(
        actor=official, matter=matter,
        plans={
            a.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM),
            b.pk: services.VillagePlan(Form.BALLOT, days_ago(2), TODAY(), in_hours(24), TEAM),
        },
    )  # fmt: skip
    return matter, matter_village(matter, a), matter_village(matter, b)


def test_a_household_that_voted_online_is_not_counted_again_from_paper(two_forms, official, chair):
    matter, online_mv, ballot_mv = two_forms
    mover = households_of(online_mv.village)[0]
    services.vote_cast(actor=representative(mover), matter_village=online_mv, option=option(matter))
    # The register is corrected: the household was in village B at the opening (the snapshot
    # of eligible households moves with it) and gets a paper ballot there.
    Household.objects.filter(pk=mover.pk).update(village=ballot_mv.village)
    EligibleHousehold.objects.filter(matter=matter, household=mover).update(
        matter_village=ballot_mv
    )
    ballots = services.ballots_issue(actor=official, matter_village=ballot_mv)
    paper = next(b for b in ballots if b.household_id == mover.pk)
    reject = option(matter, Option.Kind.REJECT)
    services.ballot_enter(actor=official, ballot=paper, entry=reject.pk)
    result = services.ballot_enter(actor=chair, ballot=paper, entry=reject.pk)
    assert result.conflict is not None
    assert result.vote is None
    assert Vote.objects.filter(household=mover).count() == 1
    assert Vote.objects.get(household=mover).channel == Vote.Channel.ONLINE
    conflict = VoteConflict.objects.get()
    assert (conflict.channel, conflict.option, conflict.ballot) == (
        Vote.Channel.BALLOT, reject, paper,
    )  # fmt: skip
    _no_choice_in(_audit("decisions.vote.conflict")[0])
    # The conflict blocks the close until the counting committee decides.
    deadline_passes(online_mv)
    deadline_passes(ballot_mv)
    services.count_witnesses_record(actor=official, matter_village=ballot_mv, witnesses=WITNESSES)
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "conflicts_unresolved"
    services.conflict_resolve(
        actor=official, conflict=conflict, keep="new", reason="Hộ xác nhận phiếu giấy"
    )
    vote = Vote.objects.get(household=mover)
    assert (vote.channel, vote.option, vote.matter_village) == (
        Vote.Channel.BALLOT, reject, ballot_mv,
    )  # fmt: skip
    paper.refresh_from_db()
    assert paper.status == Ballot.Status.COUNTED
    with pytest.raises(services.WrongState):
        services.conflict_resolve(actor=official, conflict=conflict, keep="new", reason="again")
    services.matter_close(actor=official, matter=matter)


def test_a_household_counted_on_paper_cannot_vote_online(two_forms, official, chair):
    matter, online_mv, ballot_mv = two_forms
    mover = households_of(ballot_mv.village)[0]
    ballots = services.ballots_issue(actor=official, matter_village=ballot_mv)
    paper = next(b for b in ballots if b.household_id == mover.pk)
    services.ballot_enter(actor=official, ballot=paper, entry=option(matter).pk)
    services.ballot_enter(actor=chair, ballot=paper, entry=option(matter).pk)
    # The register is corrected: the household was in the online village at the opening.
    Household.objects.filter(pk=mover.pk).update(village=online_mv.village)
    EligibleHousehold.objects.filter(matter=matter, household=mover).update(
        matter_village=online_mv
    )
    rep = representative(Household.objects.get(pk=mover.pk))
    for _attempt in range(2):
        with pytest.raises(services.AlreadyVoted) as exc:
            services.vote_cast(
                actor=rep, matter_village=online_mv, option=option(matter, Option.Kind.REJECT)
            )
        assert exc.value.code == "already_voted"
        assert exc.value.status == 409
    # Kept, not dropped — and kept once however often the household tries.
    conflict = VoteConflict.objects.get()
    assert (conflict.channel, conflict.household_id) == (Vote.Channel.ONLINE, mover.pk)
    assert Vote.objects.get(household=mover).channel == Vote.Channel.BALLOT
    services.conflict_resolve(actor=official, conflict=conflict, keep="existing", reason="Giữ")
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None
    assert conflict.resolution.startswith("existing")
    assert Vote.objects.get(household=mover).channel == Vote.Channel.BALLOT
    with pytest.raises(ValidationFailed):
        services.conflict_resolve(actor=official, conflict=conflict, keep="both", reason="x")


def test_the_constraint_catches_a_vote_the_read_missed(two_forms, official, chair, monkeypatch):
    matter, online_mv, ballot_mv = two_forms
    household = households_of(ballot_mv.village)[0]
    Vote.objects.create(
        commune_id=matter.commune_id, matter=matter, matter_village=online_mv,
        household=household, option=option(matter), channel=Vote.Channel.ONLINE,
    )  # fmt: skip
    real = services._existing_vote
    calls = []
    monkeypatch.setattr(
        services, "_existing_vote",
        lambda m, h: calls.append(1) or (None if len(calls) == 1 else real(m, h)),
    )  # fmt: skip
    paper = Ballot.objects.get(
        pk=next(
            b.pk
            for b in services.ballots_issue(actor=official, matter_village=ballot_mv)
            if b.household_id == household.pk
        )
    )
    services.ballot_enter(actor=official, ballot=paper, entry=str(option(matter).pk))
    result = services.ballot_enter(actor=chair, ballot=paper, entry=option(matter).pk)
    assert result.conflict is not None
    assert Vote.objects.filter(household=household).count() == 1


# --- closing: the outcome and its seal --------------------------------------------------------


def _meeting_result(official, matter, village, present, approvals):
    mv = _attend(official, matter_village(matter, village), present)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: approvals}
    )


def test_close_counts_each_village_against_all_its_households(commune, official):
    # Contributions, 100 households each: 67 approvals adopt, 66 do not (Art. 21(1)).
    a = make_village(commune, households=100)
    b = make_village(commune, households=100)
    matter = make_matter(official, [a, b], MatterType.CONTRIBUTIONS)
    open_meeting(official, matter)
    _meeting_result(official, matter, a, 80, 67)
    _meeting_result(official, matter, b, 80, 66)
    matter = services.matter_close(actor=official, matter=matter)
    assert matter_village(matter, a).adopted is True
    assert matter_village(matter, b).adopted is False
    outcome = selectors.matter_outcome(matter)
    # Law 10/2022 Art. 20, 21(1): each village's outcome stands on its own.
    assert outcome.per_village
    assert outcome.adopted
    assert outcome.adopted_villages == 1
    assert matter.result_hash == selectors.result_digest(outcome)
    assert len(matter.result_hash) == 64
    seal = _audit("decisions.matter.close")[0]
    assert seal.after["result_hash"] == matter.result_hash
    assert [v["total_households"] for v in seal.after["villages"]] == [100, 100]
    assert sorted(v["approvals"] for v in seal.after["villages"]) == [66, 67]


def test_the_result_hash_is_reproducible_and_changes_with_the_counts(commune, official):
    village = make_village(commune, households=100)
    hashes = []
    for approvals in (51, 51, 50):
        matter = make_matter(official, [village], MatterType.CONVENTION)
        open_meeting(official, matter)
        _meeting_result(official, matter, village, 60, approvals)
        hashes.append(services.matter_close(actor=official, matter=matter).result_hash)
        assert matter_village(matter).adopted is (approvals == 51)
        # Recomputed from the stored rows after the close: the same digest.
        assert selectors.result_digest(selectors.matter_outcome(matter)) == hashes[-1]
    assert len(set(hashes)) == 3  # each matter's digest names the matter


def test_an_online_vote_closes_with_more_than_half_of_all_households(online, official):
    matter, mv = online  # 4 households
    households = households_of(mv.village)
    for household in households[:2]:  # 2 of 4: exactly half
        services.vote_cast(
            actor=representative(household), matter_village=mv, option=option(matter)
        )
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "still_open"
    deadline_passes(mv)
    matter = services.matter_close(actor=official, matter=matter)
    assert matter_village(matter).adopted is False
    assert selectors.result_digest(selectors.matter_outcome(matter)) == matter.result_hash
    with pytest.raises(services.WrongState) as exc:
        services.vote_cast(
            actor=representative(households[3]), matter_village=mv, option=option(matter)
        )
    assert exc.value.code in {"matter_closed", "village_counted"}


def test_a_commune_wide_matter_passes_with_two_thirds_of_the_villages(commune, chair):
    villages = [make_village(commune, households=3) for _ in range(3)]
    matter = make_matter(chair, villages, MatterType.CONTRIBUTIONS, commune_wide=True)
    open_meeting(chair, matter)
    for village, approvals in zip(villages, (2, 2, 1), strict=True):  # 2 of 3 = two thirds
        _meeting_result(chair, matter, village, 3, approvals)
    with pytest.raises(PermissionDenied):
        services.matter_close(actor=official_of(commune), matter=matter)
    matter = services.matter_close(actor=chair, matter=matter)
    outcome = selectors.matter_outcome(matter)
    assert [o.adopted for o in outcome.villages].count(True) == 2
    assert outcome.adopted
    assert _audit("decisions.matter.close")[0].after["adopted"] is True


def test_a_meeting_without_its_result_cannot_close(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    _attend(official, matter_village(matter), 5)
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "result_missing"


def test_a_village_head_closes_their_own_village_matter(small):
    head = village_head(small)
    matter = make_matter(head, [small])
    open_meeting(head, matter)
    _meeting_result(head, matter, small, 5, 3)
    assert services.matter_close(actor=head, matter=matter).status == Matter.Status.CLOSED
    assert matter_village(matter).adopted is True


def test_a_draft_or_closed_matter_cannot_close_and_every_transition_is_audited(small, official):
    matter = make_matter(official, [small])
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "matter_draft"
    open_meeting(official, matter)
    _meeting_result(official, matter, small, 5, 3)
    services.matter_close(actor=official, matter=matter)
    for call in (
        lambda: services.matter_close(actor=official, matter=matter),
        lambda: services.matter_cancel(actor=official, matter=matter, reason="Nhầm"),
        lambda: open_meeting(official, matter),
    ):
        with pytest.raises(services.WrongState) as exc:
            call()
        assert exc.value.code == "matter_closed"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"decisions.matter.create", "decisions.matter.open", "decisions.meeting.attendance",
            "decisions.meeting.result", "decisions.matter.close"} <= actions  # fmt: skip


def test_cancel_a_draft_or_an_open_matter_with_a_reason(small, official):
    matter = make_matter(official, [small])
    with pytest.raises(ValidationFailed):
        services.matter_cancel(actor=official, matter=matter, reason="")
    matter = services.matter_cancel(actor=official, matter=matter, reason="Trùng nội dung")
    assert matter.status == Matter.Status.CANCELLED
    assert _audit("decisions.matter.cancel")[0].after["reason"] == "Trùng nội dung"
    opened = make_matter(official, [small])
    open_meeting(official, opened)
    rep = representative(households_of(small)[0])
    with pytest.raises(PermissionDenied):
        services.matter_cancel(actor=rep, matter=opened, reason="x")
    assert services.matter_cancel(actor=official, matter=opened, reason="Hoãn").status == (
        Matter.Status.CANCELLED
    )


def test_a_board_member_cannot_run_matters(small):
    board = RoleAssignmentFactory(commune=small.commune, role=Role.FRONT_OFFICER).user
    with pytest.raises(PermissionDenied):
        make_matter(board, [small])
