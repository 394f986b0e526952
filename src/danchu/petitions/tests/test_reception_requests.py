"""A visit accepted at a reception day becomes a request (Luật Tiếp công dân Art. 28)."""

import datetime

import pytest

from danchu.petitions import reception
from danchu.petitions.models import CitizenRequest, ReceptionRecord, RequestChannel
from danchu.petitions.tests.community_factories import day

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def _record(official, commune, outcome, contact="0912 345 678"):
    return reception.reception_record_create(
        actor=official, day=day(official, commune, MONDAY), visitor_name="Trần Thị Bình",
        visitor_contact=contact, raised="Tranh chấp lối đi chung\nNhà bên lấn 1 m đất",
        outcome=outcome, today=MONDAY,
    )  # fmt: skip


def test_an_accepted_visit_files_a_request_with_the_visitor_as_requester(commune, official):
    record = _record(official, commune, ReceptionRecord.Outcome.ACCEPTED)
    filed = CitizenRequest.objects.get()
    assert record.request == filed
    assert filed.channel == RequestChannel.RECEPTION
    assert filed.received_on == MONDAY
    assert filed.subject == "Tranh chấp lối đi chung"
    assert filed.identity.full_name == "Trần Thị Bình"
    assert filed.identity.phone == "0912345678"


def test_a_visit_answered_on_the_spot_files_nothing(commune, official):
    record = _record(official, commune, ReceptionRecord.Outcome.ANSWERED)
    assert record.request is None
    assert not CitizenRequest.objects.exists()


def test_a_contact_that_is_not_a_phone_is_kept_as_the_address(commune, official):
    _record(official, commune, ReceptionRecord.Outcome.ACCEPTED, contact="xóm Đông, thôn 3")
    identity = CitizenRequest.objects.get().identity
    assert (identity.phone, identity.address) == ("", "xóm Đông, thôn 3")
