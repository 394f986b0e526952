"""API of the village head's office (Decree 59/2023 Art. 8–9): who holds it, since when and
until when, its history, and the commune chair's writes — the head in office before danchu
(back-filling), the interim head, the shift of a term's end, an interim head's resignation, the
link of the head to a resident.

Reading needs the right to see the village's matters (the commune's officials, the Front, the
village head); another commune's village is 404. Writes are the chair's (403 for the others of
the commune). The law's refusal (an interim too long, a shift too far, an elected head's
resignation) answers 422 with the reason and article; a refusal by the current state (the
office held, a term ended) 409.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from danchu.accounts.permissions import Action, can
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, with_errors
from danchu.core.errors import NotFound
from danchu.decisions import office
from danchu.decisions.api_refusals import refusals_as_422 as _service
from danchu.decisions.models import VillageHeadTerm
from danchu.decisions.schemas import Id, PersonName
from danchu.disclosure.schemas import IsoDate
from danchu.territory.models import Village
from danchu.territory.schemas import _Input

__all__ = ["router"]

router = Router(tags=["decisions"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class TermOut(Schema):
    id: int
    kind: str = Field(description="elected or interim.")
    name: str
    resident_id: int | None
    matter_village_id: int | None = Field(
        description="The recognised election, or the recognised dismissal an interim follows."
    )
    started_on: date
    planned_end_on: date
    ended_on: date | None
    end_reason: str = Field(description="term_ended, dismissed, resigned, replaced or empty.")
    source: str = Field(
        description="platform, or before_platform: in office before danchu (entered afterwards)."
    )
    reference: str = Field(description="The UBND xã's decision as written, if entered.")
    current: bool = Field(description="Holds the office today.")
    has_role: bool = Field(description="The person's account holds the village-head role.")


class OfficeOut(Schema):
    village_id: int
    current: TermOut | None
    vacant: bool
    expired: bool = Field(description="An open term is past its planned end.")
    dismissed_on: date | None = Field(description="The last recognised dismissal.")
    reelection_due: date | None = Field(
        description="The new election's last day after a dismissal (Art. 9(3): 60 days)."
    )
    term_months: int = Field(description="A term's length (setting; not confirmed in law).")
    interim_months: int = Field(description="An interim head's longest stay (setting).")
    history: list[TermOut]
    article: str


class InterimIn(_Input):
    name: PersonName | None = Field(None, description="Required without a resident.")
    started_on: IsoDate = Field(..., description="The first day in office (not in the future).")
    until: IsoDate | None = Field(None, description="At most the interim limit (default).")
    resident_id: Id | None = Field(None, description="A resident of the village, if any.")


class ExistingIn(_Input):
    kind: Literal["elected", "interim"]
    name: PersonName | None = Field(None, description="Required without a resident.")
    started_on: IsoDate = Field(..., description="The first day in office (not in the future).")
    planned_end_on: IsoDate | None = Field(
        None,
        description="Default: the term (elected) or the interim limit; an elected term's end "
        "within 6 months of its normal end.",
    )
    reference: str = Field(
        "",
        max_length=300,
        description="The UBND xã's decision (number and date); required for an elected head.",
    )
    resident_id: Id | None = Field(None, description="A resident of the village, if any.")


class ShiftIn(_Input):
    planned_end_on: IsoDate = Field(..., description="Within 6 months of the normal end.")


class ResignIn(_Input):
    on: IsoDate


class HolderIn(_Input):
    resident_id: Id


def _term_out(term: VillageHeadTerm, today: date) -> dict[str, Any]:
    return {
        "id": term.pk, "kind": term.kind, "name": term.name, "resident_id": term.resident_id,
        "matter_village_id": term.matter_village_id, "started_on": term.started_on,
        "planned_end_on": term.planned_end_on, "ended_on": term.ended_on,
        "end_reason": term.end_reason, "current": office.is_current(term, today),
        "source": term.source, "reference": term.reference,
        "has_role": term.role_assignment_id is not None,
    }  # fmt: skip


def _office(village: Village) -> dict[str, Any]:
    today = timezone.localdate()
    state = office.office_state(village, today)
    return {
        "village_id": village.pk,
        "current": _term_out(state.current, today) if state.current else None,
        "vacant": state.vacant,
        "expired": state.expired,
        "dismissed_on": state.dismissal.recognition_on if state.dismissal else None,
        "reelection_due": state.reelection_due,
        "term_months": office.term_months(),
        "interim_months": office.interim_months(),
        "history": [_term_out(t, today) for t in state.history],
        "article": "Nghị định 59/2023 Điều 8, 9",
    }


def _village(request: HttpRequest, pk: int) -> Village:
    village = Village.objects.select_related("commune").filter(pk=pk).first()
    if village is None or not can(actor_of(request), Action.MATTER_VIEW, village):
        raise NotFound(_("Not found."), code="not_found")
    return village


def _term(request: HttpRequest, pk: int) -> VillageHeadTerm:
    term = (
        VillageHeadTerm.objects.select_related("village__commune", "commune").filter(pk=pk).first()
    )
    if term is None or not can(actor_of(request), Action.MATTER_VIEW, term.village):
        raise NotFound(_("Not found."), code="not_found")
    return term


@router.get(
    "/villages/{village_id}/village-head",
    response=with_errors({200: OfficeOut}),
    operation_id="village_head_office_get",
)
def village_head_office_get(request: HttpRequest, village_id: int = IdPath) -> Any:
    """The village's head today, the vacancy and the re-election's last day, and the history."""
    return _office(_village(request, village_id))


@router.post(
    "/villages/{village_id}/village-head/interim",
    response=with_errors({201: OfficeOut}),
    operation_id="village_head_interim_appoint",
)
def village_head_interim_appoint(
    request: HttpRequest, payload: InterimIn, village_id: int = IdPath
) -> Any:
    """The commune chair appoints an interim head while the office is vacant (Art. 9)."""
    village = _village(request, village_id)
    with _service():
        office.interim_appoint(
            actor=actor_of(request), village=village, name=payload.name or "",
            started_on=payload.started_on, until=payload.until, resident=payload.resident_id,
        )  # fmt: skip
    return Status(201, _office(village))


@router.post(
    "/villages/{village_id}/village-head/existing",
    response=with_errors({201: OfficeOut}),
    operation_id="village_head_existing_record",
)
def village_head_existing_record(
    request: HttpRequest, payload: ExistingIn, village_id: int = IdPath
) -> Any:
    """The commune chair enters the head in office before danchu: the village's first term."""
    village = _village(request, village_id)
    with _service():
        office.term_record_existing(
            actor=actor_of(request), village=village, kind=payload.kind, name=payload.name or "",
            started_on=payload.started_on, planned_end_on=payload.planned_end_on,
            reference=payload.reference, resident=payload.resident_id,
        )  # fmt: skip
    return Status(201, _office(village))


