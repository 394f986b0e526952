"""The demo campaigns: a finished new-rural-road campaign (money, land, workdays) and an open
fund; idempotent; removed by the reset."""

from __future__ import annotations

import pytest

from danchu.contributions import demo, selectors
from danchu.contributions.models import Campaign, Kind, Receipt
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=150)
    assert demo.demo_load(commune, seed=2025) == 2
    return commune


def test_demo_has_a_finished_road_and_an_open_fund(can_loc):
    road, fund = Campaign.objects.filter(commune=can_loc).order_by("starts_on")
    assert road.status == Campaign.Status.CLOSED
    assert fund.status == Campaign.Status.OPEN
    ledger = selectors.campaign_ledger(road)
    received = {p.kind: p.received for p in ledger.progress}
    assert received[Kind.MONEY] > 0
    assert received[Kind.LAND] > 0
    assert received[Kind.WORKDAYS] > 0
    assert 0 <= ledger.balance < ledger.money_received
    assert Receipt.objects.filter(campaign=road, cancels__isnull=False).count() == 1
    assert any(c.anonymous for c in ledger.contributors)
    assert selectors.campaign_ledger(fund).spendings


def test_demo_is_idempotent_and_reset_removes_it(can_loc):
    count = Receipt.objects.filter(commune=can_loc).count()
    assert demo.demo_load(can_loc, seed=2025) == 0
    assert Receipt.objects.filter(commune=can_loc).count() == count
    demo_load(seed=2025, households=150, reset=True)  # the territory reset calls ours first
    assert not Campaign.objects.filter(commune=can_loc).exists()
    assert demo.demo_load(can_loc, seed=2025) == 2
    assert Receipt.objects.filter(commune=can_loc).count() == count
