"""The public ledger's totals and anonymity, and figures that add up exactly across levels."""

from __future__ import annotations

import pytest

from danchu.contributions import selectors, services
from danchu.contributions.models import Kind
from danchu.contributions.services import Contributor
from danchu.contributions.tests.factories import days_ago, give, household_of, make_campaign
from danchu.decisions.tests.factories import make_village, official_of
from danchu.territory.tests.factories import CommuneFactory

SECRET = "Ông Trần Văn Giấu Tên"


@pytest.fixture
def official(commune):
    return official_of(commune)


def test_ledger_totals_progress_contributors_and_spending(official, commune):
    east, west = (
        make_village(commune, 3, name="Thôn Đông"),
        make_village(commune, 3, name="Thôn Tây"),
    )
    campaign = make_campaign(official, commune, target_money=1_000_000, target_land_m2=0)
    give(official, campaign, 300_000, household=household_of(east), name="Nguyễn Văn An")
    give(official, campaign, 400_001, household=household_of(west), name="Lê Thị Bình")
    give(official, campaign, 120, kind=Kind.LAND, household=household_of(west), name="Lê Thị Bình",
         compensation_waived=True)  # fmt: skip
    wrong = give(official, campaign, 50_000, name="Công ty Hưng Thịnh")
    services.receipt_cancel(actor=official, receipt=wrong, reason="Nhầm chiến dịch")
    services.pledge_record(
        actor=official, campaign=campaign, contributor=Contributor(kind="person", name="Anh Ba"),
        kind=Kind.MONEY, amount=250_000, pledged_on=days_ago(1),
    )  # fmt: skip
    services.spending_record(
        actor=official, campaign=campaign, spent_on=days_ago(0), description="Xi măng PCB40",
        payee="Cửa hàng Tâm", document="HĐ 12", amount=700_000,
    )  # fmt: skip
    ledger = selectors.campaign_ledger(campaign)
    money = next(p for p in ledger.progress if p.kind == Kind.MONEY)
    assert (money.target, money.pledged, money.received) == (1_000_000, 250_000, 700_001)
    assert money.percent == 70  # 70.0001 % rounded down
    land = next(p for p in ledger.progress if p.kind == Kind.LAND)
    assert land.received == 120
    assert land.percent is None
    money_by_village = {v.name: v.totals.get(Kind.MONEY, 0) for v in ledger.villages}
    assert money_by_village.pop("Thôn Đông") == 300_000
    assert money_by_village.pop("Thôn Tây") == 400_001
    assert list(money_by_village.values()) == [0]  # outside the villages: the cancelled pair
    names = [c.name for c in ledger.contributors]
    assert "Công ty Hưng Thịnh" not in names  # only a cancelled gift
    binh = next(c for c in ledger.contributors if c.name == "Lê Thị Bình")
    assert binh.land_waived
    assert binh.totals == {Kind.MONEY: 400_001, Kind.LAND: 120}
    assert ledger.balance == 1


def test_anonymous_contributors_lose_name_and_village(official, commune):
    village = make_village(commune, 2, name="Thôn Nam")
    campaign = make_campaign(official, commune)
    give(official, campaign, 5_000_000, household=household_of(village), name=SECRET,
         anonymous=True)  # fmt: skip
    ledger = selectors.campaign_ledger(campaign)
    [person] = ledger.contributors
    assert person.anonymous
    assert SECRET not in person.name
    assert person.village_name == ""
    assert ledger.recognition() == {}


def test_recognition_lists_by_type_largest_first(official, commune):
    campaign = make_campaign(official, commune)
    give(official, campaign, 1_000, name="Công ty A")
    give(official, campaign, 9_000, name="Công ty B")
    lists = selectors.campaign_ledger(campaign).recognition()
    assert [c.name for c in lists["organisation"]] == ["Công ty B", "Công ty A"]


def _sum(children, attr):
    out: dict = {}
    for child in children:
        for key, value in getattr(child, attr).items():
            out[key] = out.get(key, 0) + value
    return {k: v for k, v in out.items() if v}


def _nonzero(d):
    return {k: v for k, v in d.items() if v}


def test_figures_add_up_exactly_from_villages_to_commune_to_province(official, commune):
    province = commune.parent
    second = CommuneFactory(parent=province)
    other_official = official_of(second)
    a1, a2 = make_village(commune, 2), make_village(commune, 2)
    b1 = make_village(second, 2)
    road = make_campaign(official, commune, material_name="Xi măng", material_unit="bao",
                         target_materials=100)  # fmt: skip
    fund = make_campaign(other_official, second)
    give(official, road, 333_333, household=household_of(a1))
    give(official, road, 1, household=household_of(a2))
    give(official, road, 7, kind=Kind.WORKDAYS, household=household_of(a2))
    give(official, road, 40, kind=Kind.MATERIALS, name="Công ty VLXD")  # outside the villages
    give(official, road, 15, kind=Kind.LAND, household=household_of(a1))
    give(official, road, 2, household=household_of(a1))  # same household: one contributor
    cancelled = give(official, road, 999, name="Người ở xa", village=a2)
    services.receipt_cancel(actor=official, receipt=cancelled, reason="Trả lại")
    give(other_official, fund, 10**12, household=household_of(b1))
    services.spending_record(
        actor=official, campaign=road, spent_on=days_ago(0), description="Đá", payee="HTX",
        document="HĐ 1", amount=300_000, village=a1,
    )  # fmt: skip
    start, end = days_ago(5), days_ago(0)

    fig = selectors.contribution_figures(province, start, end)
    communes = fig.children
    assert _nonzero(fig.received) == _sum(communes, "received")
    assert fig.materials_received == _sum(communes, "materials_received") == {"bao": 40}
    assert fig.spending == sum(c.spending for c in communes) == 300_000
    assert fig.contributors == sum(c.contributors for c in communes) == 4
    assert fig.received[Kind.MONEY] == 333_333 + 1 + 2 + 10**12
    for commune_fig in communes:
        parts = commune_fig.children
        assert _nonzero(commune_fig.received) == _sum(parts, "received")
        assert commune_fig.materials_received == _sum(parts, "materials_received")
        assert commune_fig.spending == sum(p.spending for p in parts)
        assert commune_fig.contributors == sum(p.contributors for p in parts)
    mine = selectors.contribution_figures(commune, start, end)
    assert mine.numbers() == next(c for c in communes if c.unit_id == commune.pk).numbers()
    assert mine.contributors == 3  # two households and the company; the cancelled one not
    village = selectors.contribution_figures(a1, start, end)
    assert village.received[Kind.MONEY] == 333_335
    assert village.received[Kind.LAND] == 15
    assert village.spending == 300_000
    assert village.contributors == 1
    before = selectors.contribution_figures(commune, days_ago(30), days_ago(6))
    assert before.contributors == 0
    assert not _nonzero(before.received)


def test_the_ledger_takes_five_queries_and_figures_a_fixed_number(official, commune):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village = make_village(commune, 6)
    campaign = make_campaign(official, commune)
    give(official, campaign, 100, household=household_of(village))

    def counts():
        with CaptureQueriesContext(connection) as ledger:
            selectors.campaign_ledger(campaign)
        with CaptureQueriesContext(connection) as figures:
            selectors.contribution_figures(commune.parent, days_ago(5), days_ago(0))
        return len(ledger), len(figures)

    small = counts()
    assert small[0] == 5
    for household in village.households.all():
        give(official, campaign, 100, household=household)
    make_village(commune, 1)
    assert counts() == small
