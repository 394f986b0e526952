"""Helpers to build campaigns, an adopted contributions decision and receipts quickly."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from danchu.contributions import services
from danchu.contributions.models import Campaign, Kind, Receipt
from danchu.contributions.services import Contributor
from danchu.decisions import services as decisions
from danchu.decisions.models import Matter
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    matter_village,
    open_meeting,
    option,
)
from danchu.territory.models import Household, Village

__all__ = ["adopted_decision", "days_ago", "give", "household_of", "make_campaign"]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def adopted_decision(official: Any, village: Village, *, adopt: bool = True) -> Matter:
    """A closed Art. 15(1) contributions matter of ``village``: adopted by all its households
    but one (or rejected, with one approval)."""
    matter = make_matter(official, [village], MatterType.CONTRIBUTIONS)
    open_meeting(official, matter)
    mv = matter_village(matter)
    ids = [h.pk for h in households_of(village)]
    mv = decisions.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)
    approvals = len(ids) - 1 if adopt else 1
    decisions.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: approvals}
    )
    return decisions.matter_close(actor=official, matter=matter)


def make_campaign(official: Any, commune: Any, **kwargs: Any) -> Campaign:
    kwargs.setdefault("title", "Bê tông hóa đường trục thôn Đông")
    kwargs.setdefault("purpose", "Xây dựng nông thôn mới: làm đường bê tông 1,2 km.")
    kwargs.setdefault("serves", "Đường trục thôn Đông")
    kwargs.setdefault("starts_on", days_ago(30))
    kwargs.setdefault("ends_on", days_ago(-30))
    kwargs.setdefault("target_money", 500_000_000)
    kwargs.setdefault("target_land_m2", 300)
    kwargs.setdefault("target_workdays", 400)
    return services.campaign_create(actor=official, commune=commune, **kwargs)


def household_of(village: Village) -> Household:
    return households_of(village)[0]


def give(
    official: Any,
    campaign: Campaign,
    amount: int,
    *,
    kind: str = Kind.MONEY,
    household: Household | None = None,
    name: str = "Công ty TNHH Hưng Thịnh",
    anonymous: bool = False,
    village: Village | None = None,
    day: datetime.date | None = None,
    **kwargs: Any,
) -> Receipt:
    if household is not None:
        who = Contributor(kind="household", household=household, anonymous=anonymous, name=name)
    else:
        who = Contributor(kind="organisation", name=name, anonymous=anonymous, village=village)
    if kind == Kind.LAND:
        kwargs.setdefault("land_parcel", "Thửa 112, tờ bản đồ số 5")
    return services.receipt_issue(
        actor=official, campaign=campaign, contributor=who, kind=kind, amount=amount,
        received_on=day or timezone.localdate(), **kwargs,
    )  # fmt: skip
