"""Demo contribution campaigns for Xã Can Lộc (18406).

* A finished new-rural-road campaign (bê tông hóa đường trục thôn, nông thôn mới) in two
  villages: money from households, two businesses and an anonymous native living in Hồ Chí
  Minh City, donated land with the compensation waived, workdays; one receipt cancelled by a
  counter-entry; spending that uses the money up to a small balance; then finished.
* An open study-promotion fund (quỹ khuyến học) for the whole commune: pledges, first
  receipts and one spending.

Everything goes through :mod:`danchu.contributions.services` with the demo's official as the
actor, on past dates; the same seed gives the same books.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from danchu.accounts.models import User
from danchu.contributions import services
from danchu.contributions.models import (
    Campaign,
    Exemption,
    Kind,
    Pledge,
    Receipt,
    ReceiptCounter,
    Spending,
)
from danchu.contributions.services import Contributor
from danchu.core import audit
from danchu.territory.models import AdministrativeUnit, Household, Village

__all__ = ["demo_load", "demo_reset"]

DEMO_OFFICIAL = "canbo1.canloc"


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@transaction.atomic
def demo_load(commune: AdministrativeUnit, *, seed: int = 1) -> int:
    """Load the two campaigns; returns how many were created (0 if already there)."""
    if Campaign.objects.filter(commune=commune).exists():
        return 0
    official = User.objects.filter(username=DEMO_OFFICIAL).first()
    villages = list(Village.objects.filter(commune=commune, is_active=True).order_by("code"))
    if official is None or len(villages) < 2:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible from the seed
    _road(official, commune, villages[:2], rng)
    _fund(official, commune, villages, rng)
    return 2


def _households(villages: list[Village], count: int, rng: random.Random) -> list[Household]:
    rows = list(Household.objects.filter(village__in=villages).order_by("pk"))
    rng.shuffle(rows)
    return rows[:count]


def _road(official: Any, commune: Any, villages: list[Village], rng: random.Random) -> None:
    names = " và ".join(v.name for v in villages)
    road = services.campaign_create(
        actor=official, commune=commune,
        title=f"Bê tông hóa đường trục {names}",
        purpose="Xây dựng nông thôn mới: bê tông hóa 1,8 km đường trục, rộng 3,5 m, có rãnh "
        "thoát nước. Nhà nước hỗ trợ xi măng; nhân dân đóng góp tiền, hiến đất và ngày công.",
        serves=f"Đường trục {names}", villages=villages, starts_on=_ago(150),
        ends_on=_ago(30), target_money=450_000_000, target_land_m2=600, target_workdays=700,
    )  # fmt: skip
    people = _households(villages, 36, rng)
    for n, household in enumerate(people):
        day = _ago(140 - n * 3)
        amount = rng.choice((500_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000))
        services.receipt_issue(
            actor=official, campaign=road, kind=Kind.MONEY, amount=amount, received_on=day,
            contributor=Contributor(kind="household", household=household),
        )  # fmt: skip
        services.receipt_issue(
            actor=official, campaign=road, kind=Kind.WORKDAYS, amount=rng.randint(5, 20),
            received_on=day + timedelta(days=20),
            contributor=Contributor(kind="household", household=household),
        )  # fmt: skip
    for n, household in enumerate(people[:6]):
        services.receipt_issue(
            actor=official, campaign=road, kind=Kind.LAND, amount=rng.randint(40, 140),
            received_on=_ago(130 - n), land_parcel=f"Thửa {210 + n * 7}, tờ bản đồ số 12",
            compensation_waived=True,
            contributor=Contributor(kind="household", household=household),
        )  # fmt: skip
    for name, amount, anonymous in (
        ("Công ty TNHH Xây dựng Hồng Lĩnh", 120_000_000, False),
        ("Doanh nghiệp tư nhân Vật liệu Nghèn", 60_000_000, False),
        ("Một người con quê hương tại TP. Hồ Chí Minh", 100_000_000, True),
    ):
        kind = "person" if anonymous else "organisation"
        services.receipt_issue(
            actor=official, campaign=road, kind=Kind.MONEY, amount=amount, received_on=_ago(100),
            contributor=Contributor(kind=kind, name=name, anonymous=anonymous),
        )  # fmt: skip
    mistaken = services.receipt_issue(
        actor=official, campaign=road, kind=Kind.MONEY, amount=1_000_000, received_on=_ago(90),
        contributor=Contributor(kind="household", household=people[0]),
    )  # fmt: skip
    services.receipt_cancel(
        actor=official, receipt=mistaken, reason="Ghi trùng biên nhận đã lập ngày trước."
    )
    balance = services.campaign_balance(road)
    for days, what, payee, document, share in (
        (80, "Cát, đá, thép cho 1,8 km mặt đường", "HTX Dịch vụ Thiên Lộc", "HĐ 15/2026/HĐMB", 45),
        (60, "Thuê máy trộn, máy đầm", "Công ty TNHH Xây dựng Hồng Lĩnh", "HĐ 21/2026/HĐTM", 30),
        (40, "Rãnh thoát nước và cống qua đường", "Tổ thợ ông Trần Văn Tâm", "HĐ 04/2026/HĐGK", 24),
    ):
        services.spending_record(
            actor=official, campaign=road, spent_on=_ago(days), description=what, payee=payee,
            document=document, amount=balance * share // 100, village=villages[0],
        )  # fmt: skip
    services.campaign_close(actor=official, campaign=road)
    Campaign.objects.filter(pk=road.pk).update(closed_at=timezone.now() - timedelta(days=30))


def _fund(official: Any, commune: Any, villages: list[Village], rng: random.Random) -> None:
    fund = services.campaign_create(
        actor=official, commune=commune, title="Quỹ khuyến học xã năm 2026",
        purpose="Khen thưởng học sinh giỏi và hỗ trợ học sinh nghèo vào năm học mới.",
        serves="Quỹ khuyến học xã", starts_on=_ago(20), ends_on=_ago(-70),
        target_money=150_000_000,
    )  # fmt: skip
    people = _households(villages, 20, rng)
    for n, household in enumerate(people):
        who = Contributor(kind="household", household=household, anonymous=n % 7 == 3)
        amount = rng.choice((200_000, 300_000, 500_000))
        services.pledge_record(
            actor=official, campaign=fund, contributor=who, kind=Kind.MONEY, amount=amount,
            pledged_on=_ago(18),
        )  # fmt: skip
        if n % 2 == 0:
            services.receipt_issue(
                actor=official, campaign=fund, contributor=who, kind=Kind.MONEY, amount=amount,
                received_on=_ago(15 - n // 2),
            )  # fmt: skip
    services.receipt_issue(
        actor=official, campaign=fund, kind=Kind.MONEY, amount=20_000_000, received_on=_ago(10),
        contributor=Contributor(kind="organisation", name="Ngân hàng Chính sách xã hội huyện"),
    )  # fmt: skip
    services.spending_record(
        actor=official, campaign=fund, spent_on=_ago(5), description="Học bổng cho 10 học sinh",
        payee="Hội Khuyến học xã", document="QĐ 35/QĐ-HKH", amount=10_000_000,
    )  # fmt: skip


@transaction.atomic
def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's campaigns (demo data only); the audit trail keeps their history.

    The books are append-only for every use of the platform; only this reset of the demo
    removes them, through the base queryset (counter-entries before what they cancel).
    """
    count = Campaign.objects.filter(commune=commune).count()
    base = models.QuerySet
    base.delete(Spending.objects.filter(commune=commune))
    base.delete(Receipt.objects.filter(commune=commune, cancels__isnull=False))
    base.delete(Receipt.objects.filter(commune=commune))
    Pledge.objects.filter(commune=commune).delete()
    Exemption.objects.filter(commune=commune).delete()
    ReceiptCounter.objects.filter(commune=commune).delete()
    Campaign.objects.filter(commune=commune).delete()
    if count:
        audit.record(
            actor=None, action="contributions.demo.reset",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, before={"campaigns": count},
        )  # fmt: skip
    return count
