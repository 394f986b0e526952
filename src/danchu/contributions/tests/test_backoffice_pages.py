"""The back office: open a campaign, record receipts and spending through forms (integers only,
refusals as form errors with 400), cancel by counter-entry, finish; scope and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.contributions.models import Campaign, Receipt, Spending
from danchu.contributions.tests.factories import give, household_of, make_campaign
from danchu.decisions.tests.factories import make_village, official_of, village_head
from danchu.territory.tests.factories import CommuneFactory

TODAY = timezone.localdate


@pytest.fixture
def official(commune):
    return official_of(commune)


@pytest.fixture
def signed_in(client, official):
    client.force_login(official)
    return client


def test_open_a_campaign_and_refuse_a_compulsory_level_without_decision(signed_in, commune):
    url = reverse("contributions:bo_list", args=[commune.code])
    body = {"title": "Nhà văn hóa thôn", "purpose": "Xây mới", "serves": "Nhà văn hóa",
            "starts_on": "2026-01-01", "ends_on": "2026-06-30", "level": "compulsory",
            "target_money": "300000000"}  # fmt: skip
    refused = signed_in.post(url, body)
    assert refused.status_code == 400
    assert not Campaign.objects.exists()
    created = signed_in.post(url, body | {"level": "voluntary"})
    assert created.status_code == 302
    assert Campaign.objects.get().target_money == 300_000_000
    assert signed_in.get(url).status_code == 200


def _books(campaign):
    return reverse("contributions:bo_books", args=[campaign.pk])


def test_receipts_spending_cancel_and_close(signed_in, official, commune):
    village = make_village(commune, 2)
    household = household_of(village)
    campaign = make_campaign(official, commune)
    url = _books(campaign)
    receipt = {"form": "receipt", "contributor_kind": "household", "household_code": household.code,
               "kind": "money", "amount": "500000", "received_on": TODAY().isoformat()}  # fmt: skip
    assert signed_in.post(url, receipt | {"amount": "1.5"}).status_code == 400
    assert signed_in.post(url, receipt | {"household_code": "KHONG-CO"}).status_code == 400
    assert signed_in.post(url, receipt).status_code == 302
    stored = Receipt.objects.get()
    assert stored.village == village
    spend = {"form": "spending", "spent_on": TODAY().isoformat(), "description": "Cát",
             "payee": "HTX", "document": "HĐ 2", "amount": "500001"}  # fmt: skip
    over = signed_in.post(url, spend)
    assert over.status_code == 400
    assert "500.000" in over.content.decode()  # the balance in the field error
    assert signed_in.post(url, spend | {"amount": "500000"}).status_code == 302
    assert Spending.objects.count() == 1
    page = signed_in.get(url)
    assert page.status_code == 200
    assert reverse("contributions:receipt_slip", args=[stored.pk]) in page.content.decode()
    other = give(official, campaign, 10, name="Công ty A")
    cancel = reverse("contributions:bo_cancel", args=[other.pk])
    assert signed_in.post(cancel, {"reason": "Nhầm"}).status_code == 302
    assert Receipt.objects.filter(cancels=other).count() == 1
    assert signed_in.post(reverse("contributions:bo_close", args=[campaign.pk])).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_scope_other_commune_404_village_head_no_spending(client, official, commune):
    campaign = make_campaign(official, commune)
    client.force_login(official_of(CommuneFactory()))
    assert client.get(_books(campaign)).status_code == 404
    client.force_login(village_head(make_village(commune)))
    assert client.get(_books(campaign)).status_code == 200
    body = {"form": "spending", "spent_on": TODAY().isoformat(), "description": "x",
            "payee": "y", "document": "z", "amount": "1"}  # fmt: skip
    assert client.post(_books(campaign), body).status_code == 403


def test_books_page_queries_do_not_grow(signed_in, official, commune):
    village = make_village(commune, 12)
    campaign = make_campaign(official, commune)
    give(official, campaign, 5, household=household_of(village))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(_books(campaign)).status_code == 200
        return len(ctx)

    small = count()
    for household in village.households.all():
        give(official, campaign, 7, household=household)
    assert count() == small
