"""Demo data for the steering reports: the steering part (idempotent).

For Xã Can Lộc (the demo commune):

* the steering committee's plan for the first half of 2026 with its key tasks (done, one late);
* its plan for the second half of 2026 with 8 key tasks assigned to villages — some done, some
  in progress with the village heads' progress notes, one overdue (its deadline, 30/9/2026,
  passed without it being done);
* a commune emulation round for 2026-H1 ranking the villages on 3–5 indicators, and 3
  certificates of merit (Giấy khen) of the commune chair to the best villages;
* a Hà Tĩnh province round ranking its communes from 1/7/2025 to 30/6/2026, with a Bằng khen of
  the province chair to Xã Can Lộc.

Everything goes through :mod:`danchu.reporting.steering` with the demo's accounts as actors.
Runs before the reviews part, which reads these tasks and awards.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from danchu.reporting import catalogue, emulation, steering
from danchu.reporting.models import (
    Award,
    AwardKind,
    Direction,
    EmulationCriterion,
    EmulationRound,
    SteeringPlan,
    TaskStatus,
)
from danchu.reporting.steering import CriterionIn
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["CRITERIA", "PROVINCE_ROUND_TITLE", "load", "reset"]

CHAIR, HEAD = "chutich.canloc", "truongthon{code}.canloc"
PROVINCE_READER = "tinh.hatinh"
H1_TITLE = "Kế hoạch thực hiện dân chủ ở cơ sở 6 tháng đầu năm 2026"
H2_TITLE = (
    "Kế hoạch triển khai 08 nhiệm vụ trọng tâm thực hiện dân chủ ở cơ sở 6 tháng cuối năm 2026"
)
ROUND_TITLE = "Phong trào thi đua thực hiện dân chủ ở cơ sở 6 tháng đầu năm 2026"
PROVINCE_ROUND_TITLE = (
    "Phong trào thi đua thực hiện dân chủ ở cơ sở tỉnh Hà Tĩnh (01/7/2025 – 30/6/2026)"
)
# (indicator, weight, direction): participation, contributions, requests, publicity.
CRITERIA = (
    ("decisions.turnout", 25, Direction.HIGHER),
    ("contributions.money_received_vnd", 25, Direction.HIGHER),
    ("requests.on_time_rate", 20, Direction.HIGHER),
    ("disclosure.on_time_rate", 15, Direction.HIGHER),
    ("requests.overdue", 15, Direction.LOWER),
)

# H1 plan: (title, village codes, deadline, done on)
H1_TASKS: tuple[tuple[str, tuple[str, ...], date, date], ...] = (
    ("Tuyên truyền Luật Thực hiện dân chủ ở cơ sở tại các thôn, tổ dân phố",
     ("05", "06", "07"), date(2026, 3, 31), date(2026, 3, 25)),
    ("Tổ chức hội nghị thôn, tổ dân phố bàn và quyết định các công trình phúc lợi",
     ("01", "02", "08"), date(2026, 4, 30), date(2026, 4, 28)),
    ("Công khai thu, chi các khoản đóng góp của Nhân dân năm 2025",
     ("04", "09"), date(2026, 5, 31), date(2026, 6, 10)),
    ("Sơ kết 6 tháng đầu năm thực hiện dân chủ ở cơ sở", ("03", "10"), date(2026, 6, 30),
     date(2026, 6, 26)),
)  # fmt: skip

# H2 plan: (title, village codes, deadline, status, done on, progress notes by the villages)
H2_TASKS: tuple[
    tuple[str, tuple[str, ...], date, str, date | None, list[tuple[str, int, str]]], ...
] = (
    ("Đẩy mạnh thực hiện dân chủ ở cơ sở gắn với nhiệm vụ chính trị của địa phương",
     ("01", "02", "03", "04"), date(2026, 12, 31), TaskStatus.IN_PROGRESS, None,
     [("01", 60, "Đã lồng ghép nội dung dân chủ ở cơ sở vào họp tổ dân phố tháng 9, 10.")]),
    ("Nâng cao chất lượng, hiệu quả hoạt động của Ban Chỉ đạo thực hiện dân chủ ở cơ sở xã",
     (), date(2026, 8, 31), TaskStatus.DONE, date(2026, 8, 28), []),
    ("Kiện toàn và nâng cao hiệu quả hoạt động của Ban Thanh tra nhân dân",
     ("05", "06", "07"), date(2026, 9, 15), TaskStatus.DONE, date(2026, 9, 12),
     [("05", 100, "Đã bầu bổ sung 01 thành viên Ban Thanh tra nhân dân.")]),
    ("Củng cố Ban Giám sát đầu tư của cộng đồng tại các công trình trên địa bàn",
     ("05", "06"), date(2026, 12, 15), TaskStatus.IN_PROGRESS, None,
     [("06", 50, "Ban giám sát đường liên thôn đã họp, lập kế hoạch giám sát quý IV.")]),
    ("Nâng cao chất lượng hoạt động của tổ hòa giải ở thôn, tổ dân phố",
     ("07", "08", "09", "10"), date(2026, 11, 30), TaskStatus.IN_PROGRESS, None,
     [("08", 70, "Tổ hòa giải thôn Vĩnh Phú hòa giải thành 3/4 vụ việc.")]),
    ("Tổ chức hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân",
     ("01", "05", "09"), date(2026, 9, 30), TaskStatus.IN_PROGRESS, None,
     [("09", 30, "Đã tổng hợp kiến nghị của cử tri; chưa tổ chức hội nghị đối thoại.")]),
    ("Công khai đầy đủ, đúng hạn các nội dung theo Điều 11 Luật Thực hiện dân chủ ở cơ sở",
     ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10"), date(2026, 10, 31),
     TaskStatus.DONE, date(2026, 10, 30), []),
    ("Tuyên truyền, phổ biến pháp luật về dân chủ ở cơ sở đến từng hộ gia đình",
     ("02", "03", "10"), date(2026, 12, 31), TaskStatus.NOT_STARTED, None, []),
)  # fmt: skip

AWARDS_COMMUNE = ("215/QĐ-UBND", date(2026, 7, 15), "Phan Văn Hùng")
AWARD_PROVINCE = ("1875/QĐ-UBND", date(2026, 8, 20), "Đặng Minh Tuấn")
CITATION = "Đã có thành tích xuất sắc trong thực hiện dân chủ ở cơ sở"


def _users() -> dict[str, Any]:
    from danchu.accounts.models import User

    names = {CHAIR, PROVINCE_READER} | {HEAD.format(code=f"{i:02d}") for i in range(1, 11)}
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _criteria() -> list[CriterionIn]:
    known = catalogue.by_code()
    return [
        CriterionIn(code, weight, direction)
        for code, weight, direction in CRITERIA
        if code in known and known[code].public
    ]


def _round(actor: Any, unit: AdministrativeUnit, title: str, first: date, last: date) -> Any:
    """Through the service with the criteria the catalogue has; when it has none of them (the
    indicator modules not deployed), the rows as they are, shown as unavailable."""
    criteria = _criteria()
    if criteria:
        return steering.round_create(
            actor=actor, unit=unit, title=title, period_first=first, period_last=last,
            criteria=criteria,
        )  # fmt: skip
    keys = steering._keys(unit)
    row = EmulationRound.objects.create(**keys, title=title, period_first=first, period_last=last)
    EmulationCriterion.objects.bulk_create(
        EmulationCriterion(
            round=row,
            province_id=keys["province_id"],
            commune=keys["commune"],
            position=i,
            indicator_code=code,
            weight=weight,
            direction=direction,
        )  # fmt: skip
        for i, (code, weight, direction) in enumerate(CRITERIA[:4], start=1)
    )
    return row


def _day(day: date) -> date:
    return min(day, timezone.localdate())


@transaction.atomic
def load(commune: Any, *, seed: int, stdout: Any) -> None:
    """Load this part's demo data for commune (does nothing when already loaded)."""
    if SteeringPlan.objects.filter(unit=commune, title=H2_TITLE).exists():
        return
    users = _users()
    chair = users.get(CHAIR)
    if chair is None:
        stdout.write(gettext("Demo steering: the demo accounts are missing; nothing loaded."))
        return
    villages = {v.code: v for v in Village.objects.filter(commune=commune, is_active=True)}

    def units(codes: tuple[str, ...]) -> list[Village]:
        return [villages[c] for c in codes if c in villages]

    h1 = steering.plan_create(
        actor=chair, unit=commune, title=H1_TITLE, reference="12/KH-BCĐ",
        period_first=date(2026, 1, 1), period_last=date(2026, 6, 30),
    )  # fmt: skip
    for title, codes, deadline, done_on in H1_TASKS:
        task = steering.task_add(
            actor=chair, plan=h1, title=title, deadline=deadline, assignees=units(codes)
        )
        steering.task_set_status(actor=chair, task=task, status=TaskStatus.DONE, on=_day(done_on))
    h2 = steering.plan_create(
        actor=chair, unit=commune, title=H2_TITLE, reference="35/KH-BCĐ",
        period_first=date(2026, 7, 1), period_last=date(2026, 12, 31),
    )  # fmt: skip
    for title, codes, deadline, status, finished, notes in H2_TASKS:
        task = steering.task_add(
            actor=chair, plan=h2, title=title, deadline=deadline, assignees=units(codes)
        )
        for code, percent, note in notes:
            reporter = users.get(HEAD.format(code=code), chair)
            steering.task_progress_report(actor=reporter, task=task, note=note, percent=percent)
        if status == TaskStatus.DONE and finished is not None:
            steering.task_set_status(actor=chair, task=task, status=status, on=_day(finished))
    # The commune's emulation round and its three certificates of merit.
    first, last = date(2026, 1, 1), date(2026, 6, 30)
    commune_round = _round(chair, commune, ROUND_TITLE, first, last)
    number, day, signer = AWARDS_COMMUNE
    best = emulation.rank(commune_round).rows[:3]
    for row in best:
        steering.award_create(
            actor=chair, round=commune_round, kind=AwardKind.COMMUNE_CERTIFICATE,
            recipient_unit=row.scope.village, citation=CITATION, decision_number=number,
            decision_date=_day(day), signer=signer,
        )  # fmt: skip
    # The province's round and its Bằng khen to the commune.
    province = commune.parent
    reader = users.get(PROVINCE_READER)
    if province is not None and reader is not None:
        province_round = _round(
            reader, province, PROVINCE_ROUND_TITLE, date(2025, 7, 1), date(2026, 6, 30)
        )
        number, day, signer = AWARD_PROVINCE
        steering.award_create(
            actor=reader, round=province_round, kind=AwardKind.PROVINCE_CERTIFICATE,
            recipient_unit=commune, citation=CITATION, decision_number=number,
            decision_date=_day(day), signer=signer,
        )  # fmt: skip
    stdout.write(
        gettext(
            "Demo steering: %(plans)d plans, %(tasks)d key tasks, %(rounds)d emulation rounds, %(awards)d awards."  # noqa: E501
        )
        % {"plans": 2, "tasks": len(H1_TASKS) + len(H2_TASKS), "rounds": 2, "awards": len(best) + 1}
    )


@transaction.atomic
def reset(commune: Any) -> None:
    """Remove this part's demo data for commune."""
    rounds = EmulationRound.objects.filter(unit=commune) | EmulationRound.objects.filter(
        unit=commune.parent, title=PROVINCE_ROUND_TITLE
    )
    Award.objects.filter(round__in=list(rounds)).delete()
    Award.objects.filter(unit=commune).delete()
    for row in list(rounds):
        row.delete()
    SteeringPlan.objects.filter(unit=commune).delete()
