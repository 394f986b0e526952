"""Sending a community decision to the commune and its recognition (Law 10/2022 Art. 20(3),
21(2); Decree 59/2023 Art. 8; Decree 61/2023 Art. 11), counted in working days."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.core import calendar
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import recognition, services
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

pytestmark = pytest.mark.django_db
D = datetime.date
# Friday 24 April 2026; then the Hùng Kings' day off (Mon 27/4), 30/4 and 1/5 are holidays.
HELD = D(2026, 4, 24)
SENT = D(2026, 4, 28)
Recognition = MatterVillage.Recognition


@pytest.fixture
def small(commune):
    return make_village(commune, households=5)


def _decided(actor, village, matter_type=MatterType.OTHER, held_on=HELD):
    """A closed meeting matter of ``village``: 5 of 5 present, 3 for the first option."""
    candidates = ["Nguyễn Văn A"] if matter_type in (4, 5) else None
    matter = make_matter(actor, [village], matter_type, candidates=candidates)
    open_meeting(actor, matter, notice_on=held_on - datetime.timedelta(days=10), held_on=held_on)
    mv = matter_village(matter)
    services.meeting_attendance_record(
        actor=actor, matter_village=mv, household_ids=[h.pk for h in households_of(village)]
    )
    first = Option.objects.filter(matter=matter).order_by("position")[0]
    services.meeting_result_record(actor=actor, matter_village=mv, counts={first.pk: 3})
    services.matter_close(actor=actor, matter=matter)
    return matter_village(matter)


def _sent(actor, village, matter_type=MatterType.CONVENTION, sent_on=SENT):
    mv = _decided(actor, village, matter_type)
    return recognition.decision_send(actor=actor, matter_village=mv, sent_on=sent_on)


def _audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- sending: Art. 20(3), 5 working days ------------------------------------------------------


def test_the_send_deadline_is_five_working_days_across_the_holidays(small, official):
    mv = _decided(official, small)
    # Tue 28, Wed 29, (Thu 30/4, Fri 1/5 holidays, weekend), Mon 4, Tue 5, Wed 6 May.
    assert recognition.send_due(mv) == D(2026, 5, 6)
    assert recognition.send_due(mv) == calendar.add_working_days(HELD, 5, commune=mv.commune_id)


def test_sending_on_the_last_day_is_on_time(small, official):
    mv = _decided(official, small)
    mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=D(2026, 5, 6))
    assert mv.decision_sent_on == D(2026, 5, 6)
    assert not recognition.sent_late(mv)
    entry = _audit("decisions.decision.send")[0]
    assert entry.after["late"] is False
    assert entry.after["due"] == "2026-05-06"
    assert entry.commune_id == small.commune_id


def test_a_late_sending_is_recorded_not_refused(small, official):
    mv = _decided(official, small)
    mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=D(2026, 5, 7))
    assert mv.decision_sent_on == D(2026, 5, 7)
    assert recognition.sent_late(mv)
    assert _audit("decisions.decision.send")[0].after["late"] is True


def test_a_ballot_or_online_clock_starts_at_the_deadline(small, official):
    mv = _decided(official, small)
    # A ballot closing on Friday 24 April 2026 at 23:00 local time counts from that Friday.
    mv.form = "ballot"
    mv.closes_at = datetime.datetime(2026, 4, 24, 23, 0, tzinfo=calendar.TIME_ZONE)
    assert recognition.decided_on(mv) == HELD
    assert recognition.send_due(mv) == D(2026, 5, 6)


@pytest.mark.parametrize(
    ("matter_type", "expected"),
    [
        (MatterType.CONTRIBUTIONS, Recognition.NOT_NEEDED),
        (MatterType.COMMUNITY_FINANCES, Recognition.NOT_NEEDED),
        (MatterType.OTHER, Recognition.NOT_NEEDED),
        (MatterType.CONVENTION, Recognition.PENDING),
        (MatterType.VILLAGE_HEAD, Recognition.PENDING),
        (MatterType.BOARD_MEMBERS, Recognition.PENDING),
    ],
)
def test_clauses_one_two_six_take_effect_from_the_vote(small, official, matter_type, expected):
    mv = _sent(official, small, matter_type)
    assert mv.recognition == expected
    if expected == Recognition.NOT_NEEDED:
        with pytest.raises(services.WrongState) as exc:
            recognition.decision_recognise(
                actor=official_of(small.commune, Role.COMMUNE_CHAIR), matter_village=mv,
                on=D(2026, 4, 29),
            )  # fmt: skip
        assert exc.value.code == "recognition_not_needed"
        assert "Điều 21(2)" in exc.value.message


def test_only_a_closed_matter_is_sent_and_only_once(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter, notice_on=D(2026, 4, 14), held_on=HELD)
    with pytest.raises(services.WrongState) as exc:
        recognition.decision_send(
            actor=official, matter_village=matter_village(matter), sent_on=D(2026, 4, 28)
        )
    assert exc.value.code == "matter_not_closed"
    mv = _sent(official, small)
    with pytest.raises(services.WrongState) as exc:
        recognition.decision_send(actor=official, matter_village=mv, sent_on=D(2026, 4, 29))
    assert exc.value.code == "decision_already_sent"


def test_the_sending_day_is_checked(small, official):
    mv = _decided(official, small)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    for bad in (D(2026, 4, 23), tomorrow, "2026-04-28", None):
        with pytest.raises(ValidationFailed) as exc:
            recognition.decision_send(actor=official, matter_village=mv, sent_on=bad)
        assert "sent_on" in exc.value.fields
    mv.refresh_from_db()
    assert mv.decision_sent_on is None
    assert not _audit("decisions.decision.send")


# --- recognition: Art. 21(2), 5 working days ---------------------------------------------------


def test_the_recognition_deadline_is_five_working_days_after_receipt(small, official):
    mv = _decided(official, small, MatterType.CONVENTION)
    assert recognition.recognition_due(mv) is None  # not sent yet
    # Sent Friday 28 August 2026: Mon 31/8, 1/9, 2/9 are days off → Thu 3 … Wed 9 September.
    mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=D(2026, 8, 28))
    assert recognition.recognition_due(mv) == D(2026, 9, 9)


def test_overdue_recognitions_start_the_day_after_the_deadline(
    commune, other_commune, small, official
):
    mv = _sent(official, small, sent_on=D(2026, 4, 28))
    due = recognition.recognition_due(mv)
    assert due == D(2026, 5, 7)  # Wed 29, Mon 4, Tue 5, Wed 6, Thu 7 May
    assert recognition.overdue_recognitions(commune, due) == []
    assert recognition.overdue_recognitions(commune, due + datetime.timedelta(days=1)) == [mv]
    assert recognition.overdue_recognitions(other_commune, D(2026, 6, 1)) == []
    chair = official_of(commune, Role.COMMUNE_CHAIR)
    recognition.decision_recognise(actor=chair, matter_village=mv, on=D(2026, 5, 8))
    assert recognition.overdue_recognitions(commune, D(2026, 6, 1)) == []


def test_the_chair_recognises_a_convention_late_recognition_is_recorded(small, official):
    mv = _sent(official, small, sent_on=D(2026, 4, 28))
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    mv = recognition.decision_recognise(actor=chair, matter_village=mv, on=D(2026, 5, 8))
    assert (mv.recognition, mv.recognition_on) == (Recognition.RECOGNISED, D(2026, 5, 8))
    assert recognition.recognition_late(mv)
    entry = _audit("decisions.decision.recognise")[0]
    assert entry.after["late"] is True
    assert entry.after["recognition"] == Recognition.RECOGNISED
    with pytest.raises(services.WrongState) as exc:
        recognition.decision_refuse(
            actor=chair, matter_village=mv, on=D(2026, 5, 8), reasons="Trái pháp luật"
        )
    assert exc.value.code == "recognition_decided"


def test_a_refusal_needs_its_reasons(small, official):
    mv = _sent(official, small)
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    for reasons in ("", "   ", None, "x\x00y", "x" * (recognition.REASONS_MAX + 1)):
        with pytest.raises(ValidationFailed) as exc:
            recognition.decision_refuse(
                actor=chair, matter_village=mv, on=D(2026, 4, 29), reasons=reasons
            )
        assert "reasons" in exc.value.fields
    mv.refresh_from_db()
    assert mv.recognition == Recognition.PENDING
    mv = recognition.decision_refuse(
        actor=chair, matter_village=mv, on=D(2026, 4, 29),
        reasons="  Hương ước có nội dung trái với Luật Đất đai.  ",
    )  # fmt: skip
    assert mv.recognition == Recognition.REFUSED
    assert mv.refusal_reason == "Hương ước có nội dung trái với Luật Đất đai."
    assert _audit("decisions.decision.refuse")[0].after["reasons"] == mv.refusal_reason
    with pytest.raises(services.WrongState) as exc:
        recognition.decision_recognise(actor=chair, matter_village=mv, on=D(2026, 4, 30))
    assert exc.value.code == "recognition_decided"


def test_nothing_is_recognised_before_it_is_sent(small, official):
    mv = _decided(official, small, MatterType.CONVENTION)
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    with pytest.raises(services.WrongState) as exc:
        recognition.decision_recognise(actor=chair, matter_village=mv, on=D(2026, 4, 29))
    assert exc.value.code == "decision_not_sent"


def test_recognition_is_not_before_receipt(small, official):
    mv = _sent(official, small, sent_on=D(2026, 4, 28))
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    with pytest.raises(ValidationFailed) as exc:
        recognition.decision_recognise(actor=chair, matter_village=mv, on=D(2026, 4, 27))
    assert "on" in exc.value.fields


# --- who may do what ---------------------------------------------------------------------------


def test_the_village_head_sends_but_does_not_recognise(small):
    head = village_head(small)
    mv = _decided(head, small, MatterType.CONVENTION)
    mv = recognition.decision_send(actor=head, matter_village=mv, sent_on=D(2026, 4, 28))
    assert mv.recognition == Recognition.PENDING
    with pytest.raises(PermissionDenied):
        recognition.decision_recognise(actor=head, matter_village=mv, on=D(2026, 4, 29))
    with pytest.raises(PermissionDenied):
        recognition.decision_refuse(
            actor=head, matter_village=mv, on=D(2026, 4, 29), reasons="Không"
        )


def test_an_official_who_is_not_the_chair_does_not_recognise(small, official):
    mv = _sent(official, small, MatterType.VILLAGE_HEAD)
    with pytest.raises(PermissionDenied):
        recognition.decision_recognise(actor=official, matter_village=mv, on=D(2026, 4, 29))
    front = official_of(small.commune, Role.FRONT_OFFICER)
    with pytest.raises(PermissionDenied):  # clause 4 is the UBND xã's, not the Front's
        recognition.decision_recognise(actor=front, matter_village=mv, on=D(2026, 4, 29))


def test_the_commune_front_recognises_board_members(small, official):
    mv = _sent(official, small, MatterType.BOARD_MEMBERS)
    with pytest.raises(PermissionDenied):
        recognition.decision_recognise(actor=official, matter_village=mv, on=D(2026, 4, 29))
    front = official_of(small.commune, Role.FRONT_OFFICER)
    mv = recognition.decision_recognise(actor=front, matter_village=mv, on=D(2026, 4, 29))
    assert mv.recognition == Recognition.RECOGNISED


def test_another_commune_gets_not_found(small, official, other_commune):
    mv = _decided(official, small, MatterType.CONVENTION)
    with pytest.raises(NotFound):
        recognition.decision_send(
            actor=official_of(other_commune), matter_village=mv, sent_on=D(2026, 4, 28)
        )
    mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=D(2026, 4, 28))
    for role in (Role.COMMUNE_CHAIR, Role.FRONT_OFFICER):
        with pytest.raises(NotFound):
            recognition.decision_recognise(
                actor=official_of(other_commune, role), matter_village=mv, on=D(2026, 4, 29)
            )
    mv.refresh_from_db()
    assert mv.recognition == Recognition.PENDING


def test_the_refusal_rule_is_said_in_vietnamese(small, official):
    from django.utils import translation

    mv = _sent(official, small)
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        recognition.decision_refuse(actor=chair, matter_village=mv, on=SENT, reasons=" ")
    assert "bằng văn bản" in exc.value.fields["reasons"][0]
    assert "Điều 21(2)" in exc.value.fields["reasons"][0]


def test_a_decision_not_adopted_is_not_recognised(small, official):
    # 2 of 5 households: an election or convention that failed has nothing to recognise
    # (a failed election goes to a re-election, Decree 59/2023 Art. 8).
    mv = _sent(official, small)
    MatterVillage.objects.filter(pk=mv.pk).update(adopted=False)
    mv.refresh_from_db()
    chair = official_of(small.commune, Role.COMMUNE_CHAIR)
    with pytest.raises(ApplicationError) as exc:
        recognition.decision_recognise(actor=chair, matter_village=mv, on=SENT)
    assert exc.value.code == "not_adopted"
