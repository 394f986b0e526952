"""The opinion map stored in the database: statements, moderation, votes, debounced recompute."""

from __future__ import annotations

import pytest

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.consultation import map_selectors, map_services
from danchu.consultation.models import Consultation, OpinionMap, Statement, StatementVote
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db

AGREE, PASS, DISAGREE = 1, 0, -1


@pytest.fixture
def commune():  # type: ignore[no-untyped-def]
    return CommuneFactory()


@pytest.fixture
def consultation(commune):  # type: ignore[no-untyped-def]
    return Consultation.objects.create(
        commune=commune,
        title="Quy hoạch chợ",
        status=Consultation.Status.OPEN,
        category=1,
        period_days=20,
    )


@pytest.fixture
def official(commune):  # type: ignore[no-untyped-def]
    return RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=commune).user


def _resident(commune):  # type: ignore[no-untyped-def]
    village = VillageFactory(commune=commune)
    return RoleAssignmentFactory(role=Role.RESIDENT, commune=commune, village=village).user


def _seed(official, consultation, count):  # type: ignore[no-untyped-def]
    return [
        map_services.statement_add(actor=official, consultation=consultation, text=f"Ý kiến {i}")
        for i in range(count)
    ]


def test_an_official_seeds_and_a_resident_proposes_for_moderation(official, consultation):
    seeded = map_services.statement_add(
        actor=official, consultation=consultation, text=" Chợ  mới "
    )
    assert seeded.text == "Chợ mới"
    assert seeded.moderation == Statement.Moderation.ACCEPTED
    proposed = map_services.statement_add(
        actor=_resident(consultation.commune), consultation=consultation, text="Thêm bãi xe"
    )
    assert proposed.origin == Statement.Origin.RESIDENT
    assert proposed.moderation == Statement.Moderation.PENDING
    with pytest.raises(ApplicationError) as refused:
        map_services.statement_vote_cast(
            actor=_resident(consultation.commune), statement=proposed, value=AGREE
        )
    assert refused.value.code == "not_shown"
    map_services.statement_moderate(actor=official, statement=proposed, accept=True)
    assert [s.id for s in map_selectors.statements_shown(consultation)] == [seeded.id, proposed.id]


def test_statement_text_is_checked(official, consultation):
    with pytest.raises(ValidationFailed) as empty:
        map_services.statement_add(actor=official, consultation=consultation, text="   ")
    assert "text" in empty.value.fields
    map_services.statement_add(actor=official, consultation=consultation, text="x" * 400)
    with pytest.raises(ValidationFailed):
        map_services.statement_add(actor=official, consultation=consultation, text="x" * 401)


def test_a_resident_cannot_moderate_and_another_commune_cannot_vote(official, consultation):
    statement = _seed(official, consultation, 1)[0]
    with pytest.raises(PermissionDenied):
        map_services.statement_moderate(
            actor=_resident(consultation.commune), statement=statement, accept=False
        )
    with pytest.raises(NotFound):
        map_services.statement_vote_cast(
            actor=_resident(CommuneFactory()), statement=statement, value=AGREE
        )


def test_votes_only_while_open_and_only_three_values(official, consultation):
    statement = _seed(official, consultation, 1)[0]
    resident = _resident(consultation.commune)
    with pytest.raises(ValidationFailed):
        map_services.statement_vote_cast(actor=resident, statement=statement, value=2)
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CLOSED)
    statement.consultation.refresh_from_db()
    with pytest.raises(ApplicationError) as closed:
        map_services.statement_vote_cast(actor=resident, statement=statement, value=AGREE)
    assert closed.value.code == "not_open"


def test_a_changed_vote_counts_once(official, consultation):
    statement = _seed(official, consultation, 1)[0]
    resident = _resident(consultation.commune)
    map_services.statement_vote_cast(actor=resident, statement=statement, value=AGREE)
    map_services.statement_vote_cast(actor=resident, statement=statement, value=DISAGREE)
    assert list(StatementVote.objects.values_list("value", flat=True)) == [DISAGREE]


def _vote_in_two_camps(official, consultation, commit=None):  # type: ignore[no-untyped-def]
    """24 residents in two camps vote on 8 statements; returns the recomputes enqueued."""
    shown = _seed(official, consultation, 8)
    residents = [_resident(consultation.commune) for _ in range(24)]
    enqueued = 0
    for index, resident in enumerate(residents):
        for number, statement in enumerate(shown):
            leaning = AGREE if index % 2 else DISAGREE
            value = leaning if (index + number) % 5 else -leaning
            if commit is None:
                map_services.statement_vote_cast(actor=resident, statement=statement, value=value)
                continue
            with commit() as callbacks:
                map_services.statement_vote_cast(actor=resident, statement=statement, value=value)
            enqueued += len(callbacks)
    return shown, enqueued


def test_the_map_is_recomputed_in_steps_not_on_every_vote(
    official, consultation, django_capture_on_commit_callbacks
):
    def each_vote_commits():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    shown, enqueued = _vote_in_two_camps(official, consultation, commit=each_vote_commits)
    # 192 votes: the first computes, later ones only after 10 more votes (or 5 %) each.
    assert 5 < enqueued <= 1 + 192 // 10
    stored = OpinionMap.objects.get(consultation=consultation)
    assert stored.computed_at is not None
    assert stored.votes_since < 10
    assert stored.votes_counted + stored.votes_since == 192
    view = map_selectors.map_view(consultation)
    assert view is not None
    assert len(view.groups) == 2
    assert sum(group.size for group in view.groups) == 24
    assert all(group.representative for group in view.groups)
    assert {row.statement.id for row in view.statements} == {s.id for s in shown}


def test_a_recompute_keeps_indexes_and_moderated_out_statements_drop_out(official, consultation):
    shown, _ = _vote_in_two_camps(official, consultation)
    first = map_services.map_recompute(consultation=consultation)
    participants = list(first.participant_ids)
    map_services.statement_moderate(actor=official, statement=shown[0], accept=False)
    second = map_services.map_recompute(consultation=consultation)
    assert second.participant_ids == participants
    view = map_selectors.map_view(consultation)
    assert view is not None
    listed = {rep.statement.id for group in view.groups for rep in group.representative}
    assert shown[0].id not in listed
    assert shown[0].id not in {row.statement.id for row in view.statements}


def test_no_map_before_any_vote(consultation):
    assert map_selectors.map_view(consultation) is None


def test_the_demo_loads_a_live_map_once(consultation):
    from danchu.consultation.map_demo import demo_load

    loaded = demo_load(consultation, seed=1, participants=60)
    assert loaded.statements == 12
    assert loaded.votes > 300
    view = map_selectors.map_view(consultation)
    assert view is not None
    assert len(view.groups) >= 2
    assert demo_load(consultation, seed=1).votes == 0  # a second load adds nothing
