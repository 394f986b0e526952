"""Booking a reception slot under concurrent requests: never more than its places, never two
active bookings for one phone on one day, and nothing but the service's refusals (4xx)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from danchu.core.errors import ApplicationError
from danchu.petitions import reception
from danchu.petitions.models import ReceptionBooking, ReceptionSlot
from danchu.petitions.tests.community_factories import day

ATTEMPTS = 8

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite serialises every write transaction)",
)


def _race(slot_id: int, phones: list[str]) -> tuple[list[int], list[str], list[str]]:
    barrier = threading.Barrier(len(phones))
    lock = threading.Lock()
    stored: list[int] = []
    refused: list[str] = []
    failures: list[str] = []

    def submit(phone: str) -> None:
        try:
            slot = ReceptionSlot.objects.get(pk=slot_id)
            barrier.wait(timeout=60)
            try:
                booking = reception.reception_booking_create(
                    slot=slot, full_name="Người đặt", phone=phone, subject="Hỏi về đất đai",
                    today=datetime.date(2026, 3, 1),
                )  # fmt: skip
            except ApplicationError as exc:
                with lock:
                    refused.append(exc.code)
            else:
                with lock:
                    stored.append(booking.pk)
        except Exception as exc:  # would be a server error
            barrier.abort()
            with lock:
                failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return stored, refused, failures


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_fill_the_slot_exactly(commune, official):
    slot = day(official, commune, datetime.date(2026, 3, 2), capacity=3).slots.get()
    stored, refused, failures = _race(slot.pk, [f"09000000{n:02d}" for n in range(ATTEMPTS)])
    assert failures == []
    assert len(stored) == 3
    assert refused == ["full"] * (ATTEMPTS - 3)
    slot.refresh_from_db()
    assert slot.booked == ReceptionBooking.objects.filter(slot=slot).count() == 3


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_phone_keep_one(commune, official):
    slot = day(official, commune, datetime.date(2026, 3, 2), capacity=20).slots.get()
    stored, refused, failures = _race(slot.pk, ["0912345678"] * ATTEMPTS)
    assert failures == []
    assert len(stored) == 1
    assert len(refused) == ATTEMPTS - 1
    slot.refresh_from_db()
    assert slot.booked == 1
