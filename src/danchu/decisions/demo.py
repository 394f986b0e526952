"""Demo community decisions for Xã Can Lộc (18406): matters of every clause of Art. 15.

Closed matters, each decided in one village by the form the law allows for it:

* contributions for a village road (clause 1) at a meeting — adopted by two thirds or more of
  all households (Law 10/2022 Art. 21(1));
* the collection and spending of the village fund (clause 2) by household ballot, with double
  entry and one mismatched ballot resolved by a third person — not adopted (below two thirds);
* the village convention (clause 3): its meeting was not quorate (Decree 61/2023 Art. 10), so
  the village decided by household ballot — adopted;
* a village-head election (clause 4) at a meeting by secret ballot, one candidate — elected;
* the inspection board member (clause 5) at a meeting, two candidates — one elected;
* another self-managed matter (clause 6) voted online by secret ballot after more than half of
  the households agreed to vote online (Decree 59/2023 Art. 5(2)(c)) — adopted, with its public
  bulletin of tracking-code digests;

a households' petition to dismiss a village head, still collecting signatures (Decree 59/2023
Art. 9(1): at least half of all households); and two open ones: a meeting still to come, and
an online vote running in the villages of the demo's signed-in household representatives (the
slips printed by ``danchu demo``), who can vote on it.

Everything is created through :mod:`danchu.decisions.services` with the demo's officials,
village heads and household representatives as actors. The services stamp "now" on creation,
opening, attendance, opt-in, votes and closing; the generated history is then moved into the
past by updating the demo's own rows. Every timestamp of something that happened is in the
past; the same seed gives the same matters on the same day.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from danchu.core import audit
from danchu.core.text import fold_vi
from danchu.decisions import elections, office, recognition, services
from danchu.decisions.models import (
    Ballot,
    BallotApproval,
    Consent,
    DismissalPetition,
    DismissalSignature,
    ElectionPlan,
    EligibleHousehold,
    Initiative,
    InnerBallot,
    Matter,
    MatterVillage,
    MeetingAttendance,
    OnlineOptIn,
    Option,
    SecretChoice,
    VillageHeadTerm,
    Vote,
    VoteConflict,
)
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Household, Resident, Village

__all__ = ["DemoDecisions", "demo_load", "demo_reset"]

# The demo's accounts (created by danchu.territory.demo).
DEMO_OFFICIAL = "canbo1.canloc"  # runs the matters and makes the first entry of a ballot
SECOND_OFFICIAL = "canbo2.canloc"  # verifies each ballot (double entry)
CHAIR = "chutich.canloc"  # settles a ballot whose entries differ (a third person)
VILLAGE_HEAD = "truongthon{code}.canloc"  # proposes the village's matters (Art. 16(2))


@dataclass
class DemoDecisions:
    """What the demo loaded (or found)."""

    matters: int = 0
    closed: int = 0
    open: int = 0
    adopted: int = 0
    votes: int = 0
    already_loaded: bool = False
    by_type: Counter[int] = field(default_factory=Counter)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _share(total: int, fraction: float) -> int:
    return min(total, math.ceil(total * fraction))


class _Loader:
    def __init__(self, commune: AdministrativeUnit, seed: int) -> None:
        from danchu.accounts.models import User

        self.commune = commune
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.now = timezone.now()
        self.today = timezone.localdate()
        users = {u.username: u for u in User.objects.filter(username__endswith=".canloc")}
        self.official = users.get(DEMO_OFFICIAL)
        self.second = users.get(SECOND_OFFICIAL)
        self.chair = users.get(CHAIR)
        self.users = users

    # Helpers -----------------------------------------------------------------------------

    def head(self, village: Village) -> Any:
        return self.users.get(VILLAGE_HEAD.format(code=village.code), self.official)

    def households(self, village: Village) -> list[Household]:
        return list(Household.objects.filter(village=village).order_by("code"))

    def names(self, village: Village, count: int, skip: int = 0) -> list[str]:
        """Household representatives of the village, for teams and witnesses."""
        names = list(
            Resident.objects.filter(household__village=village, is_representative=True)
            .order_by("household__code")
            .values_list("full_name", flat=True)[skip : skip + count]
        )
        fillers = ["Nguyễn Văn Thành", "Trần Thị Hoa", "Lê Đình Tuấn", "Phan Thị Mai", "Võ Văn An"]
        for name in fillers:
            if len(names) >= count:
                break
            if name not in names:
                names.append(name)
        # Names of different people: a repeated name gets its household's number.
        return [n if names.count(n) == 1 else f"{n} ({i + 1})" for i, n in enumerate(names)]

    def shuffled(self, village: Village) -> list[Household]:
        households = self.households(village)
        self.rng.shuffle(households)
        return households

    def create(
        self, village: Village | Sequence[Village], matter_type: int, title: str, question: str,
        description: str = "", candidates: Sequence[str] | None = None, actor: Any = None,
        secret: bool = False,
    ) -> Matter:  # fmt: skip
        villages = [village] if isinstance(village, Village) else list(village)
        return services.matter_create(
            actor=actor or self.head(villages[0]), commune=self.commune, matter_type=matter_type,
            title=title, question=question, description=description,
            village_ids=[v.pk for v in villages], candidates=candidates, secret=secret,
        )  # fmt: skip

    @staticmethod
    def mv(matter: Matter, village: Village) -> MatterVillage:
        return MatterVillage.objects.select_related("matter", "village").get(
            matter=matter, village=village
        )

    @staticmethod
    def options(matter: Matter) -> list[Option]:
        return list(Option.objects.filter(matter=matter).order_by("position"))

    def meeting(
        self, matter: Matter, village: Village, held: date, notice_days: int, present: float
    ) -> MatterVillage:
        """Open with a meeting held ``held`` and record who attended."""
        services.matter_open(
            actor=self.official, matter=matter, form=Form.MEETING,
            notice_on=held - timedelta(days=notice_days), held_on=held,
        )  # fmt: skip
        mv = self.mv(matter, village)
        count = _share(mv.total_households, present)
        if present <= 0.5:  # a meeting meant to fall short stays at or below half
            count = int(mv.total_households * present)
        attending = self.shuffled(village)[:count]
        return services.meeting_attendance_record(
            actor=self.official, matter_village=mv, household_ids=[h.pk for h in attending]
        )

    def ballots(
        self, mv: MatterVillage, returned: float, shares: Sequence[float], mismatch: bool
    ) -> None:
        """Issue, collect and enter the village's ballots twice; ``shares`` are the fractions
        of all households marking each option (the rest of the returned ballots are blank)."""
        services.ballots_issue(actor=self.official, matter_village=mv)
        ballots = list(Ballot.objects.filter(matter_village=mv).select_related("matter_village"))
        self.rng.shuffle(ballots)
        back = _share(len(ballots), returned)
        for ballot in ballots[back:]:
            services.ballot_mark(actor=self.official, ballot=ballot, status=Ballot.Status.DELIVERED)
        options = self.options(mv.matter)
        entries: list[str] = []
        for option, share in zip(options, shares, strict=False):
            entries += [str(option.pk)] * _share(mv.total_households, share)
        entries = (entries + [services.BLANK] * back)[:back]
        for n, (ballot, entry) in enumerate(zip(ballots[:back], entries, strict=True)):
            services.ballot_mark(actor=self.official, ballot=ballot, status=Ballot.Status.RETURNED)
            services.ballot_enter(actor=self.official, ballot=ballot, entry=entry)
            if mismatch and n == 0 and len(options) > 1:
                # Misread once: a third person reads the paper again (double entry).
                wrong = str(options[1].pk) if entry != str(options[1].pk) else str(options[0].pk)
                services.ballot_enter(actor=self.second, ballot=ballot, entry=wrong)
                services.ballot_resolve(
                    actor=self.chair, ballot=ballot, entry=entry,
                    reason="Đối chiếu lại phiếu gốc trước tổ phát phiếu.",
                )  # fmt: skip
            else:
                services.ballot_enter(actor=self.second, ballot=ballot, entry=entry)
        services.count_witnesses_record(
            actor=self.official, matter_village=mv, witnesses=self.names(mv.village, 2, skip=3)
        )

    def close(self, matter: Matter) -> Matter:
        return services.matter_close(actor=self.official, matter=matter)

    def past(self, moment: datetime) -> datetime:
        """Demo history never lies in the future."""
        return min(moment, self.now)

    def backdate(
        self, matter: Matter, notice: date, closed: datetime, *, attended: date | None = None
    ) -> None:
        """Generated demo history: the matter was proposed, opened and (if closed) sealed on
        these past days, not at the moment the demo was loaded."""
        opened = self.past(_at(notice, 8, self.rng.randint(0, 59)))
        update: dict[str, Any] = {
            "created_at": opened - timedelta(days=1, minutes=self.rng.randint(0, 90)),
            "opened_at": opened,
            "closed_at": self.past(closed),
        }
        Matter.objects.filter(pk=matter.pk).update(**update)
        if attended is not None:
            MeetingAttendance.objects.filter(matter_village__matter=matter).update(
                recorded_at=self.past(_at(attended, 19, 30))
            )
        OnlineOptIn.objects.filter(matter_village__matter=matter).update(
            answered_at=self.past(_at(notice, 8) - timedelta(days=3))
        )

    # The matters -------------------------------------------------------------------------

    def road(self, village: Village) -> None:
        """Clause 1 at a meeting: adopted by two thirds or more of all households."""
        held = self.today - timedelta(days=74)
        matter = self.create(
            village, MatterType.CONTRIBUTIONS,
            f"Đóng góp làm đường bê tông trục chính {village.name}",
            "Bà con có đồng ý mỗi hộ đóng góp 1.500.000 đồng và ngày công để bê tông hóa "
            "tuyến đường trục chính của thôn, phần còn lại do ngân sách xã hỗ trợ không?",
            "Tuyến dài 1.150 m, rộng 3,5 m; tổng dự toán 2.480 triệu đồng, ngân sách tỉnh hỗ trợ "
            "xi măng. Hộ nghèo, hộ chính sách được miễn đóng góp bằng tiền.",
        )  # fmt: skip
        mv = self.meeting(matter, village, held, 5, present=0.84)
        total = mv.total_households
        approve, reject, other = self.options(matter)
        yes = min(mv.present, _share(total, 0.7))
        no = min(mv.present - yes, _share(total, 0.06))
        counts: dict[int | str, int] = {
            approve.pk: yes,
            reject.pk: no,
            other.pk: min(mv.present - yes - no, 1),
        }
        services.meeting_result_record(actor=self.official, matter_village=mv, counts=counts)
        self.close(matter)
        self.backdate(matter, held - timedelta(days=5), _at(held, 21, 10), attended=held)

    def fund(self, village: Village) -> None:
        """Clause 2 by household ballot: not adopted (below two thirds of all households)."""
        handed = self.today - timedelta(days=52)
        matter = self.create(
            village, MatterType.COMMUNITY_FINANCES,
            f"Thu, chi quỹ hoạt động {village.name} năm {self.today.year}",
            "Bà con có đồng ý mức thu quỹ hoạt động 200.000 đồng/hộ/năm và dự toán chi "
            "(điện, nước nhà văn hóa, khen thưởng, thăm hỏi) như dự thảo không?",
        )  # fmt: skip
        closes = _at(handed + timedelta(days=7), 17)
        services.matter_open(
            actor=self.official, matter=matter, form=Form.BALLOT,
            notice_on=handed - timedelta(days=3), held_on=handed, closes_at=closes,
            team=self.names(village, 3),
        )  # fmt: skip
        mv = self.mv(matter, village)
        self.ballots(mv, returned=0.82, shares=(0.56, 0.2, 0.03), mismatch=True)
        self.close(matter)
        self.backdate(matter, handed - timedelta(days=3), closes + timedelta(hours=2))

    def convention(self, village: Village) -> None:
        """Clause 3: the meeting was not quorate; the household ballot adopted it."""
        held = self.today - timedelta(days=41)
        matter = self.create(
            village, MatterType.CONVENTION,
            f"Hương ước {village.name} (sửa đổi, bổ sung)",
            "Bà con có đồng ý thông qua hương ước sửa đổi, bổ sung của thôn (việc cưới, việc "
            "tang, giữ gìn vệ sinh môi trường, phòng chống tệ nạn xã hội) không?",
            "Dự thảo gồm 5 chương, 32 điều; niêm yết tại nhà văn hóa thôn từ ngày thông báo.",
        )  # fmt: skip
        mv = self.meeting(matter, village, held, 4, present=0.4)
        handed, closes = held + timedelta(days=4), _at(held + timedelta(days=11), 17)
        services.matter_switch_to_ballot(
            actor=self.official, matter_village=mv, notice_on=held + timedelta(days=1),
            held_on=handed, closes_at=closes, team=self.names(village, 3),
        )  # fmt: skip
        self.ballots(self.mv(matter, village), returned=0.86, shares=(0.74, 0.08, 0.02),
                     mismatch=False)  # fmt: skip
        self.close(matter)
        self.backdate(matter, held - timedelta(days=4), closes + timedelta(hours=3), attended=held)

    def village_head(self, village: Village) -> None:
        """Clause 4: one candidate, secret ballot at the meeting, elected."""
        held = self.today - timedelta(days=30)
        candidate = self.names(village, 1, skip=5)[0]
        matter = self.create(
            village, MatterType.VILLAGE_HEAD, f"Bầu trưởng {village.name.lower()} nhiệm kỳ "
            f"{self.today.year}–{self.today.year + 2}"[:300],
            "Bầu trưởng thôn, tổ dân phố theo danh sách người ứng cử do Ban công tác Mặt trận "
            "giới thiệu.", candidates=[candidate],
        )  # fmt: skip
        self.election_milestones(matter, village, held)
        mv = self.meeting(matter, village, held, 8, present=0.88)
        (option,) = self.options(matter)
        services.meeting_result_record(
            actor=self.official, matter_village=mv,
            counts={option.pk: min(mv.present, _share(mv.total_households, 0.77))},
            team=self.names(village, 3, skip=6), witnesses=self.names(village, 2, skip=9),
            secret=True, team_approved_by=mv.present,
        )  # fmt: skip
        self.close(matter)
        self.backdate(matter, held - timedelta(days=8), _at(held, 11, 40), attended=held)
        # Sent two days after the meeting, recognised three days later: the head takes office
        # on the recognition (Decree 59/2023 Art. 8).
        mv = recognition.decision_send(
            actor=self.official, matter_village=self.mv(matter, village),
            sent_on=held + timedelta(days=2),
        )  # fmt: skip
        recognition.decision_recognise(
            actor=self.chair, matter_village=mv, on=held + timedelta(days=5)
        )

    def interim_head(self, villages: Sequence[Village]) -> None:
        """The first village with no head recorded: the commune chair appointed an interim
        head (Decree 59/2023 Art. 9; at most the interim limit)."""
        held = set(
            VillageHeadTerm.objects.filter(commune=self.commune, ended_on__isnull=True).values_list(
                "village_id", flat=True
            )
        )
        free = [v for v in villages if v.pk not in held]
        if free:
            office.interim_appoint(
                actor=self.chair, village=free[0], name=self.names(free[0], 1, skip=21)[0],
                started_on=self.today - timedelta(days=20),
            )  # fmt: skip

    def heads_before(self, villages: Sequence[Village]) -> None:
        """The villages still without a head recorded: the heads elected before the commune used
        danchu, entered by the chair with the UBND xã's recognition decision (back-filling)."""
        held = set(
            VillageHeadTerm.objects.filter(commune=self.commune).values_list(
                "village_id", flat=True
            )
        )
        started = self.today - timedelta(days=2 * 365)
        for n, village in enumerate(v for v in villages if v.pk not in held):
            office.term_record_existing(
                actor=self.chair, village=village, kind=VillageHeadTerm.Kind.ELECTED,
                name=self.names(village, 1, skip=23)[0], started_on=started,
                reference=f"Quyết định số {n + 31}/QĐ-UBND ngày {started:%d/%m/%Y} của UBND xã",
            )  # fmt: skip

    def election_milestones(self, matter: Matter, village: Village, held: date) -> None:
        """Decree 59/2023 Art. 6: plan 25, candidate list 16, team 12, notice 8 days before."""
        mv = self.mv(matter, village)
        elections.election_plan_record(
            actor=self.chair, matter_village=mv, election_day=held,
            plan_on=held - timedelta(days=25),
        )  # fmt: skip
        elections.election_candidates_fix(
            actor=self.chair, matter_village=mv, fixed_on=held - timedelta(days=16),
            names=[o.label for o in self.options(matter)],
        )  # fmt: skip
        # No candidate sits on the election team (Art. 6).
        candidates = {fold_vi(o.label) for o in self.options(matter)}
        team = [n for n in self.names(village, 8, skip=12) if fold_vi(n) not in candidates]
        elections.election_team_set(
            actor=self.chair, matter_village=mv, set_on=held - timedelta(days=12), members=team[:3]
        )
        elections.election_notice_record(
            actor=self.chair, matter_village=mv, notice_on=held - timedelta(days=8)
        )

    def board(self, village: Village) -> None:
        """Clause 5: two candidates for the inspection board; one elected."""
        held = self.today - timedelta(days=19)
        first, second = self.names(village, 2, skip=11)
        matter = self.create(
            village, MatterType.BOARD_MEMBERS,
            f"Bầu bổ sung thành viên Ban Thanh tra nhân dân — {village.name}",
            "Bầu bổ sung một thành viên Ban Thanh tra nhân dân xã đại diện cho thôn.",
            candidates=[first, second],
        )  # fmt: skip
        mv = self.meeting(matter, village, held, 3, present=0.72)
        one, two = self.options(matter)
        yes = min(mv.present, _share(mv.total_households, 0.55))
        services.meeting_result_record(
            actor=self.official, matter_village=mv,
            counts={one.pk: yes, two.pk: mv.present - yes},
        )  # fmt: skip
        self.close(matter)
        self.backdate(matter, held - timedelta(days=3), _at(held, 21, 0), attended=held)

    def dismissal(self, village: Village) -> None:
        """Decree 59/2023 Art. 9(1): households petition to dismiss the village head; a third
        of them signed so far (half are needed before it goes to the community)."""
        petition = elections.dismissal_petition_create(
            actor=self.official, village=village, route=DismissalPetition.Route.HOUSEHOLDS,
            head_name=self.names(village, 1, skip=17)[0],
            reason="Không công khai các khoản thu, chi quỹ thôn theo quy định.",
        )  # fmt: skip
        households = self.shuffled(village)
        signing = households[: len(households) // 3]
        if signing:
            elections.dismissal_signatures_record(
                actor=self.official, petition=petition, household_ids=[h.pk for h in signing],
                signed_on=self.today - timedelta(days=4),
            )  # fmt: skip

    def online(self, village: Village) -> None:
        """Clause 6 online: the opt-in passed, the vote ran for three days, adopted."""
        from danchu.accounts import services as accounts

        start = self.today - timedelta(days=12)
        matter = self.create(
            village, MatterType.OTHER,
            f"Giờ mở loa truyền thanh và lịch vệ sinh đường làng {village.name}",
            "Bà con có đồng ý phát loa truyền thanh thôn lúc 6 giờ 00 và 17 giờ 30 hằng ngày, "
            "tổng vệ sinh đường làng sáng Chủ nhật đầu tháng không?",
            secret=True,  # by secret ballot: a public bulletin by tracking code
        )  # fmt: skip
        mv = self.mv(matter, village)
        households = self.shuffled(village)
        total = len(households)
        agreeing = _share(total, 0.66)
        for n, household in enumerate(households[: _share(total, 0.8)]):
            services.online_opt_in_record(
                actor=self.official, matter_village=mv, household=household, agrees=n < agreeing
            )
        services.matter_open(
            actor=self.official, matter=matter,
            plans={village.pk: services.VillagePlan(
                Form.ONLINE, closes_at=self.now + timedelta(hours=1),
                team=self.names(village, 3),
            )},
        )  # fmt: skip
        approve, reject, other = self.options(matter)
        plan = [approve] * _share(total, 0.61) + [reject] * _share(total, 0.1) + [other]
        voters = households[: min(total, len(plan))]
        for household, option in zip(voters, plan, strict=False):
            resident = Resident.objects.filter(household=household, is_representative=True).first()
            if resident is None:
                continue
            user = accounts.resident_account_for(actor=None, resident=resident)
            opinion = "Đề nghị lùi giờ phát loa buổi sáng sang 6 giờ 30." if option == other else ""
            services.vote_cast(actor=user, matter_village=mv, option=option, other_opinion=opinion)
        # Generated demo history: the vote ran from ``start`` for three days; its end is moved
        # into the past before the closing (the service closes only after the deadline).
        closes = _at(start + timedelta(days=3), 20)
        MatterVillage.objects.filter(pk=mv.pk).update(
            notice_on=start - timedelta(days=1), closes_at=closes
        )
        for vote in Vote.objects.filter(matter=matter):
            cast = _at(start, 9) + timedelta(minutes=self.rng.randint(0, 3 * 24 * 60 - 200))
            Vote.objects.filter(pk=vote.pk).update(cast_at=cast, changed_at=cast)
        self.close(matter)
        self.backdate(matter, start - timedelta(days=1), closes + timedelta(minutes=15))

    def upcoming(self, village: Village) -> None:
        """Open: a meeting next week on contributions for the village's cultural house."""
        matter = self.create(
            village, MatterType.CONTRIBUTIONS,
            f"Đóng góp sửa chữa nhà văn hóa {village.name}",
            "Bà con có đồng ý mỗi hộ đóng góp 500.000 đồng để sửa mái, lát nền nhà văn hóa "
            "thôn không?",
        )  # fmt: skip
        notice = self.today - timedelta(days=1)
        services.matter_open(
            actor=self.official, matter=matter, form=Form.MEETING, notice_on=notice,
            held_on=self.today + timedelta(days=6),
        )  # fmt: skip
        # Opened now (not backdated): households count from the opening (Art. 21(1)).

    def running(self, villages: Sequence[Village]) -> None:
        """Open: an online vote the demo's household representatives can take part in."""
        matter = self.create(
            villages, MatterType.OTHER, "Lắp camera an ninh tại các ngõ xóm",
            "Bà con có đồng ý lắp camera an ninh tại đầu các ngõ xóm, kinh phí do các hộ tự "
            "nguyện đóng góp, không?", actor=self.official,
        )  # fmt: skip
        plans = {}
        for village in villages:
            mv = self.mv(matter, village)
            households = self.shuffled(village)
            for household in households[: _share(len(households), 0.6)]:
                services.online_opt_in_record(
                    actor=self.official, matter_village=mv, household=household, agrees=True
                )
            plans[village.pk] = services.VillagePlan(
                Form.ONLINE,
                closes_at=_at(self.today + timedelta(days=9), 20),
                team=self.names(village, 3),
            )
        services.matter_open(actor=self.official, matter=matter, plans=plans)


def _villages(commune: AdministrativeUnit) -> tuple[list[Village], list[Village]]:
    """Villages with households (by code); the villages of the demo's signed-in
    representatives (the first households by code, as ``danchu demo`` prints their slips)."""
    villages = list(
        Village.objects.filter(commune=commune, is_active=True)
        .filter(households__isnull=False)
        .distinct()
        .order_by("code")
    )
    codes = (
        Resident.objects.filter(commune=commune, is_representative=True)
        .order_by("household__code")
        .values_list("household__village_id", flat=True)[:3]
    )
    wanted = list(dict.fromkeys(codes))
    signed_in = [v for v in villages if v.pk in wanted] or villages[:1]
    return villages, signed_in


@transaction.atomic
def demo_load(commune: AdministrativeUnit, *, seed: int = 2025) -> DemoDecisions:
    """Load the demo matters once; a commune that has matters is left as it is (``danchu demo
    --reset`` removes them first, through :func:`demo_reset`)."""
    existing = Matter.objects.filter(commune=commune)
    if existing.exists():
        return _summary(commune, already_loaded=True)
    villages, signed_in = _villages(commune)
    loader = _Loader(commune, seed)
    if not villages or loader.official is None:
        return DemoDecisions()
    # Spread the matters over the villages, the signed-in representatives' villages last.
    others = [v for v in villages if v not in signed_in] or villages
    steps = [loader.road, loader.fund, loader.convention, loader.village_head, loader.board,
             loader.online, loader.upcoming]  # fmt: skip
    for n, step in enumerate(steps):
        step(others[n % len(others)])
    loader.dismissal(others[0])
    # The elected head took office in the election's village; another village has an interim.
    loader.interim_head(villages)
    loader.heads_before(villages)
    loader.running(signed_in)
    result = _summary(commune)
    audit.record(
        actor=None, action="decisions.demo.load", object_type="territory.administrativeunit",
        object_id=commune.pk, commune_id=commune.pk,
        after={"seed": seed, "matters": result.matters, "closed": result.closed,
               "votes": result.votes,
               "note": "generated demo history: dates moved into the past"},
    )  # fmt: skip
    return result


def _summary(commune: AdministrativeUnit, *, already_loaded: bool = False) -> DemoDecisions:
    matters = Matter.objects.filter(commune=commune)
    statuses = Counter(dict(matters.values_list("status").annotate(n=Count("id")).order_by()))
    adopted = (
        matters.filter(status=Matter.Status.CLOSED)
        .exclude(villages__adopted=False)
        .distinct()
        .count()
    )
    return DemoDecisions(
        matters=sum(statuses.values()),
        closed=statuses[Matter.Status.CLOSED],
        open=statuses[Matter.Status.OPEN],
        adopted=adopted,
        votes=Vote.objects.filter(commune=commune).count(),
        already_loaded=already_loaded,
        by_type=Counter(
            dict(matters.values_list("matter_type").annotate(n=Count("id")).order_by())
        ),
    )


@transaction.atomic
def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's matters and initiatives (demo data); returns the matters removed.

    Rows that protect others go first: conflicts and votes (they protect options, villages and
    households), ballots, attendance and opt-ins, then the matters (their options and villages
    cascade), then consents and initiatives. The audit trail stays.
    """
    count = Matter.objects.filter(commune=commune).count()
    VillageHeadTerm.objects.filter(commune=commune).delete()  # it protects the matters
    ElectionPlan.objects.filter(commune=commune).delete()  # it may protect a petition
    DismissalSignature.objects.filter(commune=commune).delete()
    DismissalPetition.objects.filter(commune=commune).delete()
    VoteConflict.objects.filter(commune=commune).delete()
    BallotApproval.objects.filter(commune=commune).delete()
    Vote.objects.filter(commune=commune).delete()
    SecretChoice.objects.filter(commune=commune).delete()
    InnerBallot.objects.filter(commune=commune).delete()
    EligibleHousehold.objects.filter(commune=commune).delete()
    Ballot.objects.filter(commune=commune).delete()
    MeetingAttendance.objects.filter(commune=commune).delete()
    OnlineOptIn.objects.filter(commune=commune).delete()
    MatterVillage.objects.filter(commune=commune).delete()
    Option.objects.filter(commune=commune).delete()
    Matter.objects.filter(commune=commune).delete()
    Consent.objects.filter(commune=commune).delete()
    Initiative.objects.filter(commune=commune).delete()
    if count:
        audit.record(
            actor=None, action="decisions.demo.reset",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, before={"matters": count},
        )  # fmt: skip
    return count
