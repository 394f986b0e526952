"""Review numbers (NĐ 30/2020 Art. 15) stay gap-free and unique when reports are issued at the
same moment: the counter row is locked with ``select_for_update``.

Each issuer runs in its own thread and database connection, released together by a barrier.
SQLite serialises every write transaction, so this runs on PostgreSQL only
(``DATABASE_URL=postgres://…``); the sequential rules are in test_review_services.py.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from danchu.accounts.models import Role, User
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import ApplicationError
from danchu.reporting import reviews
from danchu.reporting.models import ReviewNumberCounter, ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401

WRITERS = 8
DAY = date(2026, 7, 15)

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite serialises every write transaction)",
)


def _race(user_id: int, report_ids: list[int]) -> tuple[list[str], list[str], list[str]]:
    barrier = threading.Barrier(len(report_ids))
    lock = threading.Lock()
    done: list[str] = []
    refused: list[str] = []
    failures: list[str] = []

    def writer(report_id: int) -> None:
        try:
            actor = User.objects.get(pk=user_id)
            report = ReviewReport.objects.get(pk=report_id)
            barrier.wait(timeout=60)
            try:
                issued = reviews.review_issue(actor=actor, report=report, issued_on=DAY)
            except ApplicationError as exc:
                with lock:
                    refused.append(exc.code)
            else:
                with lock:
                    done.append(issued.reference)
        except Exception as exc:  # would be a server error
            barrier.abort()
            with lock:
                failures.append(f"{report_id}: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(pk,)) for pk in report_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer did not finish"
    return done, refused, failures


def _signed_drafts(chair: Any, commune: Any, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        report = reviews.review_create(
            actor=chair, unit=commune, kind=ReviewReport.Kind.HALF_YEAR,
            period=Period.half(2026, 1),
        )  # fmt: skip
        ReviewReport.objects.filter(pk=report.pk).update(signer_name="Nguyễn Văn An")
        ids.append(report.pk)
    return ids


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_consecutive_numbers(fake_facts, commune):
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    ids = _signed_drafts(chair, commune, WRITERS)
    # No counter row yet: the first insert races too.
    assert not ReviewNumberCounter.objects.exists()
    done, refused, failures = _race(chair.pk, ids)
    assert failures == []
    assert refused == []
    assert sorted(done) == [f"{n:02d}/BC-UBND" for n in range(1, WRITERS + 1)]
    numbers = ReviewReport.objects.filter(unit=commune).values_list("number", flat=True)
    assert sorted(numbers) == list(range(1, WRITERS + 1))
    assert ReviewNumberCounter.objects.get(unit=commune, year=2026).last == WRITERS


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_report_issued_twice_at_once_gets_one_number(fake_facts, commune):
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    (report_id,) = _signed_drafts(chair, commune, 1)
    done, refused, failures = _race(chair.pk, [report_id] * 4)
    assert failures == []
    assert done == ["01/BC-UBND"]
    assert refused == ["issued"] * 3
    assert ReviewNumberCounter.objects.get(unit=commune, year=2026).last == 1
