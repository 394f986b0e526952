"""The citizen-initiatives API (Law 10/2022/QH15 Art. 16(3)), mounted on the decisions router.

Initiatives are public (what is proposed to the community is the community's to see): the
reads accept a token, a session or nobody. Which households consented is not public: the
proposer, the village head, commune officials and the Front read it. Writes go through the
services of :mod:`danchu.decisions.initiatives` and their permissions (404 across communes,
403 without the right); field errors answer 422, a refusal caused by the initiative's state
(withdrawn, already before the community) 409.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.decisions import initiative_reads, initiatives, selectors
from danchu.decisions.initiative_schemas import (
    ConsentIn,
    ConsentOut,
    ConsentPage,
    FrontApprovalIn,
    InitiativeFilters,
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    consent_out,
    initiative_out,
)
from danchu.decisions.models import Initiative
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.territory import selectors as territory
from danchu.territory.models import Household, Village
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["initiatives"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class _Conflict(ApplicationError):
    """The initiative's state refuses the step (withdrawn, already before the community)."""

    status = 409


@contextmanager
def _service(rename: dict[str, str] | None = None) -> Iterator[None]:
    """The services' refusals in the API's terms: field names as the API spells them; a plain
    refusal (of the initiative's state) as 409."""
    try:
        yield
    except ValidationFailed as exc:
        if rename:
            exc.fields = {rename.get(k, k): v for k, v in exc.fields.items()}
        raise
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            raise _Conflict(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _initiative(pk: int) -> Initiative:
    found = Initiative.objects.select_related("village", "commune").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return found


def _out(initiative: Initiative) -> dict[str, Any]:
    progress = initiatives.initiative_progress(initiative, on=initiative_reads.today())
    return initiative_out(initiative, progress, commune_code=initiative.commune.code)


@router.get(
    "/communes/{code}/initiatives",
    response=with_errors({200: InitiativePage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="initiative_list",
)
def initiative_list(
    request: HttpRequest,
    filters: Query[InitiativeFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The commune's initiatives, newest first, each with its valid consents against 10 % of
    its village's households (Art. 16(3)). Three queries whatever the size."""
    commune = territory.commune_public(code)
    village = None
    if filters.village_id is not None:
        village = Village.objects.filter(commune=commune, pk=filters.village_id).first()
        if village is None:
            return {"count": 0, "items": []}
    found = initiatives.initiative_list(commune=commune, village=village, status=filters.status)
    on = initiative_reads.today()
    count, items = paginate(initiative_reads.with_progress(found, on), page)
    return {
        "count": count,
        "items": [
            initiative_out(i, initiative_reads.progress_of(i, on), commune_code=commune.code)
            for i in items
        ],
    }


@router.get(
    "/initiatives/{initiative_id}",
    response=with_errors({200: InitiativeOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="initiative_get",
)
def initiative_get(request: HttpRequest, initiative_id: int = IdPath) -> Any:
    """One initiative and its progress."""
    return _out(_initiative(initiative_id))


@router.post(
    "/communes/{code}/initiatives",
    response=with_errors({201: InitiativeOut}),
    operation_id="initiative_create",
)
def initiative_create(request: HttpRequest, payload: InitiativeIn, code: str = CodePath) -> Any:
    """A resident proposes a matter to their own village's community (Art. 16(3))."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    village = Village.objects.filter(commune=commune, pk=payload.village_id).first()
    if village is None:
        raise ValidationFailed(
            _("Please correct the errors below."),
            fields={"village_id": [_("Choose an active village of the commune.")]},
        )
    with _service(rename={"village": "village_id"}):
        created = initiatives.initiative_create(
            actor=actor, village=village, matter_type=payload.matter_type,
            title=payload.title, proposal=payload.proposal,
        )  # fmt: skip
    return Status(201, _out(_initiative(created.pk)))


@router.post(
    "/initiatives/{initiative_id}/consents",
    response=with_errors({200: ConsentOut}),
    operation_id="consent_give",
)
def consent_give(request: HttpRequest, payload: ConsentIn, initiative_id: int = IdPath) -> Any:
    """A household consents (each consent counts for 3 months; consenting again renews it)."""
    actor = actor_of(request)
    initiative = _initiative(initiative_id)
    if payload.household_id is None:
        household = selectors.own_household(actor)
        if household is None:
            raise PermissionDenied(
                _("Only a household representative consents, for their own household."),
                code="forbidden",
            )
    else:
        household = (
            Household.objects.select_related("commune").filter(pk=payload.household_id).first()
        )
        if household is None:
            raise NotFound(_("Not found."), code="not_found")
    with _service(rename={"household": "household_id"}):
        consent = initiatives.consent_give(
            actor=actor, initiative=initiative, household=household, given_on=payload.given_on
        )
    consent.household = household
    return consent_out(consent, village_id=initiative.village_id, on=initiative_reads.today())


@router.get(
    "/initiatives/{initiative_id}/consents",
    response=with_errors({200: ConsentPage}),
    operation_id="consent_list",
)
def consent_list(
    request: HttpRequest, page: Query[PageParams], initiative_id: int = IdPath
) -> dict[str, Any]:
    """The households that consented: for the proposer, the village head, the commune's
    officials and the Front (not public)."""
    initiative = _initiative(initiative_id)
    found = initiatives.consent_list(actor=actor_of(request), initiative=initiative)
    count, items = paginate(found, page)
    on = initiative_reads.today()
    return {
        "count": count,
        "items": [consent_out(c, village_id=initiative.village_id, on=on) for c in items],
    }


@router.post(
    "/initiatives/{initiative_id}/front-approval",
    response=with_errors({200: InitiativeOut}),
    operation_id="initiative_front_approve",
)
def initiative_front_approve(
    request: HttpRequest, payload: FrontApprovalIn, initiative_id: int = IdPath
) -> Any:
    """Below 10 % of households, the Front working committee lets the initiative go to the
    community (Art. 16(3)), with its reasons."""
    initiative = _initiative(initiative_id)
    with _service():
        initiatives.initiative_front_approve(
            actor=actor_of(request), initiative=initiative, note=payload.note
        )
    return _out(_initiative(initiative.pk))


@router.post(
    "/initiatives/{initiative_id}/withdraw",
    response=with_errors({200: InitiativeOut}),
    operation_id="initiative_withdraw",
)
def initiative_withdraw(request: HttpRequest, initiative_id: int = IdPath) -> Any:
    """The proposer withdraws the initiative while no matter was opened from it."""
    initiative = _initiative(initiative_id)
    with _service():
        initiatives.initiative_withdraw(actor=actor_of(request), initiative=initiative)
    return _out(_initiative(initiative.pk))
