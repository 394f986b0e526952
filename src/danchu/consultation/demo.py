"""Demo consultations for the demo commune: one answered, one open.

* A closed consultation on the waste-collection regulation (Art. 25(5)): opinions from the
  web, a village meeting and household forms, grouped by the official (starting from danchu's
  suggestions), each group accepted or explained, the synthesis published through the register
  and the decision recorded.
* An open consultation on the commune's land-use plan draft (Art. 25(2)) with a few opinions;
  the opinion map's demo (its own part) adds statements and votes to it.

Everything goes through :mod:`danchu.consultation.services` with the demo's official as actor;
the closed one's dates are then moved into the past on the demo's own rows.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from danchu.accounts.models import Role, RoleAssignment
from danchu.consultation import services
from danchu.consultation.models import AffectedCitizen, Consultation, Opinion, OpinionGroup
from danchu.consultation.rules import Form, Outcome
from danchu.core import audit
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["DemoConsultations", "demo_load", "demo_reset"]

DEMO_OFFICIAL = "canbo1.canloc"

WASTE_DRAFT = """Dự thảo Quy chế thu gom, vận chuyển rác thải sinh hoạt trên địa bàn xã
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thu gom, vận chuyển rác thải sinh hoạt của các hộ gia đình trong xã.
Điều 2. Thời gian thu gom
Rác được thu gom vào 6 giờ sáng thứ Hai và thứ Năm hằng tuần.
Điều 3. Mức đóng góp
Mỗi hộ đóng 20.000 đồng mỗi tháng; hộ nghèo được miễn.
Điều 4. Điểm tập kết
Mỗi thôn bố trí một điểm tập kết rác có mái che."""

LAND_DRAFT = """Dự thảo điều chỉnh quy hoạch sử dụng đất đến năm 2030
Điều 1. Đất nông nghiệp
Chuyển 3 ha đất trồng lúa kém hiệu quả ở cánh đồng Bàu sang trồng cây ăn quả.
Điều 2. Đất công cộng
Dành 0,5 ha cạnh trường tiểu học làm sân thể thao.
Điều 3. Đất ở
Bố trí 40 lô đất ở mới dọc đường liên xã."""

# (section position or None, form, source, text)
WASTE_OPINIONS = [
    (2, Form.MEETING, "Họp thôn 1", "Thu gom 6 giờ sáng là quá sớm, nên chuyển sang 7 giờ."),
    (2, Form.HOUSEHOLD_FORM, "Phiếu hộ gia đình", "Giờ thu gom sớm quá, đề nghị 7 giờ sáng."),
    (2, Form.WEB, "", "Nên thu gom thêm ngày thứ Bảy vì cuối tuần nhiều rác."),
    (3, Form.MEETING, "Họp thôn 2", "Mức 20.000 đồng là hợp lý."),
    (3, Form.HOUSEHOLD_FORM, "Phiếu hộ gia đình", "Mức đóng góp 20.000 đồng cao với hộ cận nghèo."),
    (3, Form.WEB, "", "Hộ cận nghèo nên được giảm mức đóng góp."),
    (4, Form.BOX, "Hòm thư góp ý", "Điểm tập kết phải xa giếng nước và trường học."),
    (None, Form.WEB, "", "Đồng ý với dự thảo, cần làm sớm."),
]

# How the official grouped and answered them: (topic, article, opinion indexes, outcome, answer).
WASTE_GROUPS = [
    ("Giờ thu gom", 2, [0, 1], Outcome.ACCEPTED, "Đổi giờ thu gom sang 7 giờ sáng."),
    ("Thêm ngày thu gom", 2, [2], Outcome.NOT_ACCEPTED,
     "Xã chưa đủ xe và nhân công cho ngày thứ ba; sẽ xem xét lại sau 6 tháng."),
    ("Mức đóng góp", 3, [3, 4, 5], Outcome.ACCEPTED,
     "Bổ sung: hộ cận nghèo đóng 10.000 đồng mỗi tháng."),
    ("Vị trí điểm tập kết", 4, [6], Outcome.ACCEPTED,
     "Bổ sung: điểm tập kết cách giếng nước và trường học ít nhất 50 m."),
    ("Ý kiến chung", None, [7], Outcome.ACCEPTED, "Quy chế áp dụng từ đầu quý sau."),
]  # fmt: skip

LAND_OPINIONS = [
    (1, "Đồng ý chuyển đất lúa kém hiệu quả sang cây ăn quả."),
    (2, "Sân thể thao cạnh trường là rất cần thiết."),
    (3, "Cần công khai giá đất các lô đất ở mới."),
]


@dataclass
class DemoConsultations:
    consultations: int = 0
    opinions: int = 0
    already_loaded: bool = False
    open_consultation: Consultation | None = None


def _residents(commune: AdministrativeUnit) -> list[Any]:
    """The demo's signed-in household representatives (they may comment on the web)."""
    user_ids = RoleAssignment.objects.filter(
        commune=commune, role=Role.HOUSEHOLD_REPRESENTATIVE
    ).values_list("user_id", flat=True)
    return list(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), is_active=True)
        .select_related("resident__household__village")
        .order_by("pk")[:10]
    )


