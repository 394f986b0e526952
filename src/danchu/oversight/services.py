"""Writes of the oversight boards: one function per use case, atomic, with its audit entry.

Law 10/2022/QH15 Art. 30–45, Decree 59/2023/NĐ-CP Art. 12–19. The rules live in
:mod:`danchu.oversight.rules`; these services apply them to rows and refuse, with the field
and the article, what the law does not allow. Reminders and escalation go through the
notification outbox (:func:`recommendations_sweep`, run daily by ``danchu oversight-sweep``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.permissions import Action, can, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, NotFound, ValidationFailed, WrongState
from danchu.core.text import fold_vi
from danchu.core.validation import FieldErrors, acting_person, clean_text
from danchu.decisions import selectors as decisions
from danchu.decisions.models import MatterVillage
from danchu.decisions.rules import MatterType
from danchu.notifications.services import notify
from danchu.oversight import rules, selectors
from danchu.oversight.models import (
    BoardKind,
    BoardPlan,
    Concern,
    FundingSource,
    Inspection,
    InspectionBoard,
    InspectionBoardMember,
    InspectionPhoto,
    InvestorDocument,
    Milestone,
    Position,
    Recommendation,
    SupervisedWork,
    SupervisionBoard,
    SupervisionBoardMember,
)
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "REMIND_DAYS_BEFORE",
    "CONCERNS_PER_HOUR",
    "SweepResult",
    "TooManyConcerns",
    "WrongState",
    "board_plan_create",
    "concern_handle",
    "concern_submit",
    "inspection_board_create",
    "inspection_board_recognise",
    "inspection_member_elect",
    "inspection_member_leave",
    "inspection_member_position_set",
    "inspection_members_seat_from_election",
    "may_seat",
    "require_seater",
    "inspection_photo_add",
    "inspection_plan",
    "inspection_record",
    "investor_document_receive",
    "investor_document_request",
    "milestone_add",
    "milestone_done",
    "recommendation_answer",
    "recommendation_close",
    "recommendation_make",
    "recommendations_sweep",
    "supervised_work_complete",
    "supervised_work_create",
    "supervised_work_progress",
    "supervision_member_add",
    "supervision_plan_send",
]

# Concerns one address may send within an hour (the form needs no sign-in).
CONCERNS_PER_HOUR = 5
# A reminder goes to the commune this many days before the answer is due.
REMIND_DAYS_BEFORE = 3
TEXT_MAX, NAME_MAX, LONG_MAX = 300, 200, 10000
CHECKLIST_MAX = 50
PHOTO_EXTENSIONS = ("png", "jpg", "jpeg")
# Commune officials and non-professional workers of the commune or village cannot sit on the
# Inspection Board (Law 10/2022 Art. 37); their active roles show who they are.
_INELIGIBLE_ROLES = (Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL, Role.VILLAGE_HEAD)


class TooManyConcerns(ApplicationError):
    """One address sent too many concerns within the hour."""

    status = 429


def _refuse(name: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={name: [message]})


def _users_with_role(commune_id: int, roles: Iterable[str], on: date) -> list[Any]:
    rows = (
        RoleAssignment.objects.active(on)
        .filter(commune_id=commune_id, role__in=list(roles))
        .select_related("user")
    )
    return [row.user for row in rows]


# --- People's Inspection Board ---------------------------------------------------------------


@transaction.atomic
def inspection_board_create(
    *, actor: Any, commune: AdministrativeUnit, term_starts_on: date, term_ends_on: date
) -> InspectionBoard:
    """A new term of the commune's Inspection Board (its term is the village heads', Art. 36(2))."""
    require(actor, Action.BOARD_MANAGE, commune)
    if term_ends_on <= term_starts_on:
        raise _refuse("term_ends_on", _("The term must end after it starts."))
    overlapping = InspectionBoard.objects.filter(
        commune=commune, term_starts_on__lt=term_ends_on, term_ends_on__gt=term_starts_on
    )
    if overlapping.exists():
        raise _refuse("term_starts_on", _("Another board's term overlaps these dates."))
    board = InspectionBoard.objects.create(
        commune=commune, term_starts_on=term_starts_on, term_ends_on=term_ends_on
    )
    audit.record(
        actor=acting_person(actor), action="oversight.inspection_board.create", obj=board,
        commune_id=commune.pk,
        after={"term_starts_on": term_starts_on, "term_ends_on": term_ends_on},
    )  # fmt: skip
    return board


def _sitting(board: InspectionBoard) -> list[InspectionBoardMember]:
    return list(board.members.filter(left_on__isnull=True).order_by("id"))


def _ineligible_role(resident: Resident, on: date) -> str | None:
    account = getattr(resident, "account", None)
    if account is None:
        return None
    role = (
        RoleAssignment.objects.active(on)
        .filter(user=account, role__in=_INELIGIBLE_ROLES)
        .values_list("role", flat=True)
        .first()
    )
    return role


@transaction.atomic
def inspection_member_elect(
    *,
    actor: Any,
    board: InspectionBoard,
    resident: Resident,
    village: Village,
    elected_on: date,
    election_matter: Any = None,
    by_election: bool = False,
) -> InspectionBoardMember:
    """Record a village's election of a member (Art. 36(1)) — or a by-election (Art. 36(2))."""
    board = InspectionBoard.objects.select_for_update().get(pk=board.pk)
    require(actor, Action.BOARD_MANAGE, board)
    member = _seat(
        board=board, resident=resident, village=village, elected_on=elected_on,
        election_matter=election_matter, by_election=by_election,
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="oversight.inspection_member.elect", obj=member,
        commune_id=board.commune_id,
        after={"board": board.pk, "village": village.pk, "by_election": by_election},
    )  # fmt: skip
    return member


