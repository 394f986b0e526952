"""Demo oversight data for the demo commune: the boards at work.

* The People's Inspection Board of the current term: one member per village, elected at the
  villages' meetings and recognised by the Front (Law 10/2022 Art. 36; Decree 59 Art. 13).
* A supervised work — a new-rural concrete road — funded by the commune budget and the
  residents' contributions, with its schedule, the investor's documents and a supervision
  board of five whose plan reached the investor more than 45 days before (Art. 41–45).
* Site visits with checklists and findings, and recommendations to the commune: one answered
  in time and closed after follow-up, one answered in time, one overdue (escalated to the
  Front by the daily sweep), and a resident's concern.

Everything goes through :mod:`danchu.oversight.services` with the demo's accounts as actors;
dates are relative to today, so the overdue one is overdue whatever the day of the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from danchu.core import audit, calendar
from danchu.oversight import services
from danchu.oversight.models import (
    BoardPlan,
    Concern,
    FundingSource,
    Inspection,
    InspectionBoard,
    InspectionBoardMember,
    InspectionPhoto,
    InvestorDocument,
    Milestone,
    Recommendation,
    SupervisedWork,
    SupervisionBoard,
    SupervisionBoardMember,
)
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = ["DemoOversight", "demo_load", "demo_reset"]

WORK_NAME = "Đường bê tông liên thôn Phú Thượng – Phú Hòa"
FRONT, INSPECTOR, CHAIR, OFFICIAL = "mttq.canloc", "ttnd.canloc", "chutich.canloc", "canbo1.canloc"


@dataclass
class DemoOversight:
    works: int = 0
    recommendations: int = 0
    already_loaded: bool = False


def _users() -> dict[str, Any]:
    from danchu.accounts.models import User

    return {u.username: u for u in User.objects.filter(username__endswith=".canloc")}


def _eligible_resident(village: Village) -> Resident | None:
    """A representative without an account (so certainly not an official, Art. 37)."""
    return (
        Resident.objects.filter(household__village=village, account__isnull=True)
        .order_by("household__code", "id")
        .first()
    )


def _notice_day(commune: AdministrativeUnit, starts_on: date) -> date:
    """A notice day well before ``starts_on`` (seven working days, Decree 59 Art. 14)."""
    day = starts_on
    for _ in range(10):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day, commune=commune):
            day -= timedelta(days=1)
    return day


@transaction.atomic
def demo_load(commune: AdministrativeUnit, *, seed: int = 2025) -> DemoOversight:
    """Load the demo's boards, work and recommendations once (idempotent)."""
    result = DemoOversight()
    if SupervisedWork.objects.filter(commune=commune, name=WORK_NAME).exists():
        result.already_loaded = True
        result.works = SupervisedWork.objects.filter(commune=commune).count()
        result.recommendations = Recommendation.objects.filter(commune=commune).count()
        return result
    users = _users()
    front, inspector = users.get(FRONT), users.get(INSPECTOR)
    chair, official = users.get(CHAIR), users.get(OFFICIAL)
    villages = list(Village.objects.filter(commune=commune, is_active=True).order_by("code"))
    if None in (front, inspector, chair, official) or len(villages) < 2:
        return result
    if any(_eligible_resident(village) is None for village in villages):
        # A tiny demo (a few households) cannot seat one member per village (Art. 36(1)).
        return result
    today = timezone.localdate()
    _inspection_board(commune, front, villages, today)
    work = _work(commune, official, front, villages[4:6] or villages[:2], today)
    result.works = 1
    result.recommendations = _board_work(commune, inspector, chair, official, work, today)
    services.concern_submit(
        commune=commune, board_kind="supervision", work=work,
        message="Đoạn gần cầu Phú Hòa đổ bê tông mỏng hơn thiết kế, đề nghị Ban kiểm tra.",
        wants_verification=True, sender_name="Người dân thôn Phú Hòa",
        sender_contact="0900000000",
    )  # fmt: skip
    services.recommendations_sweep(today=today)
    return result


