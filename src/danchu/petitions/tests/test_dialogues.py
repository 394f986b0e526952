"""Dialogue conferences (Law 10/2022 Art. 32(1): at least one a year): questions, one support
per person, answers, commitments tracked to their deadlines, years without a dialogue."""

from __future__ import annotations

import datetime

import pytest

from danchu.accounts.models import Role
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.petitions import dialogues
from danchu.petitions.community_checks import WrongState
from danchu.petitions.models import Dialogue, DialogueCommitment
from danchu.petitions.tests.community_factories import person

D = datetime.date
HELD_ON = D(2026, 6, 15)


def _dialogue(official, commune, held_on=HELD_ON):
    return dialogues.dialogue_create(
        actor=official, commune=commune, title="Đối thoại giữa Chủ tịch UBND xã với Nhân dân",
        held_on=held_on, place="Hội trường UBND xã",
    )  # fmt: skip


def _held(official, commune, held_on=HELD_ON):
    dialogue = _dialogue(official, commune, held_on)
    return dialogues.dialogue_hold(
        actor=official, dialogue=dialogue, summary="Biên bản hội nghị", today=held_on
    )


def test_residents_ask_officials_run(commune, other_commune, official):
    resident = person(commune)
    with pytest.raises(PermissionDenied):
        _dialogue(resident, commune)
    dialogue = _dialogue(official, commune)
    question = dialogues.question_ask(actor=resident, dialogue=dialogue, text="Khi nào làm đường?")
    assert question.asker == resident
    stranger = person(other_commune)
    with pytest.raises(NotFound):
        dialogues.question_ask(actor=stranger, dialogue=dialogue, text="?")
    front = person(commune, Role.FRONT_OFFICER)
    with pytest.raises(PermissionDenied):
        dialogues.question_ask(actor=front, dialogue=dialogue, text="?")


def test_one_support_per_person(commune, official):
    dialogue = _dialogue(official, commune)
    asker, a, b = person(commune), person(commune), person(commune)
    question = dialogues.question_ask(actor=asker, dialogue=dialogue, text="Nước sạch?")
    dialogues.question_support(actor=a, question=question)
    with pytest.raises(WrongState) as error:
        dialogues.question_support(actor=a, question=question)
    assert error.value.code == "already_supported"
    assert dialogues.question_support(actor=b, question=question).supports == 2


def test_questions_are_gathered_only_before_the_dialogue(commune, official):
    dialogue = _held(official, commune)
    with pytest.raises(WrongState):
        dialogues.question_ask(actor=person(commune), dialogue=dialogue, text="Muộn?")


def test_asker_shown_only_when_they_chose(commune, official):
    dialogue = _dialogue(official, commune)
    named = dialogues.question_ask(
        actor=person(commune), dialogue=dialogue, text="A", show_name=True
    )
    hidden = dialogues.question_ask(actor=person(commune), dialogue=dialogue, text="B")
    assert named.public_asker == named.asker_name != ""
    assert hidden.public_asker == ""


def test_cannot_hold_before_its_date(commune, official):
    dialogue = _dialogue(official, commune)
    with pytest.raises(ValidationFailed):
        dialogues.dialogue_hold(
            actor=official, dialogue=dialogue, summary="x", today=HELD_ON - datetime.timedelta(1)
        )


def test_commitments_tracked_to_completion(commune, official):
    dialogue = _held(official, commune)
    with pytest.raises(ValidationFailed):
        dialogues.commitment_create(
            actor=official, dialogue=dialogue, text="x", responsible="UBND xã",
            due_on=HELD_ON - datetime.timedelta(1),
        )  # fmt: skip
    kept = dialogues.commitment_create(
        actor=official, dialogue=dialogue, text="Sửa đèn đường thôn 2", responsible="UBND xã",
        due_on=D(2026, 8, 31),
    )  # fmt: skip
    late = dialogues.commitment_create(
        actor=official, dialogue=dialogue, text="Nạo vét kênh", responsible="UBND xã",
        due_on=D(2026, 9, 30),
    )  # fmt: skip
    dialogues.commitment_fulfil(
        actor=official, commitment=kept, fulfilled_on=D(2026, 8, 31), result="Xong",
        today=D(2026, 9, 1),
    )  # fmt: skip
    assert not dialogues.commitment_overdue(late, D(2026, 9, 30))
    assert dialogues.commitment_overdue(late, D(2026, 10, 1))
    with pytest.raises(WrongState):
        dialogues.commitment_fulfil(
            actor=official, commitment=kept, fulfilled_on=D(2026, 9, 1), result="",
            today=D(2026, 9, 2),
        )  # fmt: skip
    figures = dialogues.dialogue_figures(
        commune, D(2026, 1, 1), D(2026, 12, 31), today=D(2026, 10, 1)
    )
    assert (figures.dialogues_held, figures.commitments) == (1, 2)
    assert (figures.fulfilled, figures.fulfilled_on_time, figures.overdue) == (1, 1, 1)


def test_commitments_need_a_held_dialogue(commune, official):
    dialogue = _dialogue(official, commune)
    with pytest.raises(WrongState):
        dialogues.commitment_create(
            actor=official, dialogue=dialogue, text="x", responsible="y", due_on=HELD_ON
        )


def test_year_without_dialogue_is_flagged_once_over(commune, official):
    _held(official, commune, D(2024, 12, 31))
    cancelled = _dialogue(official, commune, D(2025, 6, 1))
    dialogues.dialogue_cancel(actor=official, dialogue=cancelled)
    missing = dialogues.dialogue_years_missing(commune, 2024, 2026, today=D(2026, 12, 31))
    assert missing == [2025]  # 2026 is not over
    assert dialogues.dialogue_years_missing(commune, 2026, 2026, today=D(2027, 1, 1)) == [2026]
    assert Dialogue.objects.get(pk=cancelled.pk).status == Dialogue.Status.CANCELLED


def test_public_dialogues_hide_cancelled(commune, official):
    _held(official, commune)
    dialogues.dialogue_cancel(actor=official, dialogue=_dialogue(official, commune))
    assert [d.status for d in dialogues.public_dialogues(commune)] == [Dialogue.Status.HELD]
    assert DialogueCommitment.objects.count() == 0
