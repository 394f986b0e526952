"""API of a village's election (Decree 59/2023 Art. 6–9): its milestones and candidates, the
steps that record them, and the dismissal petitions.

What the village posts for the election (the plan, the candidate list, the election team, the
notice) is public once the matter is open or closed; the commune's officials also read drafts.
The writes go through :mod:`danchu.decisions.elections` and its permissions (404 for what the
caller may not see, 403 without the right); the law's refusal of a step (too late, before its
prerequisite, a petition too small) answers 422 with the reason and article, a step refused by
the current state (the matter already open, a petition already used) 409.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, with_errors
from danchu.core.errors import NotFound
from danchu.decisions import elections, rules, services
from danchu.decisions.api_refusals import refusals_as_422 as _service
from danchu.decisions.models import (
    DismissalPetition,
    ElectionCandidate,
    ElectionPlan,
    Matter,
    MatterVillage,
)
from danchu.decisions.rules import MatterType
from danchu.decisions.schemas import Id, PersonName
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.disclosure.schemas import MULTILINE_PATTERN, IsoDate
from danchu.territory.models import Village
from danchu.territory.schemas import NAME_PATTERN, _Input

__all__ = ["router"]

router = Router(tags=["decisions"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class ElectionStepOut(Schema):
    key: str = Field(description="plan, candidates, election_team or public_notice.")
    label: str
    done_on: date | None = Field(description="The day the step was taken.")
    latest: date | None = Field(description="The last day allowed before the election day.")


class CandidateOut(Schema):
    option_id: int
    label: str
    source: str = Field(description="front_list, households or self.")


class ElectionOut(Schema):
    matter_village_id: int
    election_day: date | None
    seats: int = Field(description="How many are elected (a board may elect several).")
    team: list[str] = Field(description="The election team; the first leads it.")
    steps: list[ElectionStepOut]
    candidates: list[CandidateOut]
    article: str


@router.get(
    "/matter-villages/{matter_village_id}/election",
    response=with_errors({200: ElectionOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="election_get",
)
def election_get(request: HttpRequest, matter_village_id: int = IdPath) -> Any:
    return _election(request, matter_village_id)


def _election(request: HttpRequest, matter_village_id: int) -> dict[str, Any]:
    """A village's election: the milestones of Decree 59/2023 Art. 6 with the last day of each,
    and the candidates with who nominated them. 404 for other matters, and for drafts to the
    public."""
    mv = (
        MatterVillage.objects.select_related("matter", "commune")
        .filter(pk=matter_village_id)
        .first()
    )
    if mv is None or mv.matter.matter_type not in (
        MatterType.VILLAGE_HEAD,
        MatterType.BOARD_MEMBERS,
    ):
        raise NotFound(_("Not found."), code="not_found")
    public = mv.matter.status in (Matter.Status.OPEN, Matter.Status.CLOSED)
    if not public and not can(actor_of(request), Action.MATTER_VIEW, mv.matter):
        raise NotFound(_("Not found."), code="not_found")
    plan = ElectionPlan.objects.filter(matter_village=mv).first()
    candidates = (
        ElectionCandidate.objects.filter(plan=plan)
        .select_related("option")
        .order_by("option__position")
        if plan is not None
        else []
    )
    return {
        "matter_village_id": mv.pk,
        "election_day": plan.election_day if plan else None,
        "seats": plan.seats if plan else 1,
        "team": list(plan.team or []) if plan else [],
        "steps": [s.__dict__ for s in elections.election_steps(plan)],
        "candidates": [
            {"option_id": c.option_id, "label": c.option.label, "source": c.source}
            for c in candidates
        ],
        "article": "Nghị định 59/2023 Điều 6",
    }


# ---------------------------------------------------------------------------------------------
# Recording the election's steps (Decree 59/2023 Art. 3(5), 6)


def _matter_village(request: HttpRequest, pk: int) -> MatterVillage:
    return get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "commune", "village"),
        actor_of(request),
        Action.MATTER_VIEW,
        pk=pk,
    )


class ElectionPlanIn(_Input):
    election_day: IsoDate = Field(..., description="The election day (in the future).")
    plan_on: IsoDate = Field(..., description="The day the chair's decision and plan issued.")
    after_dismissal_id: Id | None = Field(
        None, description="The dismissal this election follows (within 60 days, Art. 9(3))."
    )


class CandidatesIn(_Input):
    names: list[PersonName] = Field(..., min_length=1, max_length=services.CANDIDATES_MAX)
    fixed_on: IsoDate


class TeamIn(_Input):
    members: list[PersonName] = Field(..., min_length=1, max_length=services.TEAM_NAMES_MAX)
    set_on: IsoDate


class NoticeIn(_Input):
    notice_on: IsoDate


class SeatsIn(_Input):
    seats: int = Field(..., ge=1, le=services.CANDIDATES_MAX)


class NominationIn(_Input):
    name: PersonName
    source: Literal["households", "self"]


def _step(request: HttpRequest, matter_village_id: int, call: Any) -> dict[str, Any]:
    mv = _matter_village(request, matter_village_id)
    with _service():
        call(actor_of(request), mv)
    return _election(request, mv.pk)


@router.post(
    "/matter-villages/{matter_village_id}/election/plan",
    response=with_errors({200: ElectionOut}),
    operation_id="election_plan_record",
)
def election_plan_record(
    request: HttpRequest, payload: ElectionPlanIn, matter_village_id: int = IdPath
) -> Any:
    """The commune chair's decision and plan, at least 20 days before the election day."""
    petition = None
    if payload.after_dismissal_id is not None:
        petition = DismissalPetition.objects.filter(pk=payload.after_dismissal_id).first()
        if petition is None:
            raise NotFound(_("Not found."), code="not_found")
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.election_plan_record(
            actor=actor, matter_village=mv, election_day=payload.election_day,
            plan_on=payload.plan_on, after_dismissal=petition,
        ),
    )  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/election/candidates",
    response=with_errors({200: ElectionOut}),
    operation_id="election_candidates_fix",
)
def election_candidates_fix(
    request: HttpRequest, payload: CandidatesIn, matter_village_id: int = IdPath
) -> Any:
    """The village Front committee's official list, at least 15 days before."""
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.election_candidates_fix(
            actor=actor, matter_village=mv, names=payload.names, fixed_on=payload.fixed_on
        ),
    )  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/election/team",
    response=with_errors({200: ElectionOut}),
    operation_id="election_team_set",
)
def election_team_set(
    request: HttpRequest, payload: TeamIn, matter_village_id: int = IdPath
) -> Any:
    """The election team set up by the chair at least 10 days before; the first leads it."""
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.election_team_set(
            actor=actor, matter_village=mv, members=payload.members, set_on=payload.set_on
        ),
    )  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/election/notice",
    response=with_errors({200: ElectionOut}),
    operation_id="election_notice_record",
)
def election_notice_record(
    request: HttpRequest, payload: NoticeIn, matter_village_id: int = IdPath
) -> Any:
    """The public notice, at least 7 days before, after the list and the team."""
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.election_notice_record(
            actor=actor, matter_village=mv, notice_on=payload.notice_on
        ),
    )  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/election/seats",
    response=with_errors({200: ElectionOut}),
    operation_id="election_seats_set",
)
def election_seats_set(
    request: HttpRequest, payload: SeatsIn, matter_village_id: int = IdPath
) -> Any:
    """How many board members the vote elects (Law 10/2022 Art. 15(5)); while a draft."""
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.board_seats_set(
            actor=actor, matter_village=mv, seats=payload.seats
        ),
    )  # fmt: skip


