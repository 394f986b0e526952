"""Dialogue conferences of the commune with its residents (đối thoại), Law 10/2022 Art. 32(1).

The commune People's Committee holds at least one dialogue conference with the residents a
year (with the Fatherland Front). Before it, residents ask questions and support the ones they
care about (one support per person, a database constraint); at the conference the commune
answers and makes commitments, each with a deadline, tracked to completion and shown publicly.
Publicly, a question shows its asker's name only when they chose to be named.

A year without a held dialogue is flagged once the year is over; the current year is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.petitions.community_checks import (
    WrongState,
    invalid,
    optional_text,
    required_text,
    valid_date,
)
from danchu.petitions.models import (
    Dialogue,
    DialogueCommitment,
    DialogueQuestion,
    QuestionSupport,
)
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "DialogueFigures",
    "commitment_create",
    "commitment_fulfil",
    "commitment_overdue",
    "dialogue_cancel",
    "dialogue_create",
    "dialogue_figures",
    "dialogue_hold",
    "dialogue_years_missing",
    "public_dialogues",
    "public_dialogues_all",
    "question_answer",
    "question_ask",
    "question_support",
]


@transaction.atomic
def dialogue_create(
    *, actor: Any, commune: AdministrativeUnit, title: str, held_on: date, place: str
) -> Dialogue:
    require(actor, Action.DIALOGUE_MANAGE, commune)
    dialogue = Dialogue.objects.create(
        commune=commune, title=required_text(title, "title", 300),
        held_on=valid_date(held_on, "held_on"), place=required_text(place, "place", 300),
    )  # fmt: skip
    audit.record(
        actor=actor, action="petitions.dialogue.create", obj=dialogue, commune_id=commune.pk,
        after={"held_on": held_on},
    )  # fmt: skip
    return dialogue


def _locked(dialogue: Dialogue) -> Dialogue:
    return Dialogue.objects.select_for_update().get(pk=dialogue.pk)


@transaction.atomic
def dialogue_hold(
    *, actor: Any, dialogue: Dialogue, summary: str, today: date | None = None
) -> Dialogue:
    """Record that the conference took place, with its summary (minutes)."""
    require(actor, Action.DIALOGUE_MANAGE, dialogue)
    dialogue = _locked(dialogue)
    if dialogue.status != Dialogue.Status.PLANNED:
        raise WrongState(_("Only a planned dialogue can be recorded as held."), code="wrong_state")
    if dialogue.held_on > (today or timezone.localdate()):
        raise invalid("held_on", _("A dialogue cannot be recorded as held before its date."))
    dialogue.summary = required_text(summary, "summary", 20000, multiline=True)
    dialogue.status = Dialogue.Status.HELD
    dialogue.save(update_fields=["summary", "status"])
    audit.record(
        actor=actor, action="petitions.dialogue.hold", obj=dialogue,
        commune_id=dialogue.commune_id, after={"status": dialogue.status},
    )  # fmt: skip
    return dialogue


@transaction.atomic
def dialogue_cancel(*, actor: Any, dialogue: Dialogue) -> Dialogue:
    require(actor, Action.DIALOGUE_MANAGE, dialogue)
    dialogue = _locked(dialogue)
    if dialogue.status != Dialogue.Status.PLANNED:
        raise WrongState(_("Only a planned dialogue can be cancelled."), code="wrong_state")
    dialogue.status = Dialogue.Status.CANCELLED
    dialogue.save(update_fields=["status"])
    audit.record(
        actor=actor, action="petitions.dialogue.cancel", obj=dialogue,
        commune_id=dialogue.commune_id, after={"status": dialogue.status},
    )  # fmt: skip
    return dialogue


def _gathering(dialogue: Dialogue) -> None:
    if dialogue.status != Dialogue.Status.PLANNED:
        raise WrongState(
            _("Questions are gathered only before the dialogue."), code="not_gathering"
        )


@transaction.atomic
def question_ask(
    *, actor: Any, dialogue: Dialogue, text: str, show_name: bool = False
) -> DialogueQuestion:
    """A resident of the commune asks a question before the dialogue."""
    require(actor, Action.DIALOGUE_ASK, dialogue)
    dialogue = Dialogue.objects.get(pk=dialogue.pk)  # the current status, not the caller's copy
    _gathering(dialogue)
    question = DialogueQuestion.objects.create(
        commune_id=dialogue.commune_id, dialogue=dialogue,
        text=required_text(text, "text", 2000, multiline=True), asker=actor,
        asker_name=(getattr(actor, "full_name", "") or actor.get_username())[:200],
        show_name=bool(show_name),
    )  # fmt: skip
    audit.record(
        actor=actor, action="petitions.dialogue_question.ask", obj=question,
        commune_id=dialogue.commune_id, after={"dialogue": dialogue.pk},
    )  # fmt: skip
    return question


def question_support(*, actor: Any, question: DialogueQuestion) -> DialogueQuestion:
    """A resident supports a question: once per person (the unique constraint decides)."""
    require(actor, Action.DIALOGUE_ASK, question)
    with transaction.atomic():
        dialogue = Dialogue.objects.get(pk=question.dialogue_id)
        _gathering(dialogue)
        try:
            with transaction.atomic():
                QuestionSupport.objects.create(
                    commune_id=question.commune_id, question=question, user=actor
                )
        except IntegrityError as error:
            raise WrongState(
                _("You already support this question."), code="already_supported"
            ) from error
        DialogueQuestion.objects.filter(pk=question.pk).update(supports=F("supports") + 1)
        audit.record(
            actor=actor, action="petitions.dialogue_question.support", obj=question,
            commune_id=question.commune_id,
        )  # fmt: skip
    question.refresh_from_db(fields=["supports"])
    return question


@transaction.atomic
def question_answer(*, actor: Any, question: DialogueQuestion, answer: str) -> DialogueQuestion:
    require(actor, Action.DIALOGUE_MANAGE, question)
    question.answer = required_text(answer, "answer", 10000, multiline=True)
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    audit.record(
        actor=actor, action="petitions.dialogue_question.answer", obj=question,
        commune_id=question.commune_id,
    )  # fmt: skip
    return question


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    dialogue: Dialogue,
    text: str,
    responsible: str,
    due_on: date,
    question: DialogueQuestion | None = None,
) -> DialogueCommitment:
    """A commitment made at a held dialogue, with its deadline."""
    require(actor, Action.DIALOGUE_MANAGE, dialogue)
    dialogue = Dialogue.objects.get(pk=dialogue.pk)
    if dialogue.status != Dialogue.Status.HELD:
        raise WrongState(_("Commitments are recorded once the dialogue was held."), code="not_held")
    valid_date(due_on, "due_on")
    if due_on < dialogue.held_on:
        raise invalid("due_on", _("The deadline cannot be before the dialogue."))
    if question is not None and question.dialogue_id != dialogue.pk:
        raise invalid("question", _("This question belongs to another dialogue."))
    commitment = DialogueCommitment.objects.create(
        commune_id=dialogue.commune_id, dialogue=dialogue, question=question,
        text=required_text(text, "text", 5000, multiline=True),
        responsible=required_text(responsible, "responsible", 200), due_on=due_on,
    )  # fmt: skip
    audit.record(
        actor=actor, action="petitions.dialogue_commitment.create", obj=commitment,
        commune_id=dialogue.commune_id, after={"due_on": due_on},
    )  # fmt: skip
    return commitment


@transaction.atomic
def commitment_fulfil(
    *,
    actor: Any,
    commitment: DialogueCommitment,
    fulfilled_on: date,
    result: str,
    today: date | None = None,
) -> DialogueCommitment:
    require(actor, Action.DIALOGUE_MANAGE, commitment)
    commitment = DialogueCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status == DialogueCommitment.Status.FULFILLED:
        raise WrongState(_("This commitment is already fulfilled."), code="wrong_state")
    valid_date(fulfilled_on, "fulfilled_on")
    if fulfilled_on > (today or timezone.localdate()):
        raise invalid("fulfilled_on", _("The date cannot be in the future."))
    commitment.status = DialogueCommitment.Status.FULFILLED
    commitment.fulfilled_on = fulfilled_on
    commitment.result = optional_text(result, "result", 5000)
    commitment.save(update_fields=["status", "fulfilled_on", "result"])
    audit.record(
        actor=actor, action="petitions.dialogue_commitment.fulfil", obj=commitment,
        commune_id=commitment.commune_id, after={"fulfilled_on": fulfilled_on},
    )  # fmt: skip
    return commitment


# ---------------------------------------------------------------------------------------------
# Selectors


def public_dialogues_all() -> QuerySet[Dialogue]:
    """Planned and held dialogues, newest first, with questions and commitments prefetched."""
    return (
        Dialogue.objects.exclude(status=Dialogue.Status.CANCELLED)
        .prefetch_related(
            Prefetch("questions", queryset=DialogueQuestion.objects.order_by("-supports", "id")),
            Prefetch("commitments", queryset=DialogueCommitment.objects.order_by("due_on", "id")),
        )
        .order_by("-held_on", "-id")
    )


def public_dialogues(commune: AdministrativeUnit) -> QuerySet[Dialogue]:
    """The commune's public dialogues (a cancelled one is not shown)."""
    return public_dialogues_all().filter(commune=commune)


