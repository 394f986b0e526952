"""Pages for sending a village's decision to the commune and its recognition or written refusal
(Law 10/2022 Art. 20(3), 21(2): 5 working days each), with due dates and what is overdue."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.decisions import services
from danchu.decisions.models import MatterVillage, Option
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db
D = datetime.date
# Friday 24 April 2026; Mon 27/4 (Hùng Kings), Thu 30/4 and Fri 1/5 are days off: the 5 working
# days to send end on Wednesday 6 May.
HELD = D(2026, 4, 24)
SEND_DUE = D(2026, 5, 6)
Recognition = MatterVillage.Recognition


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def _decided(actor, village, matter_type=MatterType.CONVENTION, held_on=HELD):
    """A closed meeting matter adopted by all of the village's households present."""
    candidates = ["Nguyễn Văn A"] if matter_type in (4, 5) else None
    matter = make_matter(actor, [village], matter_type, candidates=candidates)
    open_meeting(actor, matter, notice_on=held_on - datetime.timedelta(days=10), held_on=held_on)
    mv = matter_village(matter)
    households = households_of(village)
    services.meeting_attendance_record(
        actor=actor, matter_village=mv, household_ids=[h.pk for h in households]
    )
    first = Option.objects.filter(matter=matter).order_by("position")[0]
    services.meeting_result_record(
        actor=actor, matter_village=mv, counts={first.pk: len(households)}
    )
    services.matter_close(actor=actor, matter=matter)
    return matter_village(matter)


def _day(value):
    return value.strftime("%Y-%m-%d")


def test_due_dates_sending_and_recognition(client, official, chair, commune):
    village = make_village(commune, households=3)
    mv = _decided(official, village)
    client.force_login(official)
    page = client.get(url("bo_recognition", mv.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    html = page.content.decode()
    assert "06/05/2026" in html  # 5 working days across the holidays
    assert "quá hạn" in html  # not sent, and the last day is long past
    assert 'name="sent_on"' in html
    assert 'name="reasons"' not in html  # an official does not recognise: the UBND xã does

    # Sent on the last day: in time; recognition due 5 working days later (Wed 13 May).
    assert (
        client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(SEND_DUE)}).status_code == 302
    )
    mv.refresh_from_db()
    assert (mv.decision_sent_on, mv.recognition) == (SEND_DUE, Recognition.PENDING)
    html = client.get(url("bo_recognition", mv.pk)).content.decode()
    assert "trễ hạn" not in html
    assert "13/05/2026" in html
    # The official cannot recognise (Art. 21(2): the commune People's Committee decides).
    assert (
        client.post(url("bo_decision_recognise", mv.pk), {"on": _day(SEND_DUE)}).status_code == 403
    )

    client.force_login(chair)
    assert 'name="reasons"' in client.get(url("bo_recognition", mv.pk)).content.decode()
    late = D(2026, 5, 14)  # the day after the last one
    assert client.post(url("bo_decision_recognise", mv.pk), {"on": _day(late)}).status_code == 302
    mv.refresh_from_db()
    assert (mv.recognition, mv.recognition_on) == (Recognition.RECOGNISED, late)
    html = client.get(url("bo_recognition", mv.pk)).content.decode()
    assert "trễ hạn" in html  # recognised, but after the 5 working days
    again = client.post(url("bo_decision_refuse", mv.pk), {"on": _day(late), "reasons": "Sai."})
    assert again.status_code == 409


def test_sent_a_day_late_is_recorded_as_late(client, official, commune):
    mv = _decided(official, make_village(commune, households=2), MatterType.OTHER)
    client.force_login(official)
    after = SEND_DUE + datetime.timedelta(days=1)
    assert client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(after)}).status_code == 302
    mv.refresh_from_db()
    # Art. 21(2): an "other matter" is in force from the vote — nothing to recognise.
    assert mv.recognition == Recognition.NOT_NEEDED
    assert "trễ hạn" in client.get(url("bo_recognition", mv.pk)).content.decode()


def test_field_errors(client, official, chair, commune):
    mv = _decided(official, make_village(commune, households=2))
    client.force_login(official)
    for data in ({}, {"sent_on": "31/02/2026"}, {"sent_on": "x" * 40}):
        response = client.post(url("bo_decision_send", mv.pk), data)
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(future)})
    assert response.status_code == 400
    assert "Ngày này chưa đến." in response.content.decode()
    before = HELD - datetime.timedelta(days=1)
    assert client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(before)}).status_code == 400
    mv.refresh_from_db()
    assert mv.decision_sent_on is None

    client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(SEND_DUE)})
    client.force_login(chair)
    no_reasons = client.post(url("bo_decision_refuse", mv.pk), {"on": _day(SEND_DUE)})
    assert no_reasons.status_code == 400
    assert "Điều 21" in no_reasons.content.decode()
    refused = client.post(
        url("bo_decision_refuse", mv.pk),
        {"on": _day(SEND_DUE), "reasons": "Trái với quy định của pháp luật về đất đai."},
    )
    assert refused.status_code == 302
    mv.refresh_from_db()
    assert mv.recognition == Recognition.REFUSED
    assert "pháp luật về đất đai" in client.get(url("bo_recognition", mv.pk)).content.decode()


def test_front_recognises_board_members_and_permissions(client, official, commune, other_commune):
    village = make_village(commune, households=2)
    mv = _decided(official, village, MatterType.BOARD_MEMBERS)
    client.force_login(official)
    client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(SEND_DUE)})
    front = official_of(commune, role=Role.FRONT_OFFICER)
    client.force_login(front)
    assert 'name="reasons"' in client.get(url("bo_recognition", mv.pk)).content.decode()
    assert (
        client.post(url("bo_decision_recognise", mv.pk), {"on": _day(SEND_DUE)}).status_code == 302
    )

    client.force_login(official_of(other_commune))
    assert client.get(url("bo_recognition", mv.pk)).status_code == 404
    assert client.post(url("bo_decision_send", mv.pk), {"sent_on": "2026-05-06"}).status_code == 404
    client.force_login(village_head(make_village(commune, households=1)))
    assert client.get(url("bo_recognition", mv.pk)).status_code == 403


def test_an_open_matter_cannot_be_sent(client, official, commune):
    village = make_village(commune, households=2)
    matter = open_meeting(official, make_matter(official, [village]))
    mv = matter_village(matter)
    client.force_login(official)
    assert 'name="sent_on"' not in client.get(url("bo_recognition", mv.pk)).content.decode()
    today = timezone.localdate()
    assert client.post(url("bo_decision_send", mv.pk), {"sent_on": _day(today)}).status_code == 409


def _register_queries(client, commune):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("bo_recognition_register", commune.code))
    assert response.status_code == 200
    return len(queries), response


def test_register_marks_overdue_and_its_queries_do_not_grow(client, official, commune):
    village = make_village(commune, households=2)
    client.force_login(official)
    waiting = _decided(official, village)
    sent = _decided(official, village)
    client.post(url("bo_decision_send", sent.pk), {"sent_on": _day(SEND_DUE)})
    _register_queries(client, commune)
    few, response = _register_queries(client, commune)
    assert_accessible(response.content)
    html = response.content.decode()
    assert html.count("quá hạn") >= 2  # one not sent, one not recognised: both long past
    assert url("bo_recognition", waiting.pk) in html
    for _ in range(4):
        _decided(official, village)
    many, _response = _register_queries(client, commune)
    assert many == few
    only = client.get(url("bo_recognition_register", commune.code), {"only": "waiting"})
    assert only.status_code == 200