def _seat(
    *,
    board: InspectionBoard,
    resident: Resident,
    village: Village,
    elected_on: date,
    election_matter: Any = None,
    by_election: bool = False,
    front_recognised_on: date | None = None,
) -> InspectionBoardMember:
    """A seat on the locked ``board`` once the eligibility and size rules allow it (the caller
    checked the right and records the audit entry)."""
    errors = FieldErrors()
    if village.commune_id != board.commune_id or not village.is_active:
        errors.add("village", _("Choose an active village of this commune."))
    if resident.commune_id != board.commune_id or (resident.household.village_id != village.pk):
        # Law 10/2022 Art. 37: a permanent resident, elected by their own village.
        errors.add("resident", _("The member must live in the village that elects them."))
    if not board.term_starts_on <= elected_on < board.term_ends_on:
        errors.add("elected_on", _("The election date must fall within the board's term."))
    if election_matter is not None and election_matter.commune_id != board.commune_id:
        errors.add("election_matter", _("Choose a matter of this commune."))
    errors.raise_if_any()
    if _ineligible_role(resident, elected_on) is not None:
        # Art. 37: no commune official, civil servant or non-professional worker.
        raise _refuse(
            "resident",
            _("A commune official or village worker cannot be a member of the board."),
            "ineligible",
        )
    sitting = _sitting(board)
    if any(m.resident_id == resident.pk for m in sitting):
        raise _refuse("resident", _("This person already sits on the board."), "duplicate")
    if by_election:
        vacancy = (
            board.members.filter(village=village, by_election_required=True)
            .exclude(left_on__isnull=True)
            .order_by("left_on")
            .first()
        )
        if vacancy is None:
            raise _refuse(
                "by_election",
                _("No seat of this village is vacant with six months or more of the term left."),
                "no_vacancy",
            )
        vacancy.by_election_required = False
        vacancy.save(update_fields=["by_election_required"])
    village_count = Village.objects.filter(commune_id=board.commune_id, is_active=True).count()
    if village_count < rules.INSPECTION_BOARD_MIN and len(sitting) >= rules.INSPECTION_BOARD_MIN:
        # Decree 59 Art. 13(2): fewer than five villages → at most five members.
        raise _refuse(
            "village", _("A commune with fewer than five villages elects at most five members.")
        )
    if front_recognised_on is None and by_election and board.recognised_on:
        front_recognised_on = elected_on
    return InspectionBoardMember.objects.create(
        commune_id=board.commune_id, board=board, village=village, resident=resident,
        full_name=resident.full_name, elected_on=elected_on, election_matter=election_matter,
        by_election=by_election, front_recognised_on=front_recognised_on,
    )  # fmt: skip


@transaction.atomic
def inspection_member_position_set(
    *, actor: Any, member: InspectionBoardMember, position: str
) -> InspectionBoardMember:
    """Head and deputies, elected by the board at a meeting the Front organises (Art. 40(2)(b))."""
    member = InspectionBoardMember.objects.select_for_update().get(pk=member.pk)
    require(actor, Action.BOARD_MANAGE, member)
    if position not in Position.values:
        raise _refuse("position", _("Choose a position."))
    if member.left_on is not None:
        raise WrongState(_("This member has left the board."), code="left")
    others = [m.position for m in _sitting(member.board) if m.pk != member.pk]
    if position == Position.HEAD and Position.HEAD in others:
        raise _refuse("position", _("The board already has a head."))
    if position == Position.DEPUTY and others.count(Position.DEPUTY) >= rules.MAX_DEPUTIES:
        raise _refuse(
            "position",
            _("The board may have at most %(count)d deputy heads.") % {"count": rules.MAX_DEPUTIES},
        )
    before = member.position
    member.position = position
    member.save(update_fields=["position"])
    audit.record(
        actor=acting_person(actor), action="oversight.inspection_member.position", obj=member,
        commune_id=member.commune_id, before={"position": before}, after={"position": position},
    )  # fmt: skip
    return member


