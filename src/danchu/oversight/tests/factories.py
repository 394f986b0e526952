"""Builders for the oversight tests: people in each role, a recognised board, a work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.oversight import services
from danchu.oversight.models import InspectionBoard, SupervisedWork
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory

TERM_START = datetime.date(2025, 10, 1)
TERM_END = datetime.date(2030, 10, 1)
# A stretch of November 2026 without public holidays (Monday 2 to Friday 27).
MONDAY = datetime.date(2026, 11, 2)


def person(commune: AdministrativeUnit, role: str, village: Village | None = None) -> Any:
    return RoleAssignmentFactory(commune=commune, role=role, village=village).user


@dataclass
class People:
    front: Any
    chair: Any
    official: Any
    inspector: Any
    supervisor: Any


def people(commune: AdministrativeUnit) -> People:
    return People(
        front=person(commune, Role.FRONT_OFFICER),
        chair=person(commune, Role.COMMUNE_CHAIR),
        official=person(commune, Role.COMMUNE_OFFICIAL),
        inspector=person(commune, Role.INSPECTION_BOARD),
        supervisor=person(commune, Role.SUPERVISION_BOARD),
    )


def villages(commune: AdministrativeUnit, n: int) -> list[Village]:
    return [VillageFactory(commune=commune) for _ in range(n)]


def resident_of(village: Village) -> Any:
    return ResidentFactory(household=HouseholdFactory(village=village))


@dataclass
class Board:
    board: InspectionBoard
    members: list[Any] = field(default_factory=list)


def elected_board(
    commune: AdministrativeUnit, front: Any, seats: list[Village], *, recognise: bool = True
) -> Board:
    """A board with one member per given village: the first is head, the second deputy."""
    board = services.inspection_board_create(
        actor=front, commune=commune, term_starts_on=TERM_START, term_ends_on=TERM_END
    )
    result = Board(board)
    for index, village in enumerate(seats):
        member = services.inspection_member_elect(
            actor=front, board=board, resident=resident_of(village), village=village,
            elected_on=TERM_START,
        )  # fmt: skip
        if index < 2:
            position = "head" if index == 0 else "deputy"
            member = services.inspection_member_position_set(
                actor=front, member=member, position=position
            )
        result.members.append(member)
    if recognise:
        services.inspection_board_recognise(
            actor=front, board=board, recognised_on=TERM_START, reference="QĐ 1/MTTQ"
        )
    return result


def work(commune: AdministrativeUnit, official: Any, affected: list[Village]) -> SupervisedWork:
    return services.supervised_work_create(
        actor=official, commune=commune, name="Đường bê tông thôn 1", investor="UBND xã",
        contractor="Công ty Xây dựng A", budget_vnd=1_500_000_000,
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 3, 1),
        villages=affected,
        sources=[("commune_budget", 1_000_000_000), ("community_contributions", 500_000_000)],
    )  # fmt: skip


def staffed_board(work: SupervisedWork, front: Any, affected: Village) -> None:
    """Five members: Front (head), Inspection Board (deputy), three residents."""
    declared = datetime.date(2026, 8, 1)
    rows = [
        ("Trần Văn Mặt Trận", "front", "head", None),
        ("Lê Thị Thanh Tra", "inspection", "deputy", None),
        ("Nguyễn Văn Dân", "resident", "member", affected),
        ("Phạm Thị Dân", "resident", "member", affected),
        ("Hoàng Văn Dân", "resident", "member", affected),
    ]
    for name, represents, position, village in rows:
        services.supervision_member_add(
            actor=front, work=work, full_name=name, represents=represents, position=position,
            village=village, no_relatives_declared_on=declared,
        )  # fmt: skip


def supervised(commune: AdministrativeUnit, who: People) -> SupervisedWork:
    """A work with a lawful board whose plan reached the investor in time."""
    affected = villages(commune, 1)
    built = work(commune, who.official, affected)
    staffed_board(built, who.front, affected[0])
    return services.supervision_plan_send(
        actor=who.front, work=built, sent_on=datetime.date(2026, 7, 1),
        supervision_starts_on=datetime.date(2026, 9, 1),
    )  # fmt: skip