@router.post(
    "/matter-villages/{matter_village_id}/election/nominations",
    response=with_errors({200: ElectionOut}),
    operation_id="election_nomination_add",
)
def election_nomination_add(
    request: HttpRequest, payload: NominationIn, matter_village_id: int = IdPath
) -> Any:
    """A candidate nominated at the meeting by households, or self-nominated (Art. 3(5)(b))."""
    return _step(
        request, matter_village_id,
        lambda actor, mv: elections.meeting_nomination_add(
            actor=actor, matter_village=mv, name=payload.name, source=payload.source
        ),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Dismissal petitions (Decree 59/2023 Art. 9)


class PetitionIn(_Input):
    route: Literal["own_request", "front_proposal", "households"]
    head_name: PersonName
    reason: str = Field(
        ..., min_length=1, max_length=services.REASON_MAX, pattern=MULTILINE_PATTERN
    )


class SignaturesIn(_Input):
    household_ids: list[Id] = Field(..., min_length=1, max_length=500)
    signed_on: IsoDate


class DismissalMatterIn(_Input):
    title: str = Field(..., min_length=1, max_length=services.TITLE_MAX, pattern=NAME_PATTERN)
    question: str = Field(
        ..., min_length=1, max_length=services.QUESTION_MAX, pattern=MULTILINE_PATTERN
    )


class PetitionOut(Schema):
    id: int
    village_id: int
    route: str
    head_name: str
    reason: str
    status: str = Field(description="collecting or matter_opened.")
    signing: int = Field(description="Households of the village now that signed.")
    households: int = Field(description="Households of the village now.")
    suffices: bool = Field(description="Art. 9(1): a households' petition needs half of them.")
    matter_id: int | None
    article: str


def _petition(request: HttpRequest, pk: int) -> DismissalPetition:
    found = DismissalPetition.objects.select_related("village", "commune").filter(pk=pk).first()
    if found is None or not can(actor_of(request), Action.MATTER_MANAGE, found.village):
        raise NotFound(_("Not found."), code="not_found")
    return found


def _petition_out(petition: DismissalPetition) -> dict[str, Any]:
    signing, total = elections.dismissal_signatures(petition)
    households = petition.route == DismissalPetition.Route.HOUSEHOLDS
    return {
        "id": petition.pk, "village_id": petition.village_id, "route": petition.route,
        "head_name": petition.head_name, "reason": petition.reason, "status": petition.status,
        "signing": signing, "households": total,
        "suffices": not households or rules.dismissal_petition_suffices(signing, total),
        "matter_id": petition.matter_id, "article": "Nghị định 59/2023 Điều 9",
    }  # fmt: skip


@router.post(
    "/villages/{village_id}/dismissal-petitions",
    response=with_errors({201: PetitionOut}),
    operation_id="dismissal_petition_create",
)
def dismissal_petition_create(
    request: HttpRequest, payload: PetitionIn, village_id: int = IdPath
) -> Any:
    """Record what brings a village head's dismissal to the community (Art. 9(1))."""
    actor = actor_of(request)
    village = Village.objects.select_related("commune").filter(pk=village_id).first()
    if village is None or not can(actor, Action.MATTER_MANAGE, village):
        raise NotFound(_("Not found."), code="not_found")
    with _service():
        petition = elections.dismissal_petition_create(
            actor=actor, village=village, route=payload.route, head_name=payload.head_name,
            reason=payload.reason,
        )  # fmt: skip
    return Status(201, _petition_out(petition))


@router.get(
    "/dismissal-petitions/{petition_id}",
    response=with_errors({200: PetitionOut}),
    operation_id="dismissal_petition_get",
)
def dismissal_petition_get(request: HttpRequest, petition_id: int = IdPath) -> Any:
    """A petition and its signatures against half of the village's households (officials and
    the village head; not public)."""
    return _petition_out(_petition(request, petition_id))


@router.post(
    "/dismissal-petitions/{petition_id}/signatures",
    response=with_errors({200: PetitionOut}),
    operation_id="dismissal_signatures_record",
)
def dismissal_signatures_record(
    request: HttpRequest, payload: SignaturesIn, petition_id: int = IdPath
) -> Any:
    """Households' signatures on a households' petition (one per household)."""
    petition = _petition(request, petition_id)
    with _service():
        elections.dismissal_signatures_record(
            actor=actor_of(request), petition=petition, household_ids=payload.household_ids,
            signed_on=payload.signed_on,
        )  # fmt: skip
    return _petition_out(_petition(request, petition_id))


@router.post(
    "/dismissal-petitions/{petition_id}/matter",
    response=with_errors({200: PetitionOut}),
    operation_id="dismissal_matter_create",
)
def dismissal_matter_create(
    request: HttpRequest, payload: DismissalMatterIn, petition_id: int = IdPath
) -> Any:
    """Put the dismissal to the community: a draft agree/disagree matter (Art. 9(1)–(2))."""
    petition = _petition(request, petition_id)
    with _service():
        elections.dismissal_matter_create(
            actor=actor_of(request), petition=petition, title=payload.title,
            question=payload.question,
        )  # fmt: skip
    return _petition_out(_petition(request, petition_id))
