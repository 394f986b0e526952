"""Read-only API of a village's election: its milestones and candidates (Decree 59/2023 Art. 6).

What the village posts for the election (the plan, the candidate list, the election team, the
notice) is public once the matter is open or closed; the commune's officials also read drafts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from danchu.accounts.permissions import Action, can
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, with_errors
from danchu.core.errors import NotFound
from danchu.decisions import elections
from danchu.decisions.models import ElectionCandidate, ElectionPlan, Matter, MatterVillage
from danchu.decisions.rules import MatterType
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI

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
