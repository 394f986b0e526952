"""Meetings by residential cluster (Law 10/2022 Art. 18(3); Decree 59/2023 Art. 3(6)): 200
households or more may meet in several sessions; attendance and counts per session add up to
the village's result, counted against all households (Art. 21(1))."""

from __future__ import annotations

import pytest

from danchu.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from danchu.decisions import clusters, selectors, services
from danchu.decisions.models import MeetingSession, Option
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
    option,
)

pytestmark = pytest.mark.django_db


def _meeting(official, village):
    matter = make_matter(official, [village])
    open_meeting(official, matter)
    return matter_village(matter)


def _halves(mv):
    ids = [h.pk for h in households_of(mv.village)]
    middle = len(ids) // 2
    return [("Cụm 1 - xóm Trên", ids[:middle]), ("Cụm 2 - xóm Dưới", ids[middle:])]


def _approved_plan(official, chair, mv):
    plan = clusters.cluster_plan_create(actor=official, matter_village=mv, clusters=_halves(mv))
    return clusters.cluster_plan_approve(actor=chair, plan=plan)


def _sessions(mv):
    return list(MeetingSession.objects.filter(matter_village=mv).order_by("position"))


def test_199_households_may_not_meet_by_cluster(commune, official):
    mv = _meeting(official, make_village(commune, households=199))
    with pytest.raises(ApplicationError) as refused:
        clusters.cluster_plan_create(actor=official, matter_village=mv, clusters=_halves(mv))
    assert refused.value.code == "clusters_refused"
    assert "Điều 18(3)" in refused.value.message
    assert clusters.cluster_refusal(199) is not None


def test_200_households_may(commune, official):
    mv = _meeting(official, make_village(commune, households=200))
    plan = clusters.cluster_plan_create(actor=official, matter_village=mv, clusters=_halves(mv))
    assert [r.households for r in clusters.session_rows(mv)] == [100, 100]
    assert plan.approved_on is None
    assert clusters.cluster_refusal(200) is None


def test_a_village_whose_households_live_far_apart_may_at_any_size(commune, official):
    mv = _meeting(official, make_village(commune, households=6))
    clusters.cluster_plan_create(
        actor=official, matter_village=mv, clusters=_halves(mv), dispersed=True
    )
    assert len(_sessions(mv)) == 2


@pytest.mark.parametrize(
    "damage",
    ["one cluster", "household left out", "household twice", "foreign household", "same name"],
)
def test_every_household_is_in_exactly_one_of_two_or_more_clusters(commune, official, damage):
    village = make_village(commune, households=8)
    mv = _meeting(official, village)
    (first_name, first), (second_name, second) = _halves(mv)
    plan = [(first_name, list(first)), (second_name, list(second))]
    if damage == "one cluster":
        plan = [(first_name, first + second)]
    elif damage == "household left out":
        plan[1][1].pop()
    elif damage == "household twice":
        plan[1][1].append(first[0])
    elif damage == "foreign household":
        plan[1][1].append(households_of(make_village(commune, households=1))[0].pk)
    else:
        plan[1] = (first_name.upper(), second)
    with pytest.raises(ValidationFailed) as refused:
        clusters.cluster_plan_create(
            actor=official, matter_village=mv, clusters=plan, dispersed=True
        )
    assert "clusters" in refused.value.fields
    assert not _sessions(mv)


