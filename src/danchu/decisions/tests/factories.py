"""Helpers to build villages of N households, their representatives and matters quickly."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.decisions import services
from danchu.decisions.models import Matter, MatterVillage, Option
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import Household, Village
from danchu.territory.tests.factories import ResidentFactory, VillageFactory

_codes = itertools.count(1)


def add_households(village: Village, count: int) -> list[Household]:
    """``count`` households in ``village`` in one INSERT."""
    rows = [
        Household(
            commune_id=village.commune_id,
            village=village,
            code=f"H{next(_codes):07d}",
            address=f"Số {n}",
            address_folded=f"so {n}",
        )  # fmt: skip
        for n in range(count)
    ]
    Household.objects.bulk_create(rows)
    return list(Household.objects.filter(village=village).order_by("pk"))


def make_village(commune: Any, households: int = 0, **kwargs: Any) -> Village:
    village = VillageFactory(commune=commune, **kwargs)
    if households:
        add_households(village, households)
    return village


def households_of(village: Village) -> list[Household]:
    return list(Household.objects.filter(village=village).order_by("pk"))


def representative(household: Household) -> Any:
    """A signed-in household representative of ``household``."""
    resident = ResidentFactory(household=household, is_representative=True)
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, role=Role.HOUSEHOLD_REPRESENTATIVE, commune=household.commune,
        village=household.village,
    )  # fmt: skip
    return user


def representatives(village: Village, count: int | None = None) -> list[Any]:
    """Signed-in representatives of the village's first ``count`` households (all by default)."""
    return [representative(h) for h in households_of(village)[:count]]


def village_head(village: Village) -> Any:
    return RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune, village=village
    ).user


def official_of(commune: Any, role: str = Role.COMMUNE_OFFICIAL) -> Any:
    return RoleAssignmentFactory(role=role, commune=commune).user


def make_matter(
    actor: Any,
    villages: Sequence[Village],
    matter_type: int = MatterType.OTHER,
    **kwargs: Any,
) -> Matter:
    commune = villages[0].commune if villages else kwargs.pop("commune")
    kwargs.setdefault("title", "Làm đường bê tông liên thôn")
    kwargs.setdefault("question", "Bà con có đồng ý góp tiền làm đường không?")
    if not kwargs.get("commune_wide"):
        kwargs.setdefault("village_ids", [v.pk for v in villages])
    return services.matter_create(actor=actor, commune=commune, matter_type=matter_type, **kwargs)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def in_hours(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=n)


TEAM = ["Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba"]
WITNESSES = ["Hoàng Văn Bốn", "Đỗ Thị Năm"]


def prepare_election(matter: Matter, held_on: datetime.date | None = None) -> None:
    """Decree 59/2023 Art. 6's four milestones of a village-head election, each on its last
    day before ``held_on`` (today by default), recorded by the commune chair."""
    from danchu.decisions import elections

    day = held_on or timezone.localdate()
    chair = official_of(matter.commune, Role.COMMUNE_CHAIR)
    for mv in MatterVillage.objects.filter(matter=matter).select_related("matter", "commune"):
        elections.election_plan_record(
            actor=chair, matter_village=mv, election_day=day, plan_on=_before(day, 20)
        )
        names = list(Option.objects.filter(matter=matter).values_list("label", flat=True))
        elections.election_candidates_fix(
            actor=chair, matter_village=mv, names=names, fixed_on=_before(day, 15)
        )
        elections.election_team_set(
            actor=chair, matter_village=mv, members=["Tổ trưởng Tổ bầu cử"], set_on=_before(day, 10)
        )
        elections.election_notice_record(actor=chair, matter_village=mv, notice_on=_before(day, 7))


def _before(day: datetime.date, n: int) -> datetime.date:
    return day - datetime.timedelta(days=n)


def open_meeting(actor: Any, matter: Matter, **kwargs: Any) -> Matter:
    """Open with a meeting held today after a 3-day notice (a village-head election: after its
    four milestones, recorded here when missing)."""
    from danchu.decisions.models import ElectionPlan

    kwargs.setdefault("notice_on", days_ago(3))
    kwargs.setdefault("held_on", timezone.localdate())
    if (
        matter.matter_type == MatterType.VILLAGE_HEAD
        and matter.options.filter(kind=Option.Kind.CANDIDATE).exists()
        and not ElectionPlan.objects.filter(matter_village__matter=matter).exists()
    ):
        prepare_election(matter, kwargs["held_on"])
    return services.matter_open(actor=actor, matter=matter, form=Form.MEETING, **kwargs)


def open_ballot(actor: Any, matter: Matter, **kwargs: Any) -> Matter:
    """Open with ballots handed out today after a 2-day notice, due in a day."""
    kwargs.setdefault("notice_on", days_ago(2))
    kwargs.setdefault("held_on", timezone.localdate())
    kwargs.setdefault("closes_at", in_hours(24))
    kwargs.setdefault("team", TEAM)
    return services.matter_open(actor=actor, matter=matter, form=Form.BALLOT, **kwargs)


def matter_village(matter: Matter, village: Village | None = None) -> MatterVillage:
    rows = MatterVillage.objects.filter(matter=matter).select_related("matter", "village")
    return rows.get(village=village) if village is not None else rows.get()


def option(matter: Matter, kind: str = Option.Kind.APPROVE) -> Option:
    return Option.objects.filter(matter=matter, kind=kind).order_by("position")[0]


def deadline_passes(mv: MatterVillage) -> None:
    """The voting or ballot deadline is over (moves it an hour into the past)."""
    MatterVillage.objects.filter(pk=mv.pk).update(closes_at=in_hours(-1))