@transaction.atomic
def inspection_board_recognise(
    *, actor: Any, board: InspectionBoard, recognised_on: date, reference: str
) -> InspectionBoard:
    """The Front recognises the elected board (Art. 40(2)(a)) once its composition is lawful."""
    board = InspectionBoard.objects.select_for_update().get(pk=board.pk)
    require(actor, Action.BOARD_MANAGE, board)
    errors = FieldErrors()
    reference = clean_text(errors, "reference", reference, NAME_MAX)
    errors.raise_if_any()
    sitting = _sitting(board)
    villages = set(
        Village.objects.filter(commune_id=board.commune_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    problems = rules.inspection_board_problems(
        [m.village_id for m in sitting], [m.position for m in sitting], villages
    )
    if problems:
        raise ValidationFailed(problems[0], code="composition", fields={"__all__": problems})
    board.recognised_on = recognised_on
    board.recognition_reference = reference
    board.save(update_fields=["recognised_on", "recognition_reference"])
    # A member seated from the village's recognised election keeps that recognition's day.
    InspectionBoardMember.objects.filter(
        pk__in=[m.pk for m in sitting], front_recognised_on__isnull=True
    ).update(front_recognised_on=recognised_on)
    audit.record(
        actor=acting_person(actor), action="oversight.inspection_board.recognise", obj=board,
        commune_id=board.commune_id,
        after={"recognised_on": recognised_on, "members": len(sitting)},
    )  # fmt: skip
    return board


@transaction.atomic
def inspection_member_leave(
    *, actor: Any, member: InspectionBoardMember, left_on: date, reason: str
) -> InspectionBoardMember:
    """A seat falls vacant; a by-election is due with six months or more left (Art. 36(2))."""
    member = (
        InspectionBoardMember.objects.select_for_update().select_related("board").get(pk=member.pk)
    )
    require(actor, Action.BOARD_MANAGE, member)
    errors = FieldErrors()
    reason = clean_text(errors, "reason", reason, NAME_MAX)
    if member.left_on is not None:
        raise WrongState(_("This member has left the board."), code="left")
    if left_on < member.elected_on:
        errors.add("left_on", _("The member cannot leave before being elected."))
    errors.raise_if_any()
    member.left_on = left_on
    member.left_reason = reason
    member.by_election_required = left_on < member.board.term_ends_on and (
        rules.by_election_required(left_on, member.board.term_ends_on)
    )
    member.save(update_fields=["left_on", "left_reason", "by_election_required"])
    audit.record(
        actor=acting_person(actor), action="oversight.inspection_member.leave", obj=member,
        commune_id=member.commune_id,
        after={"left_on": left_on, "by_election_required": member.by_election_required},
    )  # fmt: skip
    return member


def may_seat(actor: Any, commune: AdministrativeUnit) -> bool:
    """The commune Fatherland Front seats the members whose election it recognised (Law 10/2022
    Art. 21(2), 40(2)(a)); the commune chair too, who enters the Front's decisions where the
    Front has no account — as ``decisions.recognition`` lets the chair recognise them."""
    return can(actor, Action.BOARD_MANAGE, commune) or can(
        actor, Action.MATTER_COMMUNE_WIDE, commune
    )


def require_seater(actor: Any, commune: AdministrativeUnit) -> None:
    """:func:`may_seat`, or 404 for another commune, 403 in one's own without either right."""
    if not may_seat(actor, commune):
        require(actor, Action.BOARD_MANAGE, commune)


# The seat's rules answer on the village's or the day's field; from an election they are the
# election's (the candidate's own field for the person).
_ELECTION_FIELDS = {"elected_on": "matter_village", "village": "matter_village"}


def _vacancy_left(board: InspectionBoard, village_id: int, elected_on: date) -> bool:
    """A seat of the village fell vacant on or before the election with six months or more of
    the term left and awaits its by-election (Law 10/2022 Art. 36(2))."""
    return board.members.filter(
        village_id=village_id, by_election_required=True, left_on__lte=elected_on
    ).exists()


@transaction.atomic
def inspection_members_seat_from_election(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    board: InspectionBoard | None,
    matter_village: Any,
    residents: Mapping[int, int],
) -> list[InspectionBoardMember]:
    """Seat on ``board`` the candidates a village elected at its community meeting (Law 10/2022
    Art. 15(5), 36(1)) once the commune Fatherland Front recognised the decision (Art. 21(2)).

    ``residents`` maps each elected candidate (the matter's option id) to the resident of the
    village the Front identifies as that person: candidates are names only. Each seat is dated
    the decision day, cites the matter, carries the recognition day and ends with the board's
    term (Art. 36(2)); it is a by-election when the term had started before the election day
    and a seat of the village awaits one. All of the election's seats, or none.
    """
    require_seater(actor, commune)
    if board is None:
        raise _refuse(
            "board", _("Open the board's term first: there is no board to seat them on."),
            "no_board",
        )  # fmt: skip
    if board.commune_id != commune.pk:
        raise NotFound(_("Not found."), code="not_found")
    board = InspectionBoard.objects.select_for_update().get(pk=board.pk)
    if board.term_ends_on <= timezone.localdate():
        # Art. 36(2): the seats end with the board's term.
        raise _refuse(
            "board",
            _("This board's term ended on %(day)s.") % {"day": f"{board.term_ends_on:%d/%m/%Y}"},
            "board_ended",
        )
    mv = (
        MatterVillage.objects.select_related("matter", "village", "commune")
        .filter(pk=getattr(matter_village, "pk", matter_village))
        .first()
    )
    if (
        mv is None
        or mv.commune_id != commune.pk
        or mv.matter.matter_type != MatterType.BOARD_MEMBERS
    ):
        raise _refuse(
            "matter_village", _("Choose a board-member election of this commune."),
            "not_board_election",
        )  # fmt: skip
    if mv.recognition != MatterVillage.Recognition.RECOGNISED:
        # Law 10/2022 Art. 21(2): clause 5 takes effect from the commune Front's recognition.
        raise _refuse(
            "matter_village",
            _("The commune Fatherland Front has not recognised this election."),
            "not_recognised",
        )
    election = decisions.board_election(mv)
    if mv.adopted is not True or not election.elected or election.decided_on is None:
        # Law 10/2022 Art. 21(1): only a candidate approved by more than half of all households.
        raise _refuse(
            "matter_village", _("This vote elected nobody: there is no one to seat."),
            "not_adopted",
        )  # fmt: skip
    seated = InspectionBoardMember.objects.filter(
        election_matter_id=mv.matter_id, village_id=mv.village_id
    )
    if seated.exists():
        raise _refuse(
            "matter_village", _("The members this vote elected are already seated."),
            "already_seated",
        )  # fmt: skip
    chosen = _residents_of_election(mv, election.elected, residents)
    elected_on = election.decided_on
    members = []
    for option in election.elected:
        resident = chosen[option.pk]
        by_election = board.term_starts_on < elected_on and _vacancy_left(
            board, mv.village_id, elected_on
        )
        try:
            member = _seat(
                board=board, resident=resident, village=mv.village, elected_on=elected_on,
                election_matter=mv.matter, by_election=by_election,
                front_recognised_on=election.recognised_on,
            )  # fmt: skip
        except ValidationFailed as error:
            fields = {
                _ELECTION_FIELDS.get(name, f"resident_{option.pk}"): messages
                for name, messages in error.fields.items()
            }
            raise ValidationFailed(error.message, code=error.code, fields=fields) from error
        audit.record(
            actor=acting_person(actor), action="oversight.inspection_member.seat_from_election",
            obj=member, commune_id=board.commune_id,
            after={"board": board.pk, "matter": mv.matter_id, "matter_village": mv.pk,
                   "candidate": option.pk, "resident": resident.pk, "elected_on": elected_on,
                   "front_recognised_on": election.recognised_on, "by_election": by_election,
                   "term_ends_on": board.term_ends_on,
                   "article": "Luật 10/2022 Điều 15(5), 21(2), 36"},
        )  # fmt: skip
        members.append(member)
    return members


def _residents_of_election(
    mv: Any, elected: Sequence[Any], residents: Mapping[int, int]
) -> dict[int, Resident]:
    """The resident the Front identified for each elected candidate: one of the village's
    residents (Law 10/2022 Art. 37: elected by their own village), a different one each."""
    errors = FieldErrors()
    wanted = {option.pk for option in elected}
    if set(residents) - wanted:
        errors.add("residents", _("Only the candidates this vote elected can be seated."))
    ids = [v for v in residents.values() if isinstance(v, int) and not isinstance(v, bool)]
    found = {
        r.pk: r
        for r in Resident.objects.filter(pk__in=ids, household__village_id=mv.village_id)
        .select_related("household")
    }  # fmt: skip
    chosen: dict[int, Resident] = {}
    for option in elected:
        name = f"resident_{option.pk}"
        resident = found.get(residents.get(option.pk))  # type: ignore[arg-type]
        if residents.get(option.pk) is None:
            errors.add(name, _("Choose the resident elected as %(name)s.") % {"name": option.label})
        elif resident is None:
            errors.add(name, _("Choose a resident of %(village)s.") % {"village": mv.village.name})
        elif any(r.pk == resident.pk for r in chosen.values()):
            errors.add(name, _("Each elected candidate is a different person."))
        else:
            chosen[option.pk] = resident
    errors.raise_if_any()
    return chosen


# --- Supervised works ------------------------------------------------------------------------


@transaction.atomic
def supervised_work_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    name: str,
    investor: str,
    budget_vnd: int,
    starts_on: date,
    ends_on: date,
    contractor: str = "",
    description: str = "",
    location: str = "",
    villages: Sequence[Village] = (),
    sources: Sequence[tuple[str, int]] = (),
) -> SupervisedWork:
    """A work the community supervises, with its budget split by source (Art. 41, 43)."""
    require(actor, Action.SUPERVISED_WORK_MANAGE, commune)
    errors = FieldErrors()
    name = clean_text(errors, "name", name, TEXT_MAX)
    investor = clean_text(errors, "investor", investor, TEXT_MAX)
    contractor = clean_text(errors, "contractor", contractor, TEXT_MAX, required=False)
    location = clean_text(errors, "location", location, TEXT_MAX, required=False)
    description = clean_text(errors, "description", description, LONG_MAX, required=False)
    if isinstance(budget_vnd, bool) or not isinstance(budget_vnd, int) or budget_vnd <= 0:
        errors.add("budget_vnd", _("Enter the budget in VND, a whole number above zero."))
    if ends_on < starts_on:
        errors.add("ends_on", _("The work must end after it starts."))
    if any(v.commune_id != commune.pk for v in villages):
        errors.add("villages", _("Choose villages of this commune."))
    kinds = set(FundingSource.Kind.values)
    for kind, amount in sources:
        if (
            kind not in kinds
            or isinstance(amount, bool)
            or not isinstance(amount, int)
            or (amount <= 0)
        ):
            errors.add("sources", _("Each source needs a kind and a whole amount above zero."))
            break
    else:
        # Integer VND: the sources add up to the budget exactly.
        if sources and sum(amount for _kind, amount in sources) != budget_vnd:
            errors.add("sources", _("The sources must add up to the budget."))
    errors.raise_if_any()
    work = SupervisedWork.objects.create(
        commune=commune, name=name, name_folded=fold_vi(name), investor=investor,
        contractor=contractor, location=location, description=description,
        budget_vnd=budget_vnd, starts_on=starts_on, ends_on=ends_on,
    )  # fmt: skip
    work.villages.set(villages)
    FundingSource.objects.bulk_create(
        FundingSource(commune=commune, work=work, kind=kind, amount_vnd=amount)
        for kind, amount in sources
    )
    SupervisionBoard.objects.create(commune=commune, work=work)
    audit.record(
        actor=acting_person(actor), action="oversight.work.create", obj=work, commune_id=commune.pk,
        after={"name": name, "budget_vnd": budget_vnd, "sources": [list(s) for s in sources]},
    )  # fmt: skip
    return work


@transaction.atomic
def supervised_work_progress(
    *, actor: Any, work: SupervisedWork, progress_percent: int
) -> SupervisedWork:
    """The work's progress, as the investor reports it."""
    work = SupervisedWork.objects.select_for_update().get(pk=work.pk)
    require(actor, Action.SUPERVISED_WORK_MANAGE, work)
    if work.status == SupervisedWork.Status.COMPLETED:
        raise WrongState(_("The work is completed."), code="completed")
    if isinstance(progress_percent, bool) or not 0 <= progress_percent <= 100:
        raise _refuse("progress_percent", _("Enter a percentage from 0 to 100."))
    before = work.progress_percent
    work.progress_percent = progress_percent
    if progress_percent > 0:
        work.status = SupervisedWork.Status.IN_PROGRESS
    work.save(update_fields=["progress_percent", "status"])
    audit.record(
        actor=acting_person(actor), action="oversight.work.progress", obj=work,
        commune_id=work.commune_id, before={"progress": before},
        after={"progress": progress_percent},
    )  # fmt: skip
    return work


@transaction.atomic
def supervised_work_complete(
    *, actor: Any, work: SupervisedWork, completed_on: date
) -> SupervisedWork:
    """The work ends; its supervision board dissolves with it (Art. 41(1))."""
    work = SupervisedWork.objects.select_for_update().get(pk=work.pk)
    require(actor, Action.SUPERVISED_WORK_MANAGE, work)
    if work.status == SupervisedWork.Status.COMPLETED:
        raise WrongState(_("The work is completed."), code="completed")
    if completed_on < work.starts_on:
        raise _refuse("completed_on", _("The work cannot end before it starts."))
    work.status = SupervisedWork.Status.COMPLETED
    work.progress_percent = 100
    work.completed_on = completed_on
    work.save(update_fields=["status", "progress_percent", "completed_on"])
    SupervisionBoard.objects.filter(work=work, dissolved_on__isnull=True).update(
        dissolved_on=completed_on
    )
    audit.record(
        actor=acting_person(actor), action="oversight.work.complete", obj=work,
        commune_id=work.commune_id, after={"completed_on": completed_on},
    )  # fmt: skip
    return work


@transaction.atomic
def milestone_add(*, actor: Any, work: SupervisedWork, title: str, due_on: date) -> Milestone:
    require(actor, Action.SUPERVISED_WORK_MANAGE, work)
    errors = FieldErrors()
    title = clean_text(errors, "title", title, TEXT_MAX)
    errors.raise_if_any()
    milestone = Milestone.objects.create(
        commune_id=work.commune_id, work=work, title=title, due_on=due_on
    )
    audit.record(
        actor=acting_person(actor), action="oversight.milestone.add", obj=milestone,
        commune_id=work.commune_id, after={"title": title, "due_on": due_on},
    )  # fmt: skip
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone, done_on: date) -> Milestone:
    require(actor, Action.SUPERVISED_WORK_MANAGE, milestone)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record(
        actor=acting_person(actor), action="oversight.milestone.done", obj=milestone,
        commune_id=milestone.commune_id, after={"done_on": done_on},
    )  # fmt: skip
    return milestone


