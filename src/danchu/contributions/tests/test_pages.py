"""Public pages without sign-in, anonymity on every public page, the officials' XLSX and slip."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.contributions import services
from danchu.contributions.models import Kind
from danchu.contributions.tests.factories import days_ago, give, household_of, make_campaign
from danchu.decisions.tests.factories import make_village, official_of, village_head

SECRET = "Bà Phạm Thị Kín Đáo"


@pytest.fixture
def official(commune):
    return official_of(commune)


@pytest.fixture
def campaign(official, commune):
    village = make_village(commune, 2, name="Thôn Bắc")
    campaign = make_campaign(official, commune, villages=[village])
    give(official, campaign, 2_500_000, household=household_of(village), name="Ông Lê Văn Rõ")
    second = village.households.order_by("pk")[1]
    give(official, campaign, 9_000_000, household=second, name=SECRET,
         anonymous=True)  # fmt: skip
    give(official, campaign, 30, kind=Kind.LAND, name=SECRET, anonymous=True)
    services.spending_record(
        actor=official, campaign=campaign, spent_on=days_ago(0), description="Đổ bê tông",
        payee="HTX Xây dựng Bắc", document="HĐ 07/2026", amount=1_000_000,
    )  # fmt: skip
    return campaign


def _ledger_url(campaign):
    return reverse("contributions:public_ledger", args=[campaign.commune.code, campaign.pk])


def test_public_ledger_without_sign_in(client, campaign):
    response = client.get(_ledger_url(campaign))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2.500.000" in text
    assert "HTX Xây dựng Bắc" in text
    assert "Ông Lê Văn Rõ" in text
    listing = client.get(reverse("contributions:public_list", args=[campaign.commune.code]))
    assert listing.status_code == 200
    assert campaign.title in listing.content.decode()


def test_an_anonymous_contributors_name_is_on_no_public_page(client, campaign):
    code = campaign.commune.code
    for url in (_ledger_url(campaign), reverse("contributions:public_list", args=[code])):
        assert SECRET not in client.get(url).content.decode()


def test_unknown_campaign_or_another_communes_is_404(client, campaign, commune):
    from danchu.territory.tests.factories import CommuneFactory

    other = CommuneFactory()
    assert (
        client.get(
            reverse("contributions:public_ledger", args=[other.code, campaign.pk])
        ).status_code
        == 404
    )  # noqa: E501
    assert (
        client.get(reverse("contributions:public_ledger", args=[commune.code, 99999])).status_code
        == 404
    )  # noqa: E501


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_ledger_queries_do_not_grow_with_receipts(client, official, campaign, commune):
    small = _count(client, _ledger_url(campaign))
    village = make_village(commune, 20)
    for n, household in enumerate(village.households.all()):
        give(official, campaign, 1000 + n, household=household)
        give(official, campaign, 2, kind=Kind.WORKDAYS, household=household)
    assert _count(client, _ledger_url(campaign)) == small


def test_campaign_list_queries_do_not_grow(client, official, commune, campaign):
    url = reverse("contributions:public_list", args=[commune.code])
    small = _count(client, url)
    for n in range(10):
        make_campaign(official, commune, title=f"Quỹ {n}")
    assert _count(client, url) == small


def test_books_xlsx_for_officials_only(client, official, campaign, commune):
    from openpyxl import load_workbook

    url = reverse("contributions:books_export", args=[campaign.pk])
    assert client.get(url).status_code in (302, 403, 404)  # not signed in
    client.force_login(official)
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    receipts = list(book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in receipts] == [1, 2, 3]
    assert receipts[1][3] == SECRET  # the commune's books keep every name
    assert isinstance(receipts[0][7], int)
    assert receipts[0][7] == 2_500_000
    client.force_login(village_head(make_village(commune)))
    # A village head keeps the books of their own village only: other villages' rows go.
    rows = list(
        load_workbook(io.BytesIO(client.get(url).content))[book.sheetnames[1]].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert rows == []


def test_receipt_slip(client, official, campaign):
    receipt = campaign_receipt = give(official, campaign, 123_456, name="Công ty Bình An")
    url = reverse("contributions:receipt_slip", args=[receipt.pk])
    client.force_login(official)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] in ("application/pdf", "text/html; charset=utf-8")
    if response["Content-Type"] == "application/pdf":
        assert response.content.startswith(b"%PDF")
    from danchu.contributions.documents import receipt_slip_html

    html = receipt_slip_html(campaign_receipt)
    assert "123.456" in html
    assert f"{receipt.number}/{receipt.year}" in html


def test_a_compulsory_campaign_links_its_community_decision(client, official, commune):
    from danchu.contributions.models import Campaign
    from danchu.contributions.tests.factories import adopted_decision

    village = make_village(commune, 3)
    decision = adopted_decision(official, village)
    campaign = make_campaign(
        official, commune, level=Campaign.Level.COMPULSORY, decision=decision,
        level_per_household=150_000,
    )  # fmt: skip
    text = client.get(_ledger_url(campaign)).content.decode()
    assert reverse("decisions:public_detail", args=[commune.code, decision.pk]) in text
    assert "150.000" in text