def commitment_overdue(commitment: DialogueCommitment, today: date) -> bool:
    return commitment.status == DialogueCommitment.Status.OPEN and commitment.due_on < today


def dialogue_years_missing(
    commune: AdministrativeUnit, first_year: int, last_year: int, *, today: date | None = None
) -> list[int]:
    """Ended years in ``first_year``–``last_year`` without a held dialogue (Art. 32(1))."""
    today = today or timezone.localdate()
    held = set(
        Dialogue.objects.filter(
            commune=commune,
            status=Dialogue.Status.HELD,
            held_on__year__gte=first_year,
            held_on__year__lte=last_year,
        ).values_list("held_on__year", flat=True)
    )
    return [y for y in range(first_year, last_year + 1) if y < today.year and y not in held]


@dataclass(frozen=True)
class DialogueFigures:
    """Dialogues held in a period, and the commitments they produced."""

    dialogues_held: int
    years_missing: list[int]
    commitments: int
    fulfilled: int
    fulfilled_on_time: int
    overdue: int


def dialogue_figures(
    commune: AdministrativeUnit, start: date, end: date, *, today: date | None = None
) -> DialogueFigures:
    """Commitments are those made at the dialogues held in the period, in their state today."""
    today = today or timezone.localdate()
    held = Dialogue.objects.filter(
        commune=commune, status=Dialogue.Status.HELD, held_on__range=(start, end)
    )
    done = Q(status=DialogueCommitment.Status.FULFILLED)
    counts = DialogueCommitment.objects.filter(dialogue__in=held).aggregate(
        total=Count("id"),
        fulfilled=Count("id", filter=done),
        on_time=Count("id", filter=done & Q(fulfilled_on__lte=F("due_on"))),
        overdue=Count("id", filter=Q(status=DialogueCommitment.Status.OPEN, due_on__lt=today)),
    )
    return DialogueFigures(
        dialogues_held=held.count(),
        years_missing=dialogue_years_missing(commune, start.year, end.year, today=today),
        commitments=counts["total"],
        fulfilled=counts["fulfilled"],
        fulfilled_on_time=counts["on_time"],
        overdue=counts["overdue"],
    )