@transaction.atomic
def investor_document_request(
    *, actor: Any, work: SupervisedWork, kind: str, requested_on: date
) -> InvestorDocument:
    """The board asks the investor for a document it must provide (Art. 43(3), 45(3))."""
    require(actor, Action.BOARD_WORK, work)
    if kind not in InvestorDocument.Kind.values:
        raise _refuse("kind", _("Choose a document."))
    document, created = InvestorDocument.objects.get_or_create(
        work=work, kind=kind,
        defaults={"commune_id": work.commune_id, "requested_on": requested_on},
    )  # fmt: skip
    if created:
        audit.record(
            actor=acting_person(actor), action="oversight.document.request", obj=document,
            commune_id=work.commune_id, after={"kind": kind, "requested_on": requested_on},
        )  # fmt: skip
    return document


@transaction.atomic
def investor_document_receive(
    *, actor: Any, document: InvestorDocument, received_on: date, reference: str = ""
) -> InvestorDocument:
    require(actor, Action.BOARD_WORK, document)
    errors = FieldErrors()
    reference = clean_text(errors, "reference", reference, NAME_MAX, required=False)
    if received_on < document.requested_on:
        errors.add("received_on", _("A document cannot arrive before it was requested."))
    errors.raise_if_any()
    document.received_on = received_on
    document.reference = reference
    document.save(update_fields=["received_on", "reference"])
    audit.record(
        actor=acting_person(actor), action="oversight.document.receive", obj=document,
        commune_id=document.commune_id, after={"received_on": received_on},
    )  # fmt: skip
    return document


