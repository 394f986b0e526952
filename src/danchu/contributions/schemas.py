"""API schemas of contribution campaigns (Law 10/2022/QH15 Art. 11(5), 15(1)).

Quantities are JSON integers bounded like the services (never floats: a float is refused,
not rounded). Public outputs never carry the name or village of an anonymous contributor.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema

from danchu.contributions.services import MAX_QUANTITY
from danchu.disclosure.schemas import ANSWER_PATTERN, IsoDate
from danchu.territory.schemas import NAME_PATTERN, TEXT_PATTERN, _Input

__all__ = [
    "CampaignIn",
    "CampaignOut",
    "CampaignPage",
    "CancelIn",
    "ExemptionIn",
    "ExemptionOut",
    "FiguresOut",
    "LedgerOut",
    "PledgeIn",
    "PledgeOut",
    "ReceiptIn",
    "ReceiptOut",
    "ReceiptPage",
    "SpendingIn",
    "SpendingOut",
]

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]
Target = Annotated[int, Field(ge=0, le=MAX_QUANTITY, strict=True)]
KindName = Literal["money", "land", "workdays", "materials"]
ContributorKindName = Literal["household", "organisation", "person"]
LevelName = Literal["voluntary", "compulsory"]
Text300 = Annotated[str, Field(min_length=1, max_length=300, pattern=NAME_PATTERN)]
StrictBool = Annotated[bool, Field(strict=True)]
Text200 = Annotated[str, Field(min_length=1, max_length=200, pattern=NAME_PATTERN)]


class CampaignIn(_Input):
    title: Text300
    purpose: Annotated[str, Field(min_length=1, max_length=5000, pattern=ANSWER_PATTERN)]
    serves: Text300 = Field(..., description="The public work or fund the campaign serves.")
    starts_on: IsoDate
    ends_on: IsoDate
    village_ids: list[Id] = Field(default_factory=list, max_length=200)
    level: LevelName = "voluntary"
    decision_id: Id | None = Field(
        None, description="The adopted Art. 15(1) contributions matter (compulsory levels)."
    )
    level_per_household: Quantity | None = None
    target_money: Target = 0
    target_land_m2: Target = 0
    target_workdays: Target = 0
    material_name: Annotated[str, Field(max_length=100, pattern=TEXT_PATTERN)] = ""
    material_unit: Annotated[str, Field(max_length=30, pattern=TEXT_PATTERN)] = ""
    target_materials: Target = 0


class CampaignOut(Schema):
    id: int
    commune_code: str
    title: str
    purpose: str
    serves: str
    starts_on: date
    ends_on: date
    village_ids: list[int]
    level: LevelName
    decision_id: int | None
    level_per_household: int | None
    target_money: int
    target_land_m2: int
    target_workdays: int
    material_name: str
    material_unit: str
    target_materials: int
    status: Literal["open", "closed"]


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class CampaignProgressOut(Schema):
    kind: KindName
    unit: str
    target: int
    pledged: int
    received: int
    percent: int | None


class VillageTotalsOut(Schema):
    village: str
    totals: dict[str, int]


class ContributorOut(Schema):
    name: str = Field(..., description="“Anonymous contributor” for those who chose it.")
    contributor_kind: ContributorKindName
    village: str
    anonymous: bool
    totals: dict[str, int]
    land_compensation_waived: bool


class SpendingOut(Schema):
    id: int
    spent_on: date
    description: str
    payee: str
    document: str
    amount: int
    village_id: int | None


class LedgerOut(Schema):
    campaign: CampaignOut
    progress: list[CampaignProgressOut]
    villages: list[VillageTotalsOut]
    contributors: list[ContributorOut]
    spending: list[SpendingOut]
    money_received: int
    money_spent: int
    balance: int
    exemptions: int


class ContributorIn(_Input):
    contributor_kind: ContributorKindName
    household_id: Id | None = Field(None, description="For a household of the commune.")
    contributor_name: Annotated[str, Field(max_length=200, pattern=TEXT_PATTERN)] = ""
    village_id: Id | None = Field(None, description="Where an organisation's gift counts.")
    anonymous: StrictBool = False
    kind: KindName
    amount: Quantity
    land_parcel: Annotated[str, Field(max_length=200, pattern=TEXT_PATTERN)] = ""
    compensation_waived: StrictBool = False


class ReceiptIn(ContributorIn):
    received_on: IsoDate
    collector_name: Annotated[str, Field(max_length=200, pattern=TEXT_PATTERN)] = ""


class PledgeIn(ContributorIn):
    pledged_on: IsoDate


class ReceiptOut(Schema):
    id: int
    campaign_id: int
    number: int
    year: int
    received_on: date
    contributor_kind: ContributorKindName
    contributor_name: str
    household_id: int | None
    village_id: int | None
    anonymous: bool
    kind: KindName
    amount: int
    land_parcel: str
    compensation_waived: bool
    collector_name: str
    cancels_id: int | None
    cancel_reason: str


class ReceiptPage(Schema):
    count: int
    items: list[ReceiptOut]


class PledgeOut(Schema):
    id: int
    campaign_id: int
    pledged_on: date
    contributor_kind: ContributorKindName
    contributor_name: str
    village_id: int | None
    kind: KindName
    amount: int


class CancelIn(_Input):
    reason: Annotated[str, Field(min_length=1, max_length=1000, pattern=ANSWER_PATTERN)]


class ExemptionIn(_Input):
    household_id: Id
    category: Literal["poor", "near_poor", "policy", "other"]
    basis: Text300 = Field(..., description="E.g. the year's list of poor households.")
    reduced_to: Quantity | None = Field(None, description="Empty: fully exempted.")


class ExemptionOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    category: Literal["poor", "near_poor", "policy", "other"]
    basis: str
    reduced_to: int | None


class SpendingIn(_Input):
    spent_on: IsoDate
    description: Text300
    payee: Text200
    document: Text200
    amount: Quantity
    village_id: Id | None = None


class FiguresParams(Schema):
    start: date
    end: date


class FiguresOut(Schema):
    level: Literal["village", "outside_villages", "commune", "province"]
    unit_id: int | None
    name: str
    pledged: dict[str, int]
    received: dict[str, int]
    materials_pledged: dict[str, int]
    materials_received: dict[str, int]
    spending: int
    contributors: int
    children: list[FiguresOut]


FiguresOut.model_rebuild()
