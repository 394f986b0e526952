"""The demo commune's last twelve months of reception days, dialogues and mediation cases.

Everything goes through the services with the demo officials as actors, so the audit trail
and the rules (team composition, deadlines, one support per person) hold for the demo too;
past dates are passed as ``today`` where a service judges dates against today.

* Reception: the chair receives every Thursday (the next working day when Thursday is off),
  with four bookable slots of three places; three past weeks are left without reception so the
  flag shows; weeks without any working day (Tết) are exempt. Past days have visitors in the
  reception book; the coming days have a few online bookings.
* Dialogues: last year's conference held with residents' questions, answers and commitments
  (fulfilled, open, one overdue), and the next one planned and gathering questions.
* Mediation: a team in every village (3–5 mediators including a woman) and a year of cases
  with every outcome, one in progress and one whose start is overdue.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role, RoleAssignment
from danchu.core import audit, calendar
from danchu.core.errors import ApplicationError
from danchu.petitions import dialogues, mediation, reception
from danchu.petitions.models import (
    Dialogue,
    DialogueCommitment,
    DialogueQuestion,
    MediationCase,
    MediationSession,
    MediationTeam,
    Mediator,
    QuestionSupport,
    ReceptionBooking,
    ReceptionDay,
    ReceptionRecord,
    ReceptionSlot,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["community_demo_load", "community_demo_reset"]

OFFICIAL, CHAIR = "canbo1.canloc", "chutich.canloc"
HOST = "Phan Văn Hùng, Chủ tịch UBND xã"
PLACE = "Phòng tiếp công dân, trụ sở UBND xã"
SLOTS = [
    reception.SlotPlan(time(h, m), time(h + 1, m), 3)
    for h, m in ((7, 30), (8, 30), (9, 30), (14, 0))
]
VISITORS = ["Nguyễn Văn Lợi", "Trần Thị Thu", "Lê Văn Hải", "Phan Thị Hằng", "Võ Đình Quang",
            "Hồ Thị Lài", "Đặng Văn Minh", "Hoàng Thị Yến"]  # fmt: skip
RAISED = [
    "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất đã sử dụng ổn định từ năm 1995.",
    "Phản ánh đường liên thôn bị sạt lở sau mưa lớn, đề nghị sửa chữa.",
    "Hỏi về chế độ trợ cấp cho người cao tuổi trên 80 tuổi.",
    "Khiếu nại việc đo đạc diện tích đất bị thu hồi làm đường.",
    "Phản ánh tình trạng đổ rác thải không đúng nơi quy định ở đầu thôn.",
    "Đề nghị hỗ trợ hộ nghèo sửa chữa nhà ở.",
]
MEDIATOR_NAMES = [
    ("Nguyễn Thị Hoa", "female"), ("Trần Văn Bình", "male"), ("Lê Thị Mai", "female"),
    ("Phan Văn Dũng", "male"), ("Võ Văn Tài", "male"),
]  # fmt: skip
DISPUTES = [
    ("land", "Ông Nguyễn Văn A và ông Trần Văn B", "Tranh chấp ranh giới đất vườn giữa hai hộ."),
    ("neighbours", "Bà Lê Thị C và bà Phan Thị D", "Mâu thuẫn do nước thải chảy sang nhà bên."),
    ("family", "Anh Võ Văn E và chị Hồ Thị G", "Mâu thuẫn vợ chồng về chia tài sản chung."),
    ("debt", "Ông Đặng Văn H và ông Hoàng Văn K", "Tranh chấp khoản vay 20 triệu đồng."),
    ("other", "Hai hộ gia đình ở xóm Đông", "Tranh chấp lối đi chung vào ngõ."),
]


class _Demo:
    def __init__(self, commune: AdministrativeUnit, seed: int) -> None:
        from danchu.accounts.models import User

        self.commune = commune
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.today = timezone.localdate()
        users = {u.username: u for u in User.objects.filter(username__in=[OFFICIAL, CHAIR])}
        self.official = users.get(OFFICIAL)
        self.chair = users.get(CHAIR) or self.official
        resident_roles = (Role.RESIDENT, Role.HOUSEHOLD_REPRESENTATIVE)
        self.residents = [
            a.user
            for a in RoleAssignment.objects.active()
            .filter(commune=commune, role__in=resident_roles)
            .select_related("user")
            .order_by("id")
        ]

    def receptions(self) -> None:
        start = self.today - timedelta(days=364)
        monday = start - timedelta(days=start.weekday())
        skipped = set(self.rng.sample(range(4, 48), 3))
        week = 0
        while monday <= self.today + timedelta(weeks=8):
            on = self._thursday_or_next(monday)
            if on is not None and week not in skipped:
                self._reception_day(on)
            monday += timedelta(days=7)
            week += 1

    def _thursday_or_next(self, monday: date) -> date | None:
        for offset in (3, 4, 2, 1, 0):
            day = monday + timedelta(days=offset)
            if calendar.is_working_day(day, commune=self.commune):
                return day
        return None  # a week without working days (Tết): exempt

    def _reception_day(self, on: date) -> None:
        day = reception.reception_day_schedule(
            actor=self.official, commune=self.commune, on=on, host=HOST, place=PLACE,
            slots=SLOTS,
        )  # fmt: skip
        if on < self.today:
            for n in range(self.rng.randint(0, 4)):
                reception.reception_record_create(
                    actor=self.official, day=day, visitor_name=self.rng.choice(VISITORS),
                    visitor_contact=f"09{self.rng.randint(10_000_000, 99_999_999)}",
                    raised=self.rng.choice(RAISED),
                    outcome=self.rng.choice(
                        ["answered", "answered", "accepted", "accepted", "guided"]
                    ),
                    today=on, received_by=HOST if n else "",
                )  # fmt: skip
            reception.reception_day_hold(actor=self.official, day=day, today=on)
            return
        for n, slot in enumerate(day.slots.all()[: self.rng.randint(0, 3)]):
            reception.reception_booking_create(
                slot=slot, full_name=VISITORS[(n + on.day) % len(VISITORS)],
                phone=f"09{self.rng.randint(10_000_000, 99_999_999)}",
                subject=self.rng.choice(RAISED), today=self.today,
            )  # fmt: skip

    def dialogues(self) -> None:
        held_on = calendar.next_working_day(self.today - timedelta(days=200), inclusive=True)
        last = dialogues.dialogue_create(
            actor=self.official, commune=self.commune,
            title="Hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân",
            held_on=held_on, place="Hội trường UBND xã",
        )  # fmt: skip
        texts = [
            ("Khi nào xã nâng cấp tuyến đường liên thôn Phú Thượng – Phú Hòa?", True),
            ("Đề nghị xã lắp thêm đèn chiếu sáng ở đường vào trường tiểu học.", False),
            ("Tiến độ cấp giấy chứng nhận quyền sử dụng đất cho các hộ tái định cư?", True),
            ("Xã có kế hoạch nạo vét kênh tưới tiêu trước mùa mưa không?", False),
        ]
        questions = []
        for n, (text, named) in enumerate(texts):
            if not self.residents:
                break
            asker = self.residents[n % len(self.residents)]
            question = dialogues.question_ask(
                actor=asker, dialogue=last, text=text, show_name=named
            )
            for supporter in self.residents:
                if supporter != asker and self.rng.random() < 0.7:
                    dialogues.question_support(actor=supporter, question=question)
            questions.append(question)
        dialogues.dialogue_hold(
            actor=self.official, dialogue=last, today=held_on,
            summary="Hội nghị có 120 đại biểu là cử tri các thôn, tổ dân phố và đại diện Ủy ban "
                    "MTTQ xã. Chủ tịch UBND xã trả lời 12 ý kiến, tiếp thu 5 kiến nghị.",
        )  # fmt: skip
        answers = [
            "Tuyến đường được đưa vào kế hoạch đầu tư công năm sau.",
            "UBND xã giao công chức địa chính – xây dựng khảo sát và lắp đặt.",
            "Hồ sơ đã trình; dự kiến cấp giấy trong quý tới.",
            "Xã phối hợp hợp tác xã nông nghiệp nạo vét trước mùa mưa.",
        ]
        for question, answer in zip(questions, answers, strict=False):
            dialogues.question_answer(actor=self.chair, question=question, answer=answer)
        plans = [
            ("Lắp 20 bóng đèn đường vào trường tiểu học", 45, 40),  # fulfilled on time
            ("Nạo vét kênh tưới tiêu thôn Vĩnh Phú", 90, None),  # overdue now
            ("Cấp giấy chứng nhận cho các hộ tái định cư", 400, None),  # open, not yet due
        ]
        for n, (text, due_in, done_in) in enumerate(plans):
            commitment = dialogues.commitment_create(
                actor=self.official, dialogue=last, text=text, responsible="UBND xã",
                due_on=held_on + timedelta(days=due_in),
                question=questions[n % len(questions)] if questions else None,
            )  # fmt: skip
            if done_in is not None:
                done_on = held_on + timedelta(days=done_in)
                dialogues.commitment_fulfil(
                    actor=self.official, commitment=commitment, fulfilled_on=done_on,
                    result="Đã hoàn thành và nghiệm thu.", today=done_on,
                )  # fmt: skip
        upcoming = dialogues.dialogue_create(
            actor=self.official, commune=self.commune,
            title="Hội nghị đối thoại năm tới: lấy ý kiến trước",
            held_on=self.today + timedelta(days=30), place="Hội trường UBND xã",
        )  # fmt: skip
        if self.residents:
            dialogues.question_ask(
                actor=self.residents[0], dialogue=upcoming, show_name=True,
                text="Đề nghị xã công khai tiến độ xây dựng nhà văn hóa thôn.",
            )  # fmt: skip

    def mediation(self) -> None:
        villages = list(
            Village.objects.filter(commune=self.commune, is_active=True).order_by("code")
        )
        teams = []
        for village in villages:
            size = self.rng.randint(3, 5)
            members = [
                mediation.MemberPlan(f"{name} ({village.code})", sex, is_leader=n == 0)
                for n, (name, sex) in enumerate(MEDIATOR_NAMES[:size])
            ]
            teams.append(mediation.team_create(
                actor=self.chair, village=village, name=f"Tổ hòa giải {village.name}",
                members=members, recognised_by="Quyết định của Chủ tịch UBND xã",
            ))  # fmt: skip
        outcomes = ["success"] * 7 + ["failed", "failed", "stopped", "in_progress", "overdue"]
        for n, outcome in enumerate(outcomes):
            if not teams:
                break
            self._case(teams[n % len(teams)], n, outcome)

    def _case(self, team: MediationTeam, n: int, outcome: str) -> None:
        subject, parties, details = DISPUTES[n % len(DISPUTES)]
        days_ago = 340 - n * 27 if outcome not in ("in_progress", "overdue") else 12 - n % 5
        received = self.today - timedelta(days=max(days_ago, 6))
        case = mediation.case_record(
            actor=self.official, team=team, received_on=received, subject=subject,
            parties=parties, details=details, today=received,
        )  # fmt: skip
        ids = list(team.members.values_list("pk", flat=True)[:2])
        assigned = received + timedelta(days=1)
        case = mediation.case_assign(
            actor=self.official, case=case, mediator_ids=ids, assigned_on=assigned, today=assigned
        )
        if outcome == "overdue":
            return
        session_on = assigned + timedelta(days=2)
        mediation.session_record(
            actor=self.official, case=case, held_on=session_on, today=session_on,
            notes="Hòa giải viên nghe các bên trình bày, phân tích quy định pháp luật.",
        )  # fmt: skip
        if outcome == "in_progress":
            return
        closed = session_on + timedelta(days=3)
        mediation.case_close(
            actor=self.official, case=case, outcome=outcome, closed_on=closed, today=closed,
            agreement="Các bên thống nhất phương án và cam kết thực hiện trong 30 ngày."
            if outcome == "success" else "",
            referred_to="UBND xã (giải quyết tranh chấp đất đai)" if outcome == "failed" else "",
        )  # fmt: skip
        if outcome == "success" and n % 2 == 0:
            mediation.case_follow_up(
                actor=self.official, case=case, follow_up="Các bên đã thực hiện đúng thỏa thuận.",
                performed=True,
            )  # fmt: skip


def community_demo_load(commune: AdministrativeUnit, *, seed: int, stdout: Any) -> None:
    """Load the demo once; a commune that already has reception days is left as it is."""
    if ReceptionDay.objects.filter(commune=commune).exists():
        stdout.write(_("The demo commune already has reception days (use --reset to rebuild)."))
        return
    demo = _Demo(commune, seed)
    if demo.official is None:
        return
    try:
        demo.receptions()
        demo.dialogues()
        demo.mediation()
    except ApplicationError as error:  # a rule refused a generated row: say which, go on
        stdout.write(f"{error.code}: {error.message}")
    figures = reception.reception_figures(commune, demo.today - timedelta(days=364), demo.today)
    stdout.write(
        _("Demo reception, dialogues and mediation: %(days)d reception days held, %(weeks)d weeks without reception, %(dialogues)d dialogues, %(cases)d mediation cases.")  # noqa: E501
        % {
            "days": figures.days_held, "weeks": len(figures.weeks_missing),
            "dialogues": Dialogue.objects.filter(commune=commune).count(),
            "cases": MediationCase.objects.filter(commune=commune).count(),
        }
    )  # fmt: skip
    audit.record(
        actor=None, action="petitions.community_demo.load",
        object_type="territory.administrativeunit", object_id=commune.pk, commune_id=commune.pk,
        after={"seed": seed, "note": "generated demo history: dates in the past"},
    )  # fmt: skip


def community_demo_reset(commune: AdministrativeUnit) -> None:
    """Remove the commune's reception days, dialogues and mediation rows (children first)."""
    in_commune = Q(commune=commune)
    for model in (
        ReceptionRecord, ReceptionBooking, ReceptionSlot, ReceptionDay, QuestionSupport,
        DialogueCommitment, DialogueQuestion, Dialogue, MediationSession,
    ):  # fmt: skip
        model.objects.filter(in_commune).delete()  # type: ignore[attr-defined]
    for case in MediationCase.objects.filter(in_commune):
        case.mediators.clear()
    MediationCase.objects.filter(in_commune).delete()
    Mediator.objects.filter(in_commune).delete()
    MediationTeam.objects.filter(in_commune).delete()
