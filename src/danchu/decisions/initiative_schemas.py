"""API schemas of citizen initiatives (Law 10/2022/QH15 Art. 16(3)).

Inputs are bounded like the services' own limits; outputs are built by the ``*_out`` functions
from rows the handlers loaded (no query inside them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from danchu.decisions import initiatives
from danchu.decisions.initiatives import InitiativeProgress
from danchu.decisions.models import Consent, Initiative
from danchu.decisions.rules import MatterType
from danchu.disclosure.schemas import MULTILINE_PATTERN, IsoDate
from danchu.territory.schemas import NAME_PATTERN, _Input

__all__ = [
    "ConsentIn",
    "ConsentOut",
    "ConsentPage",
    "FrontApprovalIn",
    "InitiativeFilters",
    "InitiativeIn",
    "InitiativeOut",
    "InitiativePage",
    "consent_out",
    "initiative_out",
]

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
InitiativeStatus = Literal["collecting", "reached", "front_approved", "withdrawn"]


class InitiativeFilters(Schema):
    village_id: Id | None = Field(None, description="Initiatives of this village.")
    status: InitiativeStatus | None = None


class InitiativeIn(_Input):
    """A resident's proposal to their own village's community (Art. 16(3))."""

    village_id: Id
    matter_type: int = Field(..., ge=1, le=6, description="Law 10/2022 Art. 15 clause (1–6).")
    title: str = Field(..., min_length=1, max_length=initiatives.TITLE_MAX, pattern=NAME_PATTERN)
    proposal: str = Field(
        ..., min_length=1, max_length=initiatives.PROPOSAL_MAX, pattern=MULTILINE_PATTERN
    )


class ConsentIn(_Input):
    """A household's consent. A representative consents for their own household today (both
    fields left out); the village head or a commune official enters a consent collected on paper
    or at a meeting, for a household of the village and the day it was given."""

    household_id: Id | None = Field(None, description="Default: the caller's own household.")
    given_on: IsoDate | None = Field(
        None, description="The day the consent was given (default today; valid 3 months)."
    )


class FrontApprovalIn(_Input):
    note: str = Field(
        ..., min_length=1, max_length=initiatives.NOTE_MAX, pattern=MULTILINE_PATTERN,
        description="The Front working committee's reasons (below 10 % of households).",
    )  # fmt: skip


class ProgressOut(Schema):
    on: date
    total_households: int = Field(description="All households of the village now.")
    valid_consents: int = Field(description="Consents valid on that day (3 months each).")
    needed: int = Field(description="At least 10 % of the households (Art. 16(3)).")
    reached: bool
    earliest_expiry: date | None = Field(description="The last day of the first consent to lapse.")
    article: str


class InitiativeOut(Schema):
    id: int
    commune_code: str
    village_id: int
    village_name: str
    matter_type: int
    matter_type_label: str
    title: str
    proposal: str
    status: InitiativeStatus
    status_label: str
    created_at: datetime
    reached_at: datetime | None
    front_note: str
    progress: ProgressOut


class InitiativePage(Schema):
    count: int
    items: list[InitiativeOut]


class ConsentOut(Schema):
    household_id: int
    household_code: str
    given_on: date
    valid_until: date
    counts: bool = Field(description="Valid today and the household still lives in the village.")


class ConsentPage(Schema):
    count: int
    items: list[ConsentOut]


def initiative_out(
    initiative: Initiative, progress: InitiativeProgress, *, commune_code: str
) -> dict[str, Any]:
    return {
        "id": initiative.pk,
        "commune_code": commune_code,
        "village_id": initiative.village_id,
        "village_name": initiative.village.name,
        "matter_type": initiative.matter_type,
        "matter_type_label": str(MatterType(initiative.matter_type).label),
        "title": initiative.title,
        "proposal": initiative.proposal,
        "status": initiative.status,
        "status_label": str(Initiative.Status(initiative.status).label),
        "created_at": initiative.created_at,
        "reached_at": initiative.reached_at,
        "front_note": initiative.front_note,
        "progress": {
            "on": progress.on,
            "total_households": progress.total_households,
            "valid_consents": progress.valid_consents,
            "needed": progress.needed,
            "reached": progress.reached,
            "earliest_expiry": progress.earliest_expiry,
            "article": initiatives.ARTICLE,
        },
    }


def consent_out(consent: Consent, *, village_id: int, on: date) -> dict[str, Any]:
    household = consent.household
    counts = household.village_id == village_id and consent.given_on <= on <= consent.valid_until
    return {
        "household_id": household.pk,
        "household_code": household.code,
        "given_on": consent.given_on,
        "valid_until": consent.valid_until,
        "counts": counts,
    }
