"""API of a secret household paper ballot's count, the double envelope (Law 10/2022 Art. 18(4)(d),
19; Decree 59/2023 Art. 4(6); :mod:`danchu.decisions.secret_paper`).

The counting committee issues the envelopes with their inner ballots, enters each inner ballot
by its tracking code twice by two different people, lists the inner ballots whose entries
differ and resolves them (a third person), and reads the count's progress — the same services
and permission actions as the page ``/quan-ly/bieu-quyet/thon/<id>/phieu-kin/``: reading needs
``matter.view``, entering ``ballot.enter``, issuing and resolving ``matter.manage``.

Nothing here says which code said what: an entry's answer is the step (first, matched,
mismatch, resolved) and the inner ballot's status, the list of differing entries names the
codes only (the committee finds the papers), the progress is counts. Another commune's village
answers 404, one's own without the right 403; a village of a matter that is not a secret ballot
has no inner ballots (404). Field errors answer 422, the law's refusal (more inner ballots than
envelopes returned) 422 with its article, a step the count's state refuses 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from danchu.accounts.permissions import Action, get_for_actor, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, with_errors
from danchu.core.errors import NotFound
from danchu.core.validation import acting_person
from danchu.decisions import board_votes, secret_paper, services
from danchu.decisions.api_refusals import refusals_as_422 as _service
from danchu.decisions.models import MatterVillage
from danchu.decisions.schemas import Id
from danchu.disclosure.schemas import ANSWER_PATTERN
from danchu.territory.schemas import _Input

__all__ = ["router"]

router = Router(tags=["decisions"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])

# The tracking code as printed (``ABCD-EFGH-JKMN``), spaces and dashes allowed.
CODE_FIELD = Field(
    ..., min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\- ]+$",
    description="The tracking code printed on the inner ballot.",
)  # fmt: skip
EntryText = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[0-9A-Za-z, ]+$")]
EntryIds = Annotated[list[Id], Field(min_length=1, max_length=50)]
ENTRY_DESCRIPTION = (
    'What the ballot says: an option id, "blank" or "spoiled"; in a board election with several '
    "seats the approved candidates' ids (a list, or comma-separated), at most the seats — a "
    'paper approving more is entered as "spoiled".'
)


class InnerIssueOut(Schema):
    issued_now: int = Field(description="Envelopes, each with its inner ballot, issued now.")
    issued: int = Field(description="Inner ballots issued in the village in all.")


class InnerEntryIn(_Input):
    code: str = CODE_FIELD
    entry: EntryText | EntryIds = Field(..., description=ENTRY_DESCRIPTION)


class InnerResolveIn(InnerEntryIn):
    reason: str = Field(
        ..., min_length=1, max_length=services.REASON_MAX, pattern=ANSWER_PATTERN,
        description="Why the third person's reading settles the differing entries.",
    )  # fmt: skip


class InnerEntryOut(Schema):
    step: str = Field(description="first, matched, mismatch or resolved.")
    status: str = Field(
        description="The inner ballot's status: returned (entered once), counted, blank, "
        "spoiled or mismatch."
    )


class InnerMismatchOut(Schema):
    code: str = Field(description="The tracking code of an inner ballot to read again.")
    may_resolve: bool = Field(description="False for the two who entered it.")


class InnerMismatchesOut(Schema):
    count: int
    items: list[InnerMismatchOut]


class InnerProgressOut(Schema):
    matter_village_id: int
    seats: int = Field(description="Candidates a ballot may approve (1 but a board election).")
    issued: int = Field(description="Inner ballots issued.")
    envelopes_returned: int = Field(description="Households whose envelope came back.")
    entered: int = Field(description="Inner ballots entered at least once.")
    entered_once: int = Field(description="Waiting for the second entry.")
    counted: int
    blank: int
    spoiled: int
    mismatch: int = Field(description="Two entries differ: a third person resolves them.")
    pending: int = Field(
        description="Returned envelopes whose inner ballot is not settled yet: not entered, "
        "entered once, or with differing entries."
    )


def _village(request: HttpRequest, pk: int) -> MatterVillage:
    """The village of a secret ballot the caller may see (``matter.view``): else 404/403."""
    mv = get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village", "commune"),
        actor_of(request),
        Action.MATTER_VIEW,
        pk=pk,
    )
    if not mv.matter.secret:
        raise NotFound(_("Not found."), code="not_found")
    return mv


def _entry(payload: InnerEntryIn) -> Any:
    # One id in a list is that option (a single-seat ballot takes no list).
    entry = payload.entry
    return str(entry[0]) if isinstance(entry, list) and len(entry) == 1 else entry


def _entry_out(result: secret_paper.InnerEntry) -> dict[str, Any]:
    return {"step": result.step, "status": result.inner.status}


@router.post(
    "/matter-villages/{matter_village_id}/inner-ballots/issue",
    response=with_errors({200: InnerIssueOut}),
    operation_id="inner_ballots_issue",
)
def inner_ballots_issue(request: HttpRequest, matter_village_id: int = IdPath) -> Any:
    """Issue an envelope and an inner ballot to every eligible household still without one
    (Law 10/2022 Art. 19(3)); the codes are printed from the page, never answered here."""
    mv = _village(request, matter_village_id)
    with _service():
        issued = services.ballots_issue(actor=actor_of(request), matter_village=mv)
    return {"issued_now": len(issued), "issued": secret_paper.progress(mv)["issued"]}


@router.post(
    "/matter-villages/{matter_village_id}/inner-ballots",
    response=with_errors({200: InnerEntryOut}),
    operation_id="inner_ballot_enter",
)
def inner_ballot_enter(
    request: HttpRequest, payload: InnerEntryIn, matter_village_id: int = IdPath
) -> Any:
    """Enter an inner ballot by its code (double entry, Decree 59/2023 Art. 4(6)): the first
    entry answers ``first``; another person's same entry ``matched`` (counted), a different one
    ``mismatch``. The same person twice: 422 ``same_person``."""
    mv = _village(request, matter_village_id)
    with _service():
        result = secret_paper.inner_ballot_enter(
            actor=actor_of(request), matter_village=mv, code=payload.code, entry=_entry(payload)
        )
    return _entry_out(result)


@router.get(
    "/matter-villages/{matter_village_id}/inner-ballots/mismatches",
    response=with_errors({200: InnerMismatchesOut}),
    operation_id="inner_ballot_mismatches",
)
def inner_ballot_mismatches(request: HttpRequest, matter_village_id: int = IdPath) -> Any:
    """The inner ballots whose two entries differ, by code (not what either entry said), for
    the person who resolves them (``matter.manage``)."""
    actor = actor_of(request)
    mv = _village(request, matter_village_id)
    require(actor, Action.MATTER_MANAGE, mv)
    person = acting_person(actor)
    found = secret_paper.mismatches(mv)
    return {
        "count": len(found),
        "items": [
            {"code": inner.code,
             "may_resolve": person is not None
             and person.pk not in (inner.first_by_id, inner.second_by_id)}
            for inner in found
        ],
    }  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/inner-ballots/resolve",
    response=with_errors({200: InnerEntryOut}),
    operation_id="inner_ballot_resolve",
)
def inner_ballot_resolve(
    request: HttpRequest, payload: InnerResolveIn, matter_village_id: int = IdPath
) -> Any:
    """A third person reads an inner ballot whose entries differ and records what it says,
    with the reason (``resolved``). Not differing: 409 ``not_mismatch``."""
    mv = _village(request, matter_village_id)
    with _service():
        result = secret_paper.inner_ballot_resolve(
            actor=actor_of(request), matter_village=mv, code=payload.code, entry=_entry(payload),
            reason=payload.reason,
        )  # fmt: skip
    return _entry_out(result)


@router.get(
    "/matter-villages/{matter_village_id}/inner-ballots/progress",
    response=with_errors({200: InnerProgressOut}),
    operation_id="inner_ballot_progress",
)
def inner_ballot_progress(request: HttpRequest, matter_village_id: int = IdPath) -> Any:
    """The count's progress: counts only, never a code or a choice."""
    mv = _village(request, matter_village_id)
    found = secret_paper.progress(mv)
    return {
        "matter_village_id": mv.pk, "seats": board_votes.seats_of(mv), "issued": found["issued"],
        "envelopes_returned": found["envelopes"], "entered": found["entered"],
        "entered_once": found["once"], "counted": found["counted"], "blank": found["blank"],
        "spoiled": found["spoiled"], "mismatch": found["mismatch"], "pending": found["pending"],
    }  # fmt: skip
