"""Reception days (tiếp công dân): the schedule, online booking, visitor records, weekly duty.

Luật Tiếp công dân 42/2013/QH13 Art. 15(2): the commune chair receives citizens at least one day
a week at the commune office, plus unscheduled reception in urgent cases (Art. 15(2)(d)).

How the weekly duty is counted (legal-spec §3.3; the law is silent on the details):

* weeks run Monday–Sunday; a week belongs to the period that contains its Monday, so that
  quarterly figures add up to the year's;
* a week is met when at least one reception day in it was held (scheduled or unscheduled,
  on any day of the week);
* a week with no working day at all on the commune's calendar (e.g. the Tết holiday week) is
  exempt: the duty is to receive on a working day at the office, and there is none. A week
  with at least one working day is required, even when holidays shorten it;
* a week that has not ended yet is pending: neither met nor flagged.

Booking never overfills a slot, even under concurrent requests: the slot's ``booked`` counter
moves by a conditional UPDATE (``booked < capacity``) and a CHECK constraint backs it; one
active booking per phone number and day is a unique constraint.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit, calendar
from danchu.petitions.community_checks import (
    WrongState,
    invalid,
    optional_text,
    required_text,
    valid_date,
)
from danchu.petitions.models import ReceptionBooking, ReceptionDay, ReceptionRecord, ReceptionSlot
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "ReceptionFigures",
    "SlotPlan",
    "WeekStatus",
    "reception_booking_cancel",
    "reception_booking_create",
    "reception_day_cancel",
    "reception_day_hold",
    "reception_day_schedule",
    "reception_figures",
    "reception_record_create",
    "reception_schedule",
    "reception_weeks",
]

MAX_CAPACITY = 50
MAX_SLOTS = 20


@dataclass(frozen=True)
class SlotPlan:
    starts_at: time
    ends_at: time
    capacity: int


# ---------------------------------------------------------------------------------------------
# Services


@transaction.atomic
def reception_day_schedule(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    on: date,
    host: str,
    place: str,
    slots: Sequence[SlotPlan] = (),
    ad_hoc: bool = False,
) -> ReceptionDay:
    """Put a reception day (and its bookable slots) on the commune's schedule."""
    require(actor, Action.RECEPTION_MANAGE, commune)
    valid_date(on, "date")
    host = required_text(host, "host", 200)
    place = required_text(place, "place", 300)
    if len(slots) > MAX_SLOTS:
        raise invalid("slots", _("At most %(max)d slots a day.") % {"max": MAX_SLOTS})
    for plan in slots:
        if plan.ends_at <= plan.starts_at:
            raise invalid("slots", _("A slot must end after it starts."))
        if not 1 <= plan.capacity <= MAX_CAPACITY:
            raise invalid("slots", _("A slot takes 1 to %(max)d people.") % {"max": MAX_CAPACITY})
    day = ReceptionDay.objects.create(
        commune=commune, date=on, host=host, place=place, ad_hoc=ad_hoc
    )
    ReceptionSlot.objects.bulk_create(
        ReceptionSlot(
            commune=commune, day=day, starts_at=p.starts_at, ends_at=p.ends_at, capacity=p.capacity
        )
        for p in slots
    )
    audit.record(
        actor=actor, action="petitions.reception_day.schedule", obj=day, commune_id=commune.pk,
        after={"date": on, "slots": len(slots), "ad_hoc": ad_hoc},
    )  # fmt: skip
    return day


@transaction.atomic
def reception_day_cancel(*, actor: Any, day: ReceptionDay) -> ReceptionDay:
    require(actor, Action.RECEPTION_MANAGE, day)
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    if day.status != ReceptionDay.Status.SCHEDULED:
        raise WrongState(_("Only a scheduled reception day can be cancelled."), code="wrong_state")
    day.status = ReceptionDay.Status.CANCELLED
    day.save(update_fields=["status"])
    audit.record(
        actor=actor, action="petitions.reception_day.cancel", obj=day, commune_id=day.commune_id,
        after={"status": day.status},
    )  # fmt: skip
    return day


def _mark_held(day: ReceptionDay, today: date) -> None:
    if day.status == ReceptionDay.Status.CANCELLED:
        raise WrongState(_("This reception day was cancelled."), code="wrong_state")
    if day.date > today:
        raise invalid("date", _("A reception day cannot be held before its date."))
    if day.status != ReceptionDay.Status.HELD:
        day.status = ReceptionDay.Status.HELD
        day.save(update_fields=["status"])