# --- Community Investment Supervision Board --------------------------------------------------


def _board_of(work: SupervisedWork) -> SupervisionBoard:
    board, _created = SupervisionBoard.objects.select_for_update().get_or_create(
        work=work, defaults={"commune_id": work.commune_id}
    )
    return board


def _current_members(board: SupervisionBoard) -> list[SupervisionBoardMember]:
    return list(board.members.filter(left_on__isnull=True).order_by("id"))


@transaction.atomic
def supervision_member_add(
    *,
    actor: Any,
    work: SupervisedWork,
    full_name: str,
    represents: str,
    no_relatives_declared_on: date | None,
    position: str = Position.MEMBER,
    village: Village | None = None,
) -> SupervisionBoardMember:
    """A member of the work's board, with their written declaration of no relatives (Art. 42)."""
    require(actor, Action.BOARD_MANAGE, work)
    board = _board_of(work)
    if board.dissolved_on is not None:
        raise WrongState(_("The board was dissolved when the work ended."), code="dissolved")
    errors = FieldErrors()
    full_name = clean_text(errors, "full_name", full_name, NAME_MAX)
    if represents not in SupervisionBoardMember.Represents.values:
        errors.add("represents", _("Choose whom the member represents."))
    if position not in Position.values:
        errors.add("position", _("Choose a position."))
    if no_relatives_declared_on is None:
        # Art. 42: relatives of the investor, its consultants or contractors cannot sit.
        errors.add(
            "no_relatives_declared_on",
            _("The member must declare in writing that no relative works on this project."),
        )
    if represents == SupervisionBoardMember.Represents.RESIDENT:
        affected = set(work.villages.values_list("pk", flat=True))
        if village is None or village.pk not in affected:
            errors.add("village", _("A residents' member comes from an affected village."))
    errors.raise_if_any()
    assert no_relatives_declared_on is not None  # refused above
    current = _current_members(board)
    positions = [m.position for m in current] + [position]
    if position == Position.HEAD and Position.HEAD in positions[:-1]:
        raise _refuse("position", _("The board already has a head."))
    if positions.count(Position.DEPUTY) > rules.MAX_DEPUTIES:
        raise _refuse(
            "position",
            _("The board may have at most %(count)d deputy heads.") % {"count": rules.MAX_DEPUTIES},
        )
    residents = [m for m in current if m.represents == SupervisionBoardMember.Represents.RESIDENT]
    if (
        represents == SupervisionBoardMember.Represents.RESIDENT
        and len(residents) >= rules.RESIDENT_MEMBERS_MAX
    ):
        raise _refuse(
            "represents",
            _("At most %(count)d members represent the residents.")
            % {"count": rules.RESIDENT_MEMBERS_MAX},
        )
    member = SupervisionBoardMember.objects.create(
        commune_id=work.commune_id, board=board, full_name=full_name, represents=represents,
        village=village, position=position, no_relatives_declared_on=no_relatives_declared_on,
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="oversight.supervision_member.add", obj=member,
        commune_id=work.commune_id, after={"represents": represents, "position": position},
    )  # fmt: skip
    return member


@transaction.atomic
def supervision_plan_send(
    *, actor: Any, work: SupervisedWork, sent_on: date, supervision_starts_on: date
) -> SupervisedWork:
    """The Front sends the plan and the board's composition to the investor (Art. 45(1)(b))."""
    work = SupervisedWork.objects.select_for_update().get(pk=work.pk)
    require(actor, Action.BOARD_MANAGE, work)
    if work.status == SupervisedWork.Status.COMPLETED:
        raise WrongState(_("The work is completed."), code="completed")
    if not rules.plan_sent_in_time(sent_on, supervision_starts_on):
        raise _refuse(
            "supervision_starts_on",
            _("The plan must reach the investor at least %(days)d days before supervision starts.")
            % {"days": rules.PLAN_NOTICE_DAYS},
            "too_late",
        )
    board = _board_of(work)
    current = _current_members(board)
    problems = rules.supervision_board_problems(
        [m.represents for m in current], [m.position for m in current]
    )
    if problems:
        raise ValidationFailed(problems[0], code="composition", fields={"__all__": problems})
    work.plan_sent_on = sent_on
    work.supervision_starts_on = supervision_starts_on
    work.save(update_fields=["plan_sent_on", "supervision_starts_on"])
    board.established_on = board.established_on or sent_on
    board.save(update_fields=["established_on"])
    audit.record(
        actor=acting_person(actor), action="oversight.supervision_plan.send", obj=work,
        commune_id=work.commune_id,
        after={"sent_on": sent_on, "supervision_starts_on": supervision_starts_on},
    )  # fmt: skip
    return work