def _opinion(official: Any, consultation: Consultation, residents: list[Any], row: Any,
             rng: random.Random, villages: list[Village]) -> Opinion:  # fmt: skip
    position, form, source, text = row
    section = consultation.sections.filter(position=position + 1).first() if position else None
    if form == Form.WEB and residents:
        return services.opinion_submit(
            actor=rng.choice(residents), consultation=consultation, body=text, section=section
        )
    return services.opinion_enter(
        actor=official, consultation=consultation, body=text,
        form=form if form != Form.WEB else Form.BOX, source=source or "Hòm thư góp ý",
        section=section, village=rng.choice(villages) if villages else None,
    )  # fmt: skip


@transaction.atomic
def demo_load(commune: AdministrativeUnit, *, seed: int) -> DemoConsultations:
    existing = Consultation.objects.filter(commune=commune)
    if existing.exists():
        return DemoConsultations(consultations=existing.count(), already_loaded=True)
    official = get_user_model().objects.get(username=DEMO_OFFICIAL)
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    residents = _residents(commune)
    villages = list(Village.objects.filter(commune=commune, is_active=True).order_by("code"))
    today = timezone.localdate()
    result = DemoConsultations()

    waste = services.consultation_create(
        actor=official, commune=commune,
        data=services.ConsultationData(
            category=5, title="Quy chế thu gom, vận chuyển rác thải sinh hoạt",
            plan_document="Kế hoạch số 21/KH-UBND", plan_issued_on=today - timedelta(days=45),
            period_days=20, draft_text=WASTE_DRAFT,
            summary="Lấy ý kiến Nhân dân về giờ thu gom, mức đóng góp và điểm tập kết rác.",
            forms=[Form.WEB, Form.MEETING, Form.HOUSEHOLD_FORM, Form.BOX],
        ),
    )  # fmt: skip
    services.consultation_publish(actor=official, consultation=waste)
    waste.refresh_from_db()
    opinions = [_opinion(official, waste, residents, row, rng, villages) for row in WASTE_OPINIONS]
    # The period ran 40 to 20 days ago; the opinions arrived during it.
    Consultation.objects.filter(pk=waste.pk).update(
        published_on=today - timedelta(days=40), closes_on=today - timedelta(days=20)
    )
    for i, opinion in enumerate(opinions):
        Opinion.objects.filter(pk=opinion.pk).update(
            submitted_at=timezone.now() - timedelta(days=38 - 2 * i)
        )
    waste.refresh_from_db()
    services.consultation_close(actor=official, consultation=waste)
    for topic, article, indexes, outcome, answer in WASTE_GROUPS:
        section = waste.sections.filter(position=article + 1).first() if article else None
        group = services.group_create(
            actor=official, consultation=waste, section=section, topic=topic,
            opinion_ids=[opinions[i].pk for i in indexes],
        )  # fmt: skip
        services.group_answer(actor=official, group=group, outcome=outcome, answer=answer)
    services.synthesis_publish(actor=official, consultation=waste)
    services.decision_record(
        actor=official, consultation=waste, reference="Quyết định số 45/QĐ-UBND",
        issued_on=today - timedelta(days=5),
        explanation="" if not services.majority_not_accepted(waste) else "Xem bản tổng hợp.",
    )  # fmt: skip
    result.consultations += 1
    result.opinions += len(opinions)

    land = services.consultation_create(
        actor=official, commune=commune,
        data=services.ConsultationData(
            category=2, title="Điều chỉnh quy hoạch sử dụng đất đến năm 2030",
            plan_document="Kế hoạch số 30/KH-UBND", plan_issued_on=today - timedelta(days=3),
            period_days=30, draft_text=LAND_DRAFT, allow_phone=True,
            summary="Lấy ý kiến về chuyển đổi đất lúa, sân thể thao và đất ở mới.",
            forms=[Form.WEB, Form.MEETING, Form.DIALOGUE],
        ),
    )  # fmt: skip
    services.consultation_publish(actor=official, consultation=land)
    land.refresh_from_db()
    for position, text in LAND_OPINIONS:
        row = (position, Form.WEB if residents else Form.MEETING, "Họp thôn", text)
        _opinion(official, land, residents, row, rng, villages)
    result.consultations += 1
    result.opinions += len(LAND_OPINIONS)
    result.open_consultation = land
    return result


def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's consultations (demo data). The opinion map's rows go first when its
    part provides a reset; the register items are the disclosure demo's to remove."""
    count = Consultation.objects.filter(commune=commune).count()
    if importlib.util.find_spec("danchu.consultation.map_demo"):
        from danchu.consultation import map_demo  # type: ignore[attr-defined]

        reset = getattr(map_demo, "demo_reset", None)
        if callable(reset):
            reset(commune)
    Opinion.objects.filter(commune=commune).delete()
    OpinionGroup.objects.filter(commune=commune).delete()
    AffectedCitizen.objects.filter(commune=commune).delete()
    Consultation.objects.filter(commune=commune).delete()
    if count:
        audit.record(
            actor=None, action="consultation.demo.reset",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, before={"consultations": count},
        )  # fmt: skip
    return count
