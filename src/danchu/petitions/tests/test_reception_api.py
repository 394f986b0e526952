"""The reception API: the month's schedule with free places, the figures; no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.petitions import reception
from danchu.petitions.tests.community_factories import day

pytestmark = pytest.mark.django_db
D = datetime.date


def test_schedule_shows_free_places_not_who_booked(client, commune, official):
    slot = day(official, commune, D(2099, 3, 2), capacity=3).slots.get()
    reception.reception_booking_create(
        slot=slot, full_name="Nguyễn Thị Riêng", phone="0911222333", subject="Việc riêng"
    )
    day(official, commune, D(2099, 4, 6))
    response = client.get(f"/api/v1/communes/{commune.code}/reception-days?year=2099&month=3")
    assert response.status_code == 200
    body = response.json()
    assert [d["date"] for d in body] == ["2099-03-02"]
    assert body[0]["slots"][0]["free"] == 2
    assert "Riêng" not in response.content.decode()
    assert "0911222333" not in response.content.decode()


def test_schedule_query_count_is_constant(client, commune, official):
    url = f"/api/v1/communes/{commune.code}/reception-days?year=2099&month=3"
    day(official, commune, D(2099, 3, 2), slots=2)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(3, 10):
        day(official, commune, D(2099, 3, n), slots=3)
    assert count() == small


def test_figures_and_bad_periods(client, commune, official):
    held = day(official, commune, D(2026, 3, 4))
    reception.reception_day_hold(actor=official, day=held, today=D(2026, 3, 4))
    url = f"/api/v1/communes/{commune.code}/reception-figures"
    body = client.get(url, {"year": 2026, "quarter": 1}).json()
    assert body["start"] == "2026-01-01"
    assert body["end"] == "2026-03-31"
    assert body["weeks_met"] == 1
    assert body["days_held"] == 1
    assert "2026-02-16" not in body["weeks_missing"]  # the Tết week is exempt
    assert client.get(url, {"year": 2026, "quarter": 5}).status_code == 422
    assert client.get("/api/v1/communes/00000/reception-figures?year=2026").status_code == 404