# --- Board work: plans, inspections, recommendations -----------------------------------------


def _check_kind(board_kind: str, work: SupervisedWork | None) -> None:
    if board_kind not in BoardKind.values:
        raise _refuse("board_kind", _("Choose a board."))
    if board_kind == BoardKind.SUPERVISION and work is None:
        raise _refuse("work", _("The supervision board works on one supervised work."))


@transaction.atomic
def board_plan_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    board_kind: str,
    period: str,
    year: int,
    number: int,
    content: str,
    work: SupervisedWork | None = None,
) -> BoardPlan:
    """A plan for a quarter (1–4), a half-year (1–2) or a year (Art. 39; Decree 59 Art. 18)."""
    require(actor, Action.BOARD_WORK, commune)
    _check_kind(board_kind, work)
    errors = FieldErrors()
    content = clean_text(errors, "content", content, LONG_MAX)
    limits = {BoardPlan.Period.QUARTER: 4, BoardPlan.Period.HALF_YEAR: 2, BoardPlan.Period.YEAR: 1}
    if period not in limits:
        errors.add("period", _("Choose a quarter, a half-year or a year."))
    elif not 1 <= number <= limits[BoardPlan.Period(period)]:
        errors.add("number", _("Choose a quarter from 1 to 4 or a half from 1 to 2."))
    if not 2000 <= year <= 2100:
        errors.add("year", _("Enter a year."))
    if work is not None and work.commune_id != commune.pk:
        errors.add("work", _("Choose a work of this commune."))
    errors.raise_if_any()
    plan = BoardPlan.objects.create(
        commune=commune, board_kind=board_kind, work=work, period=period, year=year,
        number=number if period != BoardPlan.Period.YEAR else 1, content=content,
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="oversight.plan.create", obj=plan, commune_id=commune.pk,
        after={"board_kind": board_kind, "period": period, "year": year, "number": plan.number},
    )  # fmt: skip
    return plan


@transaction.atomic
def inspection_plan(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    board_kind: str,
    subject: str,
    inspected_party: str,
    starts_on: date,
    notified_on: date,
    work: SupervisedWork | None = None,
    village: Village | None = None,
    plan: BoardPlan | None = None,
) -> Inspection:
    """An inspection or site visit, notified five working days ahead (Decree 59 Art. 14)."""
    require(actor, Action.BOARD_WORK, commune)
    _check_kind(board_kind, work)
    errors = FieldErrors()
    subject = clean_text(errors, "subject", subject, TEXT_MAX)
    inspected_party = clean_text(errors, "inspected_party", inspected_party, TEXT_MAX)
    if work is not None and work.commune_id != commune.pk:
        errors.add("work", _("Choose a work of this commune."))
    if village is not None and village.commune_id != commune.pk:
        errors.add("village", _("Choose a village of this commune."))
    if plan is not None and plan.commune_id != commune.pk:
        errors.add("plan", _("Choose a plan of this commune."))
    errors.raise_if_any()
    if not rules.inspection_notice_in_time(notified_on, starts_on, commune=commune):
        raise _refuse(
            "starts_on",
            _("The plan must be notified at least %(days)d working days before the inspection.")
            % {"days": rules.INSPECTION_NOTICE_WORKING_DAYS},
            "too_late",
        )
    inspection = Inspection.objects.create(
        commune=commune, board_kind=board_kind, work=work, village=village, plan=plan,
        subject=subject, inspected_party=inspected_party, starts_on=starts_on,
        notified_on=notified_on,
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="oversight.inspection.plan", obj=inspection,
        commune_id=commune.pk, after={"starts_on": starts_on, "notified_on": notified_on},
    )  # fmt: skip
    return inspection


