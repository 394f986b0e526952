"""Grassroots mediation (Luật Hòa giải ở cơ sở 2013): team composition (Art. 12), the logbook,
the 3-day start (Art. 20(2)), outcomes (Art. 23–27) and confidentiality (Art. 4(3))."""

from __future__ import annotations

import datetime

import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import Action, get_for_actor
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.petitions import mediation
from danchu.petitions.community_checks import WrongState
from danchu.petitions.models import MediationCase
from danchu.petitions.tests.community_factories import F, M, members, person, team
from danchu.territory.tests.factories import VillageFactory

D = datetime.date
MARCH_2 = D(2026, 3, 2)


def _case(actor, mediation_team, received_on=MARCH_2):
    return mediation.case_record(
        actor=actor, team=mediation_team, received_on=received_on,
        subject=MediationCase.Subject.LAND, parties="Ông Lê Văn C và bà Phạm Thị D",
        details="Tranh chấp ranh giới thửa đất số 12", today=D(2026, 12, 31),
    )  # fmt: skip


def _assign(actor, case, on):
    ids = list(case.team.members.values_list("pk", flat=True)[:2])
    return mediation.case_assign(
        actor=actor, case=case, mediator_ids=ids, assigned_on=on, today=D(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("sexes", "ok"),
    [((F, M), False), ((F, M, M), True), ((M, M, M), False), ((F, F, F, M), True)],
)
def test_team_needs_three_mediators_including_a_woman(village, official, sexes, ok):
    if ok:
        created = mediation.team_create(
            actor=official, village=village, name="Tổ 1", members=members(*sexes)
        )
        assert created.members.count() == len(sexes)
        return
    with pytest.raises(ValidationFailed) as error:
        mediation.team_create(actor=official, village=village, name="Tổ 1", members=members(*sexes))
    assert "members" in error.value.fields


def test_team_has_one_leader(village, official):
    plans = [mediation.MemberPlan(f"N{n}", F) for n in range(3)]
    with pytest.raises(ValidationFailed):
        mediation.team_create(actor=official, village=village, name="Tổ", members=plans)


def test_removing_a_member_that_breaks_the_rule_is_refused(village, official):
    mediation_team = team(official, village)
    woman = mediation_team.members.get(sex=F)
    with pytest.raises(ValidationFailed):
        mediation.mediator_remove(actor=official, mediator=woman)
    mediation.mediator_add(actor=official, team=mediation_team, member=mediation.MemberPlan("E", M))
    man = mediation_team.members.filter(sex=M, is_leader=False).first()
    mediation.mediator_remove(actor=official, mediator=man)
    assert mediation_team.members.filter(is_active=True).count() == 3


def test_logbook_numbers_per_team_and_year(village, official):
    mediation_team = team(official, village)
    first, second = _case(official, mediation_team), _case(official, mediation_team)
    next_year = _case(official, mediation_team, D(2025, 12, 31))
    assert (first.number, second.number, next_year.number) == (1, 2, 1)


@pytest.mark.parametrize(
    ("assigned_on", "due"),
    [
        (D(2026, 3, 2), D(2026, 3, 5)),  # Monday + 3 calendar days = Thursday
        (D(2026, 3, 4), D(2026, 3, 9)),  # ends on Saturday 7 March → Monday (Civil Code 148(5))
        (D(2026, 2, 12), D(2026, 2, 23)),  # ends in Tết (15 Feb) → first working day after
    ],
)
def test_start_deadline_three_calendar_days(village, official, assigned_on, due):
    case = _assign(official, _case(official, team(official, village), D(2026, 2, 1)), assigned_on)
    assert case.start_due_on == due
    assert not mediation.case_is_overdue(case, due)
    assert mediation.case_is_overdue(case, due + datetime.timedelta(days=1))


def test_session_starts_the_mediation(village, official):
    case = _assign(official, _case(official, team(official, village)), D(2026, 3, 2))
    mediation.session_record(
        actor=official, case=case, held_on=D(2026, 3, 5), notes="Hai bên trình bày",
        today=D(2026, 3, 5),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == MediationCase.Status.IN_PROGRESS
    assert not mediation.case_is_overdue(case, D(2026, 4, 1))
    with pytest.raises(ValidationFailed):
        mediation.session_record(
            actor=official, case=case, held_on=D(2026, 3, 1), notes="x", today=D(2026, 3, 5)
        )


def test_outcomes_need_their_papers(village, official):
    case = _assign(official, _case(official, team(official, village)), D(2026, 3, 2))
    with pytest.raises(WrongState):  # no session yet
        mediation.case_close(
            actor=official, case=case, outcome=MediationCase.Status.SUCCESS,
            closed_on=D(2026, 3, 3), agreement="x", today=D(2026, 3, 3),
        )  # fmt: skip
    mediation.session_record(
        actor=official, case=case, held_on=D(2026, 3, 3), notes="x", today=D(2026, 3, 3)
    )
    for outcome, field in (
        (MediationCase.Status.SUCCESS, "agreement"),
        (MediationCase.Status.FAILED, "referred_to"),
    ):
        with pytest.raises(ValidationFailed) as error:
            mediation.case_close(
                actor=official, case=case, outcome=outcome, closed_on=D(2026, 3, 4),
                today=D(2026, 3, 4),
            )  # fmt: skip
        assert field in error.value.fields
    mediation.case_close(
        actor=official, case=case, outcome=MediationCase.Status.SUCCESS, closed_on=D(2026, 3, 4),
        agreement="Hai bên thống nhất mốc giới", today=D(2026, 3, 4),
    )  # fmt: skip
    mediation.case_follow_up(actor=official, case=case, follow_up="Đã cắm mốc", performed=True)
    figures = mediation.mediation_figures(
        commune=case.commune, start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 3, 4)
    )
    assert (figures.received, figures.closed, figures.success) == (1, 1, 1)
    assert figures.success_rate == 1.0


def test_stopped_before_any_session(village, official):
    case = _case(official, team(official, village))
    closed = mediation.case_close(
        actor=official, case=case, outcome=MediationCase.Status.STOPPED, closed_on=D(2026, 3, 3),
        today=D(2026, 3, 3),
    )  # fmt: skip
    assert closed.status == MediationCase.Status.STOPPED


def test_figures_count_overdue_and_weak_teams(commune, village, official):
    _assign(official, _case(official, team(official, village)), D(2026, 3, 2))
    figures = mediation.mediation_figures(
        commune, D(2026, 1, 1), D(2026, 12, 31), today=D(2026, 3, 6)
    )
    assert (figures.teams, figures.teams_not_qualifying, figures.start_overdue_now) == (1, 0, 1)
    assert figures.success_rate is None


def test_parties_private_information_is_confidential(commune, other_commune, official, chair):
    v1, v2 = VillageFactory(commune=commune), VillageFactory(commune=commune)
    case1, case2 = _case(official, team(official, v1)), _case(official, team(official, v2))
    mediator1 = person(commune, Role.MEDIATOR, v1)
    assert list(mediation.case_list(actor=mediator1, commune=commune)) == [case1]
    assert set(mediation.case_list(actor=official, commune=commune)) == {case1, case2}
    assert set(mediation.case_list(actor=chair, commune=commune)) == {case1, case2}
    with pytest.raises(PermissionDenied):
        get_for_actor(MediationCase.objects, mediator1, Action.MEDIATION_CASE_VIEW, pk=case2.pk)
    outsiders = [
        person(commune, role, v1)
        for role in (Role.VILLAGE_HEAD, Role.RESIDENT, Role.HOUSEHOLD_REPRESENTATIVE)
    ] + [
        person(commune, role)
        for role in (Role.FRONT_OFFICER, Role.INSPECTION_BOARD, Role.SUPERVISION_BOARD)
    ] + [person(other_commune, Role.COMMUNE_CHAIR)]  # fmt: skip
    for outsider in outsiders:
        assert not mediation.case_list(actor=outsider, commune=commune).exists()
        with pytest.raises((PermissionDenied, NotFound)):
            get_for_actor(MediationCase.objects, outsider, Action.MEDIATION_CASE_VIEW, pk=case1.pk)
    trail = AuditEntry.objects.filter(object_type="petitions.mediationcase")
    assert trail.exists()
    assert not any("Lê Văn" in str(e.after) or "thửa" in str(e.after) for e in trail)


def test_mediator_manages_only_their_village(commune, official):
    v1, v2 = VillageFactory(commune=commune), VillageFactory(commune=commune)
    team1, team2 = team(official, v1), team(official, v2)
    mediator1 = person(commune, Role.MEDIATOR, v1)
    assert _case(mediator1, team1).number == 1
    with pytest.raises(PermissionDenied):
        _case(mediator1, team2)
    with pytest.raises(PermissionDenied):
        team(mediator1, v1)  # teams are the commune chair's decision (Art. 12(2))