def test_the_commune_approves_the_plan_before_any_session_is_counted(commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    plan = clusters.cluster_plan_create(actor=official, matter_village=mv, clusters=_halves(mv))
    session = _sessions(mv)[0]
    with pytest.raises(ApplicationError) as refused:
        clusters.session_result_record(actor=official, session=session, counts={})
    assert refused.value.code == "plan_not_approved"
    assert "Điều 3(6)" in refused.value.message
    with pytest.raises(PermissionDenied):  # Decree 59 Art. 3(6): the People's Committee's
        clusters.cluster_plan_approve(actor=official, plan=plan)
    clusters.cluster_plan_approve(actor=chair, plan=plan)
    with pytest.raises(services.WrongState):  # an approved plan stays as it is
        clusters.cluster_plan_create(actor=official, matter_village=mv, clusters=_halves(mv))


def test_attendance_per_session_adds_up_to_the_village(commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    _approved_plan(official, chair, mv)
    ids = [h.pk for h in households_of(mv.village)]
    present = ids[:70] + ids[100:160]  # 70 in the first cluster, 60 in the second
    mv = services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=present
    )
    rows = clusters.session_rows(mv)
    assert [r.present for r in rows] == [70, 60]
    assert sum(r.present for r in rows) == mv.present == 130


def _count(official, mv, approvals):
    """Record attendance of 150 (75 per cluster), then approvals split over the two sessions."""
    ids = [h.pk for h in households_of(mv.village)]
    services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=ids[:75] + ids[100:175]
    )
    approve, reject = option(mv.matter).pk, option(mv.matter, Option.Kind.REJECT).pk
    first, second = _sessions(mv)
    clusters.session_result_record(actor=official, session=first, counts={approve: 60, reject: 15})
    clusters.session_result_record(
        actor=official, session=second, counts={approve: approvals - 60, reject: 10}
    )
    return clusters.cluster_results_combine(actor=official, matter_village=mv)


@pytest.mark.parametrize(("approvals", "adopted"), [(100, False), (101, True)])
def test_the_sessions_add_up_to_the_villages_result(commune, official, chair, approvals, adopted):
    """200 households: exactly half (100) fails, 101 passes (Law 10/2022 Art. 21(1))."""
    mv = _meeting(official, make_village(commune, households=200))
    _approved_plan(official, chair, mv)
    mv = _count(official, mv, approvals)
    approve = option(mv.matter)
    assert mv.hand_counts[str(approve.pk)] == approvals
    assert sum(mv.hand_counts.values()) == approvals + 25
    matter = services.matter_close(actor=official, matter=mv.matter)
    outcome = selectors.matter_outcome(matter)
    (village,) = outcome.villages
    assert village.approvals == approvals
    assert village.adopted is adopted


def test_a_session_counts_at_most_its_households_present(commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    _approved_plan(official, chair, mv)
    ids = [h.pk for h in households_of(mv.village)]
    services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids[:10])
    first, second = _sessions(mv)
    approve = option(mv.matter).pk
    clusters.session_result_record(actor=official, session=first, counts={approve: 10})
    with pytest.raises(ValidationFailed):
        clusters.session_result_record(actor=official, session=first, counts={approve: 11})
    with pytest.raises(ValidationFailed):  # nobody of the second cluster came
        clusters.session_result_record(actor=official, session=second, counts={approve: 1})
    for garbage in ({approve: -1}, {approve: True}, {"x": 1}, {10**9: 1}, [1]):
        with pytest.raises(ValidationFailed):
            clusters.session_result_record(actor=official, session=first, counts=garbage)


def test_the_village_result_waits_for_every_session(commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    _approved_plan(official, chair, mv)
    ids = [h.pk for h in households_of(mv.village)]
    services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids[:120])
    first, _second = _sessions(mv)
    clusters.session_result_record(actor=official, session=first, counts={option(mv.matter).pk: 80})
    with pytest.raises(services.WrongState) as refused:
        clusters.cluster_results_combine(actor=official, matter_village=mv)
    assert refused.value.code == "sessions_waiting"
    mv.refresh_from_db()
    assert not mv.hand_counts


def test_a_correction_of_attendance_after_a_session_count_is_caught(commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    _approved_plan(official, chair, mv)
    ids = [h.pk for h in households_of(mv.village)]
    services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=ids[:60] + ids[100:160]
    )
    first, second = _sessions(mv)
    approve = option(mv.matter).pk
    clusters.session_result_record(actor=official, session=first, counts={approve: 60})
    clusters.session_result_record(actor=official, session=second, counts={approve: 60})
    services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=[], remove_ids=ids[:1]
    )
    with pytest.raises(ValidationFailed):
        clusters.cluster_results_combine(actor=official, matter_village=mv)


def test_session_rows_take_constant_queries(django_assert_max_num_queries, commune, official):
    for size in (6, 60):
        mv = _meeting(official, make_village(commune, households=size))
        clusters.cluster_plan_create(
            actor=official, matter_village=mv, clusters=_halves(mv), dispersed=True
        )
        with django_assert_max_num_queries(3):
            assert sum(r.households for r in clusters.session_rows(mv)) == size