def _checklist(errors: FieldErrors, items: Any) -> list[dict[str, Any]]:
    """A list of ``{"item": text, "ok": bool, "note": text}``."""
    if not isinstance(items, list | tuple) or len(items) > CHECKLIST_MAX:
        errors.add("checklist", _("At most %(limit)s checklist items.") % {"limit": CHECKLIST_MAX})
        return []
    cleaned = []
    for row in items:
        if not isinstance(row, dict) or not isinstance(row.get("ok"), bool):
            errors.add("checklist", _("Each checklist item needs its text and a yes or no."))
            return []
        item = clean_text(errors, "checklist", row.get("item"), TEXT_MAX)
        note = clean_text(errors, "checklist", row.get("note", ""), TEXT_MAX, required=False)
        cleaned.append({"item": item, "ok": row["ok"], "note": note})
    return cleaned


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    inspection: Inspection,
    carried_out_on: date,
    findings: str,
    checklist: Any = (),
) -> Inspection:
    """What the board found on the day: the checklist and its findings."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require(actor, Action.BOARD_WORK, inspection)
    errors = FieldErrors()
    findings = clean_text(errors, "findings", findings, LONG_MAX)
    cleaned = _checklist(errors, list(checklist) if isinstance(checklist, tuple) else checklist)
    if carried_out_on < inspection.starts_on:
        errors.add("carried_out_on", _("An inspection cannot be carried out before its day."))
    errors.raise_if_any()
    inspection.status = Inspection.Status.DONE
    inspection.carried_out_on = carried_out_on
    inspection.findings = findings
    inspection.checklist = cleaned
    inspection.save(update_fields=["status", "carried_out_on", "findings", "checklist"])
    audit.record(
        actor=acting_person(actor), action="oversight.inspection.record", obj=inspection,
        commune_id=inspection.commune_id,
        after={"carried_out_on": carried_out_on, "checklist_items": len(cleaned)},
    )  # fmt: skip
    return inspection


def inspection_photo_add(
    *, actor: Any, inspection: Inspection, uploaded: Any, caption: str = ""
) -> InspectionPhoto:
    """A site-visit photo (PNG or JPEG, checked by its first bytes, stored outside the web root)."""
    from danchu.disclosure import files

    require(actor, Action.BOARD_WORK, inspection)
    errors = FieldErrors()
    caption = clean_text(errors, "caption", caption, TEXT_MAX, required=False)
    errors.raise_if_any()
    name = str(getattr(uploaded, "name", "") or "")
    if name.rpartition(".")[2].lower() not in PHOTO_EXTENSIONS:
        raise _refuse("photo", _("Only PNG and JPEG photos are accepted."), "invalid_file")
    stored = files.check_and_store(uploaded, field="photo")
    try:
        with transaction.atomic():
            photo = InspectionPhoto.objects.create(
                commune_id=inspection.commune_id, inspection=inspection, caption=caption,
                name=stored.name, content_type=stored.content_type, size=stored.size,
                sha256=stored.sha256, path=stored.path,
            )  # fmt: skip
            audit.record(
                actor=acting_person(actor), action="oversight.inspection.photo", obj=photo,
                commune_id=inspection.commune_id, after={"sha256": stored.sha256},
            )  # fmt: skip
    except BaseException:
        files.discard(stored)
        raise
    return photo


def _board_size(
    commune_id: int, board_kind: str, work: SupervisedWork | None, on: date
) -> int | None:
    """The sitting members of the board that decides (None when there is no such board)."""
    if board_kind == BoardKind.SUPERVISION:
        supervision = SupervisionBoard.objects.filter(work=work).first()
        if supervision is None or supervision.established_on is None:
            return None
        return supervision.members.filter(left_on__isnull=True).count()
    board = (
        InspectionBoard.objects.filter(
            commune_id=commune_id, term_starts_on__lte=on, term_ends_on__gt=on,
            recognised_on__isnull=False,
        ).first()
    )  # fmt: skip
    if board is None:
        return None
    # Decree 59 Art. 12(3): the members sitting on the day (an ended board's sit on no board).
    sitting = selectors.inspection_members_sitting(AdministrativeUnit(pk=commune_id), on)
    return sitting.filter(board=board).count()


def _tell(event_key: str, users: list[Any], commune_id: int, title: str, body: str) -> None:
    notify(
        event_key=event_key, recipients=users, template="generic",
        context={"title": title, "body": body}, commune=AdministrativeUnit(pk=commune_id),
    )  # fmt: skip


@transaction.atomic
def recommendation_make(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    board_kind: str,
    content: str,
    votes_for: int,
    received_on: date,
    inspection: Inspection | None = None,
    work: SupervisedWork | None = None,
    village: Village | None = None,
    suspend_works: bool = False,
) -> Recommendation:
    """A board's recommendation to the commune People's Committee, adopted by a majority.

    The committee answers within 15 days of receipt (Art. 40(1)(c), 45(2)(c)); a
    recommendation to suspend the works (Art. 43) reaches the commune chair at once.
    """
    require(actor, Action.RECOMMENDATION_CREATE, commune)
    if inspection is not None:
        work = work or inspection.work
        village = village or inspection.village
    _check_kind(board_kind, work)
    errors = FieldErrors()
    content = clean_text(errors, "content", content, LONG_MAX)
    for name, row in (("inspection", inspection), ("work", work), ("village", village)):
        if row is not None and row.commune_id != commune.pk:
            errors.add(name, _("Choose a row of this commune."))
    if suspend_works and work is None:
        errors.add("suspend_works", _("Only the works of a supervised project can be suspended."))
    if isinstance(votes_for, bool) or not isinstance(votes_for, int) or votes_for < 0:
        errors.add("votes_for", _("Enter the number of members in favour."))
    errors.raise_if_any()
    members_total = _board_size(commune.pk, board_kind, work, received_on)
    if members_total is None:
        raise _refuse("board_kind", _("There is no recognised board to decide this."), "no_board")
    if votes_for > members_total:
        raise _refuse(
            "votes_for",
            _("The board has only %(count)d members.") % {"count": members_total},
        )
    if not rules.is_majority(votes_for, members_total):
        # Decree 59 Art. 12(3): the board decides by majority of its members.
        raise _refuse(
            "votes_for",
            _("More than half of the board's %(count)d members must agree.")
            % {"count": members_total},
            "no_majority",
        )
    recommendation = Recommendation.objects.create(
        commune=commune, board_kind=board_kind, inspection=inspection, work=work,
        village=village, content=content, suspend_works=suspend_works, votes_for=votes_for,
        members_total=members_total, received_on=received_on,
        due_on=rules.answer_due_on(received_on, commune=commune),
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="oversight.recommendation.make", obj=recommendation,
        commune_id=commune.pk,
        after={"board_kind": board_kind, "votes_for": votes_for, "members": members_total,
               "due_on": recommendation.due_on, "suspend_works": suspend_works},
    )  # fmt: skip
    chairs = _users_with_role(commune.pk, [Role.COMMUNE_CHAIR], timezone.localdate())
    officials = _users_with_role(
        commune.pk, [Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL], timezone.localdate()
    )
    values = {"due": recommendation.due_on.strftime("%d/%m/%Y"), "content": content[:300]}
    _tell(
        f"oversight:recommendation:{recommendation.pk}:received", officials, commune.pk,
        _("A board's recommendation awaits the commune's answer"),
        _("Answer by %(due)s: %(content)s") % values,
    )  # fmt: skip
    if suspend_works:
        _tell(
            f"oversight:recommendation:{recommendation.pk}:suspend", chairs, commune.pk,
            _("Urgent: the board recommends suspending the works"),
            _("Answer by %(due)s: %(content)s") % values,
        )  # fmt: skip
    return recommendation


@transaction.atomic
def recommendation_answer(
    *, actor: Any, recommendation: Recommendation, answer: str, answered_on: date
) -> Recommendation:
    """The commune People's Committee's answer (recorded in time or late, never refused)."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    require(actor, Action.RECOMMENDATION_ANSWER, recommendation)
    if recommendation.status != Recommendation.Status.OPEN:
        raise WrongState(_("This recommendation was already answered."), code="answered")
    errors = FieldErrors()
    answer = clean_text(errors, "answer", answer, LONG_MAX)
    if answered_on < recommendation.received_on:
        errors.add("answered_on", _("The answer cannot precede the recommendation."))
    if answered_on > timezone.localdate():
        errors.add("answered_on", _("The answer cannot be dated in the future."))
    errors.raise_if_any()
    recommendation.answer = answer
    recommendation.answered_on = answered_on
    recommendation.answered_by = acting_person(actor)
    recommendation.status = Recommendation.Status.ANSWERED
    recommendation.save(update_fields=["answer", "answered_on", "answered_by", "status"])
    audit.record(
        actor=acting_person(actor), action="oversight.recommendation.answer", obj=recommendation,
        commune_id=recommendation.commune_id,
        after={"answered_on": answered_on, "in_time": recommendation.answered_in_time},
    )  # fmt: skip
    return recommendation