@router.post(
    "/village-head-terms/{term_id}/end-shift",
    response=with_errors({200: OfficeOut}),
    operation_id="village_head_term_shift",
)
def village_head_term_shift(request: HttpRequest, payload: ShiftIn, term_id: int = IdPath) -> Any:
    """The commune chair moves an elected term's end by at most 6 months."""
    term = _term(request, term_id)
    with _service():
        office.term_end_shift(
            actor=actor_of(request), term=term, planned_end_on=payload.planned_end_on
        )
    return _office(term.village)


@router.post(
    "/village-head-terms/{term_id}/resignation",
    response=with_errors({200: OfficeOut}),
    operation_id="village_head_term_resign",
)
def village_head_term_resign(request: HttpRequest, payload: ResignIn, term_id: int = IdPath) -> Any:
    """An interim head leaves (an elected head's request goes to the community, Art. 9(1))."""
    term = _term(request, term_id)
    with _service():
        office.term_resign(actor=actor_of(request), term=term, on=payload.on)
    return _office(term.village)


@router.post(
    "/village-head-terms/{term_id}/holder",
    response=with_errors({200: OfficeOut}),
    operation_id="village_head_term_link",
)
def village_head_term_link(request: HttpRequest, payload: HolderIn, term_id: int = IdPath) -> Any:
    """Link the head to a resident of the village: their account gets the village-head role."""
    term = _term(request, term_id)
    with _service():
        office.term_holder_link(actor=actor_of(request), term=term, resident=payload.resident_id)
    return _office(term.village)
