"""Village-head elections and dismissal — Decree 59/2023 Art. 3(5), 6–9; Law 10/2022 Art. 21(1).

Every milestone and threshold is tested at its boundary: the last allowed day passes and the
day after is refused with the article; exactly half of all households does not elect.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role
from danchu.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import elections, rules, selectors, services
from danchu.decisions.models import (
    DismissalPetition,
    ElectionCandidate,
    ElectionPlan,
    Matter,
    MatterVillage,
    Option,
)
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    village_head,
)

pytestmark = pytest.mark.django_db
D = datetime.date
ARTICLE_6 = "Nghị định 59/2023 Điều 6"


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def small(commune):
    return make_village(commune, households=5)


@pytest.fixture
def hundred(commune):
    return make_village(commune, households=100)


@pytest.fixture
def chair(commune):
    return official_of(commune, Role.COMMUNE_CHAIR)


def _election(official, village, candidates=("Nguyễn Văn An",)) -> MatterVillage:
    matter = make_matter(official, [village], MatterType.VILLAGE_HEAD, candidates=list(candidates))
    return matter_village(matter)


def _planned(chair, mv, day=None) -> datetime.date:
    """The plan recorded 20 days before an election day 20 days from now."""
    day = day or _today() + _days(20)
    elections.election_plan_record(
        actor=chair, matter_village=mv, election_day=day, plan_on=day - _days(20)
    )
    return day


# --- the rules, as plain arithmetic ---------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "days"),
    [("plan", 20), ("candidates", 15), ("election_team", 10), ("public_notice", 7)],
)
def test_each_milestone_passes_on_its_last_day_and_not_the_day_after(step, days):
    day = D(2026, 6, 30)
    assert rules.milestone_refusal(step, day - _days(days), day) is None
    refusal = rules.milestone_refusal(step, day - _days(days - 1), day)
    assert refusal is not None
    assert refusal.article == ARTICLE_6
    assert str(days) in refusal.message


def test_the_new_election_after_a_dismissal_is_within_sixty_days():
    dismissed = D(2026, 3, 1)
    assert rules.reelection_refusal(dismissed, dismissed + _days(60)) is None
    late = rules.reelection_refusal(dismissed, dismissed + _days(61))
    assert late is not None
    assert late.article == "Nghị định 59/2023 Điều 9(3)"
    assert rules.reelection_refusal(dismissed, dismissed) is not None  # not before it


@pytest.mark.parametrize(
    ("signing", "total", "enough"),
    [(50, 100, True), (49, 100, False), (26, 51, True), (25, 51, False), (0, 0, False)],
)
def test_a_dismissal_petition_needs_at_least_half_of_all_households(signing, total, enough):
    assert rules.dismissal_petition_suffices(signing, total) is enough


def test_exactly_half_of_all_households_elects_nobody():
    assert rules.elected_candidates(MatterType.VILLAGE_HEAD, {1: 50}, [1], 1, 100) == []
    assert rules.elected_candidates(MatterType.VILLAGE_HEAD, {1: 51}, [1], 1, 100) == [1]


def test_a_board_elects_the_best_that_pass_up_to_its_seats():
    counts = {1: 70, 2: 51, 3: 90, 4: 50}
    assert rules.elected_candidates(MatterType.BOARD_MEMBERS, counts, [1, 2, 3, 4], 2, 100) == [
        3,
        1,
    ]
    # Fewer pass than there are seats: only those who pass (4 has exactly half).
    assert rules.elected_candidates(MatterType.BOARD_MEMBERS, counts, [1, 2, 3, 4], 4, 100) == [
        3,
        1,
        2,
    ]


def test_a_tie_for_the_last_seat_elects_none_of_the_tied():
    counts = {1: 80, 2: 60, 3: 60}
    assert rules.elected_candidates(MatterType.BOARD_MEMBERS, counts, [1, 2, 3], 2, 100) == [1]
    assert rules.elected_candidates(MatterType.BOARD_MEMBERS, counts, [1, 2, 3], 3, 100) == [
        1,
        2,
        3,
    ]


# --- the four milestones (Art. 6) -----------------------------------------------------------


def test_the_plan_is_the_commune_chairs_at_least_twenty_days_before(small, official, chair):
    mv = _election(official, small)
    day = _today() + _days(10)
    with pytest.raises(PermissionDenied):
        elections.election_plan_record(
            actor=official, matter_village=mv, election_day=day, plan_on=day - _days(20)
        )
    with pytest.raises(ApplicationError) as exc:
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=day, plan_on=day - _days(19)
        )
    assert exc.value.code == "plan_too_late"
    assert ARTICLE_6 in exc.value.message
    plan = elections.election_plan_record(
        actor=chair, matter_village=mv, election_day=day, plan_on=day - _days(20)
    )
    assert (plan.election_day, plan.plan_on) == (day, day - _days(20))
    assert AuditEntry.objects.filter(action="decisions.election.plan").count() == 1


def test_a_plan_is_recorded_not_planned(small, official, chair):
    mv = _election(official, small)
    with pytest.raises(ValidationFailed) as exc:
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=_today() + _days(40),
            plan_on=_today() + _days(1),
        )  # fmt: skip
    assert set(exc.value.fields) == {"plan_on"}
    with pytest.raises(ValidationFailed) as exc:
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day="soon", plan_on=_today()
        )
    assert set(exc.value.fields) == {"election_day"}
    with pytest.raises(ValidationFailed) as exc:
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=_today(), plan_on=D(1, 1, 1)
        )
    assert set(exc.value.fields) == {"plan_on"}


def test_the_candidate_list_needs_the_plan_and_fifteen_days(small, official, chair):
    mv = _election(official, small, candidates=["Nguyễn Văn An", "Lê Thị Bình"])
    kept = Option.objects.get(matter=mv.matter, label="Nguyễn Văn An")
    with pytest.raises(ApplicationError) as exc:
        elections.election_candidates_fix(
            actor=official, matter_village=mv, names=["A"], fixed_on=_today()
        )
    assert exc.value.code == "plan_missing"
    day = _planned(chair, mv, _today() + _days(14))
    with pytest.raises(ApplicationError) as exc:
        elections.election_candidates_fix(
            actor=official, matter_village=mv, names=["Nguyễn Văn An"], fixed_on=_today()
        )
    assert exc.value.code == "candidates_too_late"
    with pytest.raises(ApplicationError) as exc:
        elections.election_candidates_fix(
            actor=official, matter_village=mv, names=[], fixed_on=day - _days(15)
        )
    assert exc.value.code == "no_candidates"
    plan = elections.election_candidates_fix(
        actor=official, matter_village=mv, names=["nguyen van an", "Trần Văn Cường"],
        fixed_on=day - _days(15),
    )  # fmt: skip
    labels = list(
        Option.objects.filter(matter=mv.matter).order_by("position").values_list("pk", "label")
    )
    # The name already on the draft keeps its option; the dropped one is gone; a new one added.
    assert labels[0] == (kept.pk, "Nguyễn Văn An")
    assert [label for _pk, label in labels] == ["Nguyễn Văn An", "Trần Văn Cường"]
    assert set(plan.candidates.values_list("source", flat=True)) == {
        ElectionCandidate.Source.FRONT_LIST
    }


def test_the_election_team_at_least_ten_days_before_and_no_candidate_on_it(small, official, chair):
    mv = _election(official, small)
    day = _planned(chair, mv, _today() + _days(10))
    elections.election_candidates_fix(
        actor=official, matter_village=mv, names=["Nguyễn Văn An"], fixed_on=day - _days(15)
    )
    with pytest.raises(PermissionDenied):
        elections.election_team_set(
            actor=official, matter_village=mv, members=["Hà Văn Tổ"], set_on=day - _days(10)
        )
    with pytest.raises(ValidationFailed) as exc:  # a step taken is not in the future
        elections.election_team_set(
            actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=_today() + _days(1)
        )
    assert set(exc.value.fields) == {"set_on"}
    with pytest.raises(ApplicationError) as exc:
        elections.election_team_set(
            actor=chair, matter_village=mv, members=["Hà Văn Tổ", "NGUYEN VAN AN"],
            set_on=day - _days(10),
        )  # fmt: skip
    assert exc.value.code == "candidate_on_team"
    plan = elections.election_team_set(
        actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=day - _days(10)
    )
    assert plan.team == ["Hà Văn Tổ"]


def test_the_team_after_its_tenth_day_is_refused(small, official, chair):
    mv = _election(official, small)
    day = _planned(chair, mv, _today() + _days(9))
    with pytest.raises(ApplicationError) as exc:
        elections.election_team_set(
            actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=_today()
        )
    assert exc.value.code == "team_too_late"
    assert day - _today() == _days(9)


def test_the_notice_needs_the_list_and_the_team_and_seven_days(small, official, chair):
    mv = _election(official, small)
    day = _planned(chair, mv, _today() + _days(6))
    with pytest.raises(ApplicationError) as exc:
        elections.election_notice_record(actor=official, matter_village=mv, notice_on=_today())
    assert exc.value.code == "candidates_missing"
    elections.election_candidates_fix(
        actor=official, matter_village=mv, names=["Nguyễn Văn An"], fixed_on=day - _days(15)
    )
    with pytest.raises(ApplicationError) as exc:
        elections.election_notice_record(actor=official, matter_village=mv, notice_on=_today())
    assert exc.value.code == "team_missing"
    elections.election_team_set(
        actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=day - _days(10)
    )
    with pytest.raises(ApplicationError) as exc:
        elections.election_notice_record(actor=official, matter_village=mv, notice_on=_today())
    assert exc.value.code == "notice_too_late"
    plan = elections.election_notice_record(
        actor=official, matter_village=mv, notice_on=day - _days(7)
    )
    assert plan.notice_on == day - _days(7)
    steps = elections.election_steps(plan)
    assert [s.latest for s in steps] == [day - _days(n) for n in (20, 15, 10, 7)]
    assert all(s.done_on is not None for s in steps)


def test_an_election_opens_only_after_its_milestones_on_the_planned_day(small, official, chair):
    mv = _election(official, small)
    today = _today()
    with pytest.raises(ApplicationError) as exc:
        services.matter_open(
            actor=official, matter=mv.matter, notice_on=today - _days(7), held_on=today
        )
    assert ARTICLE_6 in exc.value.message
    assert _("Record the commune chair's election decision and plan first.") in exc.value.message
    _planned(chair, mv, today)
    with pytest.raises(ApplicationError) as exc:
        services.matter_open(
            actor=official, matter=mv.matter, notice_on=today - _days(7), held_on=today
        )
    assert _("Record the official candidate list first.") in exc.value.message
    elections.election_candidates_fix(
        actor=official, matter_village=mv, names=["Nguyễn Văn An"], fixed_on=today - _days(15)
    )
    elections.election_team_set(
        actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=today - _days(10)
    )
    elections.election_notice_record(actor=official, matter_village=mv, notice_on=today - _days(7))
    with pytest.raises(ApplicationError) as exc:
        services.matter_open(
            actor=official, matter=mv.matter, notice_on=today - _days(8),
            held_on=today - _days(1),
        )  # fmt: skip
    assert _("The election meeting is held on the planned election day.") in exc.value.message
    services.matter_open(
        actor=official, matter=mv.matter, notice_on=today - _days(7), held_on=today
    )
    mv.matter.refresh_from_db()
    assert mv.matter.status == Matter.Status.OPEN
    with pytest.raises(services.WrongState):
        elections.election_notice_record(actor=official, matter_village=mv, notice_on=today)


def test_a_dismissal_matter_has_no_milestones(small, official):
    matter = make_matter(official, [small], MatterType.VILLAGE_HEAD, dismissal=True)
    open_meeting(official, matter)
    assert not ElectionPlan.objects.exists()


# --- the meeting, the result, the re-election -----------------------------------------------


def _meeting_result(official, mv, present, counts):
    ids = [h.pk for h in households_of(mv.village)[:present]]
    mv = services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)
    return services.meeting_result_record(actor=official, matter_village=mv, counts=counts)


def test_households_nominate_at_the_meeting_before_the_count(small, official):
    mv = _election(official, small)
    open_meeting(official, mv.matter, notice_on=_today() - _days(7))
    mv = matter_village(mv.matter)
    with pytest.raises(ValidationFailed) as exc:
        elections.meeting_nomination_add(
            actor=official, matter_village=mv, name="Nguyễn Văn An", source="households"
        )
    assert set(exc.value.fields) == {"name"}
    with pytest.raises(ValidationFailed) as exc:
        elections.meeting_nomination_add(
            actor=official, matter_village=mv, name="Lê Thị Bình", source="front_list"
        )
    assert set(exc.value.fields) == {"source"}
    candidate = elections.meeting_nomination_add(
        actor=official, matter_village=mv, name="Lê Thị Bình", source="self"
    )
    assert candidate.option.kind == Option.Kind.CANDIDATE
    assert candidate.source == ElectionCandidate.Source.SELF
    _meeting_result(official, mv, 5, {candidate.option.pk: 3})
    with pytest.raises(services.WrongState) as exc:
        elections.meeting_nomination_add(
            actor=official, matter_village=mv, name="Trần Văn Cường", source="households"
        )
    assert exc.value.code == "vote_started"
    matter = services.matter_close(actor=official, matter=mv.matter)
    assert selectors.matter_outcome(matter).villages[0].winner == candidate.option


def test_nominations_wait_for_the_meeting_day(small, official, chair):
    mv = _election(official, small)
    day = _today() + _days(1)
    _planned(chair, mv, day)
    elections.election_candidates_fix(
        actor=official, matter_village=mv, names=["Nguyễn Văn An"], fixed_on=day - _days(15)
    )
    elections.election_team_set(
        actor=chair, matter_village=mv, members=["Hà Văn Tổ"], set_on=day - _days(10)
    )
    elections.election_notice_record(actor=official, matter_village=mv, notice_on=day - _days(7))
    services.matter_open(actor=official, matter=mv.matter, notice_on=day - _days(7), held_on=day)
    with pytest.raises(services.WrongState) as exc:
        elections.meeting_nomination_add(
            actor=official, matter_village=matter_village(mv.matter), name="Lê Thị Bình",
            source="self",
        )  # fmt: skip
    assert exc.value.code == "too_early"


@pytest.mark.parametrize(("votes", "elected"), [(50, False), (51, True)])
def test_the_head_is_elected_with_more_than_half_of_all_households(
    hundred, official, votes, elected
):
    mv = _election(official, hundred)
    open_meeting(official, mv.matter, notice_on=_today() - _days(7))
    candidate = Option.objects.get(matter=mv.matter)
    _meeting_result(official, matter_village(mv.matter), 100, {candidate.pk: votes})
    matter = services.matter_close(actor=official, matter=mv.matter)
    result = selectors.matter_outcome(matter).villages[0]
    assert result.adopted is elected
    assert result.elected == ([candidate] if elected else [])


def _failed_election(official, village) -> MatterVillage:
    mv = _election(official, village)
    open_meeting(official, mv.matter, notice_on=_today() - _days(7))
    candidate = Option.objects.get(matter=mv.matter)
    _meeting_result(official, matter_village(mv.matter), 5, {candidate.pk: 2})
    services.matter_close(actor=official, matter=mv.matter)
    return matter_village(mv.matter)


def test_no_winner_leads_to_a_re_election_ordered_by_the_commune(small, official, chair):
    mv = _failed_election(official, small)
    assert mv.adopted is False
    day = _today() + _days(20)
    with pytest.raises(PermissionDenied):
        elections.reelection_order(
            actor=official, matter_village=mv, election_day=day, decided_on=_today(),
            candidates=["Lê Thị Bình"],
        )  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        elections.reelection_order(
            actor=chair, matter_village=mv, election_day=day - _days(1), decided_on=_today(),
            candidates=["Lê Thị Bình"],
        )  # fmt: skip
    assert exc.value.code == "plan_too_late"
    assert Matter.objects.count() == 1  # the refused order left nothing behind
    plan = elections.reelection_order(
        actor=chair, matter_village=mv, election_day=day, decided_on=_today(),
        candidates=["Lê Thị Bình"],
    )  # fmt: skip
    new = plan.matter_village.matter
    assert (new.status, new.matter_type, plan.reelection_of) == (
        Matter.Status.DRAFT,
        MatterType.VILLAGE_HEAD,
        mv.matter,
    )
    assert plan.matter_village.village == small
    with pytest.raises(services.WrongState) as exc:
        elections.reelection_order(
            actor=chair, matter_village=mv, election_day=day, decided_on=_today(),
            candidates=["Lê Thị Bình"],
        )  # fmt: skip
    assert exc.value.code == "reelection_exists"


def test_an_elected_head_needs_no_re_election(small, official, chair):
    mv = _election(official, small)
    open_meeting(official, mv.matter, notice_on=_today() - _days(7))
    candidate = Option.objects.get(matter=mv.matter)
    _meeting_result(official, matter_village(mv.matter), 5, {candidate.pk: 3})
    services.matter_close(actor=official, matter=mv.matter)
    with pytest.raises(services.WrongState) as exc:
        elections.reelection_order(
            actor=chair, matter_village=matter_village(mv.matter),
            election_day=_today() + _days(20), decided_on=_today(), candidates=["B"],
        )  # fmt: skip
    assert exc.value.code == "reelection_refused"


# --- boards: several seats ------------------------------------------------------------------


def test_a_board_elects_its_top_seats_that_pass(hundred, official):
    matter = make_matter(
        official, [hundred], MatterType.BOARD_MEMBERS, candidates=["An", "Bình", "Cường", "Dung"]
    )
    mv = matter_village(matter)
    with pytest.raises(ValidationFailed):
        elections.board_seats_set(actor=official, matter_village=mv, seats=0)
    elections.board_seats_set(actor=official, matter_village=mv, seats=2)
    open_meeting(official, matter)
    an, binh, cuong, dung = Option.objects.filter(matter=matter).order_by("position")
    # Each household approves up to two candidates: the counts may add up to 2 × present.
    _meeting_result(official, matter_village(matter), 100, {an.pk: 80, binh.pk: 51, cuong.pk: 60,
                                                           dung.pk: 9})  # fmt: skip
    matter = services.matter_close(actor=official, matter=matter)
    result = selectors.matter_outcome(matter).villages[0]
    assert result.elected == [an, cuong]
    assert result.adopted is True


def test_a_board_count_cannot_exceed_the_seats_times_those_present(small, official):
    matter = make_matter(official, [small], MatterType.BOARD_MEMBERS, candidates=["An", "Bình"])
    elections.board_seats_set(actor=official, matter_village=matter_village(matter), seats=2)
    open_meeting(official, matter)
    an, binh = Option.objects.filter(matter=matter).order_by("position")
    with pytest.raises(ValidationFailed):
        _meeting_result(official, matter_village(matter), 5, {an.pk: 6, binh.pk: 0})
    mv = services.meeting_result_record(
        actor=official, matter_village=matter_village(matter), counts={an.pk: 5, binh.pk: 5}
    )
    assert mv.hand_counts == {str(an.pk): 5, str(binh.pk): 5}


def test_seats_only_for_a_board_draft(small, official):
    mv = _election(official, small)
    with pytest.raises(services.WrongState):
        elections.board_seats_set(actor=official, matter_village=mv, seats=2)


# --- dismissal (Art. 9) ---------------------------------------------------------------------


def _petition(actor, village, route=DismissalPetition.Route.HOUSEHOLDS):
    return elections.dismissal_petition_create(
        actor=actor, village=village, route=route, head_name="Nguyễn Văn An",
        reason="Không hoàn thành nhiệm vụ",
    )  # fmt: skip


@pytest.mark.parametrize(("signing", "allowed"), [(49, False), (50, True)])
def test_a_households_petition_needs_half_of_all_households(hundred, official, signing, allowed):
    petition = _petition(official, hundred)
    ids = [h.pk for h in households_of(hundred)[:signing]]
    elections.dismissal_signatures_record(
        actor=official, petition=petition, household_ids=ids, signed_on=_today()
    )
    # Signing twice counts once.
    elections.dismissal_signatures_record(
        actor=official, petition=petition, household_ids=ids[:3], signed_on=_today()
    )
    assert elections.dismissal_signatures(petition) == (signing, 100)
    create = lambda: elections.dismissal_matter_create(  # noqa: E731
        actor=official, petition=petition, title="Miễn nhiệm trưởng thôn",
        question="Bà con có đồng ý miễn nhiệm trưởng thôn không?",
    )  # fmt: skip
    if not allowed:
        with pytest.raises(ApplicationError) as exc:
            create()
        assert "Nghị định 59/2023 Điều 9(1)" in exc.value.message
        assert exc.value.code == "petition_too_small"
        return
    matter = create()
    assert matter.matter_type == MatterType.VILLAGE_HEAD
    assert set(Option.objects.filter(matter=matter).values_list("kind", flat=True)) == {
        Option.Kind.APPROVE, Option.Kind.REJECT, Option.Kind.OTHER,
    }  # fmt: skip
    petition.refresh_from_db()
    assert (petition.status, petition.matter) == (DismissalPetition.Status.MATTER_OPENED, matter)
    with pytest.raises(services.WrongState):
        create()


def test_the_head_or_the_front_may_bring_a_dismissal_without_signatures(small, official):
    petition = _petition(official, small, DismissalPetition.Route.FRONT_PROPOSAL)
    with pytest.raises(services.WrongState):
        elections.dismissal_signatures_record(
            actor=official, petition=petition, household_ids=[households_of(small)[0].pk],
            signed_on=_today(),
        )  # fmt: skip
    matter = elections.dismissal_matter_create(
        actor=official, petition=petition, title="Miễn nhiệm", question="Đồng ý miễn nhiệm?"
    )
    assert matter.status == Matter.Status.DRAFT


def test_the_village_head_does_not_handle_their_own_dismissal(small, official):
    head = village_head(small)
    with pytest.raises(PermissionDenied):
        _petition(head, small)
    petition = _petition(official, small)
    with pytest.raises(PermissionDenied):
        elections.dismissal_signatures_record(
            actor=head, petition=petition, household_ids=[households_of(small)[0].pk],
            signed_on=_today(),
        )  # fmt: skip


def test_signatures_only_from_the_village(small, commune, official):
    other = make_village(commune, households=2)
    petition = _petition(official, small)
    with pytest.raises(ValidationFailed) as exc:
        elections.dismissal_signatures_record(
            actor=official, petition=petition, household_ids=[households_of(other)[0].pk],
            signed_on=_today(),
        )  # fmt: skip
    assert set(exc.value.fields) == {"household_ids"}
    with pytest.raises(ValidationFailed) as exc:
        elections.dismissal_petition_create(
            actor=official, village=small, route="rumour", head_name="", reason="x"
        )
    assert set(exc.value.fields) == {"route", "head_name"}


def _recognised_dismissal(official, village, on) -> DismissalPetition:
    petition = _petition(official, village, DismissalPetition.Route.OWN_REQUEST)
    matter = elections.dismissal_matter_create(
        actor=official, petition=petition, title="Miễn nhiệm", question="Đồng ý miễn nhiệm?"
    )
    MatterVillage.objects.filter(matter=matter).update(
        adopted=True, recognition=MatterVillage.Recognition.RECOGNISED, recognition_on=on
    )
    petition.refresh_from_db()
    return petition


@pytest.mark.parametrize(("days", "allowed"), [(60, True), (61, False)])
def test_after_a_dismissal_the_new_head_is_elected_within_sixty_days(
    small, official, chair, days, allowed
):
    dismissed = _today() - _days(30)
    petition = _recognised_dismissal(official, small, dismissed)
    mv = _election(official, small)
    day = dismissed + _days(days)

    def record():
        return elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=day, plan_on=_today(),
            after_dismissal=petition,
        )  # fmt: skip

    if allowed:
        assert record().after_dismissal == petition
    else:
        with pytest.raises(ApplicationError) as exc:
            record()
        assert "Nghị định 59/2023 Điều 9(3)" in exc.value.message


def test_the_sixty_days_run_from_a_recognised_dismissal_only(small, official, chair):
    petition = _petition(official, small, DismissalPetition.Route.OWN_REQUEST)
    elections.dismissal_matter_create(
        actor=official, petition=petition, title="Miễn nhiệm", question="Đồng ý miễn nhiệm?"
    )
    mv = _election(official, small)
    with pytest.raises(ApplicationError) as exc:
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=_today() + _days(30),
            plan_on=_today(), after_dismissal=petition,
        )  # fmt: skip
    assert exc.value.code == "dismissal_not_recognised"


def test_a_village_head_election_concerns_one_village(small, commune, official, chair):
    """Each village's Front committee fixes its own list (Art. 6); a matter's candidates are
    shared by its villages, so the preparation is refused for a matter of several villages,
    and the matter cannot open."""
    second = make_village(commune, households=3)
    matter = make_matter(official, [small, second], MatterType.VILLAGE_HEAD, candidates=["An"])
    with pytest.raises(services.WrongState) as exc:
        _planned(chair, matter_village(matter, small), _today())
    assert exc.value.code == "several_villages"
    with pytest.raises(ApplicationError) as exc:
        services.matter_open(
            actor=official, matter=matter, notice_on=_today() - _days(7), held_on=_today()
        )
    assert ARTICLE_6 in exc.value.message
