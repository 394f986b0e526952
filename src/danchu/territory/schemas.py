"""API schemas for units, villages, households and residents.

Citizen IDs and phones leave the server masked unless the caller may see personal data
(``resident.view_personal``); the routers decide and pass ``personal`` when building output.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from danchu.territory.models import AdministrativeUnit, Household, Resident, Village

__all__ = [
    "CODE_PATTERN",
    "HouseholdDetailOut",
    "HouseholdFilters",
    "HouseholdOut",
    "HouseholdPage",
    "ResidentFilters",
    "ResidentOut",
    "ResidentPage",
    "UnitFilters",
    "UnitOut",
    "UnitPage",
    "VillageCreateIn",
    "VillageFilters",
    "VillageOut",
    "VillagePage",
    "VillageUpdateIn",
    "household_out",
    "resident_out",
    "unit_out",
    "village_out",
]

# Official unit codes are digits (province "42", commune "18406"); village codes are short words.
CODE_PATTERN = r"^[0-9]{1,10}$"
# No control characters in text that is stored or searched (PostgreSQL refuses NUL).
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# A name: the same, and not only spaces (the services would refuse it as missing).
NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
SearchText = Annotated[
    str | None,
    Field(None, max_length=100, pattern=TEXT_PATTERN, description="Search text."),
]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

Era = Literal["2025", "former"]
Level = Literal["province", "district", "commune"]


# ---------------------------------------------------------------------------------------------
# Units


class UnitFilters(Schema):
    level: Level | None = None
    era: Era = "2025"
    parent: str | None = Field(None, pattern=CODE_PATTERN, description="Parent unit code.")
    q: SearchText = None


class UnitOut(Schema):
    era: str
    level: str
    code: str
    name: str
    unit_type: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


def unit_out(unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "era": unit.era,
        "level": unit.level,
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "parent_code": unit.parent.code if unit.parent_id else None,  # type: ignore[union-attr]
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


# ---------------------------------------------------------------------------------------------
# Villages


class VillageFilters(Schema):
    q: SearchText = None
    include_inactive: bool = False


class VillageOut(Schema):
    id: int
    commune_code: str
    code: str
    name: str
    kind: Village.Kind
    kind_label: str
    is_active: bool
    merged_into_id: int | None
    household_count: int


class VillagePage(Schema):
    count: int
    items: list[VillageOut]


class _Input(Schema):
    """A request body: a JSON object (ninja's schemas would otherwise read attributes off
    anything, so that ``[null]`` passed as an empty object)."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_object(cls, data: Any) -> Any:
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja wraps it in DjangoGetter
            raise ValueError("object expected")  # reported as a translated field error
        return data


class VillageCreateIn(_Input):
    name: str = Field(..., min_length=1, max_length=200, pattern=NAME_PATTERN)
    kind: Village.Kind = Village.Kind.THON
    code: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_.-]+$")


class VillageUpdateIn(_Input):
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    kind: Village.Kind | None = None


def village_out(village: Village) -> dict[str, Any]:
    return {
        "id": village.pk,
        "commune_code": village.commune.code,
        "code": village.code,
        "name": village.name,
        "kind": village.kind,
        "kind_label": str(village.get_kind_display()),
        "is_active": village.is_active,
        "merged_into_id": village.merged_into_id,
        "household_count": getattr(village, "household_count", None) or 0,
    }


# ---------------------------------------------------------------------------------------------
# Households and residents


class HouseholdFilters(Schema):
    commune: str | None = Field(None, pattern=CODE_PATTERN, description="Commune code.")
    village: Id | None = Field(None, description="Village id.")
    q: SearchText = None


class ResidentFilters(Schema):
    commune: str | None = Field(None, pattern=CODE_PATTERN, description="Commune code.")
    village: Id | None = Field(None, description="Village id.")
    household: Id | None = Field(None, description="Household id.")
    q: SearchText = None


class VillageRef(Schema):
    id: int
    code: str
    name: str


class ResidentOut(Schema):
    id: int
    household_id: int
    household_code: str
    full_name: str
    date_of_birth: date | None
    sex: str
    citizen_id: str = Field(description="Masked unless you may see personal data.")
    phone: str = Field(description="Masked unless you may see personal data.")
    is_representative: bool


class ResidentPage(Schema):
    count: int
    items: list[ResidentOut]


class HouseholdOut(Schema):
    id: int
    commune_code: str
    code: str
    village: VillageRef
    address: str
    representative_name: str | None
    member_count: int


class HouseholdDetailOut(HouseholdOut):
    members: list[ResidentOut]


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


def resident_out(
    resident: Resident, *, personal: bool, household: Household | None = None
) -> dict[str, Any]:
    household = household or resident.household
    return {
        "id": resident.pk,
        "household_id": resident.household_id,
        "household_code": household.code,
        "full_name": resident.full_name,
        "date_of_birth": resident.date_of_birth,
        "sex": resident.sex,
        "citizen_id": resident.citizen_id if personal else resident.citizen_id_masked,
        "phone": resident.phone if personal else resident.phone_masked,
        "is_representative": resident.is_representative,
    }


def household_out(household: Household) -> dict[str, Any]:
    village = household.village
    return {
        "id": household.pk,
        "commune_code": household.commune.code,
        "code": household.code,
        "village": {"id": village.pk, "code": village.code, "name": village.name},
        "address": household.address,
        "representative_name": getattr(household, "representative_name", None),
        "member_count": getattr(household, "member_count", None) or 0,
    }
