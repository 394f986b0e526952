"""Receipts numbered without gaps and spending within the balance, under concurrent entry.

Each writer runs in its own thread and database connection, released together by a barrier.
SQLite serialises every write transaction, so these run on PostgreSQL only
(``DATABASE_URL=postgres://…``); the sequential rules are tested in test_services.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from danchu.accounts.models import User
from danchu.contributions import services
from danchu.contributions.models import Campaign, Receipt, Spending
from danchu.contributions.tests.factories import give, make_campaign
from danchu.core.errors import ApplicationError
from danchu.decisions.tests.factories import official_of

WRITERS = 8

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite serialises every write transaction)",
)


def _race(work: Callable[[int, Any, Campaign], Any], user_id: int, campaign_id: int) -> tuple:
    barrier = threading.Barrier(WRITERS)
    lock = threading.Lock()
    done: list[Any] = []
    refused: list[str] = []
    failures: list[str] = []

    def writer(n: int) -> None:
        try:
            actor = User.objects.get(pk=user_id)
            campaign = Campaign.objects.get(pk=campaign_id)
            barrier.wait(timeout=60)
            try:
                result = work(n, actor, campaign)
            except ApplicationError as exc:  # a refusal the interfaces answer with a 4xx
                with lock:
                    refused.append(exc.code)
            else:
                with lock:
                    done.append(result)
        except Exception as exc:  # would be a server error
            barrier.abort()
            with lock:
                failures.append(f"writer {n}: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer did not finish"
    return done, refused, failures


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_consecutive_numbers(commune):
    official = official_of(commune)
    campaign = make_campaign(official, commune)
    give(official, campaign, 1)  # number 1 exists before the race

    def issue(n: int, actor: Any, campaign: Campaign) -> int:
        rounds = [give(actor, campaign, 1000 + n).number for _ in range(3)]
        return rounds

    done, refused, failures = _race(issue, official.pk, campaign.pk)
    assert failures == []
    assert refused == []
    numbers = sorted(Receipt.objects.filter(campaign=campaign).values_list("number", flat=True))
    assert numbers == list(range(1, 2 + 3 * WRITERS))


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_never_exceeds_the_balance(commune):
    official = official_of(commune)
    campaign = make_campaign(official, commune)
    give(official, campaign, 100)

    def spend(n: int, actor: Any, campaign: Campaign) -> int:
        return services.spending_record(
            actor=actor, campaign=campaign, spent_on=timezone.localdate(),
            description="Cát vàng", payee="Hộ kinh doanh Lan", document=f"HĐ {n}", amount=30,
        ).amount  # fmt: skip

    done, refused, failures = _race(spend, official.pk, campaign.pk)
    assert failures == []
    assert len(done) == 3  # 3 × 30 ≤ 100 < 4 × 30
    assert refused == ["above_balance"] * (WRITERS - 3)
    assert Spending.objects.filter(campaign=campaign).count() == 3
    assert services.campaign_balance(campaign) == 10