@transaction.atomic
def recommendation_close(
    *, actor: Any, recommendation: Recommendation, follow_up: str, closed_on: date
) -> Recommendation:
    """The board, having followed the answer up (Art. 38), closes the recommendation."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    require(actor, Action.RECOMMENDATION_CLOSE, recommendation)
    if recommendation.status != Recommendation.Status.ANSWERED:
        raise WrongState(_("Only an answered recommendation can be closed."), code="not_answered")
    errors = FieldErrors()
    follow_up = clean_text(errors, "follow_up", follow_up, LONG_MAX)
    if recommendation.answered_on and closed_on < recommendation.answered_on:
        errors.add("closed_on", _("A recommendation cannot be closed before its answer."))
    errors.raise_if_any()
    recommendation.follow_up = follow_up
    recommendation.closed_on = closed_on
    recommendation.status = Recommendation.Status.CLOSED
    recommendation.save(update_fields=["follow_up", "closed_on", "status"])
    audit.record(
        actor=acting_person(actor), action="oversight.recommendation.close", obj=recommendation,
        commune_id=recommendation.commune_id, after={"closed_on": closed_on},
    )  # fmt: skip
    return recommendation


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


@transaction.atomic
def recommendations_sweep(*, today: date | None = None) -> SweepResult:
    """Daily: remind the commune of answers due soon; escalate overdue ones to the Front.

    Idempotent: ``reminded_on``/``escalated_on`` and the outbox's event keys send each notice
    once, whatever the number of runs.
    """
    today = today or timezone.localdate()
    result = SweepResult()
    open_rows = Recommendation.objects.select_for_update().filter(status=Recommendation.Status.OPEN)
    due_soon = open_rows.filter(
        reminded_on__isnull=True,
        due_on__gte=today,
        due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
    )
    for row in due_soon:
        users = _users_with_role(row.commune_id, [Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL], today)
        _tell(
            f"oversight:recommendation:{row.pk}:reminder", users, row.commune_id,
            _("Reminder: a board's recommendation must be answered"),
            _("Answer by %(due)s: %(content)s")
            % {"due": row.due_on.strftime("%d/%m/%Y"), "content": row.content[:300]},
        )  # fmt: skip
        row.reminded_on = today
        row.save(update_fields=["reminded_on"])
        result.reminded += 1
    for row in open_rows.filter(escalated_on__isnull=True, due_on__lt=today):
        # Law 10/2022 Art. 40(2): the Front directs the board and takes the matter up.
        users = _users_with_role(row.commune_id, [Role.FRONT_OFFICER, Role.COMMUNE_CHAIR], today)
        _tell(
            f"oversight:recommendation:{row.pk}:overdue", users, row.commune_id,
            _("Overdue: the commune has not answered a board's recommendation"),
            _("The answer was due on %(due)s: %(content)s")
            % {"due": row.due_on.strftime("%d/%m/%Y"), "content": row.content[:300]},
        )  # fmt: skip
        row.escalated_on = today
        row.save(update_fields=["escalated_on"])
        audit.record(
            actor=None, action="oversight.recommendation.escalate", obj=row,
            commune_id=row.commune_id, after={"due_on": row.due_on, "escalated_on": today},
        )  # fmt: skip
        result.escalated += 1
    return result


# --- Residents' concerns ---------------------------------------------------------------------


@transaction.atomic
def concern_submit(
    *,
    commune: AdministrativeUnit,
    board_kind: str,
    message: str,
    work: SupervisedWork | None = None,
    wants_verification: bool = False,
    sender_name: str = "",
    sender_contact: str = "",
    source_key: str = "",
) -> Concern:
    """A resident's concern to a board (Art. 38), without signing in. The audit entry keeps
    neither the sender's name nor their contact."""
    errors = FieldErrors()
    if board_kind not in BoardKind.values:
        errors.add("board_kind", _("Choose a board."))
    message = clean_text(errors, "message", message, LONG_MAX)
    sender_name = clean_text(errors, "sender_name", sender_name, NAME_MAX, required=False)
    sender_contact = clean_text(errors, "sender_contact", sender_contact, NAME_MAX, required=False)
    if work is not None and work.commune_id != commune.pk:
        errors.add("work", _("Choose a work of this commune."))
    if wants_verification and not sender_contact:
        errors.add(
            "sender_contact", _("Leave a phone number or e-mail so the board can answer you.")
        )
    errors.raise_if_any()
    if source_key:
        recent = Concern.objects.filter(
            source_key=source_key, received_at__gte=timezone.now() - timedelta(hours=1)
        )
        if recent.count() >= CONCERNS_PER_HOUR:
            raise TooManyConcerns(
                _("Too many concerns from this address; please try again in an hour."),
                code="throttled",
            )
    concern = Concern.objects.create(
        commune=commune, board_kind=board_kind, work=work, message=message,
        wants_verification=bool(wants_verification), sender_name=sender_name,
        sender_contact=sender_contact, source_key=source_key[:64],
    )  # fmt: skip
    audit.record(
        actor=None, action="oversight.concern.submit", obj=concern, commune_id=commune.pk,
        after={"board_kind": board_kind, "work": work.pk if work else None},
    )  # fmt: skip
    return concern


@transaction.atomic
def concern_handle(*, actor: Any, concern: Concern, reply: str) -> Concern:
    require(actor, Action.BOARD_WORK, concern)
    if concern.status == Concern.Status.HANDLED:
        raise WrongState(_("This concern was already handled."), code="handled")
    errors = FieldErrors()
    reply = clean_text(errors, "reply", reply, LONG_MAX)
    errors.raise_if_any()
    concern.reply = reply
    concern.status = Concern.Status.HANDLED
    concern.save(update_fields=["reply", "status"])
    audit.record(
        actor=acting_person(actor), action="oversight.concern.handle", obj=concern,
        commune_id=concern.commune_id,
    )  # fmt: skip
    return concern