@transaction.atomic
def reception_day_hold(*, actor: Any, day: ReceptionDay, today: date | None = None) -> ReceptionDay:
    """Record that the reception took place (also done by the first visitor record)."""
    require(actor, Action.RECEPTION_MANAGE, day)
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    _mark_held(day, today or timezone.localdate())
    audit.record(
        actor=actor, action="petitions.reception_day.hold", obj=day, commune_id=day.commune_id,
        after={"status": day.status},
    )  # fmt: skip
    return day


def _phone(value: str | None) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isascii() and ch.isdigit())
    if not 9 <= len(digits) <= 11:
        raise invalid("phone", _("Enter a phone number of 9 to 11 digits."))
    return digits


def reception_booking_create(
    *,
    slot: ReceptionSlot,
    full_name: str,
    phone: str,
    subject: str,
    user: Any = None,
    today: date | None = None,
) -> ReceptionBooking:
    """A resident books a place in a slot (no sign-in needed; ``user`` when signed in)."""
    full_name = required_text(full_name, "full_name", 200)
    phone = _phone(phone)
    subject = required_text(subject, "subject", 500)
    today = today or timezone.localdate()
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().get(pk=slot.day_id)
        if day.status != ReceptionDay.Status.SCHEDULED or day.date < today:
            raise WrongState(_("This reception day is not open for booking."), code="closed")
        # The conditional UPDATE is the capacity rule: two concurrent bookings of the last
        # place cannot both move the counter.
        taken = ReceptionSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise WrongState(_("This slot is fully booked. Choose another one."), code="full")
        booking = ReceptionBooking(
            commune_id=day.commune_id, day=day, slot_id=slot.pk, code=_new_code(),
            full_name=full_name, phone=phone, subject=subject,
            user=user if getattr(user, "is_authenticated", False) else None,
        )  # fmt: skip
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            raise invalid(
                "phone", _("This phone number already has a booking on this reception day.")
            ) from error
        audit.record(
            actor=user, action="petitions.reception_booking.create", obj=booking,
            commune_id=day.commune_id, after={"slot": slot.pk},
        )  # fmt: skip
    return booking


def _new_code() -> str:
    # No 0/O, 1/I: read aloud over the phone.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def reception_booking_cancel(*, code: str, phone: str) -> ReceptionBooking:
    """The person who booked cancels with the booking code and the same phone number."""
    digits = "".join(ch for ch in (phone or "") if ch.isascii() and ch.isdigit())
    booking = (
        ReceptionBooking.objects.select_for_update()
        .filter(code=(code or "").strip().upper()[:12], phone=digits, cancelled=False)
        .first()
    )
    if booking is None:
        raise invalid("code", _("No active booking has this code and phone number."))
    booking.cancelled = True
    booking.save(update_fields=["cancelled"])
    ReceptionSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit.record(
        actor=None, action="petitions.reception_booking.cancel", obj=booking,
        commune_id=booking.commune_id,
    )  # fmt: skip
    return booking


@transaction.atomic
def reception_record_create(
    *,
    actor: Any,
    day: ReceptionDay,
    visitor_name: str,
    raised: str,
    outcome: str,
    received_by: str = "",
    visitor_contact: str = "",
    outcome_note: str = "",
    booking: ReceptionBooking | None = None,
    today: date | None = None,
) -> ReceptionRecord:
    """Enter one visitor in the reception book; the day counts as held from then on."""
    require(actor, Action.RECEPTION_MANAGE, day)
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    if outcome not in ReceptionRecord.Outcome.values:
        raise invalid("outcome", _("Choose an outcome from the list."))
    if booking is not None and booking.day_id != day.pk:
        raise invalid("booking", _("This booking is for another reception day."))
    record = ReceptionRecord.objects.create(
        commune_id=day.commune_id, day=day, booking=booking,
        visitor_name=required_text(visitor_name, "visitor_name", 200),
        visitor_contact=optional_text(visitor_contact, "visitor_contact", 300),
        received_by=required_text(received_by or day.host, "received_by", 200),
        raised=required_text(raised, "raised", 5000, multiline=True), outcome=outcome,
        outcome_note=optional_text(outcome_note, "outcome_note", 5000), recorded_by=actor,
    )  # fmt: skip
    if outcome == ReceptionRecord.Outcome.ACCEPTED:
        # Accepted for handling: the visit becomes a request with its own clock and tracking
        # code (Luật Tiếp công dân 2013 Art. 28), filed in the same transaction.
        record.request = _request_from_visit(actor, day, record)
        record.save(update_fields=["request"])
    _mark_held(day, today or timezone.localdate())
    # The visitor's name and what they raised stay out of the trail (personal data).
    audit.record(
        actor=actor, action="petitions.reception_record.create", obj=record,
        commune_id=day.commune_id, after={"day": day.pk, "outcome": outcome},
    )  # fmt: skip
    return record


