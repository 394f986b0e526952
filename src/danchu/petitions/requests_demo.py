"""A year of citizens' requests for the demo commune: mostly feedback about roads, lights,
water and waste; some complaints about land and support decisions; a few denunciations;
information requests and disputes. Most are answered in time, some late, a handful still open
and overdue; many answers are rated, two are reopened, one duplicate is merged.

Everything goes through the services. The services read "now" from ``services._now``; the
loader moves that clock to each generated day while it works (single-threaded command only),
so the history carries the dates it would have had. Names, texts and numbers are invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from danchu.core import audit
from danchu.core.calendar import TIME_ZONE
from danchu.petitions import services
from danchu.petitions.models import (
    CitizenRequest,
    ClockDecision,
    RequesterIdentity,
    RequestKind,
    RequestStatus,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["demo_load", "demo_reset"]

OFFICIALS = ("canbo1.canloc", "canbo2.canloc")
CHAIR = "chutich.canloc"
# (kind, share of requests, (subject, content) templates; {village} is filled in)
TOPICS: dict[str, list[tuple[str, str]]] = {
    RequestKind.FEEDBACK: [
        (
            "Đường liên thôn bị sụt lún",
            "Đoạn đường qua {village} bị sụt lún sau mưa, xe máy đi lại rất nguy hiểm.",
        ),
        ("Đèn đường không sáng", "Ba cột đèn đường ở {village} không sáng đã hơn một tuần."),
        (
            "Rác thải tập kết sai nơi quy định",
            "Rác thải đổ tràn ra đường ở đầu {village}, bốc mùi hôi.",
        ),
        (
            "Mương thoát nước bị tắc",
            "Mương thoát nước ở {village} bị tắc, nước tràn vào nhà dân khi mưa to.",
        ),
        (
            "Đề nghị lắp biển báo giảm tốc",
            "Đề nghị lắp biển báo giảm tốc gần trường mầm non {village}.",
        ),
        ("Nước sinh hoạt bị đục", "Nước máy cấp cho {village} mấy hôm nay bị đục, có mùi lạ."),
        (
            "Loa truyền thanh bị hỏng",
            "Loa truyền thanh ở {village} không phát được, người dân không nghe thông báo.",
        ),
    ],
    RequestKind.COMPLAINT: [
        (
            "Khiếu nại mức bồi thường thu hồi đất",
            "Không đồng ý với mức bồi thường khi thu hồi đất làm đường tỉnh qua {village}.",
        ),
        (
            "Khiếu nại kết quả bình xét hộ nghèo",
            "Gia đình không được đưa vào danh sách hộ cận nghèo năm nay dù đủ điều kiện.",
        ),
        (
            "Khiếu nại quyết định xử phạt xây dựng",
            "Không đồng ý với quyết định xử phạt về xây dựng công trình phụ tại {village}.",
        ),
    ],
    RequestKind.DENUNCIATION: [
        (
            "Tố cáo sai phạm trong cấp đất",
            "Tố cáo việc giao đất không đúng đối tượng tại {village}.",
        ),
        (
            "Tố cáo thu tiền sai quy định",
            "Tố cáo việc thu thêm tiền đóng góp ngoài danh mục đã được bàn và quyết định.",
        ),
    ],
    RequestKind.INFORMATION: [
        ("Xin thông tin quy hoạch", "Đề nghị cung cấp bản đồ quy hoạch sử dụng đất của {village}."),
        (
            "Xin danh sách hỗ trợ sau bão",
            "Đề nghị cung cấp danh sách hộ được hỗ trợ sau bão của {village}.",
        ),
    ],
    RequestKind.DISPUTE: [
        (
            "Tranh chấp ranh giới đất vườn",
            "Hai hộ ở {village} tranh chấp ranh giới đất vườn, đề nghị tổ hòa giải giúp.",
        ),
        (
            "Mâu thuẫn do nước thải chăn nuôi",
            "Nước thải chuồng lợn nhà bên chảy sang vườn, đề nghị hòa giải.",
        ),
    ],
}
WEIGHTS = {
    RequestKind.FEEDBACK: 60, RequestKind.COMPLAINT: 10, RequestKind.DENUNCIATION: 5,
    RequestKind.INFORMATION: 13, RequestKind.DISPUTE: 12,
}  # fmt: skip
NAMES = [
    "Nguyễn Văn Hải", "Trần Thị Hoa", "Lê Đình Tuấn", "Phan Thị Lan", "Võ Văn Long",
    "Hoàng Thị Mai", "Đặng Quang Huy", "Bùi Thị Ngọc", "Hồ Văn Cường", "Đỗ Thị Yến",
]  # fmt: skip
REQUESTS_A_YEAR = 160


@contextmanager
def _clock_at(day: date, hour: int = 9) -> Iterator[None]:
    """Let the services stamp ``day`` as "now" (the demo's generated history)."""
    instant = datetime(day.year, day.month, day.day, hour, tzinfo=TIME_ZONE)
    original = services._now
    services._now = lambda: instant  # type: ignore[assignment]
    try:
        yield
    finally:
        services._now = original  # type: ignore[assignment]


class _Loader:
    def __init__(self, commune: AdministrativeUnit, seed: int, today: date) -> None:
        self.commune, self.today = commune, today
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        users = get_user_model().objects
        self.officials = list(users.filter(username__in=OFFICIALS)) or []
        self.chair = users.filter(username=CHAIR).first()
        self.villages = list(Village.objects.filter(commune=commune, is_active=True))
        self.count = 0

    def _actor(self) -> Any:
        return self.rng.choice(self.officials) if self.officials else self.chair

    def one(self, day: date) -> None:
        rng = self.rng
        kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        subject, content = rng.choice(TOPICS[kind])
        village = rng.choice(self.villages) if self.villages else None
        name = rng.choice(NAMES)
        data = services.RequestData(
            subject=subject, content=content.format(village=village.name if village else "thôn"),
            kind=kind, village_id=village.pk if village else None, full_name=name,
            phone=f"09{rng.randrange(10**7, 10**8)}", address=village.name if village else "",
        )  # fmt: skip
        channel = rng.choice(["web", "web", "web", "phone", "post", "reception"])
        actor = self._actor()
        with _clock_at(day):
            req = services.request_submit(
                actor=actor if channel != "web" else AnonymousUser(), commune=self.commune,
                data=data, channel=channel,
            )  # fmt: skip
        self.count += 1
        handler = self._actor()
        with _clock_at(day, 14):
            req = services.request_assign(actor=self.chair or handler, request=req, handler=handler)
            if req.possible_duplicate_of_id and rng.random() < 0.7:
                into = CitizenRequest.objects.get(pk=req.possible_duplicate_of_id)
                services.request_merge(actor=handler, request=req, into=into)
                return
        self._handle(req, handler, day)

    def _handle(self, req: CitizenRequest, handler: Any, day: date) -> None:
        rng = self.rng
        statutory = req.kind in (RequestKind.COMPLAINT, RequestKind.DENUNCIATION)
        if statutory:
            accept_day = day + timedelta(days=rng.randint(2, 9))
            if accept_day > self.today:
                return
            with _clock_at(accept_day):
                req = services.request_accept(
                    actor=handler, request=req, decision_known_on=day - timedelta(days=20)
                )
        due = services.next_due(req)
        if due is None:
            return
        # Most in time; some late; the latest ones still open.
        late = rng.random() < 0.15
        span = (due - day).days
        done = (
            due + timedelta(days=rng.randint(1, 20))
            if late
            else (day + timedelta(days=rng.randint(1, max(1, span))))
        )
        if done > self.today:
            return  # still open (overdue when its deadline has passed)
        with _clock_at(done, 15):
            req = services.request_answer(
                actor=handler, request=req,
                answer="UBND xã đã kiểm tra, xử lý và trả lời bằng văn bản.",
            )  # fmt: skip
            if rng.random() < 0.65:
                score = rng.choices([5, 4, 3, 2, 1], weights=[35, 35, 15, 10, 5])[0]
                req = services.request_rate(tracking_code=req.tracking_code, satisfaction=score)
                if score <= 2 and rng.random() < 0.3:
                    services.request_reopen(
                        tracking_code=req.tracking_code, reason="Chưa được khắc phục triệt để."
                    )


def demo_load(commune: AdministrativeUnit, *, seed: int, stdout: Any = None) -> int:
    """A year of requests, oldest first; a commune that has requests is left as it is."""
    if CitizenRequest.objects.filter(commune=commune).exists():
        return 0
    today = timezone.localdate()
    loader = _Loader(commune, seed, today)
    if loader.chair is None and not loader.officials:
        return 0
    days = sorted(
        today - timedelta(days=loader.rng.randint(1, 365)) for _ in range(REQUESTS_A_YEAR)
    )
    with transaction.atomic():
        for day in days:
            loader.one(day)
        audit.record(
            actor=None, action="petition_request.demo.load",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, after={"seed": seed, "requests": loader.count},
        )  # fmt: skip
    if stdout is not None:
        stdout.write(f"  {loader.count} citizens' requests\n")
    return loader.count


@transaction.atomic
def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's requests (demo data). The audit trail stays."""
    rows = CitizenRequest.objects.filter(commune=commune)
    count = rows.count()
    ClockDecision.objects.filter(commune=commune).delete()
    RequesterIdentity.objects.filter(request__commune=commune).delete()
    rows.update(merged_into=None, possible_duplicate_of=None)
    rows.delete()
    return count


__all__ += ["RequestStatus"]  # re-exported for the demo test
