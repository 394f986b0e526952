"""With the real pillars: a pillar write through its service marks the commune, and the figures
read from the roll-ups equal the raw computation right after (skipped while the catalogue lacks
the contributions indicators, i.e. while the branches are apart)."""

from __future__ import annotations

import pytest

from danchu.reporting import catalogue, rollups
from danchu.reporting.models import DirtyCommune
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import figures, figures_by_child, raw_figures

pytestmark = pytest.mark.django_db


def test_receipts_flow_into_the_roll_ups(official, commune, village) -> None:
    if "contributions.money_received_vnd" not in catalogue.stored_codes():
        pytest.skip("the contributions indicators are not in this branch")
    from danchu.contributions.tests.factories import days_ago, give, make_campaign

    rollups.refresh(None)
    campaign = make_campaign(official, commune)
    give(official, campaign, 2_500_000, village=village, day=days_ago(3))
    assert DirtyCommune.objects.filter(commune=commune).count() == 1  # once per transaction
    period = Period("range", days_ago(40), days_ago(0))
    for scope in (Scope.of(commune), Scope.of(commune.parent), Scope.nation()):
        assert figures(scope, period).values == raw_figures(scope, period).values
    assert figures(Scope.of(commune), period).get("contributions.money_received_vnd") == 2_500_000
    assert not DirtyCommune.objects.exists()
    give(official, campaign, 1_000_000, village=village, day=days_ago(1))
    children = figures_by_child(Scope.of(commune), period)
    assert [c.values for c in children] == [raw_figures(c.scope, period).values for c in children]
    assert figures(Scope.of(commune), period).get("contributions.money_received_vnd") == 3_500_000


def test_online_votes_leave_the_roll_ups_alone_until_their_matter_closes(official, commune) -> None:
    """A vote counts in the figures only once its matter has closed, so the vote does not mark
    its commune (one write fewer per vote); the closing does, and the figures equal the raw
    computation before and after."""
    from danchu.decisions import services
    from danchu.decisions.models import Vote
    from danchu.decisions.tests.factories import (
        days_ago,
        deadline_passes,
        households_of,
        make_village,
        option,
        representative,
    )
    from danchu.decisions.tests.test_vote_queries import _online_matter

    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    rollups.refresh(None)
    assert not DirtyCommune.objects.exists()
    approve = option(matter)
    for household in households_of(village)[:3]:
        services.vote_cast(actor=representative(household), matter_village=mv, option=approve)
    assert Vote.objects.filter(matter=matter).count() == 3
    assert not DirtyCommune.objects.exists()
    period = Period("range", days_ago(2), days_ago(-2))
    scope = Scope.of(commune)
    assert figures(scope, period).values == raw_figures(scope, period).values
    deadline_passes(mv)
    services.matter_close(actor=official, matter=matter)
    assert DirtyCommune.objects.filter(commune=commune).exists()
    after = figures(scope, period)
    assert after.values == raw_figures(scope, period).values
    assert after.get("decisions.matters") == 1
