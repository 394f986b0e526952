"""The territory router: units (public), villages, households and residents (scoped).

Each handler parses (ninja), reads through the selectors (which scope by the permission
layer), writes through the services (which audit), and answers with the schemas.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from danchu.accounts.permissions import Action, can, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.territory import selectors
from danchu.territory.schemas import (
    CODE_PATTERN,
    Era,
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdPage,
    ResidentFilters,
    ResidentOut,
    ResidentPage,
    UnitFilters,
    UnitOut,
    UnitPage,
    VillageCreateIn,
    VillageFilters,
    VillageOut,
    VillagePage,
    VillageUpdateIn,
    household_out,
    resident_out,
    unit_out,
    village_out,
)

__all__ = ["router"]

router = Router(tags=["territory"])

# The examples name the demo commune (Xã Can Lộc, Hà Tĩnh), so the docs and the fuzzer start
# from a real row.
CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


# ---------------------------------------------------------------------------------------------
# Units: public reference data


@router.get("/units", response=with_errors({200: UnitPage}), auth=None, operation_id="unit_list")
def unit_list(
    request: HttpRequest, filters: Query[UnitFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Administrative units (2025 list by default), filterable by level, parent code and name."""
    qs = selectors.unit_list(
        level=filters.level, era=filters.era, parent=filters.parent, q=filters.q
    )
    count, items = paginate(qs, page)
    return {"count": count, "items": [unit_out(u) for u in items]}


@router.get(
    "/units/{era}/{code}", response=with_errors({200: UnitOut}), auth=None, operation_id="unit_get"
)
def unit_get(request: HttpRequest, era: Era, code: str = CodePath) -> dict[str, Any]:
    return unit_out(selectors.unit_get(code, era=era))


# ---------------------------------------------------------------------------------------------
# Villages


@router.get(
    "/communes/{code}/villages",
    response=with_errors({200: VillagePage}),
    operation_id="village_list",
)
def village_list(
    request: HttpRequest,
    filters: Query[VillageFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The commune's villages and residential groups that you may see, with household counts."""
    commune = selectors.commune_public(code)
    qs = selectors.village_list(
        actor=actor_of(request),
        commune=commune,
        q=filters.q,
        include_inactive=filters.include_inactive,
    )
    count, items = paginate(qs, page)
    return {"count": count, "items": [village_out(v) for v in items]}


@router.post(
    "/communes/{code}/villages",
    response=with_errors({201: VillageOut}),
    operation_id="village_create",
)
def village_create(
    request: HttpRequest, payload: VillageCreateIn, code: str = CodePath
) -> tuple[int, dict[str, Any]]:
    from danchu.territory import services

    actor = actor_of(request)
    commune = selectors.commune_public(code)
    require(actor, Action.VILLAGE_CREATE, commune)
    village = services.village_create(
        actor=actor, commune=commune, name=payload.name, kind=payload.kind, code=payload.code
    )
    return 201, village_out(selectors.village_get(actor=actor, pk=village.pk))


@router.get(
    "/villages/{village_id}", response=with_errors({200: VillageOut}), operation_id="village_get"
)
def village_get(request: HttpRequest, village_id: int = IdPath) -> dict[str, Any]:
    return village_out(selectors.village_get(actor=actor_of(request), pk=village_id))


@router.patch(
    "/villages/{village_id}", response=with_errors({200: VillageOut}), operation_id="village_update"
)
def village_update(
    request: HttpRequest, payload: VillageUpdateIn, village_id: int = IdPath
) -> dict[str, Any]:
    from danchu.territory import services

    actor = actor_of(request)
    village = selectors.village_get(actor=actor, pk=village_id, action=Action.VILLAGE_UPDATE)
    services.village_update(actor=actor, village=village, name=payload.name, kind=payload.kind)
    return village_out(selectors.village_get(actor=actor, pk=village_id))


# ---------------------------------------------------------------------------------------------
# Households and residents


@router.get(
    "/households", response=with_errors({200: HouseholdPage}), operation_id="household_list"
)
def household_list(
    request: HttpRequest, filters: Query[HouseholdFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Households you may list; search by code, address or representative (no diacritics needed)."""
    qs = selectors.household_list(
        actor=actor_of(request), commune=filters.commune, village=filters.village, q=filters.q
    )
    count, items = paginate(qs, page)
    return {"count": count, "items": [household_out(h) for h in items]}


@router.get(
    "/households/{household_id}",
    response=with_errors({200: HouseholdDetailOut}),
    operation_id="household_get",
)
def household_get(request: HttpRequest, household_id: int = IdPath) -> dict[str, Any]:
    """One household with its members; citizen IDs and phones masked unless you may see them."""
    actor = actor_of(request)
    household = selectors.household_get(actor=actor, pk=household_id)
    personal = can(actor, Action.RESIDENT_VIEW_PERSONAL, household)
    members = list(household.members.all())
    data = household_out(household)
    data["member_count"] = len(members)
    rep = next((m for m in members if m.is_representative), None)
    data["representative_name"] = rep.full_name if rep else None
    data["members"] = [resident_out(m, personal=personal, household=household) for m in members]
    return data


@router.get("/residents", response=with_errors({200: ResidentPage}), operation_id="resident_list")
def resident_list(
    request: HttpRequest, filters: Query[ResidentFilters], page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    qs = selectors.resident_list(
        actor=actor,
        commune=filters.commune,
        household=filters.household,
        village=filters.village,
        q=filters.q,
    )
    count, items = paginate(qs, page)
    return {
        "count": count,
        "items": [
            resident_out(r, personal=can(actor, Action.RESIDENT_VIEW_PERSONAL, r)) for r in items
        ],
    }


@router.get(
    "/residents/{resident_id}",
    response=with_errors({200: ResidentOut}),
    operation_id="resident_get",
)
def resident_get(request: HttpRequest, resident_id: int = IdPath) -> dict[str, Any]:
    actor = actor_of(request)
    resident = selectors.resident_get(actor=actor, pk=resident_id)
    return resident_out(resident, personal=can(actor, Action.RESIDENT_VIEW_PERSONAL, resident))