def _inspection_board(
    commune: AdministrativeUnit, front: Any, villages: list[Village], today: date
) -> None:
    term_start = date(today.year - 1, 10, 1)
    board = services.inspection_board_create(
        actor=front, commune=commune, term_starts_on=term_start,
        term_ends_on=date(term_start.year + 5, 10, 1),
    )  # fmt: skip
    members = []
    for village in villages:
        resident = _eligible_resident(village)
        if resident is None:
            continue
        members.append(
            services.inspection_member_elect(
                actor=front,
                board=board,
                resident=resident,
                village=village,
                elected_on=term_start + timedelta(days=14),
            )  # fmt: skip
        )
    for member, position in zip(members, ("head", "deputy", "deputy"), strict=False):
        services.inspection_member_position_set(actor=front, member=member, position=position)
    services.inspection_board_recognise(
        actor=front, board=board, recognised_on=term_start + timedelta(days=30),
        reference="Quyết định công nhận số 12/QĐ-MTTQ",
    )  # fmt: skip


def _work(
    commune: AdministrativeUnit, official: Any, front: Any, affected: list[Village], today: date
) -> SupervisedWork:
    starts_on = today - timedelta(days=120)
    work = services.supervised_work_create(
        actor=official, commune=commune, name=WORK_NAME, investor="UBND xã Can Lộc",
        contractor="Công ty TNHH Xây dựng Hồng Lĩnh (minh họa)",
        location="Từ nhà văn hóa thôn Phú Thượng đến cầu Phú Hòa, dài 1,2 km",
        description="Đường bê tông xi măng rộng 3,5 m theo tiêu chí nông thôn mới.",
        budget_vnd=2_350_000_000, starts_on=starts_on, ends_on=today + timedelta(days=90),
        villages=affected,
        sources=[
            ("state_budget", 1_200_000_000), ("commune_budget", 650_000_000),
            ("community_contributions", 500_000_000),
        ],
    )  # fmt: skip
    for offset, title in ((-90, "Hoàn thành nền đường"), (-20, "Đổ bê tông 600 m đầu"),
                          (60, "Đổ bê tông toàn tuyến"), (90, "Nghiệm thu, bàn giao")):  # fmt: skip
        milestone = services.milestone_add(
            actor=official, work=work, title=title, due_on=today + timedelta(days=offset)
        )
        if offset < 0:
            services.milestone_done(
                actor=official, milestone=milestone, done_on=today + timedelta(days=offset + 3)
            )
    services.supervised_work_progress(actor=official, work=work, progress_percent=55)
    declared = starts_on - timedelta(days=80)
    rows = [
        ("Lê Thị Hương", "front", "head", None),
        ("Võ Văn Sơn", "inspection", "deputy", None),
        ("Nguyễn Văn Thành", "resident", "member", affected[0]),
        ("Trần Thị Hoa", "resident", "member", affected[-1]),
        ("Phan Đình Tuấn", "resident", "member", affected[0]),
    ]
    for name, represents, position, village in rows:
        services.supervision_member_add(
            actor=front, work=work, full_name=name, represents=represents, position=position,
            village=village, no_relatives_declared_on=declared,
        )  # fmt: skip
    return services.supervision_plan_send(
        actor=front, work=work, sent_on=starts_on - timedelta(days=60),
        supervision_starts_on=starts_on,
    )  # fmt: skip


