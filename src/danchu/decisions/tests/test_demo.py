"""The demo matters: every clause and form, outcomes both ways, past dates, idempotent, reset."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from danchu.decisions import demo, selectors
from danchu.decisions.models import Matter, MatterVillage, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    # The real codes without loading all units; 150 households: about 15 per village.
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=150)
    return commune


def _snapshot(commune):
    return (
        list(
            Matter.objects.filter(commune=commune)
            .order_by("id")
            .values_list("matter_type", "status", "title", "opened_at", "closed_at")
        ),
        list(
            MatterVillage.objects.filter(commune=commune)
            .order_by("id")
            .values_list("village__code", "form", "total_households", "present", "adopted")
        ),
        Vote.objects.filter(commune=commune).count(),
    )


def test_demo_matters_of_every_type_and_form(can_loc):
    result = demo.demo_load(can_loc, seed=2025)
    assert (result.matters, result.closed, result.open) == (8, 6, 2)
    matters = Matter.objects.filter(commune=can_loc)
    closed = matters.filter(status=Matter.Status.CLOSED)
    assert Counter(closed.values_list("matter_type", flat=True)) == Counter([1, 2, 3, 4, 5, 6])
    assert Counter(matters.filter(status=Matter.Status.OPEN).values_list("matter_type",
                                                                         flat=True)) == Counter(
        [MatterType.CONTRIBUTIONS, MatterType.OTHER]
    )  # fmt: skip
    outcome = {m.matter_type: selectors.matter_outcome(m).adopted for m in closed}
    assert outcome == {1: True, 2: False, 3: True, 4: True, 5: True, 6: True}
    assert result.adopted == 5
    assert all(m.result_hash for m in closed)

    def form(matter_type):
        return MatterVillage.objects.get(matter__in=closed, matter__matter_type=matter_type).form

    assert form(1) == Form.MEETING
    assert form(4) == Form.MEETING
    assert form(5) == Form.MEETING
    assert form(2) == Form.BALLOT
    assert form(6) == Form.ONLINE
    # Clause 3: the meeting was not quorate (attendance ≤ half), then the ballot adopted it.
    convention = MatterVillage.objects.get(matter__in=closed, matter__matter_type=3)
    assert convention.form == Form.BALLOT
    assert convention.present * 2 <= convention.total_households
    # Clause 1 passed with two thirds or more of all households.
    road = selectors.matter_outcome(closed.get(matter_type=1)).villages[0]
    assert road.approvals * 3 >= road.total_households * 2
    # Clause 4: one candidate, elected.
    election = selectors.matter_outcome(closed.get(matter_type=4)).villages[0]
    assert election.winner is not None
    assert len(election.counts) == 1


def test_demo_open_matters_and_past_dates(can_loc):
    from danchu.accounts.models import User
    from danchu.decisions import services

    demo.demo_load(can_loc, seed=2025)
    now, today = timezone.now(), timezone.localdate()
    matters = Matter.objects.filter(commune=can_loc)
    assert not matters.filter(created_at__gt=now).exists()
    assert not matters.filter(opened_at__gt=now).exists()
    assert not matters.filter(closed_at__gt=now).exists()
    assert not Vote.objects.filter(cast_at__gt=now).exists()
    for matter in matters.filter(status=Matter.Status.CLOSED):
        assert matter.created_at < matter.opened_at < matter.closed_at < now
    assert not MatterVillage.objects.filter(commune=can_loc, notice_on__gt=today).exists()
    upcoming = MatterVillage.objects.get(
        matter__status=Matter.Status.OPEN, form=Form.MEETING, matter__commune=can_loc
    )
    assert upcoming.held_on > today

    # The demo's signed-in representatives (the first households by code) can vote online.
    running = matters.get(status=Matter.Status.OPEN, matter_type=MatterType.OTHER)
    rep = (
        User.objects.filter(resident__commune=can_loc, resident__is_representative=True)
        .order_by("resident__household__code")
        .first()
    )
    mv = MatterVillage.objects.select_related("matter", "village").get(
        matter=running, village=rep.resident.household.village
    )
    assert mv.form == Form.ONLINE
    assert mv.closes_at > now
    option = running.options.order_by("position").first()
    vote = services.vote_cast(actor=rep, matter_village=mv, option=option)
    assert vote.household_id == rep.resident.household_id


def test_demo_is_deterministic_for_a_seed(can_loc):
    demo.demo_load(can_loc, seed=2025)
    first = _snapshot(can_loc)
    demo.demo_reset(can_loc)
    demo.demo_load(can_loc, seed=2025)
    second = _snapshot(can_loc)
    # Same matters, villages, forms, denominators, attendance and outcomes (times differ by
    # the seconds the load took).
    assert [row[:3] for row in second[0]] == [row[:3] for row in first[0]]
    assert second[1:] == first[1:]


def test_danchu_demo_twice_does_not_duplicate_and_reset_rebuilds(can_loc):
    out = StringIO()
    call_command("demo", households=150, stdout=out)
    counts = (Matter.objects.count(), MatterVillage.objects.count(), Vote.objects.count())
    assert counts[0] == 8
    assert ": 8 (6 " in out.getvalue()  # the one summary line (in the active language)

    again = StringIO()
    call_command("demo", households=150, stdout=again)
    assert counts == (Matter.objects.count(), MatterVillage.objects.count(), Vote.objects.count())
    assert " 8 " in again.getvalue()
    assert "--reset" in again.getvalue()

    # --reset removes the matters, votes and ballots before the villages and accounts.
    call_command("demo", households=150, reset=True, stdout=StringIO())
    assert counts == (Matter.objects.count(), MatterVillage.objects.count(), Vote.objects.count())


def test_the_demo_has_a_dismissal_petition_collecting_signatures(can_loc):
    from danchu.decisions import demo, elections
    from danchu.decisions.models import DismissalPetition

    demo.demo_load(can_loc)
    petition = DismissalPetition.objects.get(commune=can_loc)
    signing, total = elections.dismissal_signatures(petition)
    assert petition.status == DismissalPetition.Status.COLLECTING
    assert 0 < signing * 2 < total  # below half (Decree 59/2023 Art. 9(1))
    demo.demo_reset(can_loc)
    assert not DismissalPetition.objects.filter(commune=can_loc).exists()


def test_the_demo_has_an_elected_head_an_interim_one_and_heads_from_before(can_loc):
    """One head elected in danchu, one interim, and every other village's head entered as in
    office before the commune used danchu (with the recognition decision)."""
    from danchu.decisions import demo, office
    from danchu.decisions.models import VillageHeadTerm

    demo.demo_load(can_loc)
    terms = VillageHeadTerm.objects.filter(commune=can_loc, ended_on__isnull=True)
    sources = sorted(terms.values_list("kind", "source"))
    assert sources.count(("elected", "platform")) == 1
    assert sources.count(("interim", "platform")) == 1
    before = terms.filter(source="before_platform")
    assert before.exists()
    assert all(t.kind == "elected" and t.reference.startswith("Quyết định") for t in before)
    for term in terms:
        assert office.is_current(term, term.started_on)
    listed = [r["term"] for r in office.heads_public(can_loc) if r["term"] is not None]
    assert len(listed) == terms.count()
    demo.demo_reset(can_loc)
    assert not VillageHeadTerm.objects.filter(commune=can_loc).exists()
