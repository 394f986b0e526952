"""The contributions API: public ledger without names of the anonymous, officials' writes with
integers only, 404 across communes, refusals as 422/409, constant query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.api.tests.helpers import auth, token_for
from danchu.contributions.tests.factories import adopted_decision, give, household_of, make_campaign
from danchu.decisions.tests.factories import make_village, official_of, village_head
from danchu.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
SECRET = "Ông Hoàng Văn Ẩn Danh"


def _post(client, url, body, token):
    return client.post(url, json.dumps(body), content_type="application/json", **auth(token))


@pytest.fixture
def official(commune):
    return official_of(commune)


@pytest.fixture
def token(official):
    return token_for(official)


def _campaign_body(**kw):
    body = {
        "title": "Làm đường liên thôn", "purpose": "Nông thôn mới", "serves": "Đường liên thôn",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "target_money": 100_000_000,
    }  # fmt: skip
    body.update(kw)
    return body


def test_create_campaign_and_refuse_a_compulsory_level_without_a_decision(client, commune, token):
    url = f"{BASE}/communes/{commune.code}/campaigns"
    created = _post(client, url, _campaign_body(), token)
    assert created.status_code == 201, created.content
    assert created.json()["target_money"] == 100_000_000
    refused = _post(client, url, _campaign_body(level="compulsory"), token)
    assert refused.status_code == 422
    assert "Art. 15(1)" in refused.json()["fields"]["decision_id"][0] or "Điều 15" in str(
        refused.json()
    )
    floats = _post(client, url, _campaign_body(target_money=1.5), token)
    assert floats.status_code == 422


def test_compulsory_level_with_the_decision(client, commune, official, token):
    village = make_village(commune, 3)
    decision = adopted_decision(official, village)
    body = _campaign_body(level="compulsory", decision_id=decision.pk, level_per_household=100_000)
    response = _post(client, f"{BASE}/communes/{commune.code}/campaigns", body, token)
    assert response.status_code == 201, response.content
    assert response.json()["decision_id"] == decision.pk
    url = f"{BASE}/campaigns/{response.json()['id']}/exemptions"
    body = {"household_id": household_of(village).pk, "category": "poor",
            "basis": "Danh sách hộ nghèo 2026", "reduced_to": 50_000}  # fmt: skip
    exempted = _post(client, url, body, token)
    assert exempted.status_code == 201, exempted.content
    assert _post(client, url, body, token).status_code == 422  # once per household


def test_receipts_cancel_spending_and_public_ledger(client, commune, official, token):
    village = make_village(commune, 3)
    campaign = make_campaign(official, commune)
    today = timezone.localdate().isoformat()
    body = {"contributor_kind": "household", "household_id": household_of(village).pk,
            "contributor_name": SECRET, "anonymous": True, "kind": "money", "amount": 700_000,
            "received_on": today}  # fmt: skip
    first = _post(client, f"{BASE}/campaigns/{campaign.pk}/receipts", body, token)
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1
    neighbour = village.households.order_by("pk")[1].pk
    more = {"amount": 5, "anonymous": False, "contributor_name": "Bà Tư", "household_id": neighbour}
    second = _post(client, f"{BASE}/campaigns/{campaign.pk}/receipts", body | more, token)
    cancel_url = f"{BASE}/receipts/{second.json()['id']}/cancel"
    cancelled = _post(client, cancel_url, {"reason": "Ghi trùng"}, token)
    assert cancelled.status_code == 201
    assert cancelled.json()["amount"] == -5
    again = _post(client, cancel_url, {"reason": "Ghi trùng"}, token)
    assert again.status_code == 409
    spend = {"spent_on": today, "description": "Xi măng", "payee": "Cửa hàng Tâm",
             "document": "HĐ 1", "amount": 700_001}  # fmt: skip
    over = _post(client, f"{BASE}/campaigns/{campaign.pk}/spendings", spend, token)
    assert over.status_code == 422
    assert "amount" in over.json()["fields"]
    ok = _post(client, f"{BASE}/campaigns/{campaign.pk}/spendings", spend | {"amount": 700_000},
               token)  # fmt: skip
    assert ok.status_code == 201
    ledger = client.get(f"{BASE}/campaigns/{campaign.pk}/ledger")  # no sign-in
    assert ledger.status_code == 200
    assert SECRET not in ledger.content.decode()
    data = ledger.json()
    assert data["balance"] == 0
    assert data["money_received"] == 700_000
    listing = client.get(f"{BASE}/communes/{commune.code}/campaigns")
    assert listing.status_code == 200
    assert SECRET not in listing.content.decode()
    receipts = client.get(f"{BASE}/campaigns/{campaign.pk}/receipts", **auth(token))
    assert [r["number"] for r in receipts.json()["items"]] == [1, 2, 3]
    assert receipts.json()["items"][0]["contributor_name"] == SECRET  # the books keep names
    assert client.get(f"{BASE}/campaigns/{campaign.pk}/receipts").status_code == 401


def test_other_commune_is_404_and_village_heads_do_not_spend(client, commune, official):
    campaign = make_campaign(official, commune)
    outsider = token_for(official_of(CommuneFactory()))
    assert (
        client.get(f"{BASE}/campaigns/{campaign.pk}/receipts", **auth(outsider)).status_code == 404
    )  # noqa: E501
    head = token_for(village_head(make_village(commune)))
    body = {"spent_on": "2026-01-02", "description": "d", "payee": "p", "document": "x",
            "amount": 1}  # fmt: skip
    assert _post(client, f"{BASE}/campaigns/{campaign.pk}/spendings", body, head).status_code == 403  # noqa: E501


def test_figures_endpoint(client, commune, official, token):
    village = make_village(commune, 2)
    campaign = make_campaign(official, commune)
    give(official, campaign, 42, household=household_of(village))
    today = timezone.localdate().isoformat()
    url = f"{BASE}/communes/{commune.code}/contribution-figures?start={today}&end={today}"
    data = client.get(url, **auth(token)).json()
    assert data["received"]["money"] == 42
    assert data["contributors"] == 1
    assert sum(c["received"]["money"] for c in data["children"]) == 42


def _count(client, url, **kw):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **kw).status_code == 200
    return len(ctx)


def test_list_query_counts_do_not_grow(client, commune, official, token):
    village = make_village(commune, 10)
    campaign = make_campaign(official, commune, villages=[village])
    give(official, campaign, 1)
    urls = [
        (f"{BASE}/communes/{commune.code}/campaigns", {}),
        (f"{BASE}/campaigns/{campaign.pk}/ledger", {}),
        (f"{BASE}/campaigns/{campaign.pk}/receipts", auth(token)),
    ]
    [_count(client, url, **kw) for url, kw in urls]  # warm up (the token's last use)
    small = [_count(client, url, **kw) for url, kw in urls]
    for n, household in enumerate(village.households.all()):
        give(official, campaign, 10 + n, household=household)
        make_campaign(official, commune, title=f"Quỹ {n}", villages=[village])
    assert [_count(client, url, **kw) for url, kw in urls] == small
