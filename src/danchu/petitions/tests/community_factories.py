"""Builders for the reception, dialogue and mediation tests."""

from __future__ import annotations

import datetime
from typing import Any

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.petitions import mediation, reception
from danchu.petitions.models import Mediator, ReceptionDay
from danchu.territory.models import Village
from danchu.territory.tests.factories import VillageFactory

F, M = Mediator.Sex.FEMALE, Mediator.Sex.MALE


_VILLAGE_ROLES = {Role.RESIDENT, Role.HOUSEHOLD_REPRESENTATIVE, Role.VILLAGE_HEAD, Role.MEDIATOR}


def person(commune: Any, role: str = Role.RESIDENT, village: Village | None = None) -> Any:
    if village is None and role in _VILLAGE_ROLES:
        village = VillageFactory(commune=commune)
    return RoleAssignmentFactory(commune=commune, role=role, village=village).user


def day(
    actor: Any, commune: Any, on: datetime.date, capacity: int = 2, slots: int = 1
) -> ReceptionDay:
    plans = [
        reception.SlotPlan(datetime.time(7 + n, 30), datetime.time(8 + n, 30), capacity)
        for n in range(slots)
    ]
    return reception.reception_day_schedule(
        actor=actor, commune=commune, on=on, host="Chủ tịch UBND xã", place="Trụ sở UBND xã",
        slots=plans,
    )  # fmt: skip


def members(*sexes: str) -> list[mediation.MemberPlan]:
    return [
        mediation.MemberPlan(f"Hòa giải viên {n}", sex, is_leader=n == 0)
        for n, sex in enumerate(sexes)
    ]


def team(actor: Any, village: Village) -> Any:
    return mediation.team_create(
        actor=actor, village=village, name=f"Tổ hòa giải {village.name}", members=members(F, M, M)
    )
