"""Reception days: the schedule, booking under capacity, the visitor book, weekly duty
(Luật Tiếp công dân 2013 Art. 15(2): at least one reception day a week)."""

from __future__ import annotations

import datetime

import pytest

from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.petitions import reception
from danchu.petitions.community_checks import WrongState
from danchu.petitions.models import ReceptionDay, ReceptionRecord, ReceptionSlot
from danchu.petitions.tests.community_factories import day, person

D = datetime.date
MONDAY = D(2026, 3, 2)
TODAY = D(2026, 3, 1)


def _book(slot, phone="0912345678", name="Nguyễn Văn An"):
    return reception.reception_booking_create(
        slot=slot, full_name=name, phone=phone, subject="Cấp giấy chứng nhận đất", today=TODAY
    )


def test_only_officials_of_the_commune_schedule(commune, other_commune, official):
    resident = person(commune)
    with pytest.raises(PermissionDenied):
        day(resident, commune, MONDAY)
    with pytest.raises(NotFound):
        day(official, other_commune, MONDAY)
    created = day(official, commune, MONDAY, slots=2)
    assert created.slots.count() == 2
    assert AuditEntry.objects.filter(action="petitions.reception_day.schedule").count() == 1


def test_slot_must_end_after_it_starts(commune, official):
    plan = reception.SlotPlan(datetime.time(9), datetime.time(9), 3)
    with pytest.raises(ValidationFailed) as error:
        reception.reception_day_schedule(
            actor=official, commune=commune, on=MONDAY, host="A", place="B", slots=[plan]
        )
    assert "slots" in error.value.fields


def test_capacity_is_never_exceeded(commune, official):
    slot = day(official, commune, MONDAY, capacity=2).slots.get()
    _book(slot, "0900000001")
    _book(slot, "0900000002")
    with pytest.raises(WrongState) as error:
        _book(slot, "0900000003")
    assert error.value.code == "full"
    slot.refresh_from_db()
    assert (slot.booked, slot.bookings.count()) == (2, 2)


def test_one_booking_per_phone_and_day(commune, official):
    reception_day = day(official, commune, MONDAY, capacity=5, slots=2)
    first, second = reception_day.slots.all()
    _book(first, "0912 345 678")
    with pytest.raises(ValidationFailed) as error:
        _book(second, "0912345678")
    assert "phone" in error.value.fields
    second.refresh_from_db()
    assert second.booked == 0  # the refused booking did not take a place


def test_cancelling_frees_the_place(commune, official):
    slot = day(official, commune, MONDAY, capacity=1).slots.get()
    booking = _book(slot)
    with pytest.raises(ValidationFailed):
        reception.reception_booking_cancel(code=booking.code, phone="0999999999")
    reception.reception_booking_cancel(code=booking.code.lower(), phone="0912345678")
    assert _book(slot).pk != booking.pk  # the same person may book again


def test_past_or_cancelled_days_are_not_bookable(commune, official):
    past = day(official, commune, D(2026, 2, 27)).slots.get()
    with pytest.raises(WrongState):
        _book(past)
    cancelled = day(official, commune, MONDAY)
    reception.reception_day_cancel(actor=official, day=cancelled)
    with pytest.raises(WrongState):
        _book(cancelled.slots.get())


@pytest.mark.parametrize("phone", ["", "12345678", "091234567890", "０９１２３４５６７８"])
def test_phone_numbers_are_checked(commune, official, phone):
    slot = day(official, commune, MONDAY).slots.get()
    with pytest.raises(ValidationFailed):
        _book(slot, phone)


def test_record_marks_the_day_held_and_keeps_personal_data_out_of_the_trail(commune, official):
    reception_day = day(official, commune, MONDAY)
    record = reception.reception_record_create(
        actor=official, day=reception_day, visitor_name="Trần Thị Bình",
        raised="Tranh chấp lối đi chung", outcome=ReceptionRecord.Outcome.ACCEPTED,
        today=MONDAY,
    )  # fmt: skip
    reception_day.refresh_from_db()
    assert reception_day.status == ReceptionDay.Status.HELD
    assert record.received_by == "Chủ tịch UBND xã"
    entry = AuditEntry.objects.get(action="petitions.reception_record.create")
    assert "Bình" not in str(entry.after)
    assert "lối đi" not in str(entry.after)


def test_a_day_is_not_held_before_its_date(commune, official):
    reception_day = day(official, commune, MONDAY)
    with pytest.raises(ValidationFailed):
        reception.reception_day_hold(actor=official, day=reception_day, today=MONDAY - D.resolution)


def _held(official, commune, on):
    reception.reception_day_hold(actor=official, day=day(official, commune, on), today=on)


def test_weeks_one_day_passes_none_is_flagged_monday_to_sunday(commune, official):
    _held(official, commune, D(2026, 3, 8))  # the Sunday of the week of 2 March
    _held(official, commune, D(2026, 3, 16))  # Monday of the week of 16 March
    weeks = reception.reception_weeks(commune, D(2026, 3, 1), D(2026, 3, 22), today=D(2026, 6, 1))
    assert [(w.monday, w.status) for w in weeks] == [
        (D(2026, 3, 2), "met"),
        (D(2026, 3, 9), "missing"),
        (D(2026, 3, 16), "met"),
    ]


def test_tet_week_without_working_days_is_exempt(commune, official):
    weeks = reception.reception_weeks(commune, D(2026, 2, 9), D(2026, 2, 23), today=D(2026, 6, 1))
    assert [w.status for w in weeks] == ["missing", "exempt", "missing"]


def test_a_week_not_over_is_pending(commune):
    weeks = reception.reception_weeks(commune, D(2026, 3, 2), D(2026, 3, 2), today=D(2026, 3, 8))
    assert weeks[0].status == "pending"
    weeks = reception.reception_weeks(commune, D(2026, 3, 2), D(2026, 3, 2), today=D(2026, 3, 9))
    assert weeks[0].status == "missing"


def test_reception_figures(commune, official):
    _held(official, commune, D(2026, 3, 4))
    booked = day(official, commune, D(2026, 3, 11))
    _book(booked.slots.get())
    figures = reception.reception_figures(
        commune, D(2026, 3, 1), D(2026, 3, 31), today=D(2026, 6, 1)
    )
    assert figures.weeks_required == 5  # the weeks of 2, 9, 16, 23 and 30 March
    assert figures.weeks_met == 1
    assert len(figures.weeks_missing) == 4
    assert (figures.days_held, figures.bookings) == (1, 1)


def test_slot_counter_is_backed_by_a_check_constraint(commune, official):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    slot = day(official, commune, MONDAY, capacity=1).slots.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 2)
