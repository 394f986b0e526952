"""Reception pages: the public schedule and booking without sign-in, the back office."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.petitions.models import ReceptionBooking, ReceptionDay, ReceptionRecord
from danchu.petitions.tests.community_factories import day, person

pytestmark = pytest.mark.django_db


def _soon(days=3):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_public_schedule_and_booking(client, commune, official):
    slot = day(official, commune, _soon(), capacity=1).slots.get()
    url = reverse("petitions:community:reception", args=[commune.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "Trụ sở UBND xã" in page.content.decode()
    book = reverse("petitions:community:booking", args=[commune.code, slot.pk])
    bad = client.post(book, {"full_name": "An", "phone": "12", "subject": "Đất"})
    assert bad.status_code == 400
    done = client.post(book, {"full_name": "An", "phone": "0912345678", "subject": "Đất"})
    assert done.status_code == 200
    booking = ReceptionBooking.objects.get()
    assert booking.code in done.content.decode()
    full = client.post(book, {"full_name": "Bình", "phone": "0912345679", "subject": "Đất"})
    assert full.status_code == 409
    cancel = reverse("petitions:community:cancel", args=[commune.code])
    assert client.post(cancel, {"code": booking.code, "phone": "0"}).status_code == 400
    assert client.post(cancel, {"code": booking.code, "phone": "0912345678"}).status_code == 302
    assert (
        client.post(book, {"full_name": "B", "phone": "0912345679", "subject": "x"}).status_code
        == 200
    )


def test_public_pages_of_unknown_commune_and_wrong_slot(client, commune, other_commune):
    slot = day(person(other_commune, Role.COMMUNE_OFFICIAL), other_commune, _soon()).slots.get()
    assert client.get("/xa/00000/tiep-cong-dan/").status_code == 404
    wrong = reverse("petitions:community:booking", args=[commune.code, slot.pk])
    assert client.post(wrong, {}).status_code == 404


def test_public_schedule_query_count_is_constant(client, commune, official):
    url = reverse("petitions:community:reception", args=[commune.code])
    day(official, commune, _soon(1), slots=2)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()  # warm the working-day calendar's per-year cache of overrides
    small = count()
    for n in range(2, 12):
        day(official, commune, _soon(n), slots=3)
    assert count() == small


def test_back_office_schedule_and_record(client, commune, official):
    client.force_login(official)
    url = reverse("petitions:community:bo_reception", args=[commune.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "date": _soon().isoformat(), "host": "Chủ tịch", "place": "Trụ sở", "first_slot": "07:30",
        "slot_minutes": 60, "slots": 3, "capacity": 2,
    })  # fmt: skip
    assert response.status_code == 302
    reception_day = ReceptionDay.objects.get()
    assert reception_day.slots.count() == 3
    detail = reverse("petitions:community:bo_reception_day", args=[reception_day.pk])
    assert client.get(detail).status_code == 200
    early = client.post(detail, {
        "record": "1", "visitor_name": "Lê C", "raised": "Đường", "outcome": "answered",
    })  # fmt: skip
    assert early.status_code == 400  # the day has not come yet
    assert not ReceptionRecord.objects.exists()


def test_back_office_is_closed_to_residents_and_other_communes(client, commune, other_commune):
    outsider = person(other_commune, Role.COMMUNE_CHAIR)
    client.force_login(outsider)
    assert (
        client.get(reverse("petitions:community:bo_reception", args=[commune.code])).status_code
        == 404
    )
    client.force_login(person(commune, Role.FRONT_OFFICER))
    assert (
        client.get(reverse("petitions:community:bo_reception", args=[commune.code])).status_code
        == 403
    )
