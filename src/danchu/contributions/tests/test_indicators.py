"""The contributions pillar's indicators: facts agree with ``contribution_figures`` for the
commune and each village, counter-entries net to zero, integer m², constant queries."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.contributions import indicators, selectors, services
from danchu.contributions.models import Kind, Receipt
from danchu.contributions.services import Contributor
from danchu.contributions.tests.factories import days_ago, give, household_of, make_campaign
from danchu.core.indicators import Fact
from danchu.decisions.tests.factories import make_village, official_of
from danchu.territory.tests.factories import CommuneFactory

MUST = {
    "contributions.money_pledged_vnd", "contributions.money_received_vnd",
    "contributions.land_pledged_m2", "contributions.land_received_m2",
    "contributions.workdays_pledged", "contributions.workdays_received",
    "contributions.spending_vnd",
}  # fmt: skip
RECEIVED = {
    Kind.MONEY: "contributions.money_received_vnd",
    Kind.LAND: "contributions.land_received_m2",
    Kind.WORKDAYS: "contributions.workdays_received",
}
PLEDGED = {
    Kind.MONEY: "contributions.money_pledged_vnd",
    Kind.LAND: "contributions.land_pledged_m2",
    Kind.WORKDAYS: "contributions.workdays_pledged",
}


@pytest.fixture
def official(commune):
    return official_of(commune)


def _facts(commune_ids: Any, first: datetime.date, last: datetime.date) -> list[Fact]:
    return list(indicators.daily_facts(commune_ids, first, last))


def _sum(facts: list[Fact], first: datetime.date, last: datetime.date, village: Any = ...) -> Any:
    out: dict[str, int] = defaultdict(int)
    for fact in facts:
        if first <= fact.day <= last and (village is ... or fact.village_id == village):
            out[fact.code] += fact.value
    return out


def test_the_catalogue_has_the_codes_the_others_rely_on():
    by_code = {i.code: i for i in indicators.INDICATORS}
    assert len(by_code) == len(indicators.INDICATORS)
    assert set(by_code) >= MUST
    assert {i.pillar for i in indicators.INDICATORS} == {"contributions"}
    assert by_code["contributions.land_received_m2"].measure == "m2"
    assert by_code["contributions.money_received_vnd"].measure == "vnd"
    assert by_code["contributions.workdays_received"].measure == "workdays"
    assert all(i.public and i.legal_basis for i in indicators.INDICATORS)


def _build(official: Any, commune: Any, rng: random.Random, n: int) -> list[Any]:
    villages = [make_village(commune, 2), make_village(commune, 2)]
    campaign = make_campaign(official, commune, starts_on=days_ago(60), material_name="Cát",
                             material_unit="m³", target_materials=50)  # fmt: skip
    receipts = []
    for _ in range(n):
        kind = rng.choice([Kind.MONEY, Kind.MONEY, Kind.LAND, Kind.WORKDAYS, Kind.MATERIALS])
        amount = rng.randint(1, 10**9) if kind == Kind.MONEY else rng.randint(1, 500)
        day = days_ago(rng.randrange(0, 60))
        village = rng.choice([*villages, None])
        extra: dict[str, Any] = {}
        if kind == Kind.LAND:
            extra["compensation_waived"] = rng.random() < 0.5
        if village is not None and rng.random() < 0.7:
            receipts.append(give(official, campaign, amount, kind=kind,
                                 household=household_of(village), day=day, **extra))  # fmt: skip
        else:
            receipts.append(give(official, campaign, amount, kind=kind, village=village,
                                 name=f"Công ty {rng.randrange(9)}", day=day, **extra))  # fmt: skip
        if rng.random() < 0.4:
            pledged = kind if kind != Kind.MATERIALS else Kind.MONEY
            services.pledge_record(
                actor=official, campaign=campaign, kind=pledged,
                contributor=Contributor(kind="person", name="Anh Ba", village=village),
                amount=amount, pledged_on=days_ago(rng.randrange(0, 60)),
                **({"land_parcel": "Thửa 5"} if pledged == Kind.LAND else {}),
            )  # fmt: skip
    for receipt in rng.sample(receipts, min(4, len(receipts))):
        if receipt.kind != Kind.MONEY:
            services.receipt_cancel(actor=official, receipt=receipt, reason="Ghi nhầm")
    for _ in range(5):
        services.spending_record(
            actor=official, campaign=campaign, spent_on=days_ago(rng.randrange(0, 60)),
            description="Xi măng", payee="Cửa hàng", document="HĐ", amount=rng.randint(1, 1000),
            village=rng.choice([*villages, None]),
        )  # fmt: skip
    return villages


def test_facts_add_up_to_contribution_figures(official, commune):
    rng = random.Random(8)
    villages = _build(official, commune, rng, 50)
    other = CommuneFactory(parent=commune.parent)
    _build(official_of(other), other, random.Random(9), 10)
    facts = _facts([commune.pk], days_ago(90), days_ago(0))
    keys = Counter((f.code, f.commune_id, f.village_id, f.day) for f in facts)
    assert set(keys.values()) == {1}
    assert {f.commune_id for f in facts} == {commune.pk}
    assert all(isinstance(f.value, int) and f.value != 0 for f in facts)
    for first, last in [(days_ago(90), days_ago(0)), (days_ago(30), days_ago(10)),
                        (days_ago(0), days_ago(0)), (days_ago(59), days_ago(59))]:  # fmt: skip
        fig = selectors.contribution_figures(commune, first, last)
        got = _sum(facts, first, last)
        for kind in (Kind.MONEY, Kind.LAND, Kind.WORKDAYS):
            assert got[RECEIVED[kind]] == fig.received[kind]
            assert got[PLEDGED[kind]] == fig.pledged[kind]
        assert got["contributions.spending_vnd"] == fig.spending
        by_contributor = (
            got["contributions.money_received_households_vnd"]
            + got["contributions.money_received_organisations_vnd"]
            + got["contributions.money_received_persons_vnd"]
        )
        assert by_contributor == got["contributions.money_received_vnd"]
        assert got["contributions.land_received_waived_m2"] <= got["contributions.land_received_m2"]
        # Village attribution: each village's facts are its figures; the rest is outside.
        children = {c.unit_id: c for c in fig.children}
        for village_id in [*(v.pk for v in villages), None]:
            part = _sum(facts, first, last, village_id)
            for kind in (Kind.MONEY, Kind.LAND, Kind.WORKDAYS):
                assert part[RECEIVED[kind]] == children[village_id].received[kind]
                assert part[PLEDGED[kind]] == children[village_id].pledged[kind]
            assert part["contributions.spending_vnd"] == children[village_id].spending
    everything = _facts(None, days_ago(90), days_ago(0))
    assert Counter(f for f in everything if f.commune_id == commune.pk) == Counter(facts)
    assert {f.commune_id for f in everything} >= {commune.pk, other.pk}


def test_a_cancelled_receipt_nets_to_zero(official, commune):
    village = make_village(commune, 1)
    campaign = make_campaign(official, commune)
    land = give(official, campaign, 250, kind=Kind.LAND, household=household_of(village),
                day=days_ago(3), compensation_waived=True)  # fmt: skip
    services.receipt_cancel(actor=official, receipt=land, reason="Sai thửa đất")
    counter = Receipt.objects.get(cancels=land)
    assert counter.received_on == days_ago(0)
    facts = _facts([commune.pk], days_ago(10), days_ago(0))
    by_day = {(f.code, f.day): f.value for f in facts}
    assert by_day[("contributions.land_received_m2", days_ago(3))] == 250
    assert by_day[("contributions.land_received_m2", days_ago(0))] == -250
    assert by_day[("contributions.land_received_waived_m2", days_ago(0))] == -250
    assert _sum(facts, days_ago(10), days_ago(0))["contributions.land_received_m2"] == 0
    # On the same day the pair is one fact of zero: none.
    same = give(official, campaign, 1_000, household=household_of(village))
    services.receipt_cancel(actor=official, receipt=same, reason="Trùng")
    today = _facts([commune.pk], days_ago(0), days_ago(0))
    assert not [f for f in today if f.code.startswith("contributions.money")]


def test_land_is_in_whole_square_metres_and_materials_are_not_summed(official, commune):
    campaign = make_campaign(official, commune, material_name="Xi măng", material_unit="bao",
                             target_materials=100)  # fmt: skip
    give(official, campaign, 1, kind=Kind.LAND, name="Công ty A")
    give(official, campaign, 40, kind=Kind.MATERIALS, name="Công ty B")
    facts = _facts([commune.pk], days_ago(0), days_ago(0))
    assert [(f.code, f.value) for f in facts] == [("contributions.land_received_m2", 1)]
    assert facts[0].village_id is None


def test_facts_take_a_fixed_number_of_queries(official, commune):
    _build(official, commune, random.Random(1), 3)
    with CaptureQueriesContext(connection) as small:
        _facts([commune.pk], days_ago(90), days_ago(0))
    _build(official, commune, random.Random(2), 30)
    with CaptureQueriesContext(connection) as large:
        _facts([commune.pk], days_ago(90), days_ago(0))
    assert len(large) == len(small) == 3


def test_every_name_and_definition_reads_in_vietnamese():
    from django.utils import translation

    from danchu.core.management.commands.compile_translations import compile_all

    compile_all()
    translation.trans_real._translations = {}  # reload the freshly compiled catalogues
    for ind in indicators.INDICATORS:
        for text in (ind.name, ind.definition):
            with translation.override(None):
                english = str(text)
            with translation.override("vi"):
                assert str(text) != english, english
