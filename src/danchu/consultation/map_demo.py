"""Demo data for the opinion map: statements and votes with planted groups on an open consultation.

``demo_load(consultation, seed)`` adds 12 statements seeded by the commune and the votes of
``participants`` demo residents drawn from three planted groups (map_synthetic.py), then
computes the map once, so the demo commune's open consultation shows a live map. Idempotent:
a consultation that already has statements is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from danchu.accounts.models import User
from danchu.consultation.map_services import map_recompute
from danchu.consultation.map_synthetic import planted_votes
from danchu.consultation.models import Consultation, Statement, StatementVote

__all__ = ["DemoMap", "demo_load"]

STATEMENTS = [
    "Chợ mới nên đặt ở trung tâm xã, gần trường học.",
    "Chợ mới nên đặt ở ven quốc lộ để xe tải vào dễ.",
    "Cần có bãi đỗ xe máy miễn phí cho người đi chợ.",
    "Tiểu thương chợ cũ được ưu tiên chọn ki-ốt ở chợ mới.",
    "Phí thuê ki-ốt nên giữ như ở chợ cũ trong hai năm đầu.",
    "Chợ nên mở cả buổi chiều, không chỉ buổi sáng.",
    "Khu bán gia cầm sống phải tách riêng và có chỗ rửa.",
    "Xã nên vay vốn để xây chợ ngay trong năm nay.",
    "Nên chờ đủ kinh phí rồi mới xây, không vay.",
    "Cần lắp camera và đèn chiếu sáng quanh chợ.",
    "Chợ cũ nên giữ lại làm sân chơi cho trẻ em.",
    "Người dân cần được xem bản vẽ thiết kế trước khi duyệt.",
]


@dataclass(frozen=True)
class DemoMap:
    statements: int
    participants: int
    votes: int


@transaction.atomic
def demo_load(consultation: Consultation, seed: int = 2025, participants: int = 150) -> DemoMap:
    if consultation.statements.exists():
        return DemoMap(consultation.statements.count(), 0, 0)
    statements = Statement.objects.bulk_create(
        Statement(
            commune=consultation.commune,
            consultation=consultation,
            text=text,
            origin=Statement.Origin.COMMUNE,
            moderation=Statement.Moderation.ACCEPTED,
        )
        for text in STATEMENTS
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"bando.{consultation.pk}.{index}",
            full_name=f"Người tham gia {index + 1}",
            password=unusable,
        )
        for index in range(participants)
    )
    data = planted_votes(
        participants, len(statements), seed=seed, shift_sd=2.0, seen=(0.6, 1.0), drive_by=0.0
    )
    StatementVote.objects.bulk_create(
        StatementVote(
            commune=consultation.commune,
            consultation=consultation,
            statement=statements[s],
            participant=users[p],
            value=v,
        )
        for p, s, v in zip(
            data.participant.tolist(), data.statement.tolist(), data.vote.tolist(), strict=True
        )
    )
    map_recompute(consultation=consultation)
    return DemoMap(len(statements), participants, int(data.vote.size))