def _request_from_visit(actor: Any, day: ReceptionDay, record: ReceptionRecord) -> Any:
    """File the request an accepted visit created; the official classifies it afterwards."""
    from danchu.core.vn import normalise_phone
    from danchu.petitions.models import RequestChannel
    from danchu.petitions.services import RequestData, request_submit

    phone = normalise_phone(record.visitor_contact) or ""
    first_line = record.raised.strip().splitlines()[0]
    data = RequestData(
        subject=first_line[:200], content=record.raised, full_name=record.visitor_name,
        phone=phone, address="" if phone else record.visitor_contact, received_on=day.date,
    )  # fmt: skip
    return request_submit(
        actor=actor, commune=day.commune, data=data, channel=RequestChannel.RECEPTION
    )


# ---------------------------------------------------------------------------------------------
# Selectors


def reception_schedule(
    commune: AdministrativeUnit, first: date, last: date
) -> QuerySet[ReceptionDay]:
    """Scheduled and held days in ``first``–``last`` with their slots (public: no personal data)."""
    slots = ReceptionSlot.objects.order_by("starts_at", "id")
    return (
        ReceptionDay.objects.filter(commune=commune, date__range=(first, last))
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("date", "id")
    )


@dataclass(frozen=True)
class WeekStatus:
    monday: date
    held_days: int
    status: str  # "met", "missing", "exempt", "pending"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def _mondays(first: date, last: date) -> list[date]:
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def reception_weeks(
    commune: AdministrativeUnit, first: date, last: date, *, today: date | None = None
) -> list[WeekStatus]:
    """Each week whose Monday lies in ``first``–``last``, with whether its duty was met.

    Two queries: the held days of the span, and the calendar's overrides (cached per year).
    """
    today = today or timezone.localdate()
    mondays = _mondays(first, last)
    if not mondays:
        return []
    held: dict[date, int] = {}
    dates = ReceptionDay.objects.filter(
        commune=commune,
        status=ReceptionDay.Status.HELD,
        date__range=(mondays[0], mondays[-1] + timedelta(days=6)),
    ).values_list("date", flat=True)
    for on in dates:
        monday = on - timedelta(days=on.weekday())
        held[monday] = held.get(monday, 0) + 1
    weeks = []
    for monday in mondays:
        count = held.get(monday, 0)
        if not any(
            calendar.is_working_day(monday + timedelta(days=n), commune=commune) for n in range(7)
        ):
            status = "exempt"  # a reception held anyway is counted in days_held, not weeks
        elif count:
            status = "met"
        elif monday + timedelta(days=6) >= today:
            status = "pending"
        else:
            status = "missing"
        weeks.append(WeekStatus(monday, count, status))
    return weeks


@dataclass(frozen=True)
class ReceptionFigures:
    """Reception in a period: weeks required vs met (Art. 15(2)), days held, visitors."""

    weeks_required: int
    weeks_met: int
    weeks_missing: list[date]
    weeks_exempt: int
    days_held: int
    visitors: int
    bookings: int


def reception_figures(
    commune: AdministrativeUnit, start: date, end: date, *, today: date | None = None
) -> ReceptionFigures:
    weeks = reception_weeks(commune, start, end, today=today)
    held = ReceptionDay.objects.filter(
        commune=commune, status=ReceptionDay.Status.HELD, date__range=(start, end)
    )
    return ReceptionFigures(
        weeks_required=sum(w.status in ("met", "missing") for w in weeks),
        weeks_met=sum(w.status == "met" for w in weeks),
        weeks_missing=[w.monday for w in weeks if w.status == "missing"],
        weeks_exempt=sum(w.status == "exempt" for w in weeks),
        days_held=held.count(),
        visitors=ReceptionRecord.objects.filter(day__in=held).count(),
        bookings=ReceptionBooking.objects.filter(
            commune=commune, cancelled=False, day__date__range=(start, end)
        ).count(),
    )