def _board_work(
    commune: AdministrativeUnit,
    inspector: Any,
    chair: Any,
    official: Any,
    work: SupervisedWork,
    today: date,
) -> int:
    for kind, requested, received in (
        ("investment_decision", 100, 95), ("schedule", 100, 95), ("site_plan", 100, None),
        ("technical", 60, 50),
    ):  # fmt: skip
        document = services.investor_document_request(
            actor=inspector, work=work, kind=kind, requested_on=today - timedelta(days=requested)
        )
        if received is not None:
            services.investor_document_receive(
                actor=inspector, document=document,
                received_on=today - timedelta(days=received), reference="Hồ sơ dự án",
            )  # fmt: skip
    plan = services.board_plan_create(
        actor=inspector, commune=commune, board_kind="supervision", work=work, period="quarter",
        year=today.year, number=(today.month - 1) // 3 + 1,
        content="Giám sát chất lượng bê tông, tiến độ và việc công khai của chủ đầu tư.",
    )  # fmt: skip
    services.board_plan_create(
        actor=inspector, commune=commune, board_kind="inspection", period="year",
        year=today.year, number=1,
        content="Kiểm tra việc thu, chi quỹ và việc thực hiện các nội dung nhân dân đã quyết định.",
    )  # fmt: skip
    made = 0
    visits = [
        (50, "Độ dày mặt đường đạt thiết kế ở 5/6 điểm đo; một điểm mỏng hơn 2 cm.", 45, True),
        (35, "Vật liệu tập kết đúng chủng loại; chưa công khai tiến độ tại công trường.", 30, None),
        (28, "Rãnh thoát nước đoạn cuối tuyến chưa thi công theo thiết kế.", 25, False),
    ]
    for days_ago, findings, received_days_ago, answered_in_time in visits:
        starts_on = calendar.next_working_day(today - timedelta(days=days_ago), inclusive=True)
        inspection = services.inspection_plan(
            actor=inspector, commune=commune, board_kind="supervision", work=work, plan=plan,
            subject="Giám sát hiện trường", inspected_party="Chủ đầu tư và nhà thầu",
            starts_on=starts_on, notified_on=_notice_day(commune, starts_on),
            village=work.villages.order_by("code").first(),
        )  # fmt: skip
        services.inspection_record(
            actor=inspector, inspection=inspection, carried_out_on=starts_on, findings=findings,
            checklist=[
                {"item": "Độ dày mặt bê tông theo thiết kế", "ok": days_ago != 50, "note": ""},
                {"item": "Biển công khai thông tin công trình", "ok": days_ago != 35, "note": ""},
                {"item": "An toàn lao động, vệ sinh môi trường", "ok": True, "note": ""},
            ],
        )  # fmt: skip
        recommendation = services.recommendation_make(
            actor=inspector, commune=commune, board_kind="supervision", inspection=inspection,
            content="Đề nghị UBND xã yêu cầu nhà thầu khắc phục: " + findings,
            votes_for=4, received_on=today - timedelta(days=received_days_ago),
        )  # fmt: skip
        made += 1
        if answered_in_time is None:
            continue  # left unanswered: overdue, escalated by the sweep
        answered_on = recommendation.due_on if answered_in_time else today - timedelta(days=2)
        services.recommendation_answer(
            actor=chair if answered_in_time else official, recommendation=recommendation,
            answer="UBND xã đã yêu cầu nhà thầu khắc phục; đã kiểm tra lại và đạt yêu cầu.",
            answered_on=min(answered_on, today),
        )  # fmt: skip
        if answered_in_time:
            services.recommendation_close(
                actor=inspector, recommendation=recommendation,
                follow_up="Ban đã kiểm tra lại: điểm đo đã được đổ bù đạt độ dày thiết kế.",
                closed_on=min(recommendation.due_on + timedelta(days=3), today),
            )  # fmt: skip
    return made


def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's oversight rows (demo data); the audit trail stays."""
    count = SupervisedWork.objects.filter(commune=commune).count()
    for model in (
        InspectionPhoto, Recommendation, Concern, Inspection, BoardPlan, SupervisionBoardMember,
        SupervisionBoard, InvestorDocument, Milestone, FundingSource, SupervisedWork,
        InspectionBoardMember, InspectionBoard,
    ):  # fmt: skip
        model.objects.filter(commune=commune).delete()  # type: ignore[attr-defined]
    if count:
        audit.record(
            actor=None, action="oversight.demo.reset",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, before={"works": count},
        )  # fmt: skip
    return count
